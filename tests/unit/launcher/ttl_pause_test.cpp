#include "spawn/launcher/ttl_pause.hpp"

#include <gtest/gtest.h>

namespace spawn::launcher {
namespace {

util::SystemTime t(const char* text) { return *util::parse_rfc3339(text); }

TEST(TtlPause, StopTimeFromEc2sReason) {
  EXPECT_EQ(stop_time("User initiated (2026-12-04 06:13:53 GMT)"), t("2026-12-04T06:13:53Z"));
  EXPECT_EQ(stop_time("User initiated (2026-12-04 06:13:53 UTC)"), t("2026-12-04T06:13:53Z"));
  for (const char* other : {"", "User initiated", "Server.SpotInstanceShutdown", "User initiated (yesterday)",
                            "User initiated (2026-12-04 06:13:53 CET)", "User initiated (2026-13-04 06:13:53 GMT)"})
    EXPECT_FALSE(stop_time(other)) << other;
}

TEST(TtlPause, WhatWasLeftIsLeftAgain) {
  // Stopped at 10:00 with 2 h left, started at 15:00: ends at 17:00.
  EXPECT_EQ(paused_deadline(t("2026-12-04T12:00:00Z"), t("2026-12-04T10:00:00Z"), t("2026-12-04T15:00:00Z")),
            t("2026-12-04T17:00:00Z"));
  // Over already when it stopped: ends at once.
  EXPECT_EQ(paused_deadline(t("2026-12-04T09:00:00Z"), t("2026-12-04T10:00:00Z"), t("2026-12-04T15:00:00Z")),
            t("2026-12-04T15:00:00Z"));
}

}  // namespace
}  // namespace spawn::launcher
