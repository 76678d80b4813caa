#include "spawn/aws/pricing/price_list.hpp"

#include <gtest/gtest.h>

using namespace spawn::aws::pricing;
using spawn::model::Usd;

namespace {

// A price-list document as AWS writes it (trimmed): the OnDemand term keyed by sku.term, its
// price dimension keyed by sku.term.rate, ten decimals, plus a Reserved term that must be ignored.
std::string document(const std::string& usd, const std::string& unit = "Hrs") {
  return R"({"product":{"productFamily":"Compute Instance","attributes":{"instanceType":"m7i.large",
    "regionCode":"us-east-1","operatingSystem":"Linux","tenancy":"Shared","preInstalledSw":"NA",
    "capacitystatus":"Used","licenseModel":"No License required"},"sku":"ABCD"},
    "serviceCode":"AmazonEC2","terms":{
      "OnDemand":{"ABCD.JRTCKXETXF":{"priceDimensions":{"ABCD.JRTCKXETXF.6YS6EN2CT7":{"unit":")" + unit +
         R"(","endRange":"Inf","beginRange":"0","description":"$0.1008 per On Demand Linux m7i.large Instance Hour",
         "rateCode":"ABCD.JRTCKXETXF.6YS6EN2CT7","pricePerUnit":{"USD":")" + usd + R"("}}},
         "sku":"ABCD","offerTermCode":"JRTCKXETXF"}},
      "Reserved":{"ABCD.4NA7Y494T4":{"priceDimensions":{"ABCD.4NA7Y494T4.6YS6EN2CT7":{"unit":"Hrs",
         "pricePerUnit":{"USD":"0.0635000000"}}}}}},
    "version":"20251101000000","publicationDate":"2025-11-01T00:00:00Z"})";
}

}  // namespace

TEST(PriceList, OnDemandInputHasEveryTermMatchFilter) {
  auto input = on_demand_products_input("eu-west-1", "g5.xlarge");
  EXPECT_EQ(input["ServiceCode"], "AmazonEC2");
  EXPECT_EQ(input["FormatVersion"], "aws_v1");
  EXPECT_FALSE(input.contains("NextToken"));
  std::map<std::string, std::string> filters;
  for (const auto& f : input["Filters"]) {
    EXPECT_EQ(f["Type"], "TERM_MATCH");
    filters[f["Field"]] = f["Value"];
  }
  EXPECT_EQ(filters, (std::map<std::string, std::string>{{"instanceType", "g5.xlarge"},
                                                          {"regionCode", "eu-west-1"},
                                                          {"operatingSystem", "Linux"},
                                                          {"tenancy", "Shared"},
                                                          {"preInstalledSw", "NA"},
                                                          {"capacitystatus", "Used"},
                                                          {"licenseModel", "No License required"}}));
  EXPECT_EQ(on_demand_products_input("us-east-1", "m7i.large", "tok")["NextToken"], "tok");
}

TEST(PriceList, ReadsTheOnDemandHourlyPriceExactly) {
  auto price = parse_on_demand_hourly(document("0.1008000000"));
  ASSERT_TRUE(price);
  ASSERT_TRUE(*price);
  EXPECT_EQ(**price, Usd::parse("0.1008"));
  EXPECT_EQ(**parse_on_demand_hourly(document("0.0892500000")), Usd::parse("0.08925"));
  EXPECT_EQ(**parse_on_demand_hourly(document("0.0000000000")), Usd());  // AWS lists $0 products (Host)
}

TEST(PriceList, NoHourlyOnDemandDimensionIsNoPrice) {
  auto price = parse_on_demand_hourly(document("0.1008000000", "Quantity"));
  ASSERT_TRUE(price);
  EXPECT_FALSE(*price);
  auto reserved_only = parse_on_demand_hourly(R"({"terms":{"Reserved":{}}})");
  ASSERT_TRUE(reserved_only);
  EXPECT_FALSE(*reserved_only);
}

TEST(PriceList, MalformedDocumentsAreInvalidReplies) {
  for (std::string bad : {std::string("not json"), std::string("[1]"), document("abc"), document("-1"), document("")}) {
    auto r = parse_on_demand_hourly(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "InvalidReply");
  }
  // A wrongly typed field is malformed, not a crash.
  EXPECT_FALSE(parse_on_demand_hourly(
      R"({"terms":{"OnDemand":{"t":{"priceDimensions":{"r":{"unit":"Hrs","pricePerUnit":{"USD":1}}}}}}})"));
  EXPECT_FALSE(*parse_on_demand_hourly(R"({"terms":{"OnDemand":{"t":{"priceDimensions":{"r":{"unit":5}}}}}})"));
}

TEST(PriceList, PriceListIsAListOfJsonStrings) {
  nlohmann::json reply{{"FormatVersion", "aws_v1"}, {"PriceList", {document("0.1008000000")}}, {"NextToken", "n2"}};
  auto page = parse_get_products(reply);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->first.size(), 1u);
  EXPECT_EQ(page->first[0], document("0.1008000000"));
  EXPECT_EQ(page->second, "n2");
  auto last = parse_get_products({{"PriceList", nlohmann::json::array()}});
  ASSERT_TRUE(last);
  EXPECT_TRUE(last->first.empty());
  EXPECT_EQ(last->second, "");
  EXPECT_FALSE(parse_get_products({{"PriceList", "x"}}));
  EXPECT_FALSE(parse_get_products({{"PriceList", {1}}}));
  EXPECT_FALSE(parse_get_products(nlohmann::json::array()));
}

// AWS China's Price List API (cn-northwest-1) prices in CNY: never read as dollars.
TEST(PriceList, APriceInAnotherCurrencyIsNotTakenForDollars) {
  auto r = parse_on_demand_hourly(
      R"({"terms":{"OnDemand":{"t":{"priceDimensions":{"r":{"unit":"Hrs","beginRange":"0",)"
      R"("pricePerUnit":{"CNY":"0.7230000000"}}}}}}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "UnsupportedCurrency");
  EXPECT_NE(r.error().message.find("CNY"), std::string::npos);
}
