#pragma once
// `spawn price --rank`: where to ask for spot first, from the price and EC2's placement score
// (pure). The score decides the tier (high 8-10, medium 4-7, low 1-3, unknown last): a cheap
// pool EC2 is unlikely to fill costs a failed launch or an early interruption, which no price
// difference pays back. Within a tier, the cheapest spot price first; rows with no spot price last.
#include <optional>
#include <string>
#include <vector>

#include "spawn/model/money.hpp"

namespace spawn::model {

struct RankRow {
  std::string region;
  std::string instance_type;
  std::optional<Usd> spot_hourly;
  std::optional<int> placement_score;  // 1..10; nullopt: unknown
  std::string availability_zone;       // "" for a row of the whole region
};

enum class ScoreTier { high, medium, low, unknown };
ScoreTier score_tier(std::optional<int> score);
const char* to_string(ScoreTier tier);

// The rows in ranked order (a stable order: ties stay as given).
std::vector<RankRow> rank_spot(std::vector<RankRow> rows);

// Why the first of ranked rows is first, one sentence (naming its AZ rather than its region when
// the row has one): "us-east-1 m7i.large first: the
// cheapest spot price ($0.0302/hr) of the 3 choices with a high placement score (9/10)".
std::string why_first(const std::vector<RankRow>& ranked);

}  // namespace spawn::model
