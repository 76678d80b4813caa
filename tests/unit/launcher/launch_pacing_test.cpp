#include "spawn/launcher/launch_pacing.hpp"

#include <gtest/gtest.h>

namespace spawn::launcher {
namespace {

TEST(LaunchPacing, AtMostTheBucketPerCall) {
  EXPECT_EQ(launch_chunks(1), std::vector<int>{1});
  EXPECT_EQ(launch_chunks(500), std::vector<int>{500});
  EXPECT_EQ(launch_chunks(1000), std::vector<int>{1000});
  EXPECT_EQ(launch_chunks(1001), (std::vector<int>{1000, 1}));
  EXPECT_EQ(launch_chunks(5000), (std::vector<int>{1000, 1000, 1000, 1000, 1000}));
  EXPECT_EQ(launch_chunks(2500), (std::vector<int>{1000, 1000, 500}));
}

TEST(LaunchPacing, WaitsForTheRefillOfTheNextCall) {
  EXPECT_EQ(refill_wait(1000), std::chrono::seconds(501));  // 2 instances a second
  EXPECT_EQ(refill_wait(200), std::chrono::seconds(101));
  EXPECT_EQ(refill_wait(1), std::chrono::seconds(2));
}

}  // namespace
}  // namespace spawn::launcher
