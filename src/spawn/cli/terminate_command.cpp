#include "spawn/cli/terminate_command.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "spawn/aws/config/partitions.hpp"
#include "spawn/aws/ec2/regions.hpp"
#include "spawn/cli/confirm.hpp"
#include "spawn/cli/host_key_store.hpp"
#include "spawn/cli/instance_selection.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/cli/spawn_config.hpp"
#include "spawn/launcher/launch_pacing.hpp"
#include "spawn/launcher/launch_resources.hpp"
#include "spawn/launcher/relaunch.hpp"
#include "spawn/launcher/spored_role.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/parallel.hpp"

namespace spawn::cli {
namespace {
namespace tag = model::tag;

constexpr const char* k_examples = R"(
Examples:
  spawn terminate i-0abc1234def567890
  spawn terminate --name build-box
  spawn terminate --job-array-name render --yes
  spawn terminate --job-array-name render --all-regions --yes   # wherever its members run)";

class TerminateCommand final : public Command {
 public:
  explicit TerminateCommand(CLI::App& parent) : Command(parent, "terminate", "Terminate instances spawn launched") {
    m_app->footer(k_examples);
    m_selection.add_options(*m_app, "terminate");
    m_app->add_flag("--yes,-y", m_yes, "do not ask for confirmation");
    m_app->add_flag("--all-regions", m_all_regions, "every region enabled for the account, asked concurrently (with --name "
                                                    "or --job-array-name)")
        ->excludes(m_app->get_option("--region"));
  }

  int run() override {
    if (auto bad = m_selection.usage_error("terminate"); !bad.empty()) return usage(bad);
    if (m_all_regions && !m_selection.ids.empty())
      return usage("--all-regions: give --name or --job-array-name (an instance id belongs to one region)");

    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    auto found = m_all_regions ? find_in_every_region(*session) : find_here(*session);
    if (!found) return k_exit_failure;
    std::vector<std::string> ids;
    for (const auto& [region, instances] : *found)
      for (const auto& i : instances) ids.push_back(m_all_regions ? i.instance_id + " (" + region + ")" : i.instance_id);
    if (ids.size() > 1 && !m_yes)
      if (int status = confirm_several("Terminate", "terminated", ids, "terminate"); status != k_exit_ok) return status;
    nlohmann::json out = nlohmann::json::array();
    int status = k_exit_ok;
    for (const auto& [region, instances] : *found) {
      if (auto s = terminate_in(*session, region, instances, out); s != k_exit_ok) status = s;
    }
    if (m_global.output == OutputFormat::json) fmt::print("{}\n", nlohmann::json{{"terminated", out}}.dump(2));
    return status;
  }

 private:
  using Found = std::vector<std::pair<std::string, std::vector<aws::ec2::Instance>>>;  // region -> its instances

  std::optional<Found> find_here(const Session& session) const {
    auto found = find_selected(session.ec2(), m_selection);
    if (!found) {
      print_command_failure(found.error());
      return std::nullopt;
    }
    return Found{{session.region(), std::move(*found)}};
  }

  // Every region enabled for the account in the session's partition, asked at once (as spawn
  // list --all-regions); a region that cannot be asked is said, and the others go on.
  std::optional<Found> find_in_every_region(const Session& session) const {
    auto listed = aws::ec2::describe_regions(session.ec2(), aws::ec2::AllRegions::no);
    if (!listed) {
      print_error(listed.error());
      return std::nullopt;
    }
    const std::string_view partition = aws::config::partition_of(session.region()).id;
    std::vector<std::string> regions;
    for (const auto& r : *listed)
      if (r.enabled() && aws::config::partition_of(r.name).id == partition) regions.push_back(r.name);
    std::vector<std::optional<expected<std::vector<aws::ec2::Instance>, CommandFailure>>> each(regions.size());
    util::parallel_for(regions.size(), 8, [&](size_t k) { each[k] = find_selected(session.ec2(regions[k]), m_selection); });
    Found found;
    for (size_t k = 0; k < regions.size(); ++k) {
      auto& r = *each[k];
      if (r) found.emplace_back(regions[k], std::move(*r));
      else if (r.error().aws) print_failure(fmt::format("{}: {}", regions[k], r.error().aws->describe()));
    }
    if (found.empty()) {
      print_failure("no live spawn instance matches " + m_selection.describe() + " in any region");
      return std::nullopt;
    }
    return found;
  }

  // Cancels what would launch again, terminates, says so, and removes what the launches leave.
  int terminate_in(const Session& session, const std::string& region, const std::vector<aws::ec2::Instance>& found,
                   nlohmann::json& out) const {
    auto ec2 = session.ec2(region);
    std::vector<std::string> ids;
    for (const auto& i : found) ids.push_back(i.instance_id);
    // A persistent spot request (--on-interruption hibernate) launches a new instance once its
    // instance is gone: cancel those first (cancelling never stops a running instance). The
    // instances are terminated whatever happens to the cancel: they are what is billed now.
    auto uncancelled = cancel_persistent_requests(ec2, found);
    // An array that relaunches its members ends here: its launch template goes first, so that
    // no member launches a replacement any more; anything launched meanwhile is swept below.
    auto ended = launcher::end_relaunches(ec2, found);
    if (!ended)
      fmt::print(stderr, "spawn: warning: could not delete the launch template of the array's replacements ({}); "
                         "members interrupted now may still be replaced\n",
                 ended.error().describe());
    auto changes = launcher::terminate_in_batches(
        ec2, ids, [](const std::string& line) { fmt::print(stderr, "{}\n", line); }, {});
    if (!changes) {
      print_error(changes.error());
      return k_exit_failure;
    }
    forget_host_keys(aws::config::process_environment(), ids);  // what spawn connect trusted
    for (const auto& c : *changes) {
      if (m_global.output == OutputFormat::json)
        out.push_back({{"instance_id", c.instance_id}, {"previous_state", c.previous_state},
                       {"current_state", c.current_state}, {"region", region}});
      else
        fmt::print("{}  {} -> {}{}\n", c.instance_id, c.previous_state, c.current_state,
                   m_all_regions ? "  (" + region + ")" : "");
    }
    if (ended && !ended->empty()) {
      const launcher::Notify say = [](const std::string& line) { fmt::print(stderr, "spawn: warning: {}\n", line); };
      auto swept = launcher::sweep_replacements({ec2, say, say, {}}, *ended, ids, {std::chrono::seconds(3)});
      if (!swept) {
        print_error(swept.error());
        fmt::print(stderr, "spawn: hint: look for instances of the array still running: spawn list --job-array-name NAME\n");
        return k_exit_failure;
      }
      for (const auto& c : *swept) {
        if (m_global.output == OutputFormat::json)
          out.push_back({{"instance_id", c.instance_id}, {"previous_state", c.previous_state},
                         {"current_state", c.current_state}, {"region", region}});
        else
          fmt::print("{}  {} -> {}  (a replacement)\n", c.instance_id, c.previous_state, c.current_state);
      }
    }
    remove_finished_launches(session, ec2, found);
    for (const auto& i : found)
      if (auto pool = i.tags.find(tag::k_pool); pool != i.tags.end())
        fmt::print(stderr, "spawn: note: {} is a member of pool {}: EC2 launches a replacement ('spawn pool resize {} "
                           "--capacity N' makes the pool smaller, 'spawn pool delete {}' ends it)\n",
                   i.instance_id, pool->second, pool->second, pool->second);
    if (uncancelled) {
      print_error(uncancelled->first);
      fmt::print(stderr, "spawn: hint: the instances are terminated, but EC2 may launch new ones for these spot requests "
                         "until they are cancelled: aws ec2 cancel-spot-instance-requests --region {} "
                         "--spot-instance-request-ids {}\n",
                 region, fmt::join(uncancelled->second, " "));
      return k_exit_failure;
    }
    return k_exit_ok;
  }

  // The roles and settings of the launches these instances belonged to, once a launch has no
  // instance left (a part of an array terminated keeps them). Only launches that run with a
  // profile spawn made for them: a launch without spored, or with the user's own profile, has
  // nothing to remove and costs no request. Never fails the command: what is left is said, and
  // the next launch's sweep removes it.
  void remove_finished_launches(const Session& session, const aws::ec2::Client& ec2,
                                const std::vector<aws::ec2::Instance>& instances) const {
    std::vector<std::string> launches;
    for (const auto& i : instances) {
      auto it = i.tags.find(tag::k_launch_id);
      if (it == i.tags.end() || !i.iam_instance_profile_arn.ends_with("/" + launcher::launch_role_name(it->second)))
        continue;
      if (i.tags.count(tag::k_pool)) continue;  // the pool's role: its replacements need it ('spawn pool delete')
      if (std::find(launches.begin(), launches.end(), it->second) == launches.end()) launches.push_back(it->second);
    }
    if (launches.empty()) return;
    auto finished = launcher::launches_without_instances(ec2, launches);
    if (!finished) {
      fmt::print(stderr, "spawn: warning: could not check whether the launches' roles can go ({})\n",
                 finished.error().describe());
      return;
    }
    std::optional<aws::s3::Client> bucket;
    if (auto path = spawn_config_path(aws::config::process_environment())) {
      if (auto config = load_spawn_config(*path); config && config->bucket())
        bucket = session.s3(config->bucket()->bucket, config->bucket()->region);
    }
    auto iam = session.iam();
    const launcher::ResourceClients clients{ec2, iam, bucket ? &*bucket : nullptr};
    for (const auto& id : *finished)
      if (auto gone = launcher::delete_launch_resources(clients, id); !gone)
        fmt::print(stderr, "spawn: warning: could not remove the role and settings of launch {} ({}); the next launch "
                           "removes them\n", id, gone.error().describe());
  }

  // Cancels the spot requests of these instances that EC2 could fulfil again (persistent and not
  // over); when their type cannot be read, every request named (cancelling a one-time request is
  // harmless). The error and the requests left when cancelling failed.
  static std::optional<std::pair<aws::Error, std::vector<std::string>>> cancel_persistent_requests(
      const aws::ec2::Client& ec2, const std::vector<aws::ec2::Instance>& instances) {
    std::vector<std::string> named;
    for (const auto& i : instances)
      if (!i.spot_request_id.empty()) named.push_back(i.spot_request_id);
    if (named.empty()) return std::nullopt;
    std::vector<std::string> to_cancel;
    if (auto requests = ec2.describe_spot_instance_requests(named); requests) {
      for (const auto& r : *requests)
        if (r.can_launch_again()) to_cancel.push_back(r.request_id);
    } else {
      to_cancel = named;
    }
    if (to_cancel.empty()) return std::nullopt;
    if (auto cancelled = ec2.cancel_spot_instance_requests(to_cancel); !cancelled)
      return std::make_pair(cancelled.error(), to_cancel);
    return std::nullopt;
  }

  int usage(const std::string& message) {
    print_usage_error(message, "terminate");
    return k_exit_usage;
  }

  InstanceSelection m_selection;
  bool m_yes = false;
  bool m_all_regions = false;
};

}  // namespace

std::unique_ptr<Command> make_terminate_command(CLI::App& parent) { return std::make_unique<TerminateCommand>(parent); }

}  // namespace spawn::cli
