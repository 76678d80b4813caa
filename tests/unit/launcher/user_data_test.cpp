#include "spawn/launcher/user_data.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "spawn/util/sha256.hpp"

using namespace spawn::launcher;
using spawn::model::CheckpointScript;
using spawn::model::OnInterruption;
namespace fs = std::filesystem;

namespace {

// Quotes, command substitution, backticks, newlines, unicode, a here-document end word.
const std::string k_hostile =
    "it's \"$(touch canary-dollar)\" `touch canary-backtick` ${HOME} $HOME; touch canary-semi\n"
    "second line \\ caf\xc3\xa9 \xf0\x9f\x9a\x80 'SPAWN_CHECKPOINT_BASE64'\nSPAWN_CHECKPOINT_BASE64\n";

CheckpointScript embedded(const std::string& content) {
  CheckpointScript s;
  s.kind = CheckpointScript::Kind::local_file;
  s.source = "/home/me/save.sh";
  s.content = content;
  s.sha256 = spawn::util::sha256_hex(content);
  return s;
}

CheckpointScript remote(const std::string& url) {
  CheckpointScript s;
  s.kind = url.starts_with("s3://") ? CheckpointScript::Kind::s3 : CheckpointScript::Kind::https;
  s.source = url;
  return s;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

class Sandbox {
 public:
  Sandbox() : m_dir(fs::temp_directory_path() / ("user_data_test." + std::to_string(::getpid()))) {
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "root");
  }
  ~Sandbox() { fs::remove_all(m_dir); }
  fs::path root() const { return m_dir / "root"; }
  fs::path dir() const { return m_dir; }
  // Runs script with bash in the sandbox folder; the exit status.
  int run(const std::string& script) const {
    std::ofstream(m_dir / "user-data.sh", std::ios::binary) << script;
    std::string cmd = "cd '" + m_dir.string() + "' && bash user-data.sh > out.txt 2>&1";
    return WEXITSTATUS(std::system(cmd.c_str()));
  }

 private:
  fs::path m_dir;
};

}  // namespace

TEST(UserData, SpotConfigJsonPerMarket) {
  SpotSetup s;
  s.on_interruption = OnInterruption::checkpoint;
  s.checkpoint_script = remote("s3://bucket/save.sh");
  EXPECT_EQ(spot_config_json(s),
            R"({"spot":true,"on_interruption":"checkpoint","checkpoint_script":"s3://bucket/save.sh","notify":[]})");
  s.market = SpotMarket::on_demand;
  EXPECT_EQ(nlohmann::json::parse(spot_config_json(s))["spot"], false);
  s.market = SpotMarket::per_instance;
  EXPECT_TRUE(nlohmann::json::parse(spot_config_json(s))["spot"].is_null());
  s.checkpoint_script = embedded("#!/bin/sh\n");
  EXPECT_EQ(nlohmann::json::parse(spot_config_json(s))["checkpoint_script"], "/etc/spawn/checkpoint.sh");
  s.checkpoint_script.reset();
  s.on_interruption = OnInterruption::terminate;
  s.notify = {"arn:aws:sns:us-east-1:1:t"};
  auto doc = nlohmann::json::parse(spot_config_json(s));
  EXPECT_EQ(doc["checkpoint_script"], "");
  EXPECT_EQ(doc["on_interruption"], "terminate");
  EXPECT_EQ(doc["notify"], nlohmann::json::array({"arn:aws:sns:us-east-1:1:t"}));
}

TEST(UserData, ScriptShapeAndTestSeam) {
  SpotSetup s;
  std::string script = spot_script(s);
  std::istringstream lines(script);
  std::string line;
  std::vector<std::string> first;
  while (first.size() < 5 && std::getline(lines, line)) first.push_back(line);
  EXPECT_EQ(first[0], "#!/bin/bash");
  EXPECT_EQ(first[2], "set -euo pipefail");
  EXPECT_EQ(first[3], "spawn_root=''") << "the documented test seam";
  EXPECT_EQ(script.find("export "), std::string::npos) << "nothing exported: no later process would see it";
  EXPECT_NE(script.find("spawn_write 0600 \"$spawn_root/etc/spawn/spot-config.json\""), std::string::npos);
  EXPECT_EQ(script.find("checkpoint.sh"), std::string::npos) << "no script embedded when none is given";
  EXPECT_NE(script.find("no agent install step"), std::string::npos);
  s.agent_install = "curl -fsS https://example.com/spored | sh";
  EXPECT_NE(spot_script(s).find("curl -fsS https://example.com/spored | sh\n"), std::string::npos);
  s.market = SpotMarket::per_instance;
  EXPECT_NE(spot_script(s).find(R"({"spot":null,)"), std::string::npos);
  EXPECT_EQ(spot_script(s), spot_script(s)) << "deterministic";
}

TEST(UserData, HostileValuesRunOnlyAsData) {
  Sandbox box;
  const std::string binary_script = std::string("#!/bin/sh\necho '\0' \xff\n", 21) + k_hostile;
  for (const bool embed : {true, false}) {
    SCOPED_TRACE(embed ? "embedded script" : "script URL");
    fs::remove_all(box.root() / "etc");
    SpotSetup s;
    s.on_interruption = OnInterruption::checkpoint;
    s.checkpoint_script = embed ? embedded(binary_script) : remote("https://example.com/x?q=" + k_hostile);
    s.notify = {"arn:aws:sns:us-east-1:123456789012:" + k_hostile};
    s.ttl_deadline = k_hostile;
    s.root = box.root().string();
    // Trusted test code in the agent step: dumps what the script exported (ctest's own
    // SPAWN_SOURCE_DIR comes from outside).
    s.agent_install = "env | grep '^SPAWN_' | grep -v '^SPAWN_SOURCE_DIR=' > env.out || true\n";
    ASSERT_EQ(box.run(spot_script(s)), 0) << read_file(box.dir() / "out.txt");

    const fs::path etc = box.root() / "etc/spawn";
    EXPECT_EQ(mode_of(etc), 0755u);
    EXPECT_EQ(read_file(etc / "spot-config.json"), spot_config_json(s) + "\n");
    EXPECT_EQ(mode_of(etc / "spot-config.json"), 0600u);
    auto doc = nlohmann::json::parse(read_file(etc / "spot-config.json"));
    EXPECT_EQ(doc["checkpoint_script"], embed ? "/etc/spawn/checkpoint.sh" : s.checkpoint_script->source);
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(etc)) files.push_back(e.path().filename().string());
    std::sort(files.begin(), files.end());
    if (embed) {
      EXPECT_EQ(files, (std::vector<std::string>{"checkpoint.sh", "spot-config.json"})) << "no temporary file left";
      EXPECT_EQ(read_file(etc / "checkpoint.sh"), binary_script) << "byte for byte";
      EXPECT_EQ(mode_of(etc / "checkpoint.sh"), 0700u);
    } else {
      EXPECT_EQ(files, (std::vector<std::string>{"spot-config.json"}));
    }
    EXPECT_EQ(read_file(box.dir() / "env.out"), "") << "nothing exported";
    EXPECT_EQ(doc["notify"], nlohmann::json::array({s.notify[0]}));
    EXPECT_EQ(doc["ttl_deadline"], k_hostile);
    for (const char* canary : {"canary-dollar", "canary-backtick", "canary-semi"}) {
      EXPECT_FALSE(fs::exists(box.dir() / canary)) << canary;
      EXPECT_FALSE(fs::exists(box.root() / canary)) << canary;
    }
  }
}

TEST(UserData, WithASpecNoSecretTravelsInUserData) {
  SpotSetup s;
  s.on_interruption = OnInterruption::checkpoint;
  s.checkpoint_script = remote("https://scripts.example.com/save.sh?token=s3cr3t");
  s.notify = {"arn:aws:sns:us-east-1:123456789012:alerts", "https://hooks.example.com/T0/B0/s3cr3t"};
  s.ttl_deadline = "2026-12-03T20:00:00Z";
  s.spec = spec_location("spawn-bucket", "eu-west-1", "sl-0123456789abcdef");
  const std::string script = spot_script(s);
  EXPECT_EQ(script.find("s3cr3t"), std::string::npos) << script;
  auto doc = nlohmann::json::parse(spot_config_json(s));
  EXPECT_EQ(doc["checkpoint_script"], "") << "the https:// URL is in the spec";
  EXPECT_EQ(doc["notify"], nlohmann::json::array({"arn:aws:sns:us-east-1:123456789012:alerts"}));
  EXPECT_EQ(doc["spec"], "s3://spawn-bucket/spawn/launches/sl-0123456789abcdef/spec.json");
  EXPECT_EQ(doc["spec_region"], "eu-west-1");
  EXPECT_EQ(doc["ttl_deadline"], "2026-12-03T20:00:00Z");

  s.checkpoint_script = embedded("#!/bin/sh\necho my-secret-job-code\n");
  EXPECT_EQ(spot_script(s).find("checkpoint.sh"), std::string::npos) << "an embedded script travels in the spec";
  s.checkpoint_script = remote("s3://ckpt/save.sh");
  s.checkpoint_script_region = "ap-south-1";
  doc = nlohmann::json::parse(spot_config_json(s));
  EXPECT_EQ(doc["checkpoint_script"], "s3://ckpt/save.sh") << "an s3:// location is no secret";
  EXPECT_EQ(doc["checkpoint_script_region"], "ap-south-1");
}

TEST(UserData, WithoutUserDataTheScriptIsTheUserData) {
  SpotSetup s;
  EXPECT_EQ(combine_user_data(spot_script(s), std::nullopt), spot_script(s));
}

TEST(UserData, UserScriptIsItsOwnMimePart) {
  const std::string script = spot_script(SpotSetup{});
  const std::string user = "#!/bin/bash\necho 'hello $(world)'\n";
  const std::string mime = combine_user_data(script, user);
  ASSERT_EQ(mime.rfind("Content-Type: multipart/mixed; boundary=\"", 0), 0u);
  const auto start = mime.find('"') + 1;
  const std::string boundary = mime.substr(start, mime.find('"', start) - start);
  EXPECT_NE(mime.find("\nMIME-Version: 1.0\n"), std::string::npos);
  const auto first = mime.find("--" + boundary + "\n");
  const auto second = mime.find("--" + boundary + "\n", first + 1);
  const auto end = mime.find("--" + boundary + "--\n");
  ASSERT_TRUE(first < second && second < end && end != std::string::npos);
  const std::string part1 = mime.substr(first, second - first);
  const std::string part2 = mime.substr(second, end - second);
  EXPECT_NE(part1.find("Content-Type: text/x-shellscript"), std::string::npos);
  EXPECT_NE(part1.find("filename=\"00-spawn-spot.sh\""), std::string::npos);
  EXPECT_NE(part1.find("\n\n" + script), std::string::npos);
  EXPECT_NE(part2.find("Content-Type: text/x-not-multipart"), std::string::npos)
      << "cloud-init types it from its first line, as if it came alone";
  EXPECT_NE(part2.find("filename=\"50-user-data\""), std::string::npos);
  EXPECT_NE(part2.find("\n\n" + user), std::string::npos) << "the user's bytes untouched";
  // RFC 2046: the line break before a boundary is the boundary's, so one more is added.
  EXPECT_NE(mime.find(script + "\n--" + boundary + "\n"), std::string::npos);
  EXPECT_NE(mime.find(user + "\n--" + boundary + "--\n"), std::string::npos);
  EXPECT_EQ(combine_user_data(script, user), mime) << "deterministic";
}

TEST(UserData, GzipBinaryAndMimeUserData) {
  const std::string script = spot_script(SpotSetup{});
  const std::string gz("\x1f\x8b\x08\x00rest", 8);
  auto g = combine_user_data(script, gz);
  EXPECT_NE(g.find("Content-Type: application/x-gzip\n"), std::string::npos);
  EXPECT_NE(g.find("Content-Transfer-Encoding: base64\n"), std::string::npos);
  EXPECT_NE(g.find("filename=\"50-user-data.gz\"\n\nH4sIAHJlc3Q=\n"), std::string::npos);
  auto b = combine_user_data(script, std::string("#!/bin/sh\n\x01\xff", 12));
  EXPECT_NE(b.find("Content-Type: text/x-not-multipart; charset=\"utf-8\"\nMIME-Version: 1.0\n"
                   "Content-Transfer-Encoding: base64"),
            std::string::npos);
  const std::string nested =
      "Content-Type: multipart/mixed; boundary=\"inner\"\nMIME-Version: 1.0\n\n--inner\n"
      "Content-Type: text/cloud-config\n\n#cloud-config\n--inner--\n";
  auto m = combine_user_data(script, nested);
  EXPECT_NE(m.find("\n" + nested), std::string::npos) << "a MIME document is nested as it is";
}

TEST(UserData, SixteenKilobyteLimitOnTheFinalUserData) {
  SpotSetup s;
  auto small = build_user_data(s, std::string("#!/bin/sh\necho hi\n"));
  ASSERT_TRUE(small);
  EXPECT_EQ(*small, combine_user_data(spot_script(s), std::string("#!/bin/sh\necho hi\n")));

  // Fits alone, but not with spawn's part: the final size is what counts.
  std::string user = "#!/bin/sh\n" + std::string(16000, '#') + "\n";
  auto over = build_user_data(s, user);
  ASSERT_FALSE(over);
  EXPECT_NE(over.error().message.find("over EC2's limit of 16384 bytes"), std::string::npos);
  EXPECT_NE(over.error().message.find("your --user-data 16011 bytes"), std::string::npos);
  EXPECT_NE(over.error().hint.find("s3://"), std::string::npos);

  s.checkpoint_script = embedded(std::string(13000, 'x'));
  auto big = build_user_data(s, std::nullopt);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("embedded checkpoint script /home/me/save.sh (13000 bytes)"), std::string::npos);
}
