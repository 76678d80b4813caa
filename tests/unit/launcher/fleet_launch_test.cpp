#include "spawn/launcher/fleet_launch.hpp"

#include <gtest/gtest.h>

using namespace spawn::launcher;
using spawn::aws::ec2::CreateFleetResult;
using spawn::aws::ec2::FleetError;

namespace {
CreateFleetResult reply(int spot, int on_demand, std::vector<FleetError> errors = {}) {
  CreateFleetResult r;
  spawn::aws::ec2::FleetInstances s{"spot", "m7i.large", "", "", {}};
  for (int i = 0; i < spot; ++i) s.instance_ids.push_back("i-s" + std::to_string(i));
  spawn::aws::ec2::FleetInstances o{"on-demand", "m7i.large", "", "", {}};
  for (int i = 0; i < on_demand; ++i) o.instance_ids.push_back("i-o" + std::to_string(i));
  r.instances = {s, o};
  r.errors = std::move(errors);
  return r;
}
FleetError error(std::string lifecycle, std::string code, std::string type = "m7i.large") {
  return {std::move(lifecycle), std::move(type), "", "", std::move(code), "no capacity"};
}
}  // namespace

TEST(FleetTally, CountsEachMarketAgainstWhatWasAsked) {
  auto t = tally_fleet(reply(4, 2, {error("spot", "InsufficientInstanceCapacity")}), 6, 2);
  EXPECT_EQ(t.spot_got, 4);
  EXPECT_EQ(t.spot_missing(), 2);
  EXPECT_EQ(t.on_demand_missing(), 0);
  EXPECT_TRUE(t.spot_short_of_capacity_only());
  EXPECT_EQ(t.spot_code(), "InsufficientInstanceCapacity");
  ASSERT_EQ(t.spot_errors.size(), 1u);
  EXPECT_TRUE(t.on_demand_errors.empty());
}

TEST(FleetTally, OnlyCapacityErrorsAllowAFallback) {
  for (const char* code : {"InsufficientInstanceCapacity", "InsufficientCapacity", "SpotMaxPriceTooLow",
                           "MaxSpotInstanceCountExceeded", "Unsupported", "UnfulfillableCapacity"})
    EXPECT_TRUE(tally_fleet(reply(0, 0, {error("spot", code)}), 1, 0).spot_short_of_capacity_only()) << code;
  auto t = tally_fleet(reply(0, 0, {error("spot", "InsufficientInstanceCapacity"), error("spot", "InvalidSubnetID.NotFound")}), 2, 0);
  EXPECT_FALSE(t.spot_short_of_capacity_only());
  auto silent = tally_fleet(reply(1, 0), 2, 0);
  EXPECT_EQ(silent.spot_code(), "UnfulfillableCapacity") << "short without a reason EC2 named";
}

TEST(FleetTally, ReportNamesThePartAndWhy) {
  EXPECT_EQ(describe_part("on-demand", 2, 2, {}), "on-demand 2 of 2");
  EXPECT_EQ(describe_part("spot", 4, 6, {error("spot", "InsufficientInstanceCapacity")}),
            "spot 4 of 6 (m7i.large: InsufficientInstanceCapacity: no capacity)");
  EXPECT_EQ(describe_part("spot", 0, 1, {}), "spot 0 of 1 (EC2 gave no reason)");
  std::vector<FleetError> many(5, error("spot", "InsufficientInstanceCapacity"));
  auto text = describe_part("spot", 0, 5, many);
  EXPECT_NE(text.find("and 2 more"), std::string::npos);
}
