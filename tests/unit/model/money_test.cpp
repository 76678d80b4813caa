#include "spawn/model/money.hpp"

#include <gtest/gtest.h>

using namespace spawn::model;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {
Usd usd(const char* text) {
  auto v = Usd::parse(text);
  EXPECT_TRUE(v) << text;
  return v.value_or(Usd());
}
}  // namespace

TEST(Usd, ParsesWhatAwsWrites) {
  EXPECT_EQ(usd("0.1008").units(), 1'008'000'000);
  EXPECT_EQ(usd("0.030200").units(), 302'000'000);      // EC2: six decimals
  EXPECT_EQ(usd("0.1008000000").units(), 1'008'000'000);  // Price List API: ten
  EXPECT_EQ(usd("1.006").units(), 10'060'000'000);
  EXPECT_EQ(usd("3").units(), 30'000'000'000);
  EXPECT_EQ(usd("0.0000000001").units(), 1);
  EXPECT_EQ(usd("0.10080000000000").units(), 1'008'000'000);  // zeros past ten decimals are harmless
  EXPECT_TRUE(usd("0").is_zero());
}

TEST(Usd, RefusesWhatIsNotAPlainPrice) {
  for (const char* bad : {"", ".", "1.", ".5", "-0.1", "+1", "1e3", "abc", "0.1 ", " 0.1", "$1", "0,1",
                          "0.00000000001", "100000001", "1.2.3"})
    EXPECT_FALSE(Usd::parse(bad)) << bad;
  EXPECT_TRUE(Usd::parse("100000000"));
}

TEST(Usd, TextKeepsEveryDigitAndAtLeastFourDecimals) {
  EXPECT_EQ(usd("0.1008").text(), "0.1008");
  EXPECT_EQ(usd("0.030200").text(), "0.0302");
  EXPECT_EQ(usd("0.08925").text(), "0.08925");  // never rounded to 0.0893
  EXPECT_EQ(usd("1.006").text(), "1.0060");
  EXPECT_EQ(usd("0").text(), "0.0000");
  EXPECT_EQ(usd("12").text(0), "12");
  EXPECT_EQ(usd("0.1008").text(2), "0.1008");
  EXPECT_EQ((usd("0.0302") - usd("0.1008")).text(), "-0.0706");
  EXPECT_EQ(usd("0.0000000001").text(), "0.0000000001");
}

TEST(Usd, Arithmetic) {
  EXPECT_EQ(usd("0.3018") * 8, usd("2.4144"));
  EXPECT_EQ(usd("0.0302") + usd("0.1008"), usd("0.131"));
  EXPECT_LT(usd("0.0302"), usd("0.031"));
  EXPECT_EQ(usd("1.006").cents_text(), "1.01");
  EXPECT_EQ(usd("0.0049").cents_text(), "0.00");
  EXPECT_EQ(usd("0.005").cents_text(), "0.01");  // half up
}

TEST(Cost, SeedArrayOfEightG5ForFourHours) {
  // 8 x g5.xlarge for 4 h: $32.19 on demand ($32.192), $9.66 spot ($9.6576), saving $22.53 ($22.5344).
  const Usd on_demand = usd("1.006") * 8, spot = usd("0.3018") * 8;
  EXPECT_EQ(Cost(on_demand, hours(4)).cents_text(), "32.19");
  EXPECT_EQ(Cost(spot, hours(4)).cents_text(), "9.66");
  EXPECT_EQ(Cost(on_demand - spot, hours(4)).cents_text(), "22.53");
  EXPECT_EQ(savings_percent(on_demand, spot), 70);
}

TEST(Cost, RoundsOnceHalfUpFromTheExactAmount) {
  EXPECT_EQ(Cost(usd("0.1008"), minutes(90)).cents(), 15);   // 0.1512
  EXPECT_EQ(Cost(usd("0.09"), seconds(1800)).cents(), 5);     // 0.045 exactly: half up
  EXPECT_EQ(Cost(usd("0.0899"), seconds(1800)).cents(), 4);   // 0.04495
  EXPECT_EQ(Cost(usd("0.0104"), seconds(1)).cents(), 0);      // 0.0000028...
  EXPECT_EQ(Cost(usd("0.01"), seconds(1800)).cents(), 1);     // 0.005: half up
  // A price x seconds that is not a whole number of units stays exact: 0.0000000001 x 1 s / 3600.
  EXPECT_EQ(Cost(usd("0.0000000001"), seconds(1)).cents(), 0);
  // Large: 1000 x p3.2xlarge (3.06) for 30 days does not overflow.
  EXPECT_EQ(Cost(usd("3.06") * 1000, hours(24 * 30)).cents_text(), "2203200.00");
  EXPECT_EQ(Cost(usd("0.0302") - usd("0.1008"), hours(1)).cents_text(), "-0.07");
  EXPECT_EQ(Cost(usd("0.005") - usd("0.01"), hours(1)).cents_text(), "-0.01");  // half away from zero
}

TEST(SavingsPercent, WholePercentHalfAwayFromZero) {
  EXPECT_EQ(savings_percent(usd("0.1008"), usd("0.0302")), 70);  // 70.04%
  EXPECT_EQ(savings_percent(usd("1.006"), usd("0.3018")), 70);   // exactly 70%
  EXPECT_EQ(savings_percent(usd("0.0104"), usd("0.0031")), 70);  // 70.19%
  EXPECT_EQ(savings_percent(usd("0.096"), usd("0.0378")), 61);   // 60.625%
  EXPECT_EQ(savings_percent(usd("1"), usd("0.995")), 1);         // 0.5% rounds up
  EXPECT_EQ(savings_percent(usd("1"), usd("0.996")), 0);
  EXPECT_EQ(savings_percent(usd("0.1"), usd("0.12")), -20);     // spot dearer than on demand
  EXPECT_EQ(savings_percent(usd("0.1"), usd("0.1")), 0);
  EXPECT_FALSE(savings_percent(usd("0"), usd("0.1")));
}

TEST(FormatCents, Signs) {
  EXPECT_EQ(format_cents(3219), "32.19");
  EXPECT_EQ(format_cents(5), "0.05");
  EXPECT_EQ(format_cents(0), "0.00");
  EXPECT_EQ(format_cents(-170), "-1.70");
}
