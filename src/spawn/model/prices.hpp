#pragma once
// Prices as plain data, and the savings arithmetic on them (pure). Where prices come from is
// aws/pricing/; how they are rounded is model/money.hpp.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spawn/model/money.hpp"

namespace spawn::model {

// Where an on-demand price came from.
enum class PriceSource { price_list_api, cache, fallback_table };
// "price-list-api" | "cache" | "fallback-table"
std::string_view to_string(PriceSource source);

// The on-demand price per hour of one type in one region (Linux, shared tenancy).
struct OnDemandPrice {
  Usd hourly;
  PriceSource source = PriceSource::price_list_api;
  std::string as_of;  // fallback_table: the table's date; cache: when it was fetched (RFC 3339)

  // True for the fallback table: a dated copy, not AWS's answer of today.
  bool approximate() const { return source == PriceSource::fallback_table; }
};

// The spot prices of one type in one region now: the newest price of each AZ.
struct SpotPrices {
  std::map<std::string, Usd> by_zone;  // AZ -> price; never empty

  // The cheapest AZ and its price (ties: the first AZ by name).
  std::pair<std::string, Usd> cheapest() const;
  // The dearest AZ and its price (ties: the first AZ by name).
  std::pair<std::string, Usd> dearest() const;
  // dearest - cheapest: how much the AZ matters.
  Usd spread() const { return dearest().second - cheapest().second; }
};

// What is known of one type's prices in one region; either side may be unknown.
struct PriceQuote {
  std::string region;
  std::string instance_type;
  std::optional<OnDemandPrice> on_demand;
  std::optional<SpotPrices> spot;

  // Savings at the cheapest AZ; nullopt unless both prices are known.
  std::optional<int> savings_percent() const;
};

// Quotes by {region, instance type}.
using PriceBook = std::map<std::pair<std::string, std::string>, PriceQuote>;

enum class Market { spot, on_demand };

// What one instance pays per hour: a spot instance its AZ's spot price (the cheapest AZ's when
// az is empty: EC2 has not placed it yet), an on-demand one the on-demand price. nullopt when
// that price is unknown (never 0).
std::optional<Usd> hourly_price(const PriceQuote& quote, Market market, std::string_view az = {});

// Instances of one type, one market (and one AZ, or "" for "where it is cheapest").
struct Member {
  std::string region;
  std::string instance_type;
  Market market = Market::spot;
  int count = 1;
  std::string availability_zone;
};

// What a group of instances (one launch, one job array) costs, spot against on-demand.
struct Estimate {
  std::optional<Usd> hourly;            // as launched: spot members at spot, the others on demand
  std::optional<Usd> on_demand_hourly;  // the same instances all on demand
  std::optional<std::chrono::seconds> duration;  // over this time (--ttl), when given
  bool approximate = false;             // an on-demand price came from the fallback table
  std::vector<std::string> unknown;     // prices that could not be had: "spot price of g5.xlarge in us-east-1"

  // Both hourly figures are known.
  bool complete() const { return hourly && on_demand_hourly; }
  // on_demand_hourly - hourly, when both are known.
  std::optional<Usd> hourly_saving() const;
  std::optional<int> savings_percent() const;
  // The totals over duration; nullopt without a duration or with an unknown price.
  std::optional<Cost> total() const;
  std::optional<Cost> on_demand_total() const;
  std::optional<Cost> saving() const;
};

// The estimate for the members, from the book. A member whose quote is missing from the book
// counts as unknown. duration: the time the instances will run (--ttl), if known.
Estimate estimate(const std::vector<Member>& members, const PriceBook& book,
                  std::optional<std::chrono::seconds> duration = std::nullopt);

}  // namespace spawn::model
