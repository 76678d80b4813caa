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

// Found by fuzz/credentials_document_fuzz.cpp: year 1013 overflowed SystemTime (undefined
// behaviour); sscanf's %2d also let signs and blanks through.
TEST(Time, Rfc3339RefusesWhatItCannotRepresentOrIsNotDigits) {
  for (const char* bad : {"1013-11-27T10:00:00Z", "9999-12-31T23:59:59Z", "-999-11-27T10:00:00Z", "2026-11-27T-1:00:00Z",
                          "2026-11-27T10:-1:00Z", "2026-+1-27T10:00:00Z", "2026-11- 7T10:00:00Z", "2026-11-27T10:00:00+0a:00",
                          "2026-11-27T10:00:00+24:00", "2026-11-27 10:00:00Z"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  EXPECT_TRUE(parse_rfc3339("1970-01-01T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("2200-12-31T23:59:59-05:30"));
  EXPECT_TRUE(parse_rfc3339("2026-11-27t10:00:05z"));
}

TEST(Time, AgeAndDuration) {
  EXPECT_EQ(format_age(45s), "45s");
  EXPECT_EQ(format_age(12min), "12m");
  EXPECT_EQ(format_age(3h + 12min), "3h12m");
  EXPECT_EQ(format_age(52h), "2d4h");
  EXPECT_EQ(format_age(2h), "2h");
  EXPECT_EQ(format_age(72h), "3d");
  EXPECT_EQ(*parse_duration("8h"), 8h);
  EXPECT_EQ(*parse_duration("1h30m"), 90min);
  EXPECT_EQ(*parse_duration("2d"), 48h);
  for (const char* bad : {"", "8", "h", "0h", "8x", "-1h", "1.5h"}) EXPECT_FALSE(parse_duration(bad)) << bad;
}
