#include "spawn/cli/extend_command.hpp"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "spawn/cli/instance_selection.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/cli/spawn_config.hpp"
#include "spawn/launcher/launch_spec.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/time.hpp"

namespace spawn::cli {
namespace {
namespace tag = model::tag;

constexpr const char* k_examples = R"(
Examples:
  spawn extend i-0abc1234def567890 --ttl 2h          # ends 2 hours from now
  spawn extend --job-array-name render --until 2026-12-05T06:00:00Z

The new deadline replaces the old one (later or earlier); spored on the instance reads it from
the launch's spec within a minute and logs ttl_changed. Only instances launched with --ttl and
spored can be extended.)";

// Sooner than this is no extension a person means, and spored may not see it in time.
constexpr auto k_min_ahead = std::chrono::minutes(2);

class ExtendCommand final : public Command {
 public:
  explicit ExtendCommand(CLI::App& parent) : Command(parent, "extend", "Move the TTL deadline of running instances") {
    m_app->footer(k_examples);
    m_selection.add_options(*m_app, "extend");
    m_app->add_option("--ttl", m_ttl, "the new time to live, from now: 2h, 90m, 1h30m");
    m_app->add_option("--until", m_until, "the new deadline, RFC 3339 (2026-12-05T06:00:00Z)");
  }

  int run() override {
    if (auto bad = m_selection.usage_error("extend"); !bad.empty()) return usage(bad);
    if (m_ttl.has_value() == m_until.has_value()) return usage("give --ttl DURATION or --until TIME (one of them)");
    const auto now = std::chrono::system_clock::now();
    util::SystemTime deadline;
    if (m_ttl) {
      auto ttl = util::parse_duration(*m_ttl);
      if (!ttl || ttl->count() <= 0) return usage("--ttl: expected a duration such as 2h, 90m or 1h30m, got '" + *m_ttl + "'");
      deadline = now + *ttl;
    } else {
      auto until = util::parse_rfc3339(*m_until);
      if (!until) return usage("--until: expected an RFC 3339 time such as 2026-12-05T06:00:00Z, got '" + *m_until + "'");
      deadline = *until;
    }
    if (deadline < now + k_min_ahead)
      return usage(fmt::format("the new deadline {} is {}: give one at least 2 minutes ahead", util::format_rfc3339(deadline),
                               deadline <= now ? "in the past" : "too close"));
    const std::string new_deadline = util::format_rfc3339(deadline);

    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    auto ec2 = session->ec2();
    auto found = find_selected(ec2, m_selection);
    if (!found) {
      print_selection_failure(found.error());
      return k_exit_failure;
    }

    // Every instance is checked, and every spec read, before anything is written.
    std::map<std::string, std::vector<const aws::ec2::Instance*>> by_launch;
    for (const auto& i : *found) {
      if (!i.tags.contains(tag::k_ttl_deadline)) {
        print_failure(i.instance_id + " has no TTL (launched without --ttl): extend moves a TTL set at launch");
        return k_exit_failure;
      }
      auto launch = i.tags.find(tag::k_launch_id);
      if (launch == i.tags.end()) {
        print_failure(i.instance_id + " has no spawn:launch-id tag: it was launched by an older spawn, whose spored "
                                      "reads no spec; terminate it at the deadline you want instead");
        return k_exit_failure;
      }
      by_launch[launch->second].push_back(&i);
    }
    auto config_path = spawn_config_path(aws::config::process_environment());
    auto config = config_path ? load_spawn_config(*config_path) : expected<SpawnConfig, std::string>(SpawnConfig{});
    if (!config) {
      print_failure(config.error());
      return k_exit_failure;
    }
    const AgentLocation* spawn_bucket = config->bucket();
    if (!spawn_bucket) {
      print_failure("spawn knows no bucket, where the launches' specs are (spored reads its TTL there)");
      fmt::print(stderr, "spawn: hint: run 'spawn agent upload --bucket BUCKET' once; instances launched before it "
                         "have no spored to extend\n");
      return k_exit_failure;
    }
    auto bucket = session->s3(spawn_bucket->bucket, spawn_bucket->region);
    std::map<std::string, std::string> updated;  // launch id -> new spec
    for (const auto& [launch_id, members] : by_launch) {
      const auto where = launcher::spec_location(spawn_bucket->bucket, spawn_bucket->region, launch_id);
      auto spec = bucket.get_object(where.key);
      if (!spec) {
        if (spec.error().code == "NoSuchKey") {
          print_failure(fmt::format("{} has no spored to tell: its launch {} has no spec in {} (launched with --no-agent, "
                                    "or with another bucket)",
                                    members.front()->instance_id, launch_id, where.url()));
          return k_exit_failure;
        }
        print_error(spec.error());
        return k_exit_failure;
      }
      std::vector<std::string> ids;
      for (const auto* m : members) ids.push_back(m->instance_id);
      auto changed = launcher::spec_with_deadline(spec->body, ids, new_deadline);
      if (!changed) {
        print_failure(where.url() + ": " + changed.error());
        return k_exit_failure;
      }
      updated[launch_id] = *changed;
    }

    for (const auto& [launch_id, document] : updated) {
      const auto where = launcher::spec_location(spawn_bucket->bucket, spawn_bucket->region, launch_id);
      if (auto put = bucket.put_object(where.key, document, "application/json"); !put) {
        print_error(put.error());
        return k_exit_failure;
      }
    }
    std::vector<std::string> ids;
    for (const auto& i : *found) ids.push_back(i.instance_id);
    // The tag records the deadline for people and `spawn list`; spored reads the spec.
    if (auto tagged = ec2.create_tags(ids, {{tag::k_ttl_deadline, new_deadline}}); !tagged) {
      print_error(tagged.error());
      fmt::print(stderr, "spawn: hint: spored has the new deadline (the spec is written); only the tag "
                         "spawn:ttl-deadline still shows the old one\n");
      return k_exit_failure;
    }

    if (m_global.output == OutputFormat::json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& i : *found)
        out.push_back({{"instance_id", i.instance_id},
                       {"previous_ttl_deadline", i.tags.at(tag::k_ttl_deadline)},
                       {"ttl_deadline", new_deadline}});
      fmt::print("{}\n", nlohmann::json{{"extended", out}}.dump(2));
    } else {
      for (const auto& i : *found)
        fmt::print("{}  TTL {} -> {}\n", i.instance_id, i.tags.at(tag::k_ttl_deadline), new_deadline);
      fmt::print("spored on each instance reads the new deadline within a minute.\n");
    }
    return k_exit_ok;
  }

 private:
  int usage(const std::string& message) {
    print_usage_error(message, "extend");
    return k_exit_usage;
  }

  InstanceSelection m_selection;
  std::optional<std::string> m_ttl, m_until;
};

}  // namespace

std::unique_ptr<Command> make_extend_command(CLI::App& parent) { return std::make_unique<ExtendCommand>(parent); }

}  // namespace spawn::cli
