#include "spawn/cli/prices.hpp"

#include <gtest/gtest.h>

using namespace spawn::cli;
using namespace spawn::model;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {
Usd usd(const char* text) { return Usd::parse(text).value(); }

PriceQuote quote(std::optional<const char*> on_demand, std::map<std::string, Usd> spot,
                 PriceSource source = PriceSource::price_list_api) {
  PriceQuote q{"us-east-1", "m7i.large", std::nullopt, std::nullopt};
  if (on_demand) q.on_demand = OnDemandPrice{usd(*on_demand), source, source == PriceSource::fallback_table ? "2025-11-01" : ""};
  if (!spot.empty()) q.spot = SpotPrices{std::move(spot)};
  return q;
}

PriceBook book_with(const PriceQuote& q) {
  PriceBook book;
  book[{q.region, q.instance_type}] = q;
  return book;
}
}  // namespace

TEST(PriceText, UnknownIsNeverZero) {
  EXPECT_EQ(hourly_text(usd("0.1008")), "$0.1008");
  EXPECT_EQ(hourly_text(usd("0.1008"), true), "~$0.1008");
  EXPECT_EQ(hourly_text(std::nullopt), "unknown");
  EXPECT_EQ(on_demand_text(std::nullopt), "unknown");
  EXPECT_EQ(percent_text(70), "70%");
  EXPECT_EQ(percent_text(70, true), "~70%");
  EXPECT_EQ(percent_text(std::nullopt), "unknown");
  EXPECT_EQ(usd_json(usd("0.0302")), "0.0302");
  EXPECT_TRUE(usd_json(std::nullopt).is_null());
}

TEST(SavingsLine, TheSeedLine) {
  auto q = quote("0.1008", {{"us-east-1a", usd("0.0302")}, {"us-east-1b", usd("0.0310")}});
  EXPECT_EQ(savings_line(q), "Spot savings: 70% ($0.0302/hr vs $0.1008/hr on-demand)");
}

TEST(SavingsLine, ApproximateAndUnknown) {
  EXPECT_EQ(savings_line(quote("0.1008", {{"us-east-1a", usd("0.0302")}}, PriceSource::fallback_table)),
            "Spot savings: ~70% ($0.0302/hr vs ~$0.1008/hr on-demand, approximate: spawn's price table of 2025-11-01)");
  EXPECT_EQ(savings_line(quote("0.1008", {})), "Spot savings: unknown (spot price unknown vs $0.1008/hr on-demand)");
  EXPECT_EQ(savings_line(quote(std::nullopt, {{"us-east-1a", usd("0.0302")}})),
            "Spot savings: unknown ($0.0302/hr vs on-demand price unknown)");
}

TEST(EstimateLine, SeedArrayOfEightG5ForFourHours) {
  auto q = quote("1.006", {{"us-east-1a", usd("0.3018")}});
  auto e = estimate({{"us-east-1", "m7i.large", Market::spot, 8, ""}}, book_with(q), hours(4));
  EXPECT_EQ(estimate_line(e, 8, 0), "Total for 8 instances over 4h: $9.66 spot vs $32.19 on-demand, saving $22.53 (70%)");
  auto hourly = estimate({{"us-east-1", "m7i.large", Market::spot, 8, ""}}, book_with(q));
  EXPECT_EQ(estimate_line(hourly, 8, 0),
            "Total for 8 instances: $2.4144/hr spot vs $8.0480/hr on-demand, saving $5.6336/hr (70%)");
}

TEST(EstimateLine, MixedArray) {
  auto q = quote("0.1008", {{"us-east-1a", usd("0.0302")}});
  auto e = estimate({{"us-east-1", "m7i.large", Market::spot, 6, ""}, {"us-east-1", "m7i.large", Market::on_demand, 2, ""}},
                    book_with(q), hours(4));
  EXPECT_EQ(estimate_line(e, 6, 2),
            "Total for 8 instances (6 spot + 2 on-demand) over 4h: $1.53 vs $3.23 all on-demand, saving $1.69 (53%)");
}

TEST(EstimateLine, AllOnDemandAfterAFallback) {
  auto q = quote("0.1008", {{"us-east-1a", usd("0.0302")}});
  auto e = estimate({{"us-east-1", "m7i.large", Market::on_demand, 2, ""}}, book_with(q), hours(4));
  EXPECT_EQ(estimate_line(e, 0, 2), "Total for 2 instances over 4h: $0.81 on-demand, no spot saving");
}

TEST(EstimateLine, UnknownAndApproximate) {
  auto no_spot = quote("0.1008", {});
  auto e = estimate({{"us-east-1", "m7i.large", Market::spot, 2, ""}}, book_with(no_spot), minutes(90));
  EXPECT_EQ(estimate_line(e, 2, 0),
            "Total for 2 instances over 1h30m: unknown (no spot price of m7i.large in us-east-1); $0.30 on-demand");
  auto approx = quote("0.1008", {{"us-east-1a", usd("0.0302")}}, PriceSource::fallback_table);
  auto a = estimate({{"us-east-1", "m7i.large", Market::spot, 1, ""}}, book_with(approx), hours(10));
  EXPECT_EQ(estimate_line(a, 1, 0),
            "Total for 1 instance over 10h: $0.30 spot vs ~$1.01 on-demand, saving ~$0.71 (~70%), approximate: "
            "spawn's price table of 2025-11-01");
}

TEST(DurationText, AsPeopleWriteIt) {
  EXPECT_EQ(duration_text(hours(4)), "4h");
  EXPECT_EQ(duration_text(minutes(90)), "1h30m");
  EXPECT_EQ(duration_text(seconds(45)), "45s");
  EXPECT_EQ(duration_text(hours(48) + seconds(5)), "2d5s");
}

TEST(PriceNotes, SayWhyFiguresAreApproximate) {
  spawn::aws::pricing::PriceReport report;
  EXPECT_TRUE(price_notes(report, false).empty());
  report.on_demand_error = spawn::aws::Error{400, "AccessDeniedException", "not authorized", "req-1"};
  auto notes = price_notes(report, true);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0],
            "~ approximate: on-demand prices from spawn's built-in table of 2025-11-01: the Price List API could not be "
            "asked (not authorized (AccessDeniedException, request req-1))");
  EXPECT_EQ(notes[1], "Allow pricing:GetProducts (IAM) for today's on-demand prices.");
  report.on_demand_error = spawn::aws::local_error("NetworkError", "connection refused");
  notes = price_notes(report, false);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "On-demand prices unknown: the Price List API could not be asked (connection refused (NetworkError))");
}

// In a partition without a Price List API (GovCloud), and for AWS China's prices in CNY, the note
// says so as it is, not as a failed call.
TEST(PriceNotes, SayThePartitionHasNoPriceListApi) {
  spawn::aws::pricing::PriceReport report;
  report.on_demand_error = spawn::aws::local_error(
      "PriceListUnavailable",
      "the AWS Price List API is not available in AWS GovCloud (US) (partition aws-us-gov), and spawn asks no other "
      "partition's");
  auto notes = price_notes(report, false);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "On-demand prices unknown: the AWS Price List API is not available in AWS GovCloud (US) (partition "
            "aws-us-gov), and spawn asks no other partition's");
  notes = price_notes(report, true);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "~ approximate: on-demand prices from spawn's built-in table of 2025-11-01: the AWS Price List API is not "
            "available in AWS GovCloud (US) (partition aws-us-gov), and spawn asks no other partition's");
  report.on_demand_error =
      spawn::aws::local_error("UnsupportedCurrency", "the Price List API prices in CNY, not USD (spawn's prices are USD)");
  notes = price_notes(report, false);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "On-demand prices unknown: the Price List API prices in CNY, not USD (spawn's prices are USD)");
}
