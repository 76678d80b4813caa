#include "spawn/cli/spawn_config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "../support/temp_dir.hpp"

using namespace spawn::cli;
using spawn::aws::config::fixed_environment;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

AgentLocation location(const std::string& arch = "x86_64") {
  AgentLocation a;
  a.bucket = "my-bucket";
  a.key = "spawn/agent/" + std::string(64, 'a') + "/spored";
  a.sha256_key = a.key + ".sha256";
  a.region = "eu-west-1";
  a.sha256 = std::string(64, 'a');
  a.size = 4096;
  a.architecture = arch;
  a.spawn_version = "0.1.0";
  a.uploaded_at = "2026-11-27T10:00:00Z";
  return a;
}

}  // namespace

TEST(SpawnConfig, PathFollowsXdg) {
  EXPECT_EQ(spawn_config_path(fixed_environment({{"XDG_CONFIG_HOME", "/x/cfg"}, {"HOME", "/home/me"}})),
            "/x/cfg/spawn/config.json");
  EXPECT_EQ(spawn_config_path(fixed_environment({{"XDG_CONFIG_HOME", "relative"}, {"HOME", "/home/me"}})),
            "/home/me/.config/spawn/config.json") << "XDG: a relative path is ignored";
  EXPECT_EQ(spawn_config_path(fixed_environment({{"HOME", "/home/me"}})), "/home/me/.config/spawn/config.json");
  EXPECT_FALSE(spawn_config_path(fixed_environment({})));
}

TEST(SpawnConfig, MissingFileIsEmpty) {
  spawn::test::TempDir dir;
  auto c = load_spawn_config(dir.file("nope/config.json"));
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->agents.empty());
}

TEST(SpawnConfig, SavedPrivatelyAndReadBack) {
  spawn::test::TempDir dir;
  const std::string path = dir.file(".config/spawn/config.json");  // neither folder exists yet
  SpawnConfig c;
  c.set_agent(location());
  ASSERT_TRUE(save_spawn_config(path, c));
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(dir.file(".config/spawn")), 0700u);
  EXPECT_EQ(mode_of(dir.file(".config")), 0700u);
  auto back = load_spawn_config(path);
  ASSERT_TRUE(back) << back.error();
  ASSERT_EQ(back->agents.size(), 1u);
  const AgentLocation* agent = back->agent_for("x86_64");
  ASSERT_TRUE(agent);
  EXPECT_EQ(agent->key, c.agents.front().key);
  EXPECT_EQ(agent->region, "eu-west-1");
  EXPECT_EQ(agent->size, 4096u);
  EXPECT_EQ(back->document["version"], 1);
  EXPECT_TRUE(back->document.contains("agent"));
}

TEST(SpawnConfig, UnknownKeysSurviveARewrite) {
  spawn::test::TempDir dir;
  const std::string path = dir.write("config.json", R"({"future": {"x": [1, 2]}, "agent": null})", 0600);
  auto c = load_spawn_config(path);
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->agents.empty());
  c->set_agent(location());
  ASSERT_TRUE(save_spawn_config(path, *c));
  auto back = load_spawn_config(path);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->document["future"]["x"][1], 2);
  EXPECT_TRUE(back->agent_for("x86_64"));
}

TEST(SpawnConfig, OneUploadPerArchitectureUnderItsOwnKey) {
  spawn::test::TempDir dir;
  const std::string path = dir.file("config.json");
  SpawnConfig c;
  c.set_agent(location("aarch64"));
  c.set_agent(location("x86_64"));
  auto newer = location("aarch64");
  newer.key = "spawn/agent/newer/spored";
  c.set_agent(newer);
  ASSERT_EQ(c.agents.size(), 2u) << "replaced, not added";
  EXPECT_EQ(c.agents.front().architecture, "x86_64") << "x86_64 first";
  ASSERT_TRUE(save_spawn_config(path, c));
  auto back = load_spawn_config(path);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->document["agent"]["architecture"], "x86_64");
  EXPECT_EQ(back->document["agent_aarch64"]["key"], "spawn/agent/newer/spored");
  ASSERT_TRUE(back->agent_for("aarch64"));
  EXPECT_EQ(back->agent_for("aarch64")->key, "spawn/agent/newer/spored");
  EXPECT_FALSE(back->agent_for("riscv64"));

  // Only the aarch64 one left: "agent" (x86_64) goes from the file.
  back->agents.erase(back->agents.begin());
  ASSERT_TRUE(save_spawn_config(path, *back));
  auto only = load_spawn_config(path);
  ASSERT_TRUE(only);
  EXPECT_FALSE(only->document.contains("agent"));
  EXPECT_TRUE(only->agent_for("aarch64"));
}

TEST(SpawnConfig, AnEntryWithoutArchitectureIsX86AndAnOldArmEntryMovesToItsKey) {
  spawn::test::TempDir dir;
  const std::string sha(64, 'b');
  const std::string entry = R"({"bucket": "b", "key": "k", "region": "r", "sha256": ")" + sha + R"("})";
  auto plain = load_spawn_config(dir.write("plain.json", R"({"agent": )" + entry + "}", 0600));
  ASSERT_TRUE(plain) << plain.error();
  EXPECT_TRUE(plain->agent_for("x86_64"));
  const std::string arm = R"({"bucket": "b", "key": "k", "region": "r", "architecture": "aarch64", "sha256": ")" + sha + R"("})";
  const std::string path = dir.write("arm.json", R"({"agent": )" + arm + "}", 0600);
  auto c = load_spawn_config(path);
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->agent_for("x86_64"));
  ASSERT_TRUE(c->agent_for("aarch64"));
  ASSERT_TRUE(save_spawn_config(path, *c));
  EXPECT_TRUE(load_spawn_config(path)->document.contains("agent_aarch64"));
  auto twice = load_spawn_config(dir.write("twice.json", R"({"agent": )" + arm + R"(, "agent_aarch64": )" + arm + "}", 0600));
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().find("two entries for aarch64"), std::string::npos) << twice.error();
}

TEST(SpawnConfig, MalformedFilesNameThemselves) {
  spawn::test::TempDir dir;
  for (const char* text : {"not json", "[1]", R"({"agent": 5})", R"({"agent": {"bucket": "b", "key": "k"}})",
                           R"({"agent": {"bucket": "b", "key": "k", "region": "r", "sha256": "abc"}})",
                           R"({"agent_aarch64": [1]})"}) {
    const std::string path = dir.write("bad.json", text, 0600);
    auto c = load_spawn_config(path);
    ASSERT_FALSE(c) << text;
    EXPECT_NE(c.error().find(path), std::string::npos) << c.error();
  }
}
