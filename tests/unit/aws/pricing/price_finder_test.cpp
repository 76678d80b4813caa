#include "spawn/aws/pricing/price_finder.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../../support/scripted_transport.hpp"
#include "../../support/temp_dir.hpp"
#include "../../support/static_credentials.hpp"

using namespace spawn::aws;
using namespace std::chrono_literals;
using spawn::model::PriceSource;
using spawn::model::Usd;

namespace {

const auto k_now = std::chrono::system_clock::time_point(1'800'000'000s);  // 2027-01-15T08:00:00Z

// One scripted network answering both EC2 (query protocol) and the Price List API (JSON 1.1),
// by what each request asks, from fixed tables.
struct World {
  std::shared_ptr<spawn::test::ScriptedTransport> transport = std::make_shared<spawn::test::ScriptedTransport>();
  std::map<std::string, std::map<std::string, std::string>> spot;       // region -> type -> "az=price"
  std::map<std::string, std::map<std::string, std::string>> on_demand;  // region -> type -> price
  bool deny = false;
  std::atomic<int> get_products{0}, spot_calls{0};

  World() {
    for (int i = 0; i < 100; ++i)
      transport->respond([this](const http::Request& r) { return answer(r); });
  }

  Result<http::Response> answer(const http::Request& r) {
    if (r.body.find("Action=DescribeSpotPriceHistory") != std::string::npos) {
      ++spot_calls;
      std::string region = r.url.substr(r.url.find("ec2.") + 4);
      region = region.substr(0, region.find('.'));
      std::string items;
      for (const auto& [type, az_price] : spot[region]) {
        if (r.body.find("InstanceType.1=" + type) == std::string::npos &&
            r.body.find("InstanceType.2=" + type) == std::string::npos)
          continue;
        const auto eq = az_price.find('=');
        items += "<item><instanceType>" + type + "</instanceType><productDescription>Linux/UNIX</productDescription>" +
                 "<spotPrice>" + az_price.substr(eq + 1) + "</spotPrice><timestamp>2027-01-15T07:00:00.000Z</timestamp>" +
                 "<availabilityZone>" + az_price.substr(0, eq) + "</availabilityZone></item>";
      }
      return http::Response{200, {}, "<DescribeSpotPriceHistoryResponse><spotPriceHistorySet>" + items +
                                         "</spotPriceHistorySet><nextToken/></DescribeSpotPriceHistoryResponse>"};
    }
    ++get_products;
    if (deny)
      return http::Response{400, {{"x-amzn-RequestId", "req-denied"}},
                            R"({"__type":"AccessDeniedException","Message":"not authorized"})"};
    auto body = nlohmann::json::parse(r.body);
    std::string type, region;
    for (const auto& f : body["Filters"]) {
      if (f["Field"] == "instanceType") type = f["Value"];
      if (f["Field"] == "regionCode") region = f["Value"];
    }
    nlohmann::json list = nlohmann::json::array();
    if (on_demand[region].count(type)) {
      nlohmann::json doc{{"terms",
                          {{"OnDemand",
                            {{"S.T", {{"priceDimensions", {{"S.T.R", {{"unit", "Hrs"}, {"pricePerUnit", {{"USD", on_demand[region][type]}}}}}}}}}}}}}};
      list.push_back(doc.dump());
    }
    return http::Response{200, {}, nlohmann::json{{"PriceList", list}}.dump()};
  }

  std::shared_ptr<ServiceClient> service(ServiceInfo info, const std::string& region) {
    auto retrier = std::make_shared<http::Retrier>(http::RetryPolicy{1, 1ms, 2ms}, std::make_shared<http::RetryQuota>(),
                                                   [](std::chrono::milliseconds) {}, [] { return 0.5; });
    return std::make_shared<ServiceClient>(info, "https://" + std::string(info.endpoint_prefix) + "." + region + ".amazonaws.com",
                                           region, std::make_shared<spawn::test::StaticCredentials>(), transport, retrier,
                                           [] { return k_now; });
  }
  pricing::Ec2ForRegion ec2() {
    return [this](const std::string& region) { return ec2::Client(service(services::ec2, region)); };
  }
  std::shared_ptr<const pricing::Client> api() {
    return std::make_shared<pricing::Client>(service(services::pricing, "us-east-1"));
  }
};

}  // namespace

TEST(PriceFinder, RegionsSpotAndOnDemand) {
  World w;
  w.spot["us-east-1"] = {{"m7i.large", "us-east-1a=0.030200"}};
  w.spot["us-west-2"] = {{"m7i.large", "us-west-2c=0.033900"}};
  w.on_demand["us-east-1"] = {{"m7i.large", "0.1008000000"}};
  w.on_demand["us-west-2"] = {{"m7i.large", "0.1008000000"}};
  spawn::test::TempDir tmp;
  auto cache = std::make_shared<pricing::PriceCache>(tmp.path(), "https://api.pricing", [] { return k_now; });
  pricing::OnDemandPrices on_demand(w.api(), cache);
  auto report = pricing::find_prices({{"us-east-1", {"m7i.large", "t3.large"}, {"m7i.large"}},
                                      {"us-west-2", {"m7i.large"}, {"m7i.large"}}},
                                     w.ec2(), on_demand, k_now);
  EXPECT_TRUE(report.spot_errors.empty());
  EXPECT_FALSE(report.on_demand_error);
  EXPECT_EQ(w.spot_calls.load(), 2);  // one per region, every type in it
  EXPECT_EQ(w.get_products.load(), 2);
  const auto& east = report.book.at({"us-east-1", "m7i.large"});
  EXPECT_EQ(east.spot->cheapest().second, Usd::parse("0.0302"));
  EXPECT_EQ(east.on_demand->hourly, Usd::parse("0.1008"));
  EXPECT_EQ(east.on_demand->source, PriceSource::price_list_api);
  EXPECT_EQ(east.savings_percent(), 70);
  EXPECT_EQ(report.book.at({"us-west-2", "m7i.large"}).spot->cheapest().first, "us-west-2c");
  // Asked for, no history: in the book with its spot price unknown.
  EXPECT_FALSE(report.book.at({"us-east-1", "t3.large"}).spot);
  EXPECT_FALSE(report.book.at({"us-east-1", "t3.large"}).on_demand);

  // Second time: on-demand from the cache, nothing asked of the Price List API.
  pricing::OnDemandPrices again(w.api(), cache);
  auto second = pricing::find_prices({{"us-east-1", {}, {"m7i.large"}}}, w.ec2(), again, k_now);
  EXPECT_EQ(w.get_products.load(), 2);
  EXPECT_EQ(second.book.at({"us-east-1", "m7i.large"}).on_demand->source, PriceSource::cache);
  EXPECT_EQ(second.book.at({"us-east-1", "m7i.large"}).on_demand->hourly, Usd::parse("0.1008"));
}

TEST(PriceFinder, DeniedApiFallsBackToTheTableOnceAsked) {
  World w;
  w.deny = true;
  spawn::test::TempDir tmp;
  auto cache = std::make_shared<pricing::PriceCache>(tmp.path(), "https://api.pricing", [] { return k_now; });
  pricing::OnDemandPrices on_demand(w.api(), cache);
  auto report = pricing::find_prices({{"us-east-1", {}, {"m7i.large", "g5.xlarge", "x9.mega"}}}, w.ec2(), on_demand, k_now);
  EXPECT_EQ(w.get_products.load(), 1);  // denied once: not asked again in this run
  ASSERT_TRUE(report.on_demand_error);
  EXPECT_EQ(report.on_demand_error->code, "AccessDeniedException");
  const auto& m7i = *report.book.at({"us-east-1", "m7i.large"}).on_demand;
  EXPECT_EQ(m7i.hourly, Usd::parse("0.1008"));
  EXPECT_EQ(m7i.source, PriceSource::fallback_table);
  EXPECT_TRUE(m7i.approximate());
  EXPECT_EQ(m7i.as_of, "2025-11-01");
  EXPECT_FALSE(report.book.at({"us-east-1", "x9.mega"}).on_demand);  // not in the table: unknown
  // Fallback prices are never cached.
  EXPECT_FALSE(cache->get("us-east-1", "m7i.large"));
}

TEST(PriceFinder, SpotErrorsAreReportedPerRegion) {
  World w;
  auto failing = [&w](const std::string& region) {
    if (region == "us-west-2") {
      auto t = std::make_shared<spawn::test::ScriptedTransport>();
      t->reply(403, "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message></Error></Errors>"
                    "<RequestID>r-7</RequestID></Response>");
      auto retrier = std::make_shared<http::Retrier>(http::RetryPolicy{1, 1ms, 2ms}, std::make_shared<http::RetryQuota>());
      return ec2::Client(std::make_shared<ServiceClient>(services::ec2, "https://ec2.us-west-2.amazonaws.com", region,
                                                         std::make_shared<spawn::test::StaticCredentials>(), t, retrier));
    }
    return w.ec2()(region);
  };
  pricing::OnDemandPrices on_demand(nullptr, nullptr);
  auto report = pricing::find_prices({{"us-east-1", {"m7i.large"}, {}}, {"us-west-2", {"m7i.large"}, {}}}, failing,
                                     on_demand, k_now);
  ASSERT_EQ(report.spot_errors.size(), 1u);
  EXPECT_EQ(report.spot_errors.at("us-west-2").code, "UnauthorizedOperation");
  EXPECT_TRUE(report.book.count({"us-west-2", "m7i.large"}));
  EXPECT_FALSE(report.book.at({"us-west-2", "m7i.large"}).spot);
}

TEST(PriceFinder, AsksForSpotPricesFromAnHourBack) {
  World w;
  pricing::OnDemandPrices on_demand(nullptr, nullptr);
  pricing::find_prices({{"us-east-1", {"m7i.large", "g5.xlarge"}, {}}}, w.ec2(), on_demand, k_now);
  auto requests = w.transport->requests();
  ASSERT_FALSE(requests.empty());
  const auto& body = requests[0].body;
  EXPECT_NE(body.find("Action=DescribeSpotPriceHistory"), std::string::npos);
  EXPECT_NE(body.find("StartTime=2027-01-15T07%3A00%3A00Z"), std::string::npos) << body;
  EXPECT_NE(body.find("ProductDescription.1=Linux%2FUNIX"), std::string::npos) << body;
  EXPECT_NE(body.find("InstanceType.1=m7i.large"), std::string::npos);
  EXPECT_NE(body.find("InstanceType.2=g5.xlarge"), std::string::npos);
}

// No Price List API to ask (GovCloud): the fallback table answers, nothing is sent, and the
// report carries the reason given.
TEST(PriceFinder, NoApiToAskReportsWhy) {
  World w;
  pricing::OnDemandPrices on_demand(nullptr, nullptr, local_error("PriceListUnavailable", "not in this partition"));
  auto report = pricing::find_prices({{"us-gov-west-1", {}, {"m7i.large"}}, {"us-east-1", {}, {"m7i.large"}}}, w.ec2(),
                                     on_demand, k_now);
  EXPECT_EQ(w.get_products.load(), 0);
  ASSERT_TRUE(report.on_demand_error);
  EXPECT_EQ(report.on_demand_error->code, "PriceListUnavailable");
  EXPECT_FALSE(report.book.at({"us-gov-west-1", "m7i.large"}).on_demand);  // not in the table
  EXPECT_EQ(report.book.at({"us-east-1", "m7i.large"}).on_demand->source, PriceSource::fallback_table);
}
