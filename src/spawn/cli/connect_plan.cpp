#include "spawn/cli/connect_plan.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>

namespace spawn::cli {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

std::string login_user_for_image(const std::string& image_name) {
  const std::string name = lower(image_name);
  if (name.find("ubuntu") != std::string::npos) return "ubuntu";
  if (name.find("debian") != std::string::npos) return "admin";
  if (name.find("fedora") != std::string::npos) return "fedora";
  if (name.find("centos") != std::string::npos) return "centos";
  if (name.find("rocky") != std::string::npos) return "rocky";
  return "ec2-user";
}

bool valid_login_user(const std::string& user) {
  if (user.empty() || user.size() > 32) return false;
  if (!(std::islower(static_cast<unsigned char>(user[0])) || user[0] == '_')) return false;
  return std::all_of(user.begin(), user.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' ||
           c == '-' || c == '.';
  });
}

std::optional<std::string> find_key_file(const std::string& key_pair, const aws::config::Environment& env) {
  if (key_pair.empty() || key_pair.find('/') != std::string::npos || key_pair.starts_with('.')) return std::nullopt;
  auto home = env ? env("HOME") : std::nullopt;
  if (!home || home->empty()) return std::nullopt;
  for (const char* suffix : {".pem", "", ".key"}) {
    const std::string path = *home + "/.ssh/" + key_pair + suffix;
    if (is_file(path)) return path;
  }
  return std::nullopt;
}

std::vector<std::string> ssh_argv(const SshPlan& p) {
  std::vector<std::string> argv{"ssh",
                                "-o", "StrictHostKeyChecking=yes",
                                "-o", "UserKnownHostsFile=" + p.known_hosts_file,
                                "-o", "GlobalKnownHostsFile=/dev/null",
                                "-o", "HostKeyAlias=" + p.instance_id,
                                "-o", "CheckHostIP=no",
                                "-o", "UpdateHostKeys=no"};
  if (p.key_file) {
    argv.insert(argv.end(), {"-i", *p.key_file, "-o", "IdentitiesOnly=yes"});
  }
  argv.insert(argv.end(), {"-p", std::to_string(p.port), "-l", p.user, p.address});
  if (!p.command.empty()) {
    argv.push_back("--");
    argv.insert(argv.end(), p.command.begin(), p.command.end());
  }
  return argv;
}

std::vector<std::string> ssm_argv(const std::string& instance_id, const std::string& region) {
  return {"aws", "ssm", "start-session", "--target", instance_id, "--region", region};
}

}  // namespace spawn::cli
