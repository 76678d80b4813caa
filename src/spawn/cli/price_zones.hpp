#pragma once
// `spawn price --az`: one row per (AZ, type) instead of per (region, type): that AZ's spot price,
// the region's on-demand price, the savings there and EC2's placement score for the AZ
// (GetSpotPlacementScores with SingleAvailabilityZone, whose scores name AZ ids: mapped to this
// account's AZ names with DescribeAvailabilityZones in each region).
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/aws/error.hpp"
#include "spawn/cli/price_history.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/model/prices.hpp"

namespace spawn::cli {

struct ZoneRow {
  const model::PriceQuote* quote = nullptr;  // its region and type, the on-demand price
  std::string availability_zone;             // "" when EC2 gave no spot price in any AZ
  std::optional<model::Usd> spot_hourly;
  std::optional<int> placement_score;
};

// (AZ name, type) -> score.
using ZoneScores = std::map<std::pair<std::string, std::string>, int>;

// One row per AZ with a spot price of each quote (a quote without any: one row without AZ), by
// spot price, unknown last (pure).
std::vector<ZoneRow> zone_rows(const std::vector<model::PriceQuote>& quotes, const ZoneScores* scores);

// Per type, the AZ scores of every region, EC2's AZ ids turned into names.
aws::Result<ZoneScores> zone_placement_scores(const Session& session, const std::vector<std::string>& types, int count,
                                              const std::vector<std::string>& regions);

// --rank over AZ rows: model::rank_spot's order; returns why the first is first.
std::string rank_zone_rows(std::vector<ZoneRow>& rows);

// The user's interruption rate per (AZ, type) as a last column when the event log was read.
// The header and the cells (SCORE "?" when !scores_known).
std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>> zone_table(const std::vector<ZoneRow>& rows,
                                                                                    bool scores_known,
                                                                                    const PriceHistory& history);
nlohmann::json zone_rows_json(const std::vector<ZoneRow>& rows, const PriceHistory& history);

}  // namespace spawn::cli
