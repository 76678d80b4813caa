// Cost so far under a step price history, to the 1e-10 dollar.
#include "spawn/model/accrued_cost.hpp"

#include <gtest/gtest.h>

namespace spawn::model {
namespace {

using namespace std::chrono_literals;

util::SystemTime at(const char* t) { return *util::parse_rfc3339(t); }
Usd usd(const char* s) { return *Usd::parse(s); }

TEST(AccruedCost, EachStretchAtThePriceInEffect) {
  // 0.03 from 09:00, 0.05 from 11:00; running 10:00 to 12:30: 1h x 0.03 + 1.5h x 0.05 = 0.105.
  auto a = accrue({{at("2026-12-04T11:00:00Z"), usd("0.05")}, {at("2026-12-04T09:00:00Z"), usd("0.03")}},
                  at("2026-12-04T10:00:00Z"), at("2026-12-04T12:30:00Z"));
  EXPECT_EQ(a.amount.text(), "0.1050");
  EXPECT_FALSE(a.approximate);
}

TEST(AccruedCost, OnDemandIsOneStepAndSecondsCount) {
  auto a = accrue({{at("2000-01-01T00:00:00Z"), usd("0.1008")}}, at("2026-12-04T10:00:00Z"), at("2026-12-04T10:00:45Z"));
  EXPECT_EQ(a.amount.text(), "0.00126");  // 0.1008 x 45 / 3600
  EXPECT_EQ(accrue({{at("2000-01-01T00:00:00Z"), usd("0.1008")}}, at("2026-12-04T10:00:00Z"),
                   at("2026-12-04T09:00:00Z")).amount.units(), 0);
}

TEST(AccruedCost, TimeBeforeTheHistoryIsApproximate) {
  auto a = accrue({{at("2026-12-04T11:00:00Z"), usd("0.04")}}, at("2026-12-04T10:00:00Z"), at("2026-12-04T12:00:00Z"));
  EXPECT_EQ(a.amount.text(), "0.0800");
  EXPECT_TRUE(a.approximate);
  auto none = accrue({}, at("2026-12-04T10:00:00Z"), at("2026-12-04T12:00:00Z"));
  EXPECT_TRUE(none.approximate);
  EXPECT_TRUE(none.amount.is_zero());
}

TEST(AccruedCost, AMonthOfAnExpensiveTypeDoesNotOverflow) {
  auto a = accrue({{at("2026-11-01T00:00:00Z"), usd("98.32")}}, at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"));
  EXPECT_EQ(a.amount.cents_text(), "70790.40");
}

}  // namespace
}  // namespace spawn::model
