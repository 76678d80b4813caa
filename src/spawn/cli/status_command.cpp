#include "spawn/cli/status_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "spawn/cli/array_status.hpp"
#include "spawn/cli/instance_selection.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::cli {
namespace {
namespace tag = model::tag;

constexpr const char* k_examples = R"(
Examples:
  spawn status                              # every array and instance spawn launched
  spawn status --job-array-name train       # each index: instance, generation, checkpoint, relaunch
  spawn status i-0abc1234def567890 --output json
  spawn status --job-array-name train --watch

EC2 lists terminated instances for about an hour: an index whose instances are all gone by then
shows as missing. OUTCOME is EC2's state, or done (status N) after 'spored complete', idle:
stop after an idle stop, interrupted for a member EC2 took back.)";

constexpr auto k_watch_interval = std::chrono::seconds(5);

std::string cell(const std::string& s) { return s.empty() ? "-" : s; }

std::string summary(const ArrayStatus& a) {
  std::string line = fmt::format("{} of {} running", a.running(), a.size);
  if (a.spot() + a.on_demand() > 0) line += fmt::format(" ({} spot, {} on-demand)", a.spot(), a.on_demand());
  if (a.done() > 0) line += fmt::format(", {} done", a.done());
  int missing = 0;
  for (const auto& m : a.members) missing += m.current ? 0 : 1;
  if (missing > 0) line += fmt::format(", {} missing", missing);
  return line;
}

std::string render(const std::vector<ArrayStatus>& arrays) {
  std::string out;
  for (const auto& a : arrays) {
    if (!out.empty()) out += "\n";
    out += a.job_array_id.empty()
               ? fmt::format("{}: {}\n", a.job_array_name.empty() ? a.members.front().current->instance_id : a.job_array_name,
                             summary(a))
               : fmt::format("{} ({}): {}\n", a.job_array_name, a.job_array_id, summary(a));
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : a.members) {
      const aws::ec2::Instance* i = m.current ? &*m.current : nullptr;
      rows.push_back({m.index < 0 ? "?" : std::to_string(m.index), i ? i->instance_id : "-",
                      std::to_string(m.generation), m.outcome(), i ? (i->spot() ? "spot" : "on-demand") : "-",
                      i ? cell(i->instance_type) : "-", i ? cell(i->availability_zone) : "-",
                      m.drills == 0 ? std::to_string(m.interruptions)
                                    : fmt::format("{} (+{} drill{})", m.interruptions, m.drills, m.drills > 1 ? "s" : ""),
                      cell(m.checkpoint_status), cell(m.relaunch_status)});
    }
    out += render_table({"INDEX", "INSTANCE", "GEN", "OUTCOME", "LIFECYCLE", "TYPE", "AZ", "INTERRUPTIONS", "CHECKPOINT",
                         "RELAUNCH"},
                        rows);
  }
  return out;
}

// One line per member whose instance or outcome changed since `seen` (updated).
std::vector<std::string> changes(const std::vector<ArrayStatus>& arrays, std::map<std::string, std::string>& seen) {
  std::vector<std::string> lines;
  for (const auto& a : arrays)
    for (const auto& m : a.members) {
      const std::string key = (a.job_array_id.empty() ? a.job_array_name : a.job_array_id) + "/" + std::to_string(m.index);
      const std::string now = fmt::format("{} {}", m.current ? m.current->instance_id : "-", m.outcome());
      auto& before = seen[key];
      if (before == now) continue;
      before = now;
      lines.push_back(fmt::format("{} {}: {} {} (generation {})", a.job_array_name.empty() ? "-" : a.job_array_name,
                                  m.index, m.current ? m.current->instance_id : "-", m.outcome(), m.generation));
    }
  return lines;
}

bool anything_live(const std::vector<ArrayStatus>& arrays) {
  for (const auto& a : arrays)
    for (const auto& m : a.members)
      if (m.current && m.current->state != "terminated" && !m.completion_status) return true;
  return false;
}

class StatusCommand final : public Command {
 public:
  explicit StatusCommand(CLI::App& parent)
      : Command(parent, "status", "Show each member of job arrays: instance, generation, interruptions, checkpoint") {
    m_app->footer(k_examples);
    m_app->add_option("instance_ids", m_ids, "instances whose arrays to show");
    m_app->add_option("--name", m_name, "the instance with this Name tag");
    m_app->add_option("--job-array-name", m_job_array, "the job array with this name");
    m_app->add_flag("--watch", m_watch, "keep showing: redrawn on a terminal, one line per change otherwise");
  }

  int run() override {
    const int given = (m_ids.empty() ? 0 : 1) + (m_name ? 1 : 0) + (m_job_array ? 1 : 0);
    if (given > 1) return usage("give instance ids, --name or --job-array-name (at most one of them)");
    for (const auto& id : m_ids)
      if (!valid_instance_id(id)) return usage("expected instance ids like i-0abc1234def567890, got '" + id + "'");
    if (m_name && m_name->empty()) return usage("--name: expected a name");
    if (m_job_array && m_job_array->empty()) return usage("--job-array-name: expected a name");
    if (m_watch && m_global.output == OutputFormat::json) return usage("--watch: not with --output json");

    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    auto ec2 = session->ec2();
    std::map<std::string, std::string> seen;
    const bool terminal = ::isatty(STDOUT_FILENO) == 1;
    for (;;) {
      auto arrays = look(ec2);
      if (!arrays) {
        print_command_failure(arrays.error());
        return k_exit_failure;
      }
      if (m_global.output == OutputFormat::json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& a : *arrays) out.push_back(to_json(a));
        fmt::print("{}\n", out.dump(2));
        return k_exit_ok;
      }
      if (arrays->empty()) {
        fmt::print("EC2 lists no instance spawn launched here.\n");
        return k_exit_ok;
      }
      if (!m_watch) {
        fmt::print("{}", render(*arrays));
        return k_exit_ok;
      }
      if (terminal) {
        fmt::print("\033[H\033[2J{}", render(*arrays));
        changes(*arrays, seen);
      } else {
        for (const auto& line : changes(*arrays, seen)) fmt::print("{}\n", line);
      }
      std::fflush(stdout);
      if (!anything_live(*arrays)) return k_exit_ok;
      std::this_thread::sleep_for(k_watch_interval);
    }
  }

 private:
  int usage(const std::string& message) {
    print_usage_error(message, "status");
    return k_exit_usage;
  }

  // The instances of what was asked for, grouped; a failure when nothing matches.
  expected<std::vector<ArrayStatus>, CommandFailure> look(const aws::ec2::Client& ec2) const {
    std::vector<aws::ec2::Filter> filters{{"tag:" + std::string(tag::k_managed), {"true"}}};
    if (m_name) filters.push_back(name_filter(*m_name));
    if (m_job_array) filters.push_back({"tag:" + std::string(tag::k_job_array_name), {*m_job_array}});
    auto found = ec2.describe_instances(filters, m_ids);
    if (!found) return unexpected(CommandFailure{found.error(), {}, {}});
    if (m_name) keep_named(*found, *m_name);
    if (!m_ids.empty()) {
      // The whole arrays of the instances named.
      std::vector<std::string> array_ids;
      for (const auto& i : *found)
        if (auto it = i.tags.find(tag::k_job_array_id); it != i.tags.end()) array_ids.push_back(it->second);
      if (!array_ids.empty()) {
        auto members = ec2.describe_instances({filters.front(), {"tag:" + std::string(tag::k_job_array_id), array_ids}});
        if (!members) return unexpected(CommandFailure{members.error(), {}, {}});
        for (auto& i : *members)
          if (std::none_of(found->begin(), found->end(), [&](const auto& f) { return f.instance_id == i.instance_id; }))
            found->push_back(std::move(i));
      }
    }
    if (found->empty()) {
      if (m_job_array)
        return unexpected(CommandFailure{std::nullopt, "no instance of job array " + *m_job_array + " is listed by EC2",
                                         "EC2 lists terminated instances for about an hour; 'spawn list --all' shows "
                                         "what it still lists"});
      if (m_name) return unexpected(CommandFailure{std::nullopt, "no spawn instance is named " + *m_name, ""});
      if (m_ids.empty()) return std::vector<ArrayStatus>{};
    }
    return array_statuses(*found);
  }

  std::vector<std::string> m_ids;
  std::optional<std::string> m_name, m_job_array;
  bool m_watch = false;
};

}  // namespace

std::unique_ptr<Command> make_status_command(CLI::App& parent) { return std::make_unique<StatusCommand>(parent); }

}  // namespace spawn::cli
