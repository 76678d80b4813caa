#include "spawn/cli/interrupt_command.hpp"


#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "spawn/aws/config/partitions.hpp"
#include "spawn/cli/array_status.hpp"
#include "spawn/cli/confirm.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/launcher/drill.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/encoding.hpp"

namespace spawn::cli {
namespace {
namespace tag = model::tag;

constexpr const char* k_examples = R"(
Examples:
  spawn interrupt --job-array-name train --index 3     # member 3 gets EC2's two-minute notice
  spawn interrupt i-0123456789abcdef0
  spawn interrupt --job-array-name train --dry-run     # the FIS role and template; nothing sent

AWS FIS (aws:ec2:send-spot-instance-interruptions) gives the instances EC2's own two-minute spot
interruption notice and then interrupts them: spored notifies, checkpoints, relaunches (--relaunch)
and shuts down as on a real interruption, and records it as a drill. It needs
fis:CreateExperimentTemplate, fis:StartExperiment, fis:GetExperiment, fis:DeleteExperimentTemplate,
fis:TagResource, ec2:CreateTags and ec2:DeleteTags (the spawn:drill tag) and iam:PassRole of the
role spawn-fis-drill, which spawn makes on the first drill (iam:CreateRole, iam:PutRolePolicy).
Only running spot instances that spawn launched can be drilled.)";

struct Target {
  std::string instance_id;
  std::string name;
};

class InterruptCommand final : public Command {
 public:
  explicit InterruptCommand(CLI::App& parent)
      : Command(parent, "interrupt", "A spot interruption drill: EC2's real two-minute notice, through AWS FIS") {
    m_app->footer(k_examples);
    m_app->add_option("instance_ids", m_ids, "instances to drill (running spot instances spawn launched)");
    m_app->add_option("--job-array-name", m_job_array, "the running members of this job array");
    m_app->add_option("--index", m_index, "only this index of the array");
    m_app->add_flag("--dry-run", m_dry_run, "show the FIS role and experiment template; change nothing");
    m_app->add_flag("--yes,-y", m_yes, "do not ask for confirmation when drilling several instances");
  }

  int run() override {
    if (m_index && m_job_array.empty()) return usage("--index: needs --job-array-name");
    if (m_ids.empty() && m_job_array.empty()) return usage("give instance ids or --job-array-name");
    if (!m_ids.empty() && !m_job_array.empty()) return usage("give instance ids or --job-array-name, not both");
    if (m_index && *m_index < 0) return usage("--index: expected 0 or more");
    for (const auto& id : m_ids)
      if (!id.starts_with("i-") || id.size() < 3 || id.find_first_not_of("0123456789abcdef", 2) != std::string::npos)
        return usage(fmt::format("{}: not an instance id (i-0123456789abcdef0)", id));

    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    const aws::ec2::Client ec2 = session->ec2();
    auto targets = m_job_array.empty() ? targets_by_id(ec2) : targets_of_array(ec2);
    if (!targets) return k_exit_failure;

    if (!m_dry_run && targets->size() > 1 && !m_yes) {
      std::vector<std::string> names;
      for (const auto& t : *targets) names.push_back(t.name + " (" + t.instance_id + ")");
      if (int status = confirm_several("Interrupt", "interrupted", names, "interrupt"); status != k_exit_ok) return status;
    }
    const std::string partition(aws::config::partition_of(session->region()).id);
    const aws::iam::Client iam = session->iam();
    auto role = launcher::ensure_drill_role(iam, partition, m_dry_run ? launcher::Apply::no : launcher::Apply::yes);
    if (!role) {
      print_error(role.error());
      return k_exit_failure;
    }
    if (m_dry_run) return show_plan(*targets, *role, partition);

    for (const auto& change : role->changes) say(change);
    std::vector<std::string> ids;
    for (const auto& t : *targets) ids.push_back(t.instance_id);
    const aws::fis::Client fis = session->fis();
    const launcher::DrillContext ctx{ec2, fis, [](const std::string& line) { fmt::print(stderr, "spawn: {}\n", line); },
                                     [](std::chrono::seconds s) { std::this_thread::sleep_for(s); }};
    auto drill = launcher::start_drill(ctx, ids, *role, util::random_hex(4));
    if (!drill) {
      print_error(drill.error());
      return k_exit_failure;
    }
    if (drill->status == "failed" || drill->status == "cancelled" || drill->status == "stopped") {
      print_failure(fmt::format("the drill's experiment {} {}{}", drill->experiment_id, drill->status,
                                drill->reason.empty() ? "" : ": " + drill->reason));
      fmt::print(stderr, "spawn: hint: nothing was interrupted; 'aws fis get-experiment --id {}' has the details\n",
                 drill->experiment_id);
      return k_exit_failure;
    }
    return report(*targets, *drill);
  }

 private:
  int usage(const std::string& message) {
    print_usage_error(message, "interrupt");
    return k_exit_usage;
  }

  void say(const std::string& line) const {
    if (m_global.output != OutputFormat::json) fmt::print("{}\n", line);
  }

  std::optional<std::vector<Target>> targets_by_id(const aws::ec2::Client& ec2) const {
    auto found = ec2.describe_instances({}, m_ids);
    if (!found) {
      print_error(found.error());
      return std::nullopt;
    }
    std::vector<Target> out;
    for (const auto& i : *found) {
      if (!drillable(i, i.instance_id)) return std::nullopt;
      out.push_back({i.instance_id, i.name()});
    }
    return out;
  }

  std::optional<std::vector<Target>> targets_of_array(const aws::ec2::Client& ec2) const {
    auto found = ec2.describe_instances({{"tag:" + std::string(tag::k_managed), {"true"}},
                                         {"tag:" + std::string(tag::k_job_array_name), {m_job_array}}});
    if (!found) {
      print_error(found.error());
      return std::nullopt;
    }
    std::vector<Target> out;
    bool any_index = false;
    int size = 0;
    for (const auto& array : array_statuses(*found)) {
      size = std::max(size, array.size);
      for (const auto& m : array.members) {
        if (m_index && m.index != *m_index) continue;
        any_index = true;
        if (!m.current || m.current->state != "running") continue;
        const std::string name = fmt::format("{}-{}", m_job_array, m.index);
        if (m_index && !drillable(*m.current, name)) return std::nullopt;
        if (!m_index && !m.current->spot()) continue;  // the array's on-demand members have no notice to drill
        out.push_back({m.current->instance_id, name});
      }
    }
    if (found->empty()) {
      print_failure("no instance of job array " + m_job_array + " is listed by EC2");
      fmt::print(stderr, "spawn: hint: 'spawn list' shows what runs\n");
      return std::nullopt;
    }
    if (m_index && !any_index) {
      print_failure(fmt::format("job array {} has no index {} (its size is {})", m_job_array, *m_index, size));
      return std::nullopt;
    }
    if (out.empty()) {
      print_failure(m_index ? fmt::format("{}-{} has no running instance", m_job_array, *m_index)
                            : fmt::format("job array {} has no running spot member", m_job_array));
      return std::nullopt;
    }
    return out;
  }

  // Only what spawn launched, running, on spot: EC2 gives interruption notices to nothing else.
  static bool drillable(const aws::ec2::Instance& i, const std::string& name) {
    auto managed = i.tags.find(tag::k_managed);
    if (managed == i.tags.end() || managed->second != "true") {
      print_failure(fmt::format("{} was not launched by spawn: spawn drills only its own instances", name));
      return false;
    }
    if (i.state != "running") {
      print_failure(fmt::format("{} ({}) is {}: only a running instance can be drilled", name, i.instance_id, i.state));
      return false;
    }
    if (!i.spot()) {
      print_failure(fmt::format("{} ({}) is on demand: EC2 gives interruption notices to spot instances only", name,
                                i.instance_id));
      return false;
    }
    return true;
  }

  int show_plan(const std::vector<Target>& targets, const launcher::DrillRole& role, const std::string& partition) const {
    const std::string arn = role.arn.empty() ? "(the role, once made)" : role.arn;
    const nlohmann::json tmpl = launcher::drill_template("<time> <nonce>", arn);
    nlohmann::json instances = nlohmann::json::array();
    for (const auto& t : targets) instances.push_back({{"instance_id", t.instance_id}, {"name", t.name}});
    if (m_global.output == OutputFormat::json) {
      fmt::print("{}\n", nlohmann::json{{"dry_run", true},
                                        {"instances", instances},
                                        {"role", {{"name", launcher::k_drill_role},
                                                  {"arn", role.arn.empty() ? nlohmann::json(nullptr) : nlohmann::json(role.arn)},
                                                  {"changes", role.changes},
                                                  {"trust_policy", launcher::drill_trust_policy()},
                                                  {"policy", launcher::drill_role_policy(partition)}}},
                                        {"experiment_template", tmpl}}
                             .dump(2));
      return k_exit_ok;
    }
    fmt::print("Would drill {} instance(s): ", targets.size());
    std::vector<std::string> names;
    for (const auto& t : targets) names.push_back(t.name + " (" + t.instance_id + ")");
    fmt::print("{}\n", fmt::join(names, ", "));
    fmt::print("\nRole {}{}: {}\n", launcher::k_role_path, launcher::k_drill_role,
               role.changes.empty() ? "exists, as it must be" : fmt::format("{}", fmt::join(role.changes, "; ")));
    fmt::print("Its policy:\n{}\n", launcher::drill_role_policy(partition).dump(2));
    fmt::print("\nThen: tag the instances {} = \"<time> <nonce>\", and make and start this experiment template "
               "(deleted once started):\n{}\n",
               tag::k_drill, tmpl.dump(2));
    fmt::print("\nNothing was changed (--dry-run).\n");
    return k_exit_ok;
  }

  int report(const std::vector<Target>& targets, const launcher::Drill& drill) const {
    const std::string at = util::format_rfc3339(drill.interruption_at);
    if (m_global.output == OutputFormat::json) {
      nlohmann::json instances = nlohmann::json::array();
      for (const auto& t : targets) instances.push_back({{"instance_id", t.instance_id}, {"name", t.name}});
      fmt::print("{}\n", nlohmann::json{{"experiment_id", drill.experiment_id},
                                        {"experiment_status", drill.status},
                                        {"drill", drill.tag_value},
                                        {"interruption_time", at},
                                        {"instances", instances}}
                             .dump(2));
      return k_exit_ok;
    }
    fmt::print("Drill started: FIS experiment {} ({}).\n", drill.experiment_id, drill.status);
    for (const auto& t : targets)
      fmt::print("  {}  {}  notice now, interrupted at about {}\n", t.name, t.instance_id, at);
    fmt::print("spored sees the notice within a second and goes through notify, checkpoint, relaunch and shutdown;\n"
               "it is recorded as a drill (spawn status does not count it as an interruption).\n");
    if (!m_job_array.empty()) fmt::print("Watch: spawn status --job-array-name {} --watch\n", m_job_array);
    return k_exit_ok;
  }

  std::vector<std::string> m_ids;
  std::string m_job_array;
  std::optional<int> m_index;
  bool m_dry_run = false;
  bool m_yes = false;
};

}  // namespace

std::unique_ptr<Command> make_interrupt_command(CLI::App& parent) { return std::make_unique<InterruptCommand>(parent); }

}  // namespace spawn::cli
