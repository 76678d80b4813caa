#include "spawn/cli/stop_start_command.hpp"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "spawn/cli/instance_selection.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/cli/ttl_deadlines.hpp"
#include "spawn/launcher/ttl_pause.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::cli {
namespace {
namespace tag = model::tag;

// Polls DescribeInstances until every instance is in `state` (or the timeout passes).
expected<void, CommandFailure> wait_for(const aws::ec2::Client& ec2, const std::vector<std::string>& ids,
                                        const std::string& state, std::chrono::seconds timeout = std::chrono::minutes(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto delay = std::chrono::milliseconds(500);
  for (;;) {
    auto found = ec2.describe_instances({}, ids);
    if (!found) return unexpected(CommandFailure{found.error(), {}, {}});
    size_t there = 0;
    for (const auto& i : *found) {
      if (i.state == state) ++there;
      else if (i.state == "terminated" || i.state == "shutting-down")
        return unexpected(CommandFailure{std::nullopt, i.instance_id + " ended (" + i.state + ") while waiting", {}});
    }
    if (there == ids.size()) return {};
    if (std::chrono::steady_clock::now() > deadline)
      return unexpected(CommandFailure{std::nullopt,
                                       fmt::format("{} of {} instances {} after {} s", there, ids.size(), state,
                                                   timeout.count()),
                                       {}});
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
}

void print_changes(const GlobalOptions& global, const char* what, const std::vector<aws::ec2::StateChange>& changes,
                   const nlohmann::json& extra = nlohmann::json::object()) {
  if (global.output == OutputFormat::json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : changes) {
      nlohmann::json row = {{"instance_id", c.instance_id}, {"previous_state", c.previous_state},
                            {"current_state", c.current_state}};
      if (extra.contains(c.instance_id)) row.update(extra[c.instance_id]);
      out.push_back(row);
    }
    fmt::print("{}\n", nlohmann::json{{what, out}}.dump(2));
    return;
  }
  for (const auto& c : changes) fmt::print("{}  {} -> {}\n", c.instance_id, c.previous_state, c.current_state);
}

class StopStartBase : public Command {
 protected:
  StopStartBase(CLI::App& parent, const std::string& name, const std::string& description)
      : Command(parent, name, description), m_verb(name) {
    m_selection.add_options(*m_app, name);
    m_app->add_flag("--wait", m_wait, "wait until every instance is " + std::string(name == "stop" ? "stopped" : "running"));
  }

  int usage(const std::string& message) {
    print_usage_error(message, m_verb);
    return k_exit_usage;
  }
  int fail(const CommandFailure& failure) {
    print_command_failure(failure);
    return k_exit_failure;
  }

  std::string m_verb;
  InstanceSelection m_selection;
  bool m_wait = false;
};

class StopCommand final : public StopStartBase {
 public:
  explicit StopCommand(CLI::App& parent) : StopStartBase(parent, "stop", "Stop instances spawn launched (start them later)") {
    m_app->add_flag("--hibernate", m_hibernate, "hibernate (keep memory): instances launched hibernation-capable");
    m_app->footer(R"(
Examples:
  spawn stop --name dev
  spawn stop i-0abc1234def567890 --hibernate --wait

A stopped instance costs its volumes, not its compute. EC2 can stop on-demand instances and spot
instances of a persistent request (--on-interruption hibernate); a one-time spot instance can
only be terminated. The TTL pauses while stopped: spawn start gives back the time that was left.)");
  }

  int run() override {
    if (auto bad = m_selection.usage_error("stop"); !bad.empty()) return usage(bad);
    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    auto ec2 = session->ec2();
    auto found = find_selected(ec2, m_selection);
    if (!found) return fail(found.error());

    // Everything is checked before anything is stopped.
    std::vector<std::string> spot_requests;
    for (const auto& i : *found) {
      if (i.state != "running" && i.state != "pending")
        return fail({std::nullopt, fmt::format("{} is {}: only a running instance can be stopped", i.instance_id, i.state), {}});
      if (m_hibernate && !i.hibernation_configured)
        return fail({std::nullopt,
                     i.instance_id + " was not launched hibernation-capable: it can stop, not hibernate",
                     "drop --hibernate"});
      if (i.spot()) {
        if (i.spot_request_id.empty())
          return fail({std::nullopt, i.instance_id + " is a spot instance without a request EC2 can resume: it can "
                                                     "only be terminated", {}});
        spot_requests.push_back(i.spot_request_id);
      }
    }
    if (!spot_requests.empty()) {
      auto requests = ec2.describe_spot_instance_requests(spot_requests);
      if (!requests) return fail({requests.error(), {}, {}});
      for (const auto& r : *requests)
        if (r.type != "persistent")
          return fail({std::nullopt,
                       fmt::format("{} is a one-time spot instance: EC2 cannot stop it, only terminate it", r.instance_id),
                       "launch with --spot --on-interruption hibernate (a persistent request) to stop spot instances"});
    }
    std::vector<std::string> ids;
    bool any_ttl = false, any_idle = false;
    for (const auto& i : *found) {
      ids.push_back(i.instance_id);
      any_ttl = any_ttl || i.tags.contains(tag::k_ttl_deadline);
      any_idle = any_idle || i.tags.contains(tag::k_idle_timeout);
    }
    auto changes = ec2.stop_instances(ids, m_hibernate);
    if (!changes) return fail({changes.error(), {}, {}});
    print_changes(m_global, "stopped", *changes);
    if (any_ttl && m_global.output != OutputFormat::json)
      fmt::print("The TTL pauses while stopped: 'spawn start' gives back the time that was left.\n");
    if (any_idle && m_global.output != OutputFormat::json)
      fmt::print("The idle clock stops too: after 'spawn start' spored counts the idle window from zero.\n");
    if (m_wait)
      if (auto waited = wait_for(ec2, ids, "stopped"); !waited) return fail(waited.error());
    return k_exit_ok;
  }

 private:
  bool m_hibernate = false;
};

class StartCommand final : public StopStartBase {
 public:
  explicit StartCommand(CLI::App& parent) : StopStartBase(parent, "start", "Start instances spawn stopped") {
    m_app->footer(R"(
Examples:
  spawn start --name dev --wait

An instance with a TTL gets back the time it had left when it stopped (the deadline moves in the
launch's settings, which spored reads when it starts, and in the tag spawn:ttl-deadline). The idle
window of --idle-timeout starts from zero when spored starts.)");
  }

  int run() override {
    if (auto bad = m_selection.usage_error("start"); !bad.empty()) return usage(bad);
    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    auto ec2 = session->ec2();
    auto found = find_selected(ec2, m_selection);
    if (!found) return fail(found.error());

    const auto now = std::chrono::system_clock::now();
    std::vector<DeadlineMove> moves;
    nlohmann::json extra = nlohmann::json::object();
    std::vector<std::string> notes;
    for (const auto& i : *found) {
      if (i.state != "stopped")
        return fail({std::nullopt, fmt::format("{} is {}: only a stopped instance can be started", i.instance_id, i.state),
                     i.state == "stopping" ? "wait until it is stopped ('spawn stop --wait')" : ""});
      if (auto idle = i.tags.find(tag::k_idle_timeout); idle != i.tags.end())
        notes.push_back(fmt::format("{}: the idle clock starts from zero ({} idle: {})", i.instance_id,
                                    idle->second.substr(0, idle->second.find(' ')),
                                    idle->second.substr(std::min(idle->second.size(), idle->second.find(' ') + 1))));
      auto ttl = i.tags.find(tag::k_ttl_deadline);
      if (ttl == i.tags.end()) continue;
      auto deadline = util::parse_rfc3339(ttl->second);
      auto stopped_at = launcher::stop_time(i.state_transition_reason);
      if (!deadline || !stopped_at) {
        notes.push_back(fmt::format("{}: the TTL stays at {} (when it stopped is not known)", i.instance_id, ttl->second));
        continue;
      }
      const std::string moved = util::format_rfc3339(launcher::paused_deadline(*deadline, *stopped_at, now));
      moves.push_back({&i, moved});
      extra[i.instance_id] = {{"previous_ttl_deadline", ttl->second}, {"ttl_deadline", moved}};
      notes.push_back(fmt::format("{}: TTL {} -> {} (paused while stopped)", i.instance_id, ttl->second, moved));
    }
    // The deadline first: spored reads it when the instance boots.
    if (auto moved = move_deadlines(*session, ec2, moves); !moved) return fail(moved.error());
    std::vector<std::string> ids;
    for (const auto& i : *found) ids.push_back(i.instance_id);
    auto changes = ec2.start_instances(ids);
    if (!changes) return fail({changes.error(), {}, {}});
    print_changes(m_global, "started", *changes, extra);
    if (m_global.output != OutputFormat::json)
      for (const auto& n : notes) fmt::print("{}\n", n);
    if (m_wait)
      if (auto waited = wait_for(ec2, ids, "running"); !waited) return fail(waited.error());
    return k_exit_ok;
  }
};

}  // namespace

std::unique_ptr<Command> make_stop_command(CLI::App& parent) { return std::make_unique<StopCommand>(parent); }
std::unique_ptr<Command> make_start_command(CLI::App& parent) { return std::make_unique<StartCommand>(parent); }

}  // namespace spawn::cli
