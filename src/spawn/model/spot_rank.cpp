#include "spawn/model/spot_rank.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace spawn::model {

ScoreTier score_tier(std::optional<int> score) {
  if (!score) return ScoreTier::unknown;
  if (*score >= 8) return ScoreTier::high;
  if (*score >= 4) return ScoreTier::medium;
  return ScoreTier::low;
}

const char* to_string(ScoreTier tier) {
  switch (tier) {
    case ScoreTier::high: return "high";
    case ScoreTier::medium: return "medium";
    case ScoreTier::low: return "low";
    case ScoreTier::unknown: return "unknown";
  }
  return "unknown";
}

std::vector<RankRow> rank_spot(std::vector<RankRow> rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const RankRow& a, const RankRow& b) {
    const auto ta = score_tier(a.placement_score), tb = score_tier(b.placement_score);
    if (ta != tb) return ta < tb;
    if (a.spot_hourly && b.spot_hourly && *a.spot_hourly != *b.spot_hourly) return *a.spot_hourly < *b.spot_hourly;
    if (a.spot_hourly.has_value() != b.spot_hourly.has_value()) return a.spot_hourly.has_value();
    return a.placement_score.value_or(0) > b.placement_score.value_or(0);
  });
  return rows;
}

std::string why_first(const std::vector<RankRow>& ranked) {
  if (ranked.empty()) return "";
  const RankRow& first = ranked.front();
  const ScoreTier tier = score_tier(first.placement_score);
  const auto peers = std::count_if(ranked.begin(), ranked.end(),
                                   [&](const RankRow& r) { return score_tier(r.placement_score) == tier; });
  const std::string where = (first.availability_zone.empty() ? first.region : first.availability_zone) + " " +
                            first.instance_type;
  if (!first.spot_hourly) return fmt::format("{} first: no choice has a spot price to compare", where);
  const std::string price = fmt::format("${}/hr", first.spot_hourly->text());
  if (tier == ScoreTier::unknown)
    return fmt::format("{} first: the cheapest spot price ({}); EC2 gave no placement score to weigh", where, price);
  const std::string score = fmt::format("{} placement score ({}/10)", to_string(tier), *first.placement_score);
  if (peers == 1) {
    const bool cheapest = std::none_of(ranked.begin() + 1, ranked.end(), [&](const RankRow& r) {
      return r.spot_hourly && *r.spot_hourly < *first.spot_hourly;
    });
    return cheapest ? fmt::format("{} first: the cheapest spot price ({}) and the only {}", where, price, score)
                    : fmt::format("{} first: the only {}, at {}; cheaper choices are less likely to be filled", where,
                                  score, price);
  }
  return fmt::format("{} first: the cheapest spot price ({}) of the {} choices with a {}", where, price, peers, score);
}

}  // namespace spawn::model
