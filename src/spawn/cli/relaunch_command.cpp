#include "spawn/cli/relaunch_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "spawn/cli/array_status.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/launcher/relaunch.hpp"
#include "spawn/model/job_array.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::cli {
namespace {
namespace tag = model::tag;

constexpr const char* k_examples = R"(
Examples:
  spawn relaunch --job-array-name train              # every index with no live member
  spawn relaunch --job-array-name train --index 3
  spawn relaunch --job-array-name train --dry-run    # what it would relaunch

An index is relaunched when it has no member pending, running, stopping or stopped, its job did
not complete ('spored complete'), it has relaunches left (--relaunch N) and its TTL has time left.
Each replacement has the next generation's ClientToken: running this twice, or alongside the
members' own spored, launches one instance per index.)";

// The outgoing member of an index: its latest instance as EC2 still lists it, or (EC2 forgot it)
// only its index.
launcher::Outgoing outgoing_of(const MemberStatus& m) {
  launcher::Outgoing out;
  out.index = m.index;
  out.generation = m.generation;
  if (!m.current) return out;
  const aws::ec2::Instance& i = *m.current;
  out.instance_id = i.instance_id;
  out.instance_type = i.instance_type;
  out.availability_zone = i.availability_zone;
  out.subnet_id = i.subnet_id;
  if (auto it = i.tags.find(tag::k_ttl_deadline); it != i.tags.end()) out.ttl_deadline = it->second;
  return out;
}

class RelaunchCommand final : public Command {
 public:
  explicit RelaunchCommand(CLI::App& parent)
      : Command(parent, "relaunch", "Bring back the members of a --relaunch job array that have no live instance") {
    m_app->footer(k_examples);
    m_app->add_option("--job-array-name", m_job_array, "the job array (launched with --relaunch)")->required();
    m_app->add_option("--index", m_index, "only this index");
    m_app->add_flag("--dry-run", m_dry_run, "say what would be relaunched; launch nothing");
  }

  int run() override {
    if (m_job_array.empty()) return usage("--job-array-name: expected a name");
    if (m_index && *m_index < 0) return usage("--index: expected 0 or more");
    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    const aws::ec2::Client ec2 = session->ec2();
    auto found = ec2.describe_instances({{"tag:" + std::string(tag::k_managed), {"true"}},
                                         {"tag:" + std::string(tag::k_job_array_name), {m_job_array}}});
    if (!found) {
      print_error(found.error());
      return k_exit_failure;
    }
    if (found->empty()) {
      print_failure("no instance of job array " + m_job_array + " is listed by EC2");
      fmt::print(stderr, "spawn: hint: EC2 lists terminated instances for about an hour; 'spawn list --all' shows "
                         "what it still lists\n");
      return k_exit_failure;
    }
    nlohmann::json relaunched = nlohmann::json::array(), skipped = nlohmann::json::array();
    int status = k_exit_ok;
    std::vector<std::string> ended;  // arrays of this name that spawn terminate ended
    size_t arrays = 0;
    for (const auto& array : array_statuses(*found)) {
      ++arrays;
      auto s = relaunch_array(ec2, array, *found, relaunched, skipped);
      if (s == Outcome::ended) ended.push_back(array.job_array_id);
      if (s == Outcome::failed) status = k_exit_failure;
    }
    // An earlier array of the same name, ended, is no error beside a live one.
    if (!ended.empty() && ended.size() == arrays) {
      print_failure(fmt::format("job array {} was terminated: its launch template is gone (nothing is relaunched "
                                "after spawn terminate)", m_job_array));
      status = k_exit_failure;
    } else if (!ended.empty()) {
      say(fmt::format("(skipped {} ended array(s) of the same name: {})", ended.size(), fmt::join(ended, ", ")));
    }
    if (m_global.output == OutputFormat::json)
      fmt::print("{}\n", nlohmann::json{{"relaunched", relaunched}, {"skipped", skipped}}.dump(2));
    return status;
  }

 private:
  int usage(const std::string& message) {
    print_usage_error(message, "relaunch");
    return k_exit_usage;
  }

  void say(const std::string& line) const {
    if (m_global.output != OutputFormat::json) fmt::print("{}\n", line);
  }

  enum class Outcome { ok, ended, failed };

  Outcome relaunch_array(const aws::ec2::Client& ec2, const ArrayStatus& array, const std::vector<aws::ec2::Instance>& all,
                     nlohmann::json& relaunched, nlohmann::json& skipped) const {
    // The launch: any member names it; every member of an array shares it.
    std::string launch_id;
    bool relaunches = false;
    for (const auto& i : all) {
      auto id = i.tags.find(tag::k_job_array_id);
      if (id == i.tags.end() || id->second != array.job_array_id) continue;
      if (auto l = i.tags.find(tag::k_launch_id); l != i.tags.end()) launch_id = l->second;
      relaunches = relaunches || i.tags.contains(tag::k_relaunch);
    }
    if (!relaunches || launch_id.empty()) {
      print_failure(fmt::format("job array {} ({}) was launched without --relaunch: it has no launch template to "
                                "relaunch from", m_job_array, array.job_array_id));
      fmt::print(stderr, "spawn: hint: launch it again with --relaunch N to have its members replaced\n");
      return Outcome::failed;
    }
    auto user_data = ec2.launch_template_user_data(launcher::relaunch_template_name(launch_id));
    if (!user_data) {
      if (launcher::is_template_gone(user_data.error())) return Outcome::ended;
      print_error(user_data.error());
      return Outcome::failed;
    }
    auto spec = launcher::relaunch_spec_from_user_data(*user_data);
    if (!spec) {
      print_failure(fmt::format("{}: {}", launcher::relaunch_template_name(launch_id), spec.error()));
      return Outcome::failed;
    }
    const launcher::Notify warn = [](const std::string& line) { fmt::print(stderr, "spawn: {}\n", line); };
    const launcher::LaunchContext ctx{ec2, warn, warn, {}};
    Outcome status = Outcome::ok;
    bool any = false;
    for (const auto& m : array.members) {
      if (m_index && m.index != *m_index) continue;
      any = true;
      const std::string name = fmt::format("{}-{}", m_job_array, m.index);
      auto skip = [&](const std::string& why) {
        skipped.push_back({{"index", m.index}, {"why", why}});
        say(fmt::format("{}: {}", name, why));
      };
      if (m.current && launcher::live_state(m.current->state)) {
        skip(fmt::format("{} is {}", m.current->instance_id, m.current->state));
        continue;
      }
      if (m.completion_status) {
        skip(fmt::format("its job completed (status {})", *m.completion_status));
        continue;
      }
      const launcher::Outgoing out = outgoing_of(m);
      if (auto why = launcher::relaunch_refusal(*spec, out, std::chrono::system_clock::now())) {
        skip(*why);
        continue;
      }
      if (m_dry_run) {
        say(fmt::format("{}: would launch generation {} (the last, {}, is {})", name, out.generation + 1,
                        out.instance_id.empty() ? "-" : out.instance_id, m.current ? m.current->state : "forgotten by EC2"));
        continue;
      }
      auto r = launcher::request_replacement(ctx, *spec, out);
      if (!r) {
        print_error(r.error());
        status = Outcome::failed;
        continue;
      }
      relaunched.push_back({{"index", m.index},
                            {"instance_id", r->instance_id},
                            {"replaces", out.instance_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(out.instance_id)},
                            {"generation", r->generation},
                            {"lifecycle", r->spot ? "spot" : "on-demand"},
                            {"instance_type", r->instance_type},
                            {"availability_zone", r->availability_zone}});
      say(fmt::format("{}: {} (generation {}, {}{}, {})", name, r->instance_id, r->generation, r->instance_type,
                      r->availability_zone.empty() ? "" : " in " + r->availability_zone, r->spot ? "spot" : "on-demand"));
    }
    if (!any && m_index) {
      print_failure(fmt::format("job array {} has no index {} (its size is {})", m_job_array, *m_index, array.size));
      return Outcome::failed;
    }
    return status;
  }

  std::string m_job_array;
  std::optional<int> m_index;
  bool m_dry_run = false;
};

}  // namespace

std::unique_ptr<Command> make_relaunch_command(CLI::App& parent) { return std::make_unique<RelaunchCommand>(parent); }

}  // namespace spawn::cli
