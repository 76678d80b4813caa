// spawn price --watch: its flags (what is a usage error) and what it shows and sends (pure).
#include <gtest/gtest.h>

#include "spawn/cli/price_watch.hpp"
#include "spawn/cli/price_watch_view.hpp"

using namespace spawn::cli;
using namespace spawn::model;

namespace {

Usd usd(const char* text) { return Usd::parse(text).value(); }

// The flags read after parsing args (e.g. {"--watch", "5m"}).
auto read_flags(std::vector<std::string> args) {
  CLI::App app;
  WatchFlags flags;
  flags.add(app);
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  app.parse(args);
  return flags.read();
}

PriceFigures row(const char* spot, std::optional<int> savings, std::string az = "") {
  PriceFigures r{"m7i.large", "us-east-1", std::move(az), std::nullopt, usd("0.1008"), savings};
  if (spot) r.spot_hourly = usd(spot);
  return r;
}

PriceAlertEvent event(AlertChange change, AlertRule rule, PriceFigures r) {
  return {change, rule, std::move(r), spawn::util::SystemTime(std::chrono::seconds(1796443200))};  // 2026-12-05T04:00:00Z
}

}  // namespace

TEST(PriceWatchFlags, NoWatchIsNoPlan) {
  auto plan = read_flags({});
  ASSERT_TRUE(plan.has_value());
  EXPECT_FALSE(plan->has_value());
}

TEST(PriceWatchFlags, AWatchWithAnAlertAndItsTargetsEachOnce) {
  const std::string topic = "arn:aws:sns:us-east-1:123456789012:alerts";
  auto plan = read_flags({"--watch", "90s", "--alert-above", "0.12", "--notify", topic + ",https://hooks.example.com/x",
                          "--notify", topic});
  ASSERT_TRUE(plan.has_value()) << plan.error().message;
  ASSERT_TRUE(plan->has_value());
  const WatchPlan& p = **plan;
  EXPECT_EQ(p.interval, std::chrono::seconds(90));
  ASSERT_TRUE(p.rule.has_value());
  EXPECT_EQ(p.rule->figure, AlertFigure::spot_price);
  EXPECT_EQ(p.rule->threshold, usd("0.12").units());
  EXPECT_EQ(p.notify, (std::vector<std::string>{topic, "https://hooks.example.com/x"}));

  auto savings = read_flags({"--watch", "1h", "--alert-savings-below", "60%"});
  ASSERT_TRUE(savings.has_value() && savings->has_value());
  EXPECT_EQ((*savings)->rule->figure, AlertFigure::savings_percent);
  EXPECT_EQ((*savings)->rule->threshold, 60);
}

TEST(PriceWatchFlags, BadValuesAndCombinationsAreUsageErrors) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--watch", "59s"}, "--watch"},
      {{"--watch", "0"}, "--watch"},
      {{"--watch", "later"}, "--watch"},
      {{"--watch", "25h"}, "--watch"},
      {{"--watch", "5m", "--alert-above", "-1"}, "--alert-above"},
      {{"--watch", "5m", "--alert-above", "0"}, "--alert-above"},
      {{"--watch", "5m", "--alert-above", "lots"}, "--alert-above"},
      {{"--watch", "5m", "--alert-savings-below", "100"}, "--alert-savings-below"},
      {{"--watch", "5m", "--alert-savings-below", "half"}, "--alert-savings-below"},
      {{"--alert-above", "0.1"}, "needs --watch"},
      {{"--alert-savings-below", "50"}, "needs --watch"},
      {{"--watch", "5m", "--alert-above", "0.1", "--alert-savings-below", "50"}, "not both"},
      {{"--watch", "5m", "--notify", "arn:aws:sns:us-east-1:123456789012:t"}, "needs an alert"},
      {{"--watch", "5m", "--alert-above", "0.1", "--notify", "http://hooks.example.com/x"}, "https"},
  };
  for (const auto& [args, says] : cases) {
    auto plan = read_flags(args);
    ASSERT_FALSE(plan.has_value()) << args[0] << " " << args[1];
    EXPECT_NE(plan.error().message.find(says), std::string::npos) << plan.error().message;
  }
}

TEST(PriceWatchView, AlertLinesAndSubjectsSayTheFigureAndTheWay) {
  const auto above = AlertRule::price_above(usd("0.1"));
  EXPECT_EQ(alert_line(event(AlertChange::crossed, above, row("0.12", 88))),
            "spawn: alert: m7i.large in us-east-1: spot price $0.1200/h, above $0.1000/h");
  EXPECT_EQ(alert_line(event(AlertChange::back, above, row("0.09", 91, "us-east-1b"))),
            "spawn: alert over: m7i.large in us-east-1b: spot price $0.0900/h, back under $0.1000/h");
  EXPECT_EQ(alert_subject(event(AlertChange::crossed, above, row("0.12", 88))),
            "spawn: m7i.large spot price above $0.1000/h in us-east-1");
  EXPECT_EQ(alert_subject(event(AlertChange::back, above, row("0.09", 91, "us-east-1b"))),
            "spawn: m7i.large spot price back under $0.1000/h in us-east-1b");

  const auto savings = AlertRule::savings_below(60);
  EXPECT_EQ(alert_line(event(AlertChange::crossed, savings, row("0.05", 55))),
            "spawn: alert: m7i.large in us-east-1: savings 55%, below 60%");
  EXPECT_EQ(alert_line(event(AlertChange::back, savings, row("0.03", 64))),
            "spawn: alert over: m7i.large in us-east-1: savings 64%, back over 60%");
  EXPECT_EQ(alert_subject(event(AlertChange::back, savings, row("0.03", 64))),
            "spawn: m7i.large savings back over 60% in us-east-1");
}

TEST(PriceWatchView, TheDocumentCarriesTheRowAndTheRule) {
  const auto doc = alert_document(event(AlertChange::crossed, AlertRule::price_above(usd("0.1")), row("0.12", 88)));
  EXPECT_EQ(doc, nlohmann::json::parse(R"({"event": "price_alert", "state": "crossed",
      "rule": "spot price above $0.1000/h", "instance_type": "m7i.large", "region": "us-east-1",
      "availability_zone": null, "spot_hourly": "0.1200", "on_demand_hourly": "0.1008", "savings_percent": 88,
      "threshold": "0.1000", "at": "2026-12-05T04:00:00Z"})"));
  const auto back = alert_document(event(AlertChange::back, AlertRule::savings_below(60), row(nullptr, std::nullopt, "us-east-1a")));
  EXPECT_EQ(back["state"], "back");
  EXPECT_EQ(back["availability_zone"], "us-east-1a");
  EXPECT_TRUE(back["spot_hourly"].is_null());
  EXPECT_TRUE(back["savings_percent"].is_null());
  EXPECT_EQ(back["threshold"], 60);
}

TEST(PriceWatchView, ARowWithoutTheFigureIsNeverWatched) {
  EXPECT_FALSE(watched_figure(AlertRule::price_above(usd("0.1")), row(nullptr, 50)).has_value());
  EXPECT_FALSE(watched_figure(AlertRule::savings_below(60), row("0.05", std::nullopt)).has_value());
  EXPECT_EQ(watched_figure(AlertRule::price_above(usd("0.1")), row("0.05", 50)), usd("0.05").units());
  EXPECT_EQ(watched_figure(AlertRule::savings_below(60), row("0.05", 50)), 50);
}

TEST(PriceWatchView, CellsHeadingAndRecentAlerts) {
  EXPECT_EQ(alert_cell(AlertRule::price_above(usd("0.1")), true), "above");
  EXPECT_EQ(alert_cell(AlertRule::savings_below(60), true), "below");
  EXPECT_EQ(alert_cell(AlertRule::savings_below(60), false), "-");
  const spawn::util::SystemTime at(std::chrono::seconds(1796443200));
  EXPECT_EQ(round_heading(std::chrono::minutes(5), at), "round at 2026-12-05T04:00:00Z, every 5m");
  EXPECT_EQ(recent_alerts_text({}), "");
  EXPECT_EQ(recent_alerts_text({"04:00:00  spawn: alert: a", "04:05:00  spawn: alert over: a"}),
            "\nalerts:\n  04:00:00  spawn: alert: a\n  04:05:00  spawn: alert over: a\n");
}
