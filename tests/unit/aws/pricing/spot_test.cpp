#include "spawn/aws/pricing/spot.hpp"

#include <gtest/gtest.h>

using namespace spawn::aws;
using spawn::model::Usd;

namespace {
ec2::SpotPrice entry(const char* type, const char* az, const char* price, const char* at,
                     const char* product = "Linux/UNIX") {
  return {type, az, product, price, at};
}
}  // namespace

TEST(LatestSpotPrices, NewestPerAzThenCheapestAndSpread) {
  auto prices = pricing::latest_spot_prices({
      entry("m7i.large", "us-east-1a", "0.040000", "2026-11-27T06:00:00.000Z"),
      entry("m7i.large", "us-east-1a", "0.030200", "2026-11-27T07:00:00.000Z"),  // newer: wins
      entry("m7i.large", "us-east-1b", "0.031000", "2026-11-27T07:00:00.000Z"),
      entry("m7i.large", "us-east-1b", "0.029000", "2026-11-27T05:00:00.000Z"),  // older: ignored
      entry("m7i.large", "us-east-1a", "0.030200", "2026-11-27T07:00:00.000Z", "Linux/UNIX (Amazon VPC)"),
      entry("g5.xlarge", "us-east-1c", "0.325400", "2026-11-27T07:00:00Z"),
  });
  ASSERT_TRUE(prices) << prices.error().describe();
  ASSERT_EQ(prices->size(), 2u);
  const auto& m7i = prices->at("m7i.large");
  EXPECT_EQ(m7i.by_zone.size(), 2u);
  EXPECT_EQ(m7i.by_zone.at("us-east-1a"), Usd::parse("0.0302"));
  EXPECT_EQ(m7i.by_zone.at("us-east-1b"), Usd::parse("0.031"));
  EXPECT_EQ(m7i.cheapest().first, "us-east-1a");
  EXPECT_EQ(m7i.spread().text(), "0.0008");
  EXPECT_EQ(prices->at("g5.xlarge").cheapest().second, Usd::parse("0.3254"));
}

TEST(LatestSpotPrices, EmptyAndMalformed) {
  auto none = pricing::latest_spot_prices({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto bad_price = pricing::latest_spot_prices({entry("m7i.large", "us-east-1a", "cheap", "2026-11-27T07:00:00Z")});
  ASSERT_FALSE(bad_price);
  EXPECT_EQ(bad_price.error().code, "InvalidReply");
  EXPECT_FALSE(pricing::latest_spot_prices({entry("m7i.large", "us-east-1a", "0.03", "yesterday")}));
}
