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

AgentLocation location() {
  AgentLocation a;
  a.bucket = "my-bucket";
  a.key = "spawn/agent/" + std::string(64, 'a') + "/spored";
  a.sha256_key = a.key + ".sha256";
  a.region = "eu-west-1";
  a.sha256 = std::string(64, 'a');
  a.size = 4096;
  a.architecture = "x86_64";
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
  EXPECT_FALSE(c->agent);
}

TEST(SpawnConfig, SavedPrivatelyAndReadBack) {
  spawn::test::TempDir dir;
  const std::string path = dir.file(".config/spawn/config.json");  // neither folder exists yet
  SpawnConfig c;
  c.agent = location();
  ASSERT_TRUE(save_spawn_config(path, c));
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(dir.file(".config/spawn")), 0700u);
  EXPECT_EQ(mode_of(dir.file(".config")), 0700u);
  auto back = load_spawn_config(path);
  ASSERT_TRUE(back) << back.error();
  ASSERT_TRUE(back->agent);
  EXPECT_EQ(back->agent->key, c.agent->key);
  EXPECT_EQ(back->agent->region, "eu-west-1");
  EXPECT_EQ(back->agent->size, 4096u);
  EXPECT_EQ(back->agent->architecture, "x86_64");
  EXPECT_EQ(back->document["version"], 1);
}

TEST(SpawnConfig, UnknownKeysSurviveARewrite) {
  spawn::test::TempDir dir;
  const std::string path = dir.write("config.json", R"({"future": {"x": [1, 2]}, "agent": null})", 0600);
  auto c = load_spawn_config(path);
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->agent);
  c->agent = location();
  ASSERT_TRUE(save_spawn_config(path, *c));
  auto back = load_spawn_config(path);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->document["future"]["x"][1], 2);
  EXPECT_TRUE(back->agent);
}

TEST(SpawnConfig, MalformedFilesNameThemselves) {
  spawn::test::TempDir dir;
  for (const char* text : {"not json", "[1]", R"({"agent": 5})", R"({"agent": {"bucket": "b", "key": "k"}})",
                           R"({"agent": {"bucket": "b", "key": "k", "region": "r", "sha256": "abc"}})"}) {
    const std::string path = dir.write("bad.json", text, 0600);
    auto c = load_spawn_config(path);
    ASSERT_FALSE(c) << text;
    EXPECT_NE(c.error().find(path), std::string::npos) << c.error();
  }
}
