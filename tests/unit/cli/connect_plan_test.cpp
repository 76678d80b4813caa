// spawn connect's plan: the login user, the key file, and the ssh command line.
#include "spawn/cli/connect_plan.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "../support/temp_dir.hpp"

namespace spawn::cli {
namespace {

TEST(ConnectPlan, LoginUserOfTheAmiFamily) {
  EXPECT_EQ(login_user_for_image("al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64"), "ec2-user");
  EXPECT_EQ(login_user_for_image("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241206"), "ubuntu");
  EXPECT_EQ(login_user_for_image("debian-12-amd64-20241201-1948"), "admin");
  EXPECT_EQ(login_user_for_image("RHEL-9.5.0_HVM-20241211-x86_64"), "ec2-user");
  EXPECT_EQ(login_user_for_image("Fedora-Cloud-Base-41"), "fedora");
  EXPECT_EQ(login_user_for_image(""), "ec2-user");
  EXPECT_TRUE(valid_login_user("ec2-user"));
  EXPECT_TRUE(valid_login_user("_svc.1"));
  for (const char* bad : {"", "Root", "-oProxyCommand=x", "a b", "a;b", "a@b"}) EXPECT_FALSE(valid_login_user(bad)) << bad;
}

TEST(ConnectPlan, KeyFileUnderDotSsh) {
  test::TempDir home;
  std::filesystem::create_directories(home.path() + "/.ssh");
  auto env = aws::config::fixed_environment({{"HOME", home.path()}});
  EXPECT_FALSE(find_key_file("work", env));
  std::ofstream(home.path() + "/.ssh/work") << "key";
  EXPECT_EQ(*find_key_file("work", env), home.path() + "/.ssh/work");
  std::ofstream(home.path() + "/.ssh/work.pem") << "key";
  EXPECT_EQ(*find_key_file("work", env), home.path() + "/.ssh/work.pem");
  EXPECT_FALSE(find_key_file("../work", env));
  EXPECT_FALSE(find_key_file("", env));
}

TEST(ConnectPlan, SshTrustsOnlySpawnsFileUnderTheInstanceAlias) {
  SshPlan p{"i-0abc", "203.0.113.7", 2222, "ubuntu", "/k/work.pem", "/s/known_hosts/i-0abc", {"nvidia-smi", "-L"}};
  EXPECT_EQ(ssh_argv(p), (std::vector<std::string>{
                             "ssh", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/s/known_hosts/i-0abc",
                             "-o", "GlobalKnownHostsFile=/dev/null", "-o", "HostKeyAlias=i-0abc", "-o", "CheckHostIP=no",
                             "-o", "UpdateHostKeys=no", "-i", "/k/work.pem", "-o", "IdentitiesOnly=yes", "-p", "2222",
                             "-l", "ubuntu", "203.0.113.7", "--", "nvidia-smi", "-L"}));
  p.key_file.reset();
  p.command.clear();
  auto argv = ssh_argv(p);
  EXPECT_EQ(argv.back(), "203.0.113.7");
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "-i"), 0);
  EXPECT_EQ(ssm_argv("i-0abc", "eu-west-1"),
            (std::vector<std::string>{"aws", "ssm", "start-session", "--target", "i-0abc", "--region", "eu-west-1"}));
}

}  // namespace
}  // namespace spawn::cli
