#pragma once
// One round of `spawn price`: the prices of the asked types in the asked regions (or AZs with
// --az), their placement scores and the user's interruption history, fetched once and shown as
// a table or JSON. `spawn price` shows one round; `spawn price --watch` (cli/price_watch) one
// every interval.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/aws/pricing/price_finder.hpp"
#include "spawn/cli/price_history.hpp"
#include "spawn/cli/price_zones.hpp"
#include "spawn/cli/region_choice.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/model/prices.hpp"

namespace spawn::cli {

// What the flags asked: types and regions already checked (model::parse_price_query, regions
// known to EC2).
struct PriceAsk {
  std::vector<std::string> instance_types;
  std::vector<std::string> regions;
  int count = 1;      // --count: the placement score's instance count
  bool rank = false;  // --rank
  bool az = false;    // --az: a row per AZ
};

// A row's figures, the same in both layouts (what an alert watches).
struct PriceFigures {
  std::string instance_type;
  std::string region;
  std::string availability_zone;  // --az only
  std::optional<model::Usd> spot_hourly;
  std::optional<model::Usd> on_demand_hourly;
  std::optional<int> savings_percent;
};

struct PriceTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> cells;
};

// One round. Not copyable: the AZ rows point into the quotes (a move keeps them valid).
struct PriceRound {
  bool az = false;
  std::vector<model::PriceQuote> quotes;  // by spot price (or ranked)
  aws::pricing::PriceReport report;
  std::vector<ZoneRow> zones;             // --az: the rows shown
  std::optional<Scores> scores;           // without --az
  bool zone_scores_known = false;         // with --az
  std::optional<aws::Error> scores_error; // placement scores could not be asked
  std::string why_first;                  // --rank: why the first row is first
  PriceHistory history;

  PriceRound() = default;
  PriceRound(PriceRound&&) = default;
  PriceRound& operator=(PriceRound&&) = default;
  PriceRound(const PriceRound&) = delete;
  PriceRound& operator=(const PriceRound&) = delete;

  // The rows shown, in order, as figures.
  std::vector<PriceFigures> figures() const;
  // The table `spawn price` prints (a column per row's cell; the interruption rate when read).
  PriceTable table() const;
  // The rows `spawn price --output json` prints, in the same order as figures().
  nlohmann::json json() const;
  // An on-demand price shown came from the fallback table.
  bool approximate() const;
  // Lines explaining the on-demand figures (cli::price_notes).
  std::vector<std::string> notes() const;
  // What went wrong this round, one line each: spot prices of a region, placement scores,
  // the interruption history (without "spawn: warning: ").
  std::vector<std::string> problems() const;
};

// Fetches one round: spot prices (and on-demand ones through on_demand's cache), placement
// scores, the interruption history. Never fails as a whole: what could not be had is unknown
// and said by problems().
PriceRound fetch_price_round(const Session& session, const PriceAsk& ask, aws::pricing::OnDemandPrices& on_demand);

}  // namespace spawn::cli
