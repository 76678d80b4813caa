#include "spawn/launcher/agent_install.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../support/temp_dir.hpp"

using namespace spawn::launcher;

namespace {

const std::string k_sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

// Runs the snippet's assignments (everything before its first function) in bash, then prints
// the variables back, one per line: what the shell made of the quoted values.
std::string assigned_values(const std::string& snippet) {
  spawn::test::TempDir dir;
  const std::string head = snippet.substr(0, snippet.find("spawn_agent_fetch() {"));
  dir.write("s.sh", head + "printf '%s\\036' \"$spawn_agent_url\" \"$spawn_agent_sha256\" \"$spawn_agent_arch\"\n");
  const std::string cmd = "bash " + dir.file("s.sh") + " > " + dir.file("out") + " 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << read_text(dir.file("out"));
  return read_text(dir.file("out"));
}

}  // namespace

TEST(AgentInstall, UnitIsDistSporedServiceByteForByte) {
  const char* src = std::getenv("SPAWN_SOURCE_DIR");
  const std::string dist = read_text(std::string(src ? src : SPAWN_SOURCE_DIR) + "/dist/spored.service");
  ASSERT_FALSE(dist.empty());
  EXPECT_EQ(std::string(spored_unit()), dist);
  EXPECT_EQ(dist.find("SPAWN_SPORED_UNIT"), std::string::npos) << "the here-document's end word must not occur in the unit";
}

TEST(AgentInstall, CheckSourceRefusesAnythingButHttpsAndAFullSha256) {
  EXPECT_TRUE(check_agent_source({"https://example.com/spored", k_sha, ""}));
  auto upper = check_agent_source({"https://example.com/spored", "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", ""});
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->sha256, k_sha.substr(0, 16) + "0123456789abcdef0123456789abcdef0123456789abcdef");
  for (const char* url : {"http://example.com/spored", "s3://b/k", "ftp://x/y", "https://", "https://host/a b", ""}) {
    auto r = check_agent_source({url, k_sha, ""});
    ASSERT_FALSE(r) << url;
    EXPECT_NE(r.error().message.find("--agent-url"), std::string::npos);
  }
  for (const std::string& sha : {std::string(), k_sha.substr(1), k_sha + "0", "g" + k_sha.substr(1)}) {
    auto r = check_agent_source({"https://example.com/spored", sha, ""});
    ASSERT_FALSE(r) << sha;
    EXPECT_NE(r.error().message.find("--agent-sha256"), std::string::npos);
  }
  EXPECT_FALSE(check_agent_source({"https://example.com/spored", k_sha, "x86_64; reboot"}));
}

TEST(AgentInstall, HostileUrlIsOnlyData) {
  // Quotes, command substitution, backticks, variables: all legal in a URL without spaces.
  const std::string url = "https://example.com/spored?a='$(touch${IFS}canary)'&b=`id`&c=$HOME&d=\"x\"&e=\\";
  auto source = check_agent_source({url, k_sha, "x86_64"});
  ASSERT_TRUE(source) << source.error().message;
  const std::string snippet = agent_install_snippet(*source);
  EXPECT_EQ(assigned_values(snippet), url + "\036" + k_sha + "\036x86_64\036");
}

TEST(AgentInstall, SnippetSteps) {
  const std::string snippet = agent_install_snippet({"https://b.s3.us-east-1.amazonaws.com/k?X-Amz-Signature=ab", k_sha, "x86_64"});
  auto at = [&](std::string_view text) {
    auto pos = snippet.find(text);
    EXPECT_NE(pos, std::string::npos) << text;
    return pos;
  };
  // In this order: architecture, download (https only, --fail, retried), sha256, install, unit, start.
  const auto arch = at("[ \"$(uname -m)\" != \"$spawn_agent_arch\" ]");
  const auto download = at("curl --fail --silent --show-error --location --proto =https --proto-redir =https");
  const auto attempts = at("for spawn_agent_attempt in 1 2 3 4 5; do");
  const auto check = at("if [ \"$spawn_agent_got\" != \"$spawn_agent_sha256\" ]; then");
  const auto install = at("chmod 0755 \"$spawn_agent_tmp\"\nmv -f -- \"$spawn_agent_tmp\" \"$spawn_root/usr/local/bin/spored\"");
  const auto unit = at("cat > \"$spawn_agent_unit\" <<'SPAWN_SPORED_UNIT'\n" + std::string(spored_unit()) + "SPAWN_SPORED_UNIT\n");
  const auto placed = at("mv -f -- \"$spawn_agent_unit\" \"$spawn_root/etc/systemd/system/spored.service\"");
  const auto reload = at("systemctl daemon-reload\n");
  const auto start = at("systemctl enable --now --no-block spored.service\n");
  EXPECT_LT(arch, download);
  EXPECT_LT(download, attempts);
  EXPECT_LT(attempts, check);
  EXPECT_LT(check, install);
  EXPECT_LT(install, unit);
  EXPECT_LT(unit, placed);
  EXPECT_LT(placed, reload);
  EXPECT_LT(reload, start);
  EXPECT_NE(snippet.find("spawn_agent_url='https://b.s3.us-east-1.amazonaws.com/k?X-Amz-Signature=ab'\n"), std::string::npos);
  // The URL is a key to the object until it expires: no message prints it.
  EXPECT_EQ(snippet.find("$spawn_agent_url\" >&2"), std::string::npos);
  EXPECT_EQ(snippet.find("printf '%s\\n' \"$spawn_agent_url"), std::string::npos);
  EXPECT_EQ(snippet, agent_install_snippet({"https://b.s3.us-east-1.amazonaws.com/k?X-Amz-Signature=ab", k_sha, "x86_64"}))
      << "deterministic";
}

TEST(AgentInstall, RunsAloneWithoutSpawnRoot) {
  // The snippet sets spawn_root itself when spawn's script has not (": ${spawn_root:=}"), so
  // it is valid bash under set -u on its own.
  const std::string snippet = agent_install_snippet({"https://example.com/spored", k_sha, ""});
  spawn::test::TempDir dir;
  dir.write("s.sh", "set -euo pipefail\n" + snippet.substr(0, snippet.find("spawn_agent_fetch() {")) +
                        "printf '[%s]' \"$spawn_root\"\n");
  const std::string cmd = "bash -n " + dir.file("s.sh") + " && bash " + dir.file("s.sh") + " > " + dir.file("out");
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(read_text(dir.file("out")), "[]");
  dir.write("all.sh", snippet);
  EXPECT_EQ(std::system(("bash -n " + dir.file("all.sh")).c_str()), 0) << "the whole snippet parses";
}

namespace {

AgentSource two_binaries() {
  AgentSource s;
  s.bucket = "spawn-b";
  s.region = "eu-west-1";
  s.binaries = {{"x86_64", "https://spawn-b.s3.eu-west-1.amazonaws.com/spawn/agent/x/spored", "spawn/agent/x/spored", k_sha},
                {"aarch64", "https://spawn-b.s3.eu-west-1.amazonaws.com/spawn/agent/a/spored", "spawn/agent/a/spored",
                 std::string(64, 'a')}};
  return s;
}

// Runs the bucket snippet's choice of binary with `uname -m` answering machine; what it chose
// (url, sha256) or its refusal, and its exit status.
std::pair<int, std::string> choice_on(const std::string& snippet, const std::string& machine) {
  spawn::test::TempDir dir;
  std::filesystem::create_directories(dir.file("bin"));
  dir.write("bin/uname", "#!/bin/sh\necho " + machine + "\n", 0755);
  dir.write("s.sh", "set -euo pipefail\n" + snippet.substr(0, snippet.find("spawn_imds_get() {")) +
                        "printf '%s %s' \"$spawn_agent_url\" \"$spawn_agent_sha256\"\n");
  const std::string cmd = "PATH=" + dir.file("bin") + ":$PATH bash " + dir.file("s.sh") + " > " + dir.file("out") + " 2>&1";
  const int status = std::system(cmd.c_str());
  return {WEXITSTATUS(status), read_text(dir.file("out"))};
}

}  // namespace

TEST(AgentInstall, BucketSnippetPicksTheBinaryOfTheMachine) {
  auto source = check_agent_source(two_binaries());
  ASSERT_TRUE(source) << source.error().message;
  EXPECT_EQ(source->architectures(), (std::vector<std::string>{"x86_64", "aarch64"}));
  const std::string snippet = agent_install_snippet(*source);
  EXPECT_EQ(choice_on(snippet, "x86_64"),
            std::make_pair(0, "https://spawn-b.s3.eu-west-1.amazonaws.com/spawn/agent/x/spored " + k_sha));
  EXPECT_EQ(choice_on(snippet, "aarch64"),
            std::make_pair(0, "https://spawn-b.s3.eu-west-1.amazonaws.com/spawn/agent/a/spored " + std::string(64, 'a')));
  auto other = choice_on(snippet, "riscv64");
  EXPECT_EQ(other.first, 1);
  EXPECT_NE(other.second.find("spawn: spored not installed: no spored was uploaded for riscv64 (uploaded: x86_64, aarch64)"),
            std::string::npos) << other.second;
  spawn::test::TempDir dir;
  dir.write("all.sh", snippet);
  EXPECT_EQ(std::system(("bash -n " + dir.file("all.sh")).c_str()), 0) << "the whole snippet parses";
}

TEST(AgentInstall, BucketSnippetSignsWithTheRoleAndNeverPutsCredentialsOnACommandLine) {
  const std::string snippet = agent_install_snippet(two_binaries());
  EXPECT_NE(snippet.find("--aws-sigv4 \"aws:amz:$spawn_agent_region:s3\""), std::string::npos);
  EXPECT_NE(snippet.find("curl --config - "), std::string::npos) << "user and token on standard input";
  EXPECT_NE(snippet.find("X-aws-ec2-metadata-token-ttl-seconds"), std::string::npos) << "IMDSv2 only";
  EXPECT_NE(snippet.find("--proto =https"), std::string::npos);
  EXPECT_EQ(snippet.find("--location"), std::string::npos) << "no redirect away from the bucket";
  EXPECT_EQ(snippet.find("X-Amz-Signature"), std::string::npos) << "nothing presigned, nothing that expires";
}

TEST(AgentInstall, BucketBinariesAreChecked) {
  auto s = two_binaries();
  s.binaries[1].url = "http://spawn-b.s3.eu-west-1.amazonaws.com/spawn/agent/a/spored";
  EXPECT_FALSE(check_agent_source(s));
  s = two_binaries();
  s.binaries[0].sha256 = "xyz";
  EXPECT_FALSE(check_agent_source(s));
  s = two_binaries();
  s.binaries[0].architecture = "x86_64) reboot;;";
  EXPECT_FALSE(check_agent_source(s));
}
