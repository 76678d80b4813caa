// model/drill: which notices are `spawn interrupt` drills.
#include "spawn/model/drill.hpp"

#include <gtest/gtest.h>

using namespace spawn;
using std::chrono::minutes;

namespace {
util::SystemTime at(const char* text) { return *util::parse_rfc3339(text); }
}  // namespace

TEST(DrillTag, IsTheTimeAskedAndANonce) {
  EXPECT_EQ(model::drill_tag_value(at("2026-12-04T20:30:05Z"), "1a2b3c4d"), "2026-12-04T20:30:05Z 1a2b3c4d");
  EXPECT_EQ(model::drill_asked_at("2026-12-04T20:30:05Z 1a2b3c4d"), at("2026-12-04T20:30:05Z"));
}

TEST(DrillTag, AValueNotOfSpawnsNamesNoTime) {
  for (const char* bad : {"", "yes", "2026-12-04T20:30:05Z", "2026-12-04T20:30:05Z ", "soon 1a2b"})
    EXPECT_FALSE(model::drill_asked_at(bad)) << bad;
}

TEST(IsDrill, ANoticeWithinTheWindowAfterTheTagIsTheDrills) {
  const std::string tag = "2026-12-04T20:30:05Z 1a2b3c4d";
  const auto asked = at("2026-12-04T20:30:05Z");
  EXPECT_TRUE(model::is_drill(tag, asked));
  EXPECT_TRUE(model::is_drill(tag, asked + minutes(2)));    // FIS's PT2M
  EXPECT_TRUE(model::is_drill(tag, asked + minutes(20)));
  EXPECT_TRUE(model::is_drill(tag, asked - minutes(1)));    // the user's clock a minute ahead
}

TEST(IsDrill, AnOldTagOrOneFromTheFutureDoesNotMakeARealNoticeADrill) {
  const std::string tag = "2026-12-04T20:30:05Z 1a2b3c4d";
  const auto asked = at("2026-12-04T20:30:05Z");
  EXPECT_FALSE(model::is_drill(tag, asked + minutes(21)));
  EXPECT_FALSE(model::is_drill(tag, asked + std::chrono::hours(48)));
  EXPECT_FALSE(model::is_drill(tag, asked - minutes(2)));
  EXPECT_FALSE(model::is_drill("true", asked));
}
