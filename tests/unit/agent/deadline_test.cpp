// The deadline arithmetic, with times given (no clock is read).
#include "spawn/agent/deadline.hpp"

#include <gtest/gtest.h>

namespace spawn::agent {
namespace {

using namespace std::chrono_literals;

util::SystemTime at(const char* text) { return *util::parse_rfc3339(text); }

TEST(Deadline, NinetySecondsAfterDetectionWhenTheNoticeLeavesRoom) {
  // Seen at once: the notice is 120 s away, so detection + 90 s = notice - 30 s.
  EXPECT_EQ(checkpoint_deadline(at("2026-11-27T10:00:00Z"), at("2026-11-27T10:02:00Z")), at("2026-11-27T10:01:30Z"));
  // A notice time far away (EC2 may give more than two minutes): still 90 s at most.
  EXPECT_EQ(checkpoint_deadline(at("2026-11-27T10:00:00Z"), at("2026-11-27T10:10:00Z")), at("2026-11-27T10:01:30Z"));
}

TEST(Deadline, ThirtySecondsBeforeTheNoticeTimeWhenSeenLate) {
  // Seen 50 s after it was posted: 70 s left, the script gets 40 of them.
  EXPECT_EQ(checkpoint_deadline(at("2026-11-27T10:00:50Z"), at("2026-11-27T10:02:00Z")), at("2026-11-27T10:01:30Z"));
  // Sub-second detection times keep their precision.
  auto detected = at("2026-11-27T10:00:00Z") + 250ms;
  EXPECT_EQ(checkpoint_deadline(detected, at("2026-11-27T10:10:00Z")), detected + 90s);
}

TEST(Deadline, CanBeInThePastWhenTheNoticeCameTooLate) {
  auto d = checkpoint_deadline(at("2026-11-27T10:01:45Z"), at("2026-11-27T10:02:00Z"));
  EXPECT_EQ(d, at("2026-11-27T10:01:30Z"));
  EXPECT_LT(d, at("2026-11-27T10:01:45Z"));
}

TEST(Deadline, WithoutANoticeTimeOnlyTheBudgetCounts) {
  EXPECT_EQ(checkpoint_deadline(at("2026-11-27T10:00:00Z"), std::nullopt), at("2026-11-27T10:01:30Z"));
}

TEST(Deadline, WallTimesMapOntoTheSteadyClock) {
  SteadyTime steady_now{std::chrono::hours(5)};
  auto wall_now = at("2026-11-27T10:00:00Z");
  EXPECT_EQ(to_steady(at("2026-11-27T10:01:30Z"), wall_now, steady_now), steady_now + 90s);
  EXPECT_EQ(to_steady(at("2026-11-27T09:59:50Z"), wall_now, steady_now), steady_now - 10s);
}

TEST(Deadline, TtlStages) {
  auto deadline = at("2026-11-27T18:00:00Z");
  EXPECT_EQ(ttl_stage(at("2026-11-27T17:54:59Z"), deadline), TtlStage::running);
  EXPECT_EQ(ttl_stage(at("2026-11-27T17:55:00Z"), deadline), TtlStage::warning);
  EXPECT_EQ(ttl_stage(at("2026-11-27T17:59:59Z"), deadline), TtlStage::warning);
  EXPECT_EQ(ttl_stage(at("2026-11-27T18:00:00Z"), deadline), TtlStage::expired);
  EXPECT_EQ(ttl_stage(at("2026-11-28T18:00:00Z"), deadline), TtlStage::expired);
}

}  // namespace
}  // namespace spawn::agent
