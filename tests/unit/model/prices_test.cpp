#include "spawn/model/prices.hpp"

#include <gtest/gtest.h>

#include "spawn/model/fallback_prices.hpp"

using namespace spawn::model;
using std::chrono::hours;

namespace {
Usd usd(const char* text) { return Usd::parse(text).value(); }

// The local AWS's seed prices for us-east-1.
PriceBook seed_book() {
  PriceBook book;
  auto add = [&](const char* type, const char* on_demand, std::map<std::string, Usd> spot) {
    PriceQuote q{"us-east-1", type, OnDemandPrice{usd(on_demand), PriceSource::price_list_api, ""}, std::nullopt};
    if (!spot.empty()) q.spot = SpotPrices{std::move(spot)};
    book[{"us-east-1", type}] = q;
  };
  add("m7i.large", "0.1008",
      {{"us-east-1a", usd("0.0302")}, {"us-east-1b", usd("0.0310")}, {"us-east-1c", usd("0.0335")},
       {"us-east-1d", usd("0.0318")}, {"us-east-1f", usd("0.0347")}});
  add("g5.xlarge", "1.006",
      {{"us-east-1a", usd("0.3018")}, {"us-east-1b", usd("0.3120")}, {"us-east-1c", usd("0.3254")},
       {"us-east-1d", usd("0.3098")}, {"us-east-1f", usd("0.3311")}});
  add("t3.large", "0.0832", {});  // no spot history
  return book;
}
}  // namespace

TEST(SpotPrices, CheapestDearestSpread) {
  const auto book = seed_book();
  const auto& spot = *book.at({"us-east-1", "m7i.large"}).spot;
  EXPECT_EQ(spot.cheapest(), (std::pair<std::string, Usd>{"us-east-1a", usd("0.0302")}));
  EXPECT_EQ(spot.dearest(), (std::pair<std::string, Usd>{"us-east-1f", usd("0.0347")}));
  EXPECT_EQ(spot.spread().text(), "0.0045");
  SpotPrices tie{{{"us-east-1b", usd("0.05")}, {"us-east-1a", usd("0.05")}}};
  EXPECT_EQ(tie.cheapest().first, "us-east-1a");
  EXPECT_TRUE(tie.spread().is_zero());
}

TEST(PriceQuote, SeedTableSavings) {
  const auto book = seed_book();
  EXPECT_EQ(book.at({"us-east-1", "m7i.large"}).savings_percent(), 70);
  EXPECT_EQ(book.at({"us-east-1", "g5.xlarge"}).savings_percent(), 70);
  EXPECT_FALSE(book.at({"us-east-1", "t3.large"}).savings_percent());  // unknown, not 100%
}

TEST(HourlyPrice, PerMarketAndAz) {
  const auto book = seed_book();
  const auto& q = book.at({"us-east-1", "m7i.large"});
  EXPECT_EQ(hourly_price(q, Market::on_demand), usd("0.1008"));
  EXPECT_EQ(hourly_price(q, Market::spot), usd("0.0302"));
  EXPECT_EQ(hourly_price(q, Market::spot, "us-east-1b"), usd("0.0310"));
  EXPECT_FALSE(hourly_price(q, Market::spot, "us-east-1e"));  // no history there: unknown, not 0
  PriceQuote none{"us-east-1", "x9.large", std::nullopt, std::nullopt};
  EXPECT_FALSE(hourly_price(none, Market::on_demand));
  EXPECT_FALSE(hourly_price(none, Market::spot));
}

TEST(Estimate, SeedArrayOfEightG5ForFourHours) {
  auto e = estimate({{"us-east-1", "g5.xlarge", Market::spot, 8, ""}}, seed_book(), hours(4));
  ASSERT_TRUE(e.complete());
  EXPECT_EQ(e.hourly->text(), "2.4144");
  EXPECT_EQ(e.on_demand_hourly->text(), "8.0480");
  EXPECT_EQ(e.total()->cents_text(), "9.66");
  EXPECT_EQ(e.on_demand_total()->cents_text(), "32.19");
  EXPECT_EQ(e.saving()->cents_text(), "22.53");
  EXPECT_EQ(e.savings_percent(), 70);
  EXPECT_FALSE(e.approximate);
  EXPECT_TRUE(e.unknown.empty());
}

TEST(Estimate, MixedArrayCountsItsOnDemandPartAtOnDemandPrices) {
  // --count 8 --spot --spot-count 6 of m7i.large for 4 h:
  // 6 x 0.0302 + 2 x 0.1008 = 0.3828/h -> 1.5312 -> $1.53; all on demand 0.8064/h -> 3.2256 -> $3.23;
  // saving 0.4236/h -> 1.6944 -> $1.69 (each rounded from its exact value); 52.5% -> 53%.
  auto e = estimate({{"us-east-1", "m7i.large", Market::spot, 6, ""}, {"us-east-1", "m7i.large", Market::on_demand, 2, ""}},
                    seed_book(), hours(4));
  ASSERT_TRUE(e.complete());
  EXPECT_EQ(e.hourly->text(), "0.3828");
  EXPECT_EQ(e.on_demand_hourly->text(), "0.8064");
  EXPECT_EQ(e.total()->cents_text(), "1.53");
  EXPECT_EQ(e.on_demand_total()->cents_text(), "3.23");
  EXPECT_EQ(e.saving()->cents_text(), "1.69");
  EXPECT_EQ(e.savings_percent(), 53);
}

TEST(Estimate, PlacedInstancesPayTheirAzPrice) {
  auto e = estimate({{"us-east-1", "m7i.large", Market::spot, 1, "us-east-1c"},
                     {"us-east-1", "g5.xlarge", Market::spot, 2, "us-east-1b"}},
                    seed_book());
  EXPECT_EQ(e.hourly->text(), "0.6575");  // 0.0335 + 2 x 0.3120
  EXPECT_FALSE(e.total());                // no duration: hourly figures only
}

TEST(Estimate, UnknownPricesAreUnknownNotZero) {
  auto e = estimate({{"us-east-1", "t3.large", Market::spot, 2, ""}, {"us-east-1", "m7i.large", Market::spot, 1, ""}},
                    seed_book(), hours(1));
  EXPECT_FALSE(e.hourly);
  EXPECT_FALSE(e.total());
  EXPECT_FALSE(e.savings_percent());
  EXPECT_EQ(e.on_demand_hourly->text(), "0.2672");  // 2 x 0.0832 + 0.1008: still known
  EXPECT_EQ(e.on_demand_total()->cents_text(), "0.27");
  ASSERT_EQ(e.unknown.size(), 1u);
  EXPECT_EQ(e.unknown[0], "spot price of t3.large in us-east-1");

  auto missing = estimate({{"eu-west-3", "m7i.large", Market::on_demand, 1, ""}}, seed_book());
  EXPECT_FALSE(missing.hourly);
  EXPECT_FALSE(missing.on_demand_hourly);
  EXPECT_EQ(missing.unknown, std::vector<std::string>{"on-demand price of m7i.large in eu-west-3"});
}

TEST(Estimate, FallbackPricesMakeItApproximate) {
  auto book = seed_book();
  book.at({"us-east-1", "m7i.large"}).on_demand->source = PriceSource::fallback_table;
  EXPECT_TRUE(estimate({{"us-east-1", "m7i.large", Market::spot, 1, ""}}, book).approximate);
  EXPECT_FALSE(estimate({{"us-east-1", "g5.xlarge", Market::spot, 1, ""}}, book).approximate);
}

TEST(FallbackPrices, SmallDatedTable) {
  EXPECT_EQ(fallback_on_demand_price("us-east-1", "m7i.large"), usd("0.1008"));
  EXPECT_EQ(fallback_on_demand_price("us-west-2", "g5.xlarge"), usd("1.006"));
  EXPECT_EQ(fallback_on_demand_price("us-east-1", "c7i.large"), usd("0.08925"));
  EXPECT_EQ(fallback_on_demand_price("eu-west-1", "t3.micro"), usd("0.0114"));
  EXPECT_FALSE(fallback_on_demand_price("us-east-1", "x9.mega"));
  EXPECT_FALSE(fallback_on_demand_price("ap-south-2", "m7i.large"));
  EXPECT_EQ(k_fallback_prices_date, "2025-11-01");
}

TEST(PriceSource, Names) {
  EXPECT_EQ(to_string(PriceSource::price_list_api), "price-list-api");
  EXPECT_EQ(to_string(PriceSource::cache), "cache");
  EXPECT_EQ(to_string(PriceSource::fallback_table), "fallback-table");
}
