#pragma once
// What the commands share about prices: gathering them for a session (cache, Price List API,
// fallback table, spot price history) and saying them the same way in `spawn price`,
// `spawn list` and `spawn launch`. Figures are exact (model/money.hpp); an unknown price is
// "unknown", never 0; an approximate one (fallback table) is marked "~" and explained.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/pricing/price_finder.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/model/prices.hpp"

namespace spawn::cli {

// The on-demand price sources of a session for regions of region's partition (empty: the
// session's region): the disk cache ($XDG_CACHE_HOME/spawn or ~/.cache/spawn), the partition's
// Price List API (us-east-1; cn-northwest-1 for AWS China; AWS_ENDPOINT_URL_PRICING honoured),
// then the fallback table. In a partition without a Price List API (GovCloud) and no endpoint
// configured, nothing is asked: api_error() is "PriceListUnavailable", saying so.
std::shared_ptr<aws::pricing::OnDemandPrices> on_demand_prices(const Session& session, const std::string& region = {});

// aws::pricing::find_prices with the session's EC2 client of each region; now is the clock.
aws::pricing::PriceReport find_prices(const Session& session, const std::vector<aws::pricing::RegionQuery>& queries,
                                      aws::pricing::OnDemandPrices& on_demand);

// "$0.1008", "~$0.1008" when approximate, "unknown" when nullopt.
std::string hourly_text(std::optional<model::Usd> amount, bool approximate = false);
// An on-demand price as hourly_text says it.
std::string on_demand_text(const std::optional<model::OnDemandPrice>& price);
// "70%", "~70%" when approximate, "unknown" when nullopt.
std::string percent_text(std::optional<int> percent, bool approximate = false);

// The line for one type before a spot launch:
//   Spot savings: 70% ($0.0302/hr vs $0.1008/hr on-demand)
// with "~" on approximate figures, and what could not be had said to be unknown:
//   Spot savings: unknown (spot price unknown vs $0.1008/hr on-demand)
std::string savings_line(const model::PriceQuote& quote);

// The total of several instances, spot against on-demand, over the duration when there is one:
//   8 instances for 4h: $9.66 spot vs $32.19 on-demand, saving $22.53 (70%)
//   8 instances: $2.4144/hr spot vs $8.0480/hr on-demand, saving $5.6336/hr (70%)
// A mixed array says its split ("6 spot + 2 on-demand instances"); unknown prices are named.
std::string estimate_line(const model::Estimate& estimate, int spot_count, int on_demand_count);

// Lines that explain the on-demand figures: fallback-table prices (dated, and why the Price
// List API was not used), or why on-demand prices are unknown. Only what applies.
std::vector<std::string> price_notes(const aws::pricing::PriceReport& report, bool approximate_shown);

// A duration as people write it: "4h", "1h30m", "90s", "2d".
std::string duration_text(std::chrono::seconds duration);

// Exact amounts in JSON are strings ("0.1008"), so no binary floating point touches them;
// null when unknown.
nlohmann::json usd_json(std::optional<model::Usd> amount);

}  // namespace spawn::cli
