#include "spawn/cli/launch_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/launcher/launcher.hpp"

namespace spawn::cli {
namespace {

constexpr const char* k_examples = R"(
Examples:
  spawn launch --instance-type m7i.large --name build-box
  spawn launch --instance-type c7i.large --count 8 --job-array-name render --wait
  spawn launch --instance-type t3.micro --user-data @setup.sh --tag team=ml --output json
  spawn launch --instance-type m7i.large --dry-run          # check permissions, launch nothing)";

class LaunchCommand final : public Command {
 public:
  explicit LaunchCommand(CLI::App& parent) : Command(parent, "launch", "Launch EC2 instances") {
    m_app->footer(k_examples);
    m_app->add_option("--instance-type,-t", m_options.instance_type, "EC2 instance type, e.g. m7i.large");
    m_app->add_option("--ami", m_ami, "AMI id (default: the latest Amazon Linux 2023 for the type's architecture)");
    m_app->add_option("--key-name", m_key_name, "EC2 key pair for SSH");
    m_app->add_option("--subnet-id", m_subnet_id, "subnet to launch into (default: the default VPC's)");
    m_app->add_option("--security-group-ids", m_options.security_group_ids, "security groups (comma-separated)")->delimiter(',');
    m_app->add_option("--user-data", m_user_data, "script for cloud-init: text, or @FILE");
    m_app->add_option("--name", m_name, "Name tag (job arrays: NAME-INDEX)");
    m_app->add_option("--count,-n", m_options.count, "number of instances; more than one makes a job array (default 1)");
    m_app->add_option("--job-array-name", m_job_array_name, "name of the job array (tag spawn:job-array-name)");
    m_app->add_option("--tag", m_tags, "extra tag KEY=VALUE (repeatable)");
    m_app->add_option("--iam-instance-profile", m_profile, "instance profile name or ARN");
    m_app->add_flag("--dry-run", m_options.dry_run, "ask EC2 whether the launch would be allowed; launch nothing");
    m_app->add_flag("--wait", m_options.wait, "wait until every instance is running");
  }

  int run() override {
    m_options.ami = m_ami;
    m_options.key_name = m_key_name;
    m_options.subnet_id = m_subnet_id;
    m_options.name = m_name;
    m_options.job_array_name = m_job_array_name;
    m_options.iam_instance_profile = m_profile;
    for (const auto& t : m_tags) {
      auto kv = model::parse_tag(t);
      if (!kv) return usage(kv.error().message);
      m_options.tags[kv->first] = kv->second;
    }
    if (m_user_data) {
      auto text = model::read_user_data(*m_user_data);
      if (!text) return usage(text.error().message);
      m_options.user_data = *text;
    }
    if (auto ok = model::validate(m_options); !ok) return usage(ok.error().message);

    auto session = Session::open(m_global);
    if (!session) {
      print_error(session.error());
      return k_exit_failure;
    }
    const bool quiet = m_global.output == OutputFormat::json;
    launcher::Launcher launcher(session->ec2(), session->ssm(), [quiet](const std::string& line) {
      if (!quiet) fmt::print(stderr, "{}\n", line);
    });
    auto result = launcher.launch(m_options);
    if (!result) {
      print_error(result.error());
      return k_exit_failure;
    }
    if (result->dry_run) {
      fmt::print("Dry run: the launch would succeed (EC2 checked your permissions; nothing was launched).\n");
      return k_exit_ok;
    }
    if (m_options.wait) {
      std::vector<std::string> ids;
      for (const auto& li : result->instances) ids.push_back(li.instance.instance_id);
      const bool tty = isatty(STDERR_FILENO) && !quiet;
      auto running = launcher.wait_running(ids, [tty](size_t ready, size_t total) {
        if (tty) fmt::print(stderr, "\rWaiting for instances: {}/{} running", ready, total);
      });
      if (tty) fmt::print(stderr, "\n");
      if (!running) {
        print_error(running.error());
        return k_exit_failure;
      }
      for (auto& li : result->instances)
        for (const auto& i : *running)
          if (i.instance_id == li.instance.instance_id) {
            li.instance.state = i.state;
            li.instance.availability_zone = i.availability_zone;
            li.instance.public_ip = i.public_ip;
          }
    }
    print_result(*result);
    return k_exit_ok;
  }

 private:
  int usage(const std::string& message) {
    print_usage_error(message, "launch");
    return k_exit_usage;
  }

  void print_result(const launcher::LaunchResult& r) const {
    if (m_global.output == OutputFormat::json) {
      nlohmann::json instances = nlohmann::json::array();
      for (const auto& li : r.instances) {
        instances.push_back({{"instance_id", li.instance.instance_id},
                             {"instance_type", li.instance.instance_type},
                             {"lifecycle", li.instance.lifecycle},
                             {"availability_zone", li.instance.availability_zone},
                             {"state", li.instance.state},
                             {"job_array_index", li.job_array_index ? nlohmann::json(*li.job_array_index) : nlohmann::json()},
                             {"name", li.name}});
      }
      nlohmann::json out{{"instances", instances},
                         {"job_array_id", r.job_array_id.empty() ? nlohmann::json() : nlohmann::json(r.job_array_id)}};
      fmt::print("{}\n", out.dump(2));
      return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& li : r.instances) {
      rows.push_back({li.instance.instance_id, li.name, li.instance.instance_type, li.instance.availability_zone,
                      li.instance.lifecycle, li.instance.state,
                      li.job_array_index ? std::to_string(*li.job_array_index) : "-"});
    }
    fmt::print("Launched {} instance{}{}\n", r.instances.size(), r.instances.size() == 1 ? "" : "s",
               r.job_array_id.empty() ? "" : " as job array " + r.job_array_id);
    fmt::print("{}", render_table({"ID", "NAME", "TYPE", "AZ", "LIFECYCLE", "STATE", "INDEX"}, rows));
  }

  model::LaunchOptions m_options;
  std::optional<std::string> m_ami, m_key_name, m_subnet_id, m_user_data, m_name, m_job_array_name, m_profile;
  std::vector<std::string> m_tags;
};

}  // namespace

std::unique_ptr<Command> make_launch_command(CLI::App& parent) { return std::make_unique<LaunchCommand>(parent); }

}  // namespace spawn::cli
