#include "spawn/aws/pricing/spot.hpp"

#include <gtest/gtest.h>

#include "../../support/scripted_transport.hpp"
#include "../../support/static_credentials.hpp"

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

namespace {
std::string history_page(const std::string& az, const std::string& price, const std::string& token) {
  return "<DescribeSpotPriceHistoryResponse><spotPriceHistorySet><item><instanceType>m7i.large</instanceType>"
         "<productDescription>Linux/UNIX</productDescription><spotPrice>" + price + "</spotPrice>"
         "<timestamp>2027-01-15T07:00:00.000Z</timestamp><availabilityZone>" + az + "</availabilityZone></item>"
         "</spotPriceHistorySet><nextToken>" + token + "</nextToken></DescribeSpotPriceHistoryResponse>";
}
}  // namespace

TEST(CurrentSpotPrices, ReadsEveryPage) {
  using namespace std::chrono_literals;
  auto transport = std::make_shared<spawn::test::ScriptedTransport>();
  transport->reply(200, history_page("us-east-1b", "0.031000", "p2"))
      .reply(200, history_page("us-east-1a", "0.030200", "p3"))
      .reply(200, history_page("us-east-1c", "0.033500", ""));
  auto retrier = std::make_shared<http::Retrier>(http::RetryPolicy{1, 1ms, 2ms}, std::make_shared<http::RetryQuota>());
  ec2::Client client(std::make_shared<ServiceClient>(services::ec2, "https://ec2.us-east-1.amazonaws.com", "us-east-1",
                                                     std::make_shared<spawn::test::StaticCredentials>(), transport, retrier));
  auto prices = pricing::current_spot_prices(client, {"m7i.large"}, std::chrono::system_clock::time_point(1'800'000'000s));
  ASSERT_TRUE(prices) << prices.error().describe();
  const auto& m7i = prices->at("m7i.large");
  EXPECT_EQ(m7i.by_zone.size(), 3u);
  EXPECT_EQ(m7i.cheapest().first, "us-east-1a");
  EXPECT_EQ(m7i.spread().text(), "0.0033");
  const auto requests = transport->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].body.find("NextToken"), std::string::npos);
  EXPECT_NE(requests[1].body.find("NextToken=p2"), std::string::npos);
  EXPECT_NE(requests[2].body.find("NextToken=p3"), std::string::npos);
  for (const auto& r : requests) EXPECT_NE(r.body.find("StartTime=2027-01-15T07%3A00%3A00Z"), std::string::npos);
}

TEST(CurrentSpotPrices, ErrorsComeBack) {
  using namespace std::chrono_literals;
  auto transport = std::make_shared<spawn::test::ScriptedTransport>();
  transport->reply(403, "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message></Error>"
                        "</Errors><RequestID>r-1</RequestID></Response>");
  auto retrier = std::make_shared<http::Retrier>(http::RetryPolicy{1, 1ms, 2ms}, std::make_shared<http::RetryQuota>());
  ec2::Client client(std::make_shared<ServiceClient>(services::ec2, "https://ec2.us-east-1.amazonaws.com", "us-east-1",
                                                     std::make_shared<spawn::test::StaticCredentials>(), transport, retrier));
  auto prices = pricing::current_spot_prices(client, {"m7i.large"}, std::chrono::system_clock::now());
  ASSERT_FALSE(prices);
  EXPECT_EQ(prices.error().code, "UnauthorizedOperation");
  // No types, no request.
  EXPECT_TRUE(pricing::current_spot_prices(client, {}, std::chrono::system_clock::now())->empty());
  EXPECT_EQ(transport->requests().size(), 1u);
}
