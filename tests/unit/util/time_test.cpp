#include "spawn/util/time.hpp"

#include <gtest/gtest.h>

using namespace spawn::util;
using namespace std::chrono_literals;

TEST(Time, Rfc3339RoundTrip) {
  auto t = parse_rfc3339("2026-11-27T10:00:05Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339(*t), "2026-11-27T10:00:05Z");
  EXPECT_EQ(*parse_rfc3339("2026-11-27T10:00:05.123Z"), *t);
  EXPECT_EQ(*parse_rfc3339("2026-11-27T12:00:05+02:00"), *t);
  for (const char* bad : {"", "2026-11-27", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-27T10:00:05", "garbage-garbage-garb"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

TEST(Time, AgeAndDuration) {
  EXPECT_EQ(format_age(45s), "45s");
  EXPECT_EQ(format_age(12min), "12m");
  EXPECT_EQ(format_age(3h + 12min), "3h12m");
  EXPECT_EQ(format_age(52h), "2d4h");
  EXPECT_EQ(*parse_duration("8h"), 8h);
  EXPECT_EQ(*parse_duration("1h30m"), 90min);
  EXPECT_EQ(*parse_duration("2d"), 48h);
  for (const char* bad : {"", "8", "h", "0h", "8x", "-1h", "1.5h"}) EXPECT_FALSE(parse_duration(bad)) << bad;
}
