#include "spawn/aws/ec2/spot_prices.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace spawn::aws::ec2;

TEST(Ec2SpotPrices, RequestNamesTypesProductAndTime) {
  auto p = describe_spot_price_history_params({"m7i.large", "m6i.large"}, k_linux_product, "2026-11-27T10:00:00Z",
                                              std::string("us-east-1b"), "tok");
  std::map<std::string, std::string> m(p.begin(), p.end());
  EXPECT_EQ(m["InstanceType.1"], "m7i.large");
  EXPECT_EQ(m["InstanceType.2"], "m6i.large");
  EXPECT_EQ(m["ProductDescription.1"], "Linux/UNIX");
  EXPECT_EQ(m["StartTime"], "2026-11-27T10:00:00Z");
  EXPECT_EQ(m["AvailabilityZone"], "us-east-1b");
  EXPECT_EQ(m["MaxResults"], "1000");
  EXPECT_EQ(m["NextToken"], "tok");
}

TEST(Ec2SpotPrices, ParsesAPageAndPicksTheLowestCurrentPrice) {
  auto page = parse_describe_spot_price_history(R"(<DescribeSpotPriceHistoryResponse><nextToken>n2</nextToken>
    <spotPriceHistorySet>
      <item><availabilityZone>us-east-1a</availabilityZone><instanceType>m7i.large</instanceType>
        <productDescription>Linux/UNIX</productDescription><spotPrice>0.030200</spotPrice><timestamp>2026-11-27T09:00:00.000Z</timestamp></item>
      <item><availabilityZone>us-east-1a</availabilityZone><instanceType>m7i.large</instanceType>
        <productDescription>Linux/UNIX</productDescription><spotPrice>0.020000</spotPrice><timestamp>2026-11-26T09:00:00.000Z</timestamp></item>
      <item><availabilityZone>us-east-1b</availabilityZone><instanceType>m7i.large</instanceType>
        <productDescription>Linux/UNIX</productDescription><spotPrice>0.031000</spotPrice><timestamp>2026-11-27T09:00:00.000Z</timestamp></item>
      <item><availabilityZone>us-east-1b</availabilityZone><instanceType>c7i.large</instanceType>
        <productDescription>Linux/UNIX</productDescription><spotPrice>0.035500</spotPrice><timestamp>2026-11-27T09:00:00.000Z</timestamp></item>
    </spotPriceHistorySet></DescribeSpotPriceHistoryResponse>)");
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->second, "n2");
  ASSERT_EQ(page->first.size(), 4u);
  auto lowest = lowest_current_prices(page->first);
  // The older, cheaper 0.02 in us-east-1a is history, not the current price.
  EXPECT_EQ(lowest["m7i.large"].price, "0.030200");
  EXPECT_EQ(lowest["m7i.large"].availability_zone, "us-east-1a");
  EXPECT_EQ(lowest["c7i.large"].availability_zone, "us-east-1b");
  EXPECT_EQ(lowest.count("g5.xlarge"), 0u);
}

TEST(Ec2SpotPrices, TrimPrice) {
  EXPECT_EQ(trim_price("0.030200"), "0.0302");
  EXPECT_EQ(trim_price("1.000000"), "1.0");
  EXPECT_EQ(trim_price("0.5"), "0.5");
  EXPECT_EQ(trim_price("3"), "3");
}
