#include "spawn/agent/log.hpp"

#include <gtest/gtest.h>

#include "spawn/util/time.hpp"

namespace spawn::agent {
namespace {

TEST(Log, JsonLinesWithTimeLevelEventAndFields) {
  std::string out;
  Logger log(LogFormat::json, [&](std::string_view line) { out += line; },
             [] { return *util::parse_rfc3339("2026-11-27T10:00:00Z") + std::chrono::milliseconds(42); });
  log.info("checkpoint_finished", {{"status", "ok"}, {"seconds", 1.5}});
  ASSERT_EQ(out.back(), '\n');
  auto record = nlohmann::json::parse(out);
  EXPECT_EQ(record["time"], "2026-11-27T10:00:00.042Z");
  EXPECT_EQ(record["level"], "info");
  EXPECT_EQ(record["event"], "checkpoint_finished");
  EXPECT_EQ(record["status"], "ok");
  EXPECT_EQ(out.find("\"time\""), 1u);  // time, level, event first
}

TEST(Log, InvalidUtf8FromAScriptDoesNotBreakTheLine) {
  std::string out;
  Logger log(LogFormat::json, [&](std::string_view line) { out += line; });
  log.info("checkpoint_output", {{"line", std::string("bad \xff byte")}});
  EXPECT_TRUE(nlohmann::json::accept(out));
}

TEST(Log, Text) {
  std::string out;
  Logger log(LogFormat::text, [&](std::string_view line) { out += line; },
             [] { return *util::parse_rfc3339("2026-11-27T10:00:00Z"); });
  log.warning("shutdown", {{"command", "systemctl poweroff"}, {"n", 2}});
  EXPECT_EQ(out, "2026-11-27T10:00:00.000Z warning shutdown command=\"systemctl poweroff\" n=2\n");
}

TEST(Log, LoggableUrlHidesPathAndQuery) {
  EXPECT_EQ(loggable_url("https://hooks.slack.com/services/T0/B0/XXXXSECRET"), "https://hooks.slack.com/…");
  EXPECT_EQ(loggable_url("https://example.com:8443/?token=abc"), "https://example.com:8443/…");
  EXPECT_EQ(loggable_url("https://example.com"), "https://example.com/");
  EXPECT_EQ(loggable_url("nonsense"), "<invalid URL>");
}

}  // namespace
}  // namespace spawn::agent
