#include "spawn/cli/list_command.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/model/launch_options.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/time.hpp"

namespace spawn::cli {
namespace {
namespace tag = model::tag;
using aws::ec2::Instance;

constexpr const char* k_examples = R"(
Examples:
  spawn list
  spawn list --state running --job-array-name render
  spawn list --tag team=ml --output json | jq '.[].instance_id'
  spawn list --all              # include terminated instances)";

const std::vector<std::string> k_states{"pending", "running", "shutting-down", "terminated", "stopping", "stopped"};

std::string tag_or(const Instance& i, const char* key, std::string fallback) {
  auto it = i.tags.find(key);
  return it == i.tags.end() ? fallback : it->second;
}

class ListCommand final : public Command {
 public:
  explicit ListCommand(CLI::App& parent) : Command(parent, "list", "List the instances spawn launched") {
    m_app->footer(k_examples);
    m_app->add_option("--state", m_states, "only instances in these states (comma-separated)")
        ->delimiter(',')
        ->check(CLI::IsMember(k_states));
    m_app->add_option("--job-array-name", m_job_array_name, "only members of this job array");
    m_app->add_option("--tag", m_tags, "only instances with tag KEY=VALUE (repeatable)");
    m_app->add_flag("--all", m_all, "include terminated instances");
  }

  int run() override {
    std::vector<aws::ec2::Filter> filters{{"tag:" + std::string(tag::k_managed), {"true"}}};
    for (const auto& t : m_tags) {
      auto eq = t.find('=');
      if (eq == std::string::npos || eq == 0) {
        print_usage_error("--tag: expected KEY=VALUE, got '" + t + "'", "list");
        return k_exit_usage;
      }
      filters.push_back({"tag:" + t.substr(0, eq), {t.substr(eq + 1)}});
    }
    if (m_job_array_name) filters.push_back({"tag:" + std::string(tag::k_job_array_name), {*m_job_array_name}});
    if (!m_states.empty()) {
      filters.push_back({"instance-state-name", m_states});
    } else if (!m_all) {
      std::vector<std::string> live;
      for (const auto& s : k_states)
        if (s != "terminated") live.push_back(s);
      filters.push_back({"instance-state-name", live});
    }

    auto session = Session::open(m_global);
    if (!session) {
      print_error(session.error());
      return k_exit_failure;
    }
    auto instances = session->ec2().describe_instances(filters);
    if (!instances) {
      print_error(instances.error());
      return k_exit_failure;
    }
    std::stable_sort(instances->begin(), instances->end(), [](const Instance& a, const Instance& b) {
      auto ka = std::pair(tag_or(a, tag::k_job_array_id, ""), std::atoi(tag_or(a, tag::k_job_array_index, "0").c_str()));
      auto kb = std::pair(tag_or(b, tag::k_job_array_id, ""), std::atoi(tag_or(b, tag::k_job_array_index, "0").c_str()));
      if (ka != kb) return ka < kb;
      return a.launch_time < b.launch_time;
    });
    if (m_global.output == OutputFormat::json)
      print_json(*instances, session->region());
    else
      print_table(*instances);
    return k_exit_ok;
  }

 private:
  static void print_json(const std::vector<Instance>& instances, const std::string& region) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& i : instances) {
      auto opt = [&](const char* key) {
        auto it = i.tags.find(key);
        return it == i.tags.end() ? nlohmann::json() : nlohmann::json(it->second);
      };
      nlohmann::json index;
      if (auto it = i.tags.find(tag::k_job_array_index); it != i.tags.end()) {
        try {
          index = std::stoi(it->second);
        } catch (...) {
        }
      }
      out.push_back({{"instance_id", i.instance_id},
                     {"name", opt(tag::k_name)},
                     {"instance_type", i.instance_type},
                     {"state", i.state},
                     {"lifecycle", i.lifecycle},
                     {"spot", i.spot()},
                     {"availability_zone", i.availability_zone},
                     {"region", region},
                     {"launch_time", i.launch_time},
                     {"job_array_id", opt(tag::k_job_array_id)},
                     {"job_array_name", opt(tag::k_job_array_name)},
                     {"job_array_index", index},
                     {"tags", i.tags}});
    }
    fmt::print("{}\n", out.dump(2));
  }

  static void print_table(const std::vector<Instance>& instances) {
    if (instances.empty()) {
      fmt::print("No instances. Launch one with: spawn launch --instance-type t3.micro\n");
      return;
    }
    const auto now = std::chrono::system_clock::now();
    std::vector<std::vector<std::string>> rows;
    for (const auto& i : instances) {
      std::string age = "-";
      if (auto t = util::parse_rfc3339(i.launch_time))
        age = util::format_age(std::chrono::duration_cast<std::chrono::seconds>(now - *t));
      std::string array = "-";
      if (auto it = i.tags.find(tag::k_job_array_name); it != i.tags.end())
        array = it->second + "/" + tag_or(i, tag::k_job_array_index, "?");
      rows.push_back({i.instance_id, tag_or(i, tag::k_name, "-"), i.instance_type, i.state, i.lifecycle,
                      i.availability_zone, age, array});
    }
    fmt::print("{}", render_table({"ID", "NAME", "TYPE", "STATE", "LIFECYCLE", "AZ", "AGE", "ARRAY/INDEX"}, rows));
  }

  std::vector<std::string> m_states;
  std::optional<std::string> m_job_array_name;
  std::vector<std::string> m_tags;
  bool m_all = false;
};

}  // namespace

std::unique_ptr<Command> make_list_command(CLI::App& parent) { return std::make_unique<ListCommand>(parent); }

}  // namespace spawn::cli
