#include "spawn/agent/price_watch.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "../support/temp_dir.hpp"

namespace spawn::agent {
namespace {

using namespace std::chrono_literals;
using model::Usd;

struct Fixture {
  test::TempDir dir;
  util::SystemTime wall = util::SystemTime(std::chrono::seconds(1'800'000'000));
  SteadyTime steady{};
  std::vector<std::string> lines;
  std::deque<aws::Result<std::optional<Usd>>> answers;
  int reads = 0;

  std::unique_ptr<PriceWatch> watch(const char* threshold = "0.1") {
    auto log = std::make_shared<Logger>(LogFormat::json, [this](std::string_view line) { lines.emplace_back(line); });
    return std::make_unique<PriceWatch>(
        *Usd::parse(threshold), 300s, dir.path(),
        [this]() -> aws::Result<std::optional<Usd>> {
          ++reads;
          auto a = answers.front();
          answers.pop_front();
          return a;
        },
        Clocks{[this] { return wall; }, [this] { return steady; }}, log);
  }
  void answer(const char* price) { answers.emplace_back(std::optional<Usd>(*Usd::parse(price))); }
  bool logged(std::string_view event) const {
    for (const auto& l : lines)
      if (l.find(std::string("\"event\":\"") + std::string(event) + "\"") != std::string::npos) return true;
    return false;
  }
};

TEST(PriceWatch, LooksAtOnceThenEveryPeriodFromTheLastLook) {
  Fixture f;
  auto w = f.watch();
  EXPECT_TRUE(w->due());
  f.answer("0.05");
  EXPECT_FALSE(w->check());
  EXPECT_FALSE(w->due());
  f.steady += 299s;
  EXPECT_FALSE(w->due());
  f.steady += 1s;
  EXPECT_TRUE(w->due());
}

TEST(PriceWatch, TellsTheCrossingAndTheWayBackWithThePriceAndTime) {
  Fixture f;
  auto w = f.watch();
  f.answer("0.2");
  auto crossed = w->check();
  ASSERT_TRUE(crossed);
  EXPECT_EQ(crossed->change, model::AlertChange::crossed);
  EXPECT_EQ(crossed->price.text(), "0.2000");
  EXPECT_EQ(crossed->threshold.text(), "0.1000");
  EXPECT_EQ(crossed->at, f.wall);
  f.answer("0.098");
  EXPECT_FALSE(w->check());
  f.answer("0.05");
  auto back = w->check();
  ASSERT_TRUE(back);
  EXPECT_EQ(back->change, model::AlertChange::back);
  EXPECT_EQ(w->status()["checks"], 3);
  EXPECT_EQ(w->status()["price"], "0.0500");
  EXPECT_EQ(w->status()["above"], false);
}

TEST(PriceWatch, ANewWatchOnTheSameStateDirKeepsTheAlertAboveAndTheSameThresholdOnly) {
  Fixture f;
  {
    auto w = f.watch();
    f.answer("0.3");
    ASSERT_TRUE(w->check());
  }
  auto again = f.watch();
  f.answer("0.3");
  EXPECT_FALSE(again->check()) << "a restarted spored does not tell the same crossing";
  EXPECT_TRUE(again->status()["above"].get<bool>());
  auto other = f.watch("0.2");  // another threshold: a new alert
  f.answer("0.3");
  EXPECT_TRUE(other->check());
}

TEST(PriceWatch, AFailedReadIsLoggedAndTriedAgainAPeriodLater) {
  Fixture f;
  auto w = f.watch();
  f.answers.emplace_back(unexpected(aws::Error{403, "UnauthorizedOperation", "not allowed", "req-1"}));
  EXPECT_FALSE(w->check());
  EXPECT_TRUE(f.logged("price_check_failed"));
  EXPECT_FALSE(w->due());
  EXPECT_NE(w->status()["last_error"].get<std::string>().find("UnauthorizedOperation"), std::string::npos);
  f.steady += 300s;
  f.answer("0.5");
  EXPECT_TRUE(w->check());
  EXPECT_TRUE(w->status()["last_error"].is_null());
}

TEST(PriceWatch, APoolWithoutAPriceIsNoChange) {
  Fixture f;
  auto w = f.watch();
  f.answers.emplace_back(std::optional<Usd>());
  EXPECT_FALSE(w->check());
  EXPECT_TRUE(f.logged("price_unknown"));
  EXPECT_TRUE(w->status()["price"].is_null());
}

}  // namespace
}  // namespace spawn::agent
