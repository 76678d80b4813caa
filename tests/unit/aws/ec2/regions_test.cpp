#include "spawn/aws/ec2/regions.hpp"

#include <gtest/gtest.h>

using namespace spawn::aws::ec2;

TEST(Regions, Params) {
  EXPECT_TRUE(describe_regions_params(AllRegions::no).empty());
  EXPECT_EQ(describe_regions_params(AllRegions::yes), (Params{{"AllRegions", "true"}}));
}

TEST(Regions, ParsesNamesAndOptInStatus) {
  auto r = parse_describe_regions(R"(<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>r-1</requestId>
    <regionInfo>
      <item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>
      <item><regionName>ap-east-1</regionName><regionEndpoint>ec2.ap-east-1.amazonaws.com</regionEndpoint><optInStatus>not-opted-in</optInStatus></item>
      <item><regionName>me-south-1</regionName><optInStatus>opted-in</optInStatus></item>
    </regionInfo></DescribeRegionsResponse>)");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].name, "us-east-1");
  EXPECT_TRUE((*r)[0].enabled());
  EXPECT_EQ((*r)[1].opt_in_status, "not-opted-in");
  EXPECT_FALSE((*r)[1].enabled());
  EXPECT_TRUE((*r)[2].enabled());
  auto bad = parse_describe_regions("<Other/>");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidReply");
}
