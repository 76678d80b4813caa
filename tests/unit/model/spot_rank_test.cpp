#include "spawn/model/spot_rank.hpp"

#include <gtest/gtest.h>

namespace spawn::model {
namespace {

RankRow row(std::string region, std::string type, const char* price, std::optional<int> score) {
  return {std::move(region), std::move(type), price ? Usd::parse(price) : std::nullopt, score};
}

std::vector<std::string> order(const std::vector<RankRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.region + "/" + r.instance_type);
  return out;
}

TEST(SpotRank, TheScoreTierFirstThenTheCheapest) {
  auto ranked = rank_spot({row("us-west-2", "m7i.large", "0.0200", 2),    // cheapest, but unlikely
                           row("us-east-1", "m7i.large", "0.0302", 9),
                           row("eu-west-1", "m7i.large", "0.0290", 8),
                           row("us-east-1", "c7i.large", "0.0250", 5),
                           row("ap-south-1", "m7i.large", "0.0100", std::nullopt)});
  EXPECT_EQ(order(ranked), (std::vector<std::string>{"eu-west-1/m7i.large", "us-east-1/m7i.large", "us-east-1/c7i.large",
                                                     "us-west-2/m7i.large", "ap-south-1/m7i.large"}));
  EXPECT_EQ(why_first(ranked),
            "eu-west-1 m7i.large first: the cheapest spot price ($0.0290/hr) of the 2 choices with a high placement "
            "score (8/10)");
}

TEST(SpotRank, NoSpotPriceGoesLastWithinItsTier) {
  auto ranked = rank_spot({row("us-east-1", "a", nullptr, 9), row("us-east-1", "b", "0.05", 9)});
  EXPECT_EQ(order(ranked), (std::vector<std::string>{"us-east-1/b", "us-east-1/a"}));
}

TEST(SpotRank, TheOnlyLikelyChoiceIsSaidSo) {
  auto ranked = rank_spot({row("us-west-2", "m", "0.02", 3), row("us-east-1", "m", "0.03", 9)});
  EXPECT_EQ(why_first(ranked),
            "us-east-1 m first: the only high placement score (9/10), at $0.0300/hr; cheaper choices are less likely "
            "to be filled");
  auto cheapest = rank_spot({row("us-west-2", "m", "0.04", 3), row("us-east-1", "m", "0.03", 9)});
  EXPECT_EQ(why_first(cheapest), "us-east-1 m first: the cheapest spot price ($0.0300/hr) and the only high placement "
                                 "score (9/10)");
}

TEST(SpotRank, WithoutScoresThePriceDecides) {
  auto ranked = rank_spot({row("a", "m", "0.04", std::nullopt), row("b", "m", "0.03", std::nullopt)});
  EXPECT_EQ(order(ranked), (std::vector<std::string>{"b/m", "a/m"}));
  EXPECT_EQ(why_first(ranked), "b m first: the cheapest spot price ($0.0300/hr); EC2 gave no placement score to weigh");
}

TEST(SpotRank, AnAzRowIsNamedByItsAz) {
  RankRow b = row("us-east-1", "m7i.large", "0.0290", 9);
  b.availability_zone = "us-east-1b";
  RankRow a = row("us-east-1", "m7i.large", "0.0302", 9);
  a.availability_zone = "us-east-1a";
  auto ranked = rank_spot({a, b});
  EXPECT_EQ(ranked.front().availability_zone, "us-east-1b");
  EXPECT_EQ(why_first(ranked),
            "us-east-1b m7i.large first: the cheapest spot price ($0.0290/hr) of the 2 choices with a high placement "
            "score (9/10)");
}

TEST(SpotRank, Tiers) {
  EXPECT_EQ(score_tier(10), ScoreTier::high);
  EXPECT_EQ(score_tier(8), ScoreTier::high);
  EXPECT_EQ(score_tier(7), ScoreTier::medium);
  EXPECT_EQ(score_tier(4), ScoreTier::medium);
  EXPECT_EQ(score_tier(3), ScoreTier::low);
  EXPECT_EQ(score_tier(std::nullopt), ScoreTier::unknown);
}

}  // namespace
}  // namespace spawn::model
