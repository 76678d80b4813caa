#include "spawn/cli/pool_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "spawn/cli/launch_flags.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/pool_create.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/cli/spawn_config.hpp"
#include "spawn/launcher/launch_resources.hpp"
#include "spawn/launcher/pool.hpp"
#include "spawn/launcher/spored_role.hpp"
#include "spawn/util/time.hpp"

namespace spawn::cli {
namespace {

constexpr const char* k_examples = R"(
Examples:
  spawn pool create ci --instance-types m7i.large,m6i.large --capacity 4
  spawn pool create render --instance-type c7i.large --capacity 8 --spot-count 6   # 6 spot + 2 on-demand
  spawn pool list
  spawn pool status ci
  spawn pool resize ci --capacity 6
  spawn pool delete ci --yes

A pool is N instances that EC2 keeps running: one EC2 Fleet of type maintain over a launch
template of spawn's. EC2 replaces a member that is interrupted or terminated, and with capacity
rebalancing launches the replacement before a spot member at risk is taken back. Members run
spored like any spot launch (--on-interruption, --checkpoint-script, --notify). A pool has no
TTL: it runs, and bills, until 'spawn pool delete'.)";

std::string age_of(const std::string& time) {
  auto t = util::parse_rfc3339(time);
  if (!t) return "-";
  return util::format_age(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - *t));
}

std::string capacity_text(const aws::ec2::FleetDescription& f) {
  return fmt::format("{}/{}", static_cast<long>(f.fulfilled), f.total_target);
}

nlohmann::json pool_json(const launcher::Pool& p) {
  const auto& f = p.fleet;
  return {{"name", p.name},
          {"fleet_id", f.fleet_id},
          {"state", f.state},
          {"activity_status", f.activity_status},
          {"target_capacity", f.total_target},
          {"spot_target_capacity", f.spot_target},
          {"on_demand_target_capacity", f.on_demand_target},
          {"fulfilled_capacity", f.fulfilled},
          {"fulfilled_on_demand_capacity", f.fulfilled_on_demand},
          {"create_time", f.create_time}};
}

class PoolCommand final : public Command {
 public:
  explicit PoolCommand(CLI::App& parent) : Command(parent, "pool", "Spot pools: N instances kept running by EC2 Fleet") {
    m_app->footer(k_examples);
    m_app->require_subcommand(1);

    m_create = m_app->add_subcommand("create", "Create a pool: an EC2 Fleet that keeps N instances running");
    add_global_options(*m_create, m_global);
    m_create->add_option("NAME", m_options.name, "the pool's name (tag spawn:pool)")->required();
    m_flags.add_instance(*m_create, m_options.launch);
    m_create->add_option("--capacity", m_options.capacity, "how many instances the pool keeps running")->required();
    m_create->add_option("--spot-count", m_options.spot_count, "of them spot (default: all); the rest on demand");
    m_create->add_flag("--yes", m_options.yes, "a capacity above 100 is meant");
    m_flags.add_tags(*m_create);
    m_flags.add_spot_pricing(*m_create, SpotFlagsNeed::nothing);
    m_flags.add_interruption_and_agent(*m_create, SpotFlagsNeed::nothing);

    m_list = m_app->add_subcommand("list", "List the pools: fleet, target and fulfilled capacity, state");
    add_global_options(*m_list, m_global);

    m_status = m_app->add_subcommand("status", "A pool's capacity, members and what EC2 replaced");
    add_global_options(*m_status, m_global);
    m_status->add_option("NAME", m_name, "the pool")->required();

    m_resize = m_app->add_subcommand("resize", "Change how many instances a pool keeps (ModifyFleet)");
    add_global_options(*m_resize, m_global);
    m_resize->add_option("NAME", m_name, "the pool")->required();
    m_resize->add_option("--capacity", m_capacity, "the new number of instances")->required();
    m_resize->add_option("--spot-count", m_spot_count,
                         "of them spot (default: the pool's on-demand part is kept, the rest spot)");
    m_resize->add_flag("--yes", m_yes, "a capacity above 100 is meant");

    m_delete = m_app->add_subcommand("delete", "Delete a pool: its fleet, its instances, its template and role");
    add_global_options(*m_delete, m_global);
    m_delete->add_option("NAME", m_name, "the pool")->required();
    m_delete->add_flag("--yes,-y", m_yes, "do not ask (needed when stdin is not a terminal)");
  }

  int run() override {
    if (m_create->parsed()) {
      if (auto flags = m_flags.read(m_options.launch); !flags) return usage(flags.error(), "pool create");
      return run_pool_create(m_options, m_flags.agent(), m_global);
    }
    if (m_list->parsed()) return list();
    if (m_status->parsed()) return status();
    if (m_resize->parsed()) return resize();
    if (m_delete->parsed()) return remove();
    return k_exit_usage;
  }

 private:
  static int usage(const model::UsageError& error, const std::string& where) {
    if (error.hint.empty()) {
      print_usage_error(error.message, where);
    } else {
      print_failure(error.message);
      fmt::print(stderr, "spawn: hint: {}\n", error.hint);
    }
    return k_exit_usage;
  }

  bool json() const { return m_global.output == OutputFormat::json; }

  // The pool of that name: nullopt (the error printed, *status set) when it cannot be had.
  std::optional<launcher::Pool> lookup(const Session& session, const std::string& where, int& status) const {
    auto found = launcher::find_pool(session.ec2(), m_name);
    if (!found) {
      print_error(found.error());
      status = k_exit_failure;
      return std::nullopt;
    }
    if (!*found) {
      status = usage({fmt::format("no pool named {} in {}", m_name, session.region()),
                      "'spawn pool list' shows the pools of the region (--region for another)"},
                     where);
      return std::nullopt;
    }
    return **found;
  }

  int list() {
    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    auto pools = launcher::list_pools(session->ec2());
    if (!pools) {
      print_error(pools.error());
      return k_exit_failure;
    }
    if (json()) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& p : *pools) out.push_back(pool_json(p));
      fmt::print("{}\n", out.dump(2));
      return k_exit_ok;
    }
    if (pools->empty()) {
      fmt::print("No pools. Create one with: spawn pool create NAME --instance-type m7i.large --capacity 2\n");
      return k_exit_ok;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : *pools) {
      const auto& f = p.fleet;
      rows.push_back({p.name, f.fleet_id, capacity_text(f), fmt::format("{} + {}", f.spot_target, f.on_demand_target),
                      f.state, age_of(f.create_time), f.activity_status.empty() ? "-" : f.activity_status});
    }
    fmt::print("{}", render_table({"NAME", "FLEET", "RUNNING/TARGET", "SPOT + ON-DEMAND", "STATE", "AGE", "ACTIVITY"}, rows));
    return k_exit_ok;
  }

  int status() {
    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    int code = k_exit_ok;
    auto pool = lookup(*session, "pool status", code);
    if (!pool) return code;
    auto st = launcher::pool_status(session->ec2(), *pool);
    if (!st) {
      print_error(st.error());
      return k_exit_failure;
    }
    const auto& f = pool->fleet;
    const auto& a = st->activity;
    if (json()) {
      nlohmann::json members = nlohmann::json::array();
      for (const auto& i : st->members)
        members.push_back({{"instance_id", i.instance_id}, {"instance_type", i.instance_type}, {"lifecycle", i.lifecycle},
                           {"state", i.state}, {"availability_zone", i.availability_zone}, {"launch_time", i.launch_time}});
      nlohmann::json events = nlohmann::json::array();
      for (const auto& e : a.events)
        events.push_back({{"time", e.time}, {"event", e.what},
                          {"instance_id", e.instance_id.empty() ? nlohmann::json() : nlohmann::json(e.instance_id)}});
      nlohmann::json out = pool_json(*pool);
      out["members"] = members;
      out["interruptions"] = a.interruptions;
      out["terminations"] = a.terminations;
      out["replacements"] = a.replacements;
      out["history"] = events;
      fmt::print("{}\n", out.dump(2));
      return k_exit_ok;
    }
    fmt::print("Pool {}: fleet {}, {}{}\n", pool->name, f.fleet_id, f.state,
               f.activity_status.empty() ? "" : " (" + f.activity_status + ")");
    size_t spot = 0;
    for (const auto& i : st->members) spot += i.spot() ? 1 : 0;
    fmt::print("Capacity: {} of {} running ({} spot + {} on-demand; target {} + {})\n", st->members.size(), f.total_target,
               spot, st->members.size() - spot, f.spot_target, f.on_demand_target);
    fmt::print("Interruptions: {}, other terminations: {}, replacements: {}\n", a.interruptions, a.terminations,
               a.replacements);
    std::vector<std::vector<std::string>> rows;
    for (const auto& i : st->members)
      rows.push_back({i.instance_id, i.instance_type, i.lifecycle, i.state, age_of(i.launch_time), i.availability_zone});
    if (!rows.empty()) fmt::print("{}", render_table({"ID", "TYPE", "LIFECYCLE", "STATE", "AGE", "AZ"}, rows));
    std::vector<std::vector<std::string>> history;
    for (const auto& e : a.events)
      if (!e.instance_id.empty()) history.push_back({e.time, e.what, e.instance_id});
    if (!history.empty()) {
      fmt::print("History:\n");
      fmt::print("{}", render_table({"TIME", "EVENT", "INSTANCE"}, history));
    }
    return k_exit_ok;
  }

  int resize() {
    // What can be checked without the pool: the numbers themselves.
    if (auto ok = model::validate_pool_capacity(m_capacity, m_spot_count, m_yes); !ok)
      return usage(ok.error(), "pool resize");
    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    int code = k_exit_ok;
    auto pool = lookup(*session, "pool resize", code);
    if (!pool) return code;
    // Without --spot-count the on-demand part stays (as far as the new size allows).
    const int spot = m_spot_count.value_or(std::max(0, m_capacity - pool->fleet.on_demand_target));
    if (auto ok = launcher::resize_pool(session->ec2(), *pool, m_capacity, spot); !ok) {
      print_error(ok.error());
      return k_exit_failure;
    }
    if (json()) {
      fmt::print("{}\n", nlohmann::json{{"name", pool->name}, {"fleet_id", pool->fleet.fleet_id},
                                        {"capacity", m_capacity}, {"spot", spot}, {"on_demand", m_capacity - spot},
                                        {"previous_capacity", pool->fleet.total_target}}
                             .dump(2));
      return k_exit_ok;
    }
    fmt::print("Pool {}: capacity {} -> {} ({} spot + {} on-demand); EC2 launches or terminates to match\n", pool->name,
               pool->fleet.total_target, m_capacity, spot, m_capacity - spot);
    return k_exit_ok;
  }

  int remove() {
    if (!m_yes && !isatty(STDIN_FILENO))
      return usage({"pool delete: stdin is not a terminal; pass --yes to delete without asking", ""}, "pool delete");
    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    int code = k_exit_ok;
    auto pool = lookup(*session, "pool delete", code);
    if (!pool) return code;
    if (!m_yes) {
      fmt::print(stderr, "Delete pool {} (fleet {}) and terminate its {} instance(s)? [y/N] ", pool->name,
                 pool->fleet.fleet_id, static_cast<long>(pool->fleet.fulfilled));
      std::string answer;
      std::getline(std::cin, answer);
      if (answer != "y" && answer != "yes") {
        fmt::print(stderr, "Nothing deleted.\n");
        return k_exit_failure;
      }
    }
    const bool quiet = json();
    const auto ec2 = session->ec2();
    const launcher::LaunchContext ctx{ec2, [quiet](const std::string& line) {
                                        if (!quiet) fmt::print(stderr, "{}\n", line);
                                      },
                                      [](const std::string& line) { fmt::print(stderr, "{}\n", line); }, {}};
    if (auto gone = launcher::delete_pool(ctx, *pool); !gone) {
      print_error(gone.error());
      return k_exit_failure;
    }
    // The pool's role, instance profile and spec, as `spawn terminate` removes a launch's.
    if (!pool->launch_id.empty()) {
      std::optional<aws::s3::Client> bucket;
      if (auto path = spawn_config_path(aws::config::process_environment())) {
        if (auto config = load_spawn_config(*path); config && config->bucket())
          bucket = session->s3(config->bucket()->bucket, config->bucket()->region);
      }
      const launcher::ResourceClients resources{ec2, session->iam(), bucket ? &*bucket : nullptr};
      if (auto removed = launcher::delete_launch_resources(resources, pool->launch_id); !removed) {
        print_error(removed.error());
        fmt::print(stderr, "spawn: hint: the fleet and its instances are gone; remove the role {} by hand or run "
                           "'spawn launch' later (it sweeps the roles of finished launches)\n",
                   launcher::launch_role_name(pool->launch_id));
        return k_exit_failure;
      }
    }
    if (quiet) {
      fmt::print("{}\n", nlohmann::json{{"name", pool->name}, {"fleet_id", pool->fleet.fleet_id}, {"deleted", true}}.dump(2));
      return k_exit_ok;
    }
    fmt::print("Deleted pool {}: fleet {}, its instances and its launch template\n", pool->name, pool->fleet.fleet_id);
    return k_exit_ok;
  }

  CLI::App *m_create = nullptr, *m_list = nullptr, *m_status = nullptr, *m_resize = nullptr, *m_delete = nullptr;
  model::PoolOptions m_options;
  LaunchFlags m_flags;
  std::string m_name;
  int m_capacity = 0;
  std::optional<int> m_spot_count;
  bool m_yes = false;
};

}  // namespace

std::unique_ptr<Command> make_pool_command(CLI::App& parent) { return std::make_unique<PoolCommand>(parent); }

}  // namespace spawn::cli
