#pragma once
// What `spawn connect` runs: the login user of an AMI family, the key file of a key pair, and
// the ssh command line that trusts only the host keys the instance printed. Pure but for
// looking at which key files exist.
#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/config/environment.hpp"

namespace spawn::cli {

// The login user of the AMI, from its name: ubuntu, admin (Debian), fedora, centos, rocky, or
// ec2-user (Amazon Linux, RHEL, SUSE and anything unknown).
std::string login_user_for_image(const std::string& image_name);

// A user name ssh takes as given: [a-z_][a-z0-9_.-]* up to 32 characters.
bool valid_login_user(const std::string& user);

// ~/.ssh/<key pair>.pem, ~/.ssh/<key pair>, ~/.ssh/<key pair>.key: the first that exists; nullopt
// when none does (ssh then offers the agent's and the default keys).
std::optional<std::string> find_key_file(const std::string& key_pair, const aws::config::Environment& env);

struct SshPlan {
  std::string instance_id;        // the HostKeyAlias
  std::string address;
  int port = 22;
  std::string user;
  std::optional<std::string> key_file;
  std::string known_hosts_file;   // spawn's file for this instance alone
  std::vector<std::string> command;  // run instead of a shell
};

// ssh -o StrictHostKeyChecking=yes -o UserKnownHostsFile=<file> -o GlobalKnownHostsFile=/dev/null
//     -o HostKeyAlias=<id> -o CheckHostIP=no -o UpdateHostKeys=no [-i key -o IdentitiesOnly=yes]
//     -p <port> -l <user> <address> [-- command...]
std::vector<std::string> ssh_argv(const SshPlan& plan);

// aws ssm start-session --target <id> --region <region>
std::vector<std::string> ssm_argv(const std::string& instance_id, const std::string& region);

}  // namespace spawn::cli
