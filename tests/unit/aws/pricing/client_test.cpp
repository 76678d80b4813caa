#include "spawn/aws/pricing/client.hpp"

#include <gtest/gtest.h>

#include "../../support/scripted_transport.hpp"
#include "../../support/static_credentials.hpp"

using namespace spawn::aws;
using namespace std::chrono_literals;
using spawn::model::Usd;

namespace {

struct Fixture {
  std::shared_ptr<spawn::test::ScriptedTransport> transport = std::make_shared<spawn::test::ScriptedTransport>();
  pricing::Client client() {
    auto retrier = std::make_shared<http::Retrier>(http::RetryPolicy{3, 1ms, 2ms}, std::make_shared<http::RetryQuota>(),
                                                   [](std::chrono::milliseconds) {}, [] { return 0.5; });
    return pricing::Client(std::make_shared<ServiceClient>(
        services::pricing, "https://api.pricing.us-east-1.amazonaws.com", "us-east-1", std::make_shared<spawn::test::StaticCredentials>(),
        transport, retrier, [] { return std::chrono::system_clock::time_point(1700000000s); }));
  }
};

std::string document(const std::string& usd) {
  nlohmann::json d{{"terms",
                    {{"OnDemand",
                      {{"S.JRTCKXETXF",
                        {{"priceDimensions",
                          {{"S.JRTCKXETXF.6YS6EN2CT7", {{"unit", "Hrs"}, {"beginRange", "0"}, {"pricePerUnit", {{"USD", usd}}}}}}}}}}}}}};
  return d.dump();
}

std::string page(std::vector<std::string> documents, const std::string& token = "") {
  nlohmann::json reply{{"FormatVersion", "aws_v1"}, {"PriceList", documents}};
  if (!token.empty()) reply["NextToken"] = token;
  return reply.dump();
}

}  // namespace

TEST(PricingClient, SendsGetProductsAndFollowsNextToken) {
  Fixture f;
  f.transport->reply(200, page({}, "page-2")).reply(200, page({document("1.0060000000")}));
  auto price = f.client().on_demand_price("us-east-1", "g5.xlarge");
  ASSERT_TRUE(price) << price.error().describe();
  ASSERT_TRUE(*price);
  EXPECT_EQ((*price)->text(), "1.0060");
  const auto requests = f.transport->requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto& first = requests[0];
  EXPECT_EQ(first.url, "https://api.pricing.us-east-1.amazonaws.com/");
  EXPECT_EQ(spawn::test::header_of(first, "X-Amz-Target"), "AWSPriceListService.GetProducts");
  EXPECT_EQ(spawn::test::header_of(first, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_NE(spawn::test::header_of(first, "Authorization").find("/us-east-1/pricing/aws4_request"), std::string::npos);
  auto body = nlohmann::json::parse(first.body);
  EXPECT_EQ(body["ServiceCode"], "AmazonEC2");
  EXPECT_FALSE(body.contains("NextToken"));
  EXPECT_EQ(nlohmann::json::parse(requests[1].body)["NextToken"], "page-2");
}

TEST(PricingClient, NoProductIsNoPrice) {
  Fixture f;
  f.transport->reply(200, page({}));
  auto price = f.client().on_demand_price("us-east-1", "x9.mega");
  ASSERT_TRUE(price);
  EXPECT_FALSE(*price);
}

TEST(PricingClient, DisagreeingProductsAreAnErrorNotAGuess) {
  Fixture f;
  f.transport->reply(200, page({document("0.1008000000"), document("0.2016000000")}));
  auto price = f.client().on_demand_price("us-east-1", "m7i.large");
  ASSERT_FALSE(price);
  EXPECT_EQ(price.error().code, "InvalidReply");
  Fixture same;
  same.transport->reply(200, page({document("0.1008000000"), document("0.1008")}));
  EXPECT_EQ(**same.client().on_demand_price("us-east-1", "m7i.large"), Usd::parse("0.1008"));
}

TEST(PricingClient, AccessDeniedComesBackWithItsCode) {
  Fixture f;
  f.transport->reply(400, R"({"__type":"AccessDeniedException","Message":"not authorized to perform: pricing:GetProducts"})",
                     {{"x-amzn-RequestId", "req-9"}});
  auto price = f.client().on_demand_price("us-east-1", "m7i.large");
  ASSERT_FALSE(price);
  EXPECT_EQ(price.error().code, "AccessDeniedException");
  EXPECT_EQ(price.error().request_id, "req-9");
  EXPECT_EQ(f.transport->requests().size(), 1u);  // a 4xx is not retried
}
