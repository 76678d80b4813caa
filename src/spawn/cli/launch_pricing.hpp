#pragma once
// The prices of a spot launch: asked before launching (one DescribeSpotPriceHistory for the
// types; on-demand prices from the cache, the Price List API or the fallback table), said as one
// savings line per type, then totalled over what was launched (the on-demand members of a mixed
// array or of a fallback at on-demand prices), over --ttl when given.
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/pricing/price_finder.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/launcher/launcher.hpp"
#include "spawn/model/prices.hpp"

namespace spawn::cli {

struct LaunchPricing {
  std::string region;
  std::vector<std::string> instance_types;
  aws::pricing::PriceReport report;
};

// Asks for the prices of the types in the session's region. Never fails: what could not be had
// is unknown in the report.
LaunchPricing price_launch(const Session& session, const std::vector<std::string>& instance_types);

// One savings line per type, "Spot savings: 70% ($0.0302/hr vs $0.1008/hr on-demand)", with
// " for TYPE" when there are several; then the notes on approximate or unknown figures.
std::vector<std::string> savings_lines(const LaunchPricing& pricing);

// What was launched, as priced members: each instance's type, market and AZ.
std::vector<model::Member> launched_members(const launcher::LaunchResult& result, const std::string& region);
// What the plan will launch when it has one type (a dry run): spot_count spot and
// on_demand_count on-demand instances where spot is cheapest; empty with several types (which
// type EC2 picks is not known before the launch).
std::vector<model::Member> planned_members(const launcher::LaunchPlan& plan, const std::string& region);

// The estimate of the members, over ttl when given.
model::Estimate launch_estimate(const LaunchPricing& pricing, const std::vector<model::Member>& members,
                                std::optional<std::chrono::seconds> ttl);

// The "pricing" object of `spawn launch --output json`:
//   {"on_demand_hourly", "spot_hourly", "savings_percent", "estimated_total", "source", ...}
// on_demand_hourly: the launched instances all on demand, per hour; spot_hourly: as launched
// (on-demand members at on-demand prices); estimated_total: over --ttl ({"duration", "seconds",
// "spot", "on_demand", "saving"}, to the cent), null without --ttl; source: where the on-demand
// prices came from ("price-list-api", "cache", "fallback-table"); amounts are exact decimal
// strings, null when unknown.
nlohmann::json pricing_json(const LaunchPricing& pricing, const model::Estimate& estimate);

}  // namespace spawn::cli
