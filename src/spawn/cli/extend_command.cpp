#include "spawn/cli/extend_command.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "spawn/cli/instance_selection.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/cli/ttl_deadlines.hpp"
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
      print_command_failure(found.error());
      return k_exit_failure;
    }

    std::vector<DeadlineMove> moves;
    for (const auto& i : *found) moves.push_back({&i, new_deadline});
    if (auto moved = move_deadlines(*session, ec2, moves); !moved) {
      print_command_failure(moved.error());
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
