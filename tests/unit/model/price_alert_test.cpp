#include "spawn/model/price_alert.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace spawn::model {
namespace {

std::int64_t usd(const char* text) { return Usd::parse(text)->units(); }

std::vector<std::string> changes(AlertState& state, const std::vector<std::int64_t>& figures) {
  std::vector<std::string> out;
  for (auto f : figures) {
    auto c = state.observe(f);
    out.push_back(c ? std::string(to_string(*c)) : "-");
  }
  return out;
}

TEST(PriceAlert, ToldOnceWhenThePriceCrossesAndOnceWhenItIsBackPastTheBand) {
  AlertState state(AlertRule::price_above(*Usd::parse("0.1")));
  EXPECT_EQ(changes(state, {usd("0.09"), usd("0.1"), usd("0.1001"), usd("0.2"), usd("0.0999"), usd("0.1001"),
                            usd("0.0951"), usd("0.095"), usd("0.0999"), usd("0.1"), usd("0.11")}),
            (std::vector<std::string>{"-", "-", "crossed", "-", "-", "-", "-", "back", "-", "-", "crossed"}));
}

TEST(PriceAlert, AFigureJitteringAroundTheThresholdIsToldOnce) {
  AlertState state(AlertRule::price_above(*Usd::parse("1")));
  int told = 0;
  for (int i = 0; i < 100; ++i)
    if (state.observe(usd(i % 2 ? "1.01" : "0.99"))) ++told;
  EXPECT_EQ(told, 1);
  EXPECT_TRUE(state.alerting());
}

TEST(PriceAlert, SavingsBelowAlertsUnderTheThresholdAndIsBackAboveTheBand) {
  AlertState state(AlertRule::savings_below(60));
  EXPECT_EQ(state.rule().band(), 3);
  EXPECT_EQ(changes(state, {70, 60, 59, 40, 62, 63, 61, 59}),
            (std::vector<std::string>{"-", "-", "crossed", "-", "-", "back", "-", "crossed"}));
}

TEST(PriceAlert, TheBandIsAtLeastOneUnit) {
  EXPECT_EQ(AlertRule::savings_below(10).band(), 1);
  EXPECT_EQ(AlertRule::price_above(Usd::from_units(10)).band(), 1);
}

TEST(PriceAlert, AStateRestoredAsAlertingTellsOnlyTheWayBack) {
  AlertState state(AlertRule::price_above(*Usd::parse("0.1")), true);
  EXPECT_EQ(changes(state, {usd("0.2"), usd("0.05")}), (std::vector<std::string>{"-", "back"}));
}

TEST(PriceAlert, DescribesTheRuleAndFiguresAsTheUserWroteThem) {
  EXPECT_EQ(AlertRule::price_above(*Usd::parse("0.1")).describe(), "spot price above $0.1000/h");
  EXPECT_EQ(AlertRule::savings_below(60).describe(), "savings below 60%");
  EXPECT_EQ(AlertRule::price_above(*Usd::parse("0.1")).figure_text(usd("0.08925")), "$0.08925/h");
}

TEST(PriceAlert, PricesMustBePositiveDecimals) {
  EXPECT_EQ(parse_alert_price("--price-alert", "0.12")->text(), "0.1200");
  EXPECT_EQ(parse_alert_price("--price-alert", "3")->text(), "3.0000");
  for (const char* bad : {"", "-0.1", "0", "0.000", "abc", "1e-2", "$0.1", "0.1/h", " 0.1", "nan"}) {
    auto r = parse_alert_price("--price-alert", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("--price-alert"), std::string::npos);
  }
}

TEST(PriceAlert, PercentsAreWholeFromOneTo99) {
  EXPECT_EQ(*parse_alert_percent("--alert-savings-below", "60"), 60);
  EXPECT_EQ(*parse_alert_percent("--alert-savings-below", "60%"), 60);
  for (const char* bad : {"", "0", "100", "-5", "60.5", "x", "%"})
    EXPECT_FALSE(parse_alert_percent("--alert-savings-below", bad)) << bad;
}

TEST(PriceAlert, WatchIntervalsAreAMinuteToADay) {
  EXPECT_EQ(parse_watch_interval("--watch", "5m")->count(), 300);
  EXPECT_EQ(parse_watch_interval("--watch", "60s")->count(), 60);
  EXPECT_EQ(parse_watch_interval("--watch", "24h")->count(), 86400);
  for (const char* bad : {"", "59s", "30s", "25h", "-5m", "five", "0"})
    EXPECT_FALSE(parse_watch_interval("--watch", bad)) << bad;
}

}  // namespace
}  // namespace spawn::model
