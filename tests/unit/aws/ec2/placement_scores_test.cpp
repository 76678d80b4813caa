#include "spawn/aws/ec2/placement_scores.hpp"

#include <gtest/gtest.h>

namespace spawn::aws::ec2 {
namespace {

TEST(PlacementScores, RequestNamesTypesCountAndRegions) {
  auto p = get_spot_placement_scores_params({"m7i.large"}, 8, {"us-east-1", "eu-west-1"}, false, "");
  EXPECT_EQ(p, (Params{{"InstanceType.1", "m7i.large"},
                       {"TargetCapacity", "8"},
                       {"TargetCapacityUnitType", "units"},
                       {"RegionName.1", "us-east-1"},
                       {"RegionName.2", "eu-west-1"},
                       {"MaxResults", "100"}}));
  auto az = get_spot_placement_scores_params({"m7i.large"}, 1, {"us-east-1"}, true, "tok");
  EXPECT_EQ(az[3], (std::pair<std::string, std::string>{"SingleAvailabilityZone", "true"}));
  EXPECT_EQ(az.back(), (std::pair<std::string, std::string>{"NextToken", "tok"}));
}

TEST(PlacementScores, ReplyGivesEachRegionsScore) {
  auto r = parse_get_spot_placement_scores(R"(<GetSpotPlacementScoresResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>r-1</requestId>
    <spotPlacementScoreSet>
      <item><region>us-east-1</region><score>9</score></item>
      <item><region>eu-west-1</region><availabilityZoneId>euw1-az2</availabilityZoneId><score>3</score></item>
      <item><region>us-west-2</region><score>11</score></item>
    </spotPlacementScoreSet><nextToken>next</nextToken></GetSpotPlacementScoresResponse>)");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->first.size(), 2u) << "a score outside 1..10 is not one";
  EXPECT_EQ(r->first[0].region, "us-east-1");
  EXPECT_EQ(r->first[0].score, 9);
  EXPECT_EQ(r->first[1].availability_zone_id, "euw1-az2");
  EXPECT_EQ(r->second, "next");
  EXPECT_FALSE(parse_get_spot_placement_scores("<Other/>"));
}

}  // namespace
}  // namespace spawn::aws::ec2
