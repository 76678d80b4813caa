#include "spawn/cli/connect_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "spawn/aws/ec2/console.hpp"
#include "spawn/aws/ec2/images.hpp"
#include "spawn/cli/connect_plan.hpp"
#include "spawn/cli/host_key_store.hpp"
#include "spawn/cli/one_instance.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/util/subprocess.hpp"
#include "spawn/util/time.hpp"

namespace spawn::cli {
namespace {

constexpr const char* k_examples = R"(
Examples:
  spawn connect dev
  spawn connect --job-array-name train --index 3 -- nvidia-smi
  spawn ssh i-0abc1234def567890 --user ubuntu --key ~/.ssh/work.pem
  spawn connect dev --ssm                 # through SSM Session Manager, no open port needed

spawn never connects to a host it cannot verify: it trusts only the SSH host keys the instance
printed on its console at first boot (cloud-init), written to a known_hosts file of spawn's for
that instance alone (removed by spawn terminate); until the console shows them it waits, at most
--wait-keys. The key file is ~/.ssh/<key pair>.pem (or without .pem) when found; the user the
AMI's (ec2-user, ubuntu, admin, ...).)";

constexpr auto k_poll = std::chrono::seconds(5);
constexpr const char* k_ssm_help =
    "install the AWS CLI v2 and the Session Manager plugin "
    "(https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html)";

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view rest(path);
  while (!rest.empty()) {
    auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return false;
}

// Replaces spawn with argv (the terminal goes to ssh); returns only when it could not.
int exec(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  ::execvp(args[0], args.data());
  print_failure(fmt::format("cannot run {}: {}", argv[0], std::strerror(errno)));
  return k_exit_failure;
}

// "ssh-keyscan" output lines "host type base64" -> keys.
std::vector<model::HostKey> scanned_keys(const std::string& out) {
  auto parsed = model::parse_console_host_keys("-----BEGIN SSH HOST KEY KEYS-----\n" + out +
                                               "\n-----END SSH HOST KEY KEYS-----\n");
  return parsed.keys;
}

class ConnectCommand final : public Command {
 public:
  explicit ConnectCommand(CLI::App& parent)
      : Command(parent, "connect", "SSH to an instance, its host key verified from its console (also: spawn ssh)") {
    m_app->footer(k_examples);
    m_app->add_option("instance", m_first, "instance id or Name (not with --job-array-name)");
    m_app->add_option("command", m_args, "after --: a command to run instead of a shell");
    m_app->add_option("--job-array-name", m_which.job_array, "a member of this job array (with --index)");
    m_app->add_option("--index", m_which.index, "the member's index in the job array");
    m_app->add_option("--user,-u", m_user, "login user (default: the AMI's: ec2-user, ubuntu, admin, ...)");
    m_app->add_option("--key,-i", m_key, "private key file (default: ~/.ssh/<the instance's key pair>.pem)");
    m_app->add_flag("--private", m_private, "connect to the private address (from inside the VPC)");
    m_app->add_option("--port,-p", m_port, "SSH port (default 22)")->check(CLI::Range(1, 65535));
    m_app->add_flag("--ssm", m_ssm, "through SSM Session Manager (aws ssm start-session) instead of SSH");
    m_app->add_option("--wait-keys", m_wait_keys, "wait at most this long for the host keys on the console (default 5m)");
  }

  int run() override {
    // With --job-array-name no instance is named: the first word is the command's.
    if (m_which.job_array) {
      if (!m_first.empty()) m_args.insert(m_args.begin(), m_first);
    } else {
      m_which.target = m_first;
    }
    if (auto bad = m_which.usage_error(); !bad.empty()) return usage(bad);
    if (m_user && !valid_login_user(*m_user)) return usage("--user: expected a login name like ec2-user, got '" + *m_user + "'");
    auto wait = util::parse_duration(m_wait_keys);
    if (!wait) return usage("--wait-keys: expected a duration such as 5m or 30s, got '" + m_wait_keys + "'");
    if (m_key && ::access(m_key->c_str(), R_OK) != 0) return usage("--key " + *m_key + ": cannot read it");
    if (m_ssm && (m_user || m_key || m_private || m_port != 22 || !m_args.empty()))
      return usage("--ssm: not with --user, --key, --private, --port or a command (Session Manager opens a shell)");
    if (m_global.output == OutputFormat::json) return usage("connect has no --output json");

    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    auto ec2 = session->ec2();
    auto instance = find_one(ec2, m_which, true);
    if (!instance) {
      print_command_failure(instance.error());
      return k_exit_failure;
    }
    if (instance->state != "running") {
      print_failure(fmt::format("{} is {}: only a running instance can be reached", instance->instance_id, instance->state));
      return k_exit_failure;
    }
    const std::string address = m_private ? instance->private_ip
                                          : (instance->public_ip.empty() ? instance->private_ip : instance->public_ip);
    if (m_ssm || address.empty()) return ssm(instance->instance_id, session->region(), address.empty());

    auto keys = host_keys(ec2, *instance, address, *wait);
    if (!keys) {
      print_failure(keys.error());
      return k_exit_failure;
    }
    const auto env = aws::config::process_environment();
    auto file = remember_host_keys(env, instance->instance_id, *keys);
    if (!file) {
      print_failure(file.error());
      return k_exit_failure;
    }
    SshPlan plan;
    plan.instance_id = instance->instance_id;
    plan.address = address;
    plan.port = m_port;
    plan.known_hosts_file = *file;
    plan.command = m_args;
    plan.key_file = m_key ? m_key : find_key_file(instance->key_name, env);
    if (!plan.key_file && !instance->key_name.empty())
      fmt::print(stderr, "spawn: no key file for key pair {} under ~/.ssh: ssh offers your agent's and default keys (--key FILE)\n",
                 instance->key_name);
    plan.user = m_user ? *m_user : login_user(ec2, instance->image_id);
    return exec(ssh_argv(plan));
  }

 private:
  int usage(const std::string& message) {
    print_usage_error(message, "connect");
    return k_exit_usage;
  }

  int ssm(const std::string& instance_id, const std::string& region, bool no_address) {
    if (!on_path("aws") || !on_path("session-manager-plugin")) {
      print_failure(no_address ? instance_id + " has no address to reach by SSH, and Session Manager is not installed here"
                               : "--ssm needs the AWS CLI and its Session Manager plugin");
      fmt::print(stderr, "spawn: hint: {}\n", k_ssm_help);
      return k_exit_failure;
    }
    if (no_address) fmt::print(stderr, "spawn: {} has no address: connecting through SSM Session Manager\n", instance_id);
    return exec(ssm_argv(instance_id, region));
  }

  // The host keys the console shows, waiting (bounded) until it shows them.
  expected<std::vector<model::HostKey>, std::string> host_keys(const aws::ec2::Client& ec2, const aws::ec2::Instance& i,
                                                               const std::string& address, std::chrono::seconds wait) {
    const auto give_up = std::chrono::steady_clock::now() + wait;
    bool said = false;
    for (;;) {
      auto console = aws::ec2::get_console_output(ec2, i.instance_id, false);
      if (!console) return unexpected("cannot read " + i.instance_id + "'s console: " + console.error().describe());
      auto found = model::parse_console_host_keys(console->text);
      if (!found.keys.empty()) return model::trusted_host_keys(found);
      if (!found.fingerprints.empty()) {
        // Fingerprints alone: the keys the host offers, kept only when the console printed them.
        util::RunOptions options;
        options.timeout = std::chrono::seconds(20);
        options.child_stdin = util::ChildStdin::null;
        auto scan = util::run_process({"ssh-keyscan", "-T", "10", "-p", std::to_string(m_port), address}, options);
        if (!scan) return unexpected(scan.error());
        auto keys = model::keys_matching(scanned_keys(scan->out), found.fingerprints);
        if (keys.empty())
          return unexpected(fmt::format("{} at {} offers no host key whose fingerprint its console printed: not "
                                        "connecting",
                                        i.instance_id, address));
        return keys;
      }
      if (std::chrono::steady_clock::now() + k_poll > give_up)
        return unexpected(fmt::format("{}'s console shows no SSH host key after {}: not connecting unverified (cloud-init "
                                      "prints them at first boot; try again later, or --ssm)",
                                      i.instance_id, util::format_age(wait)));
      if (!said) fmt::print(stderr, "spawn: waiting for {}'s SSH host keys on its console (at most {})...\n",
                            i.instance_id, util::format_age(wait));
      said = true;
      std::this_thread::sleep_for(k_poll);
    }
  }

  std::string login_user(const aws::ec2::Client& ec2, const std::string& image_id) const {
    auto images = ec2.describe_images({image_id});
    if (!images || images->empty()) return "ec2-user";
    return login_user_for_image(images->front().name);
  }

  OneInstance m_which;
  std::string m_first;
  std::vector<std::string> m_args;
  std::optional<std::string> m_user, m_key;
  bool m_private = false, m_ssm = false;
  int m_port = 22;
  std::string m_wait_keys = "5m";
};

}  // namespace

std::unique_ptr<Command> make_connect_command(CLI::App& parent) { return std::make_unique<ConnectCommand>(parent); }

}  // namespace spawn::cli
