#pragma once
// Where spawn's prices come from, in one place: on-demand from the disk cache, else the Price
// List API (and then cached), else the fallback table shipped with spawn (approximate); spot
// from DescribeSpotPriceHistory in each region. Regions are asked concurrently.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/aws/pricing/cache.hpp"
#include "spawn/aws/pricing/client.hpp"
#include "spawn/model/prices.hpp"
#include "spawn/util/time.hpp"

namespace spawn::aws::pricing {

// On-demand prices: cache, then the Price List API, then the fallback table. Thread-safe.
class OnDemandPrices {
 public:
  // api: nullptr never asks the API (the fallback table answers); unavailable then says why, and
  // api_error() reports it (e.g. "PriceListUnavailable": the partition has no Price List API).
  OnDemandPrices(std::shared_ptr<const Client> api, std::shared_ptr<PriceCache> cache,
                 std::optional<Error> unavailable = std::nullopt)
      : m_api(std::move(api)), m_cache(std::move(cache)), m_api_error(std::move(unavailable)) {}

  // The price, or nullopt when unknown: the API has no such product, or the API could not be
  // asked and the fallback table does not have it. After the API fails (denied, unreachable) it
  // is not asked again in this run; api_error() says why the fallback table answered.
  std::optional<model::OnDemandPrice> get(const std::string& region, const std::string& instance_type);

  // The first error of the Price List API in this run, or why it is not asked at all, if any.
  std::optional<Error> api_error() const;
  // Problems writing the cache (sentences), for --debug: the prices themselves are fine.
  std::vector<std::string> cache_problems() const;

 private:
  std::shared_ptr<const Client> m_api;
  std::shared_ptr<PriceCache> m_cache;
  mutable std::mutex m_mutex;
  std::optional<Error> m_api_error;
  bool m_api_off = false;
  std::vector<std::string> m_cache_problems;
};

// What to price in one region: the types whose spot prices are wanted (one
// DescribeSpotPriceHistory for all of them) and those whose on-demand prices are.
struct RegionQuery {
  std::string region;
  std::vector<std::string> spot_types;
  std::vector<std::string> on_demand_types;
};

struct PriceReport {
  model::PriceBook book;                     // a quote per region and type asked; unknown prices absent
  std::map<std::string, Error> spot_errors;  // region -> why its spot prices are missing
  std::optional<Error> on_demand_error;      // the Price List API failed: fallback-table prices in the book
};

using Ec2ForRegion = std::function<ec2::Client(const std::string& region)>;

// Prices every query (one per region), at most max_parallel regions at once. Never fails as a whole: what could
// not be had is unknown in the book, and the report says why.
PriceReport find_prices(const std::vector<RegionQuery>& queries, const Ec2ForRegion& ec2_for, OnDemandPrices& on_demand,
                        util::SystemTime now, size_t max_parallel = 8);

}  // namespace spawn::aws::pricing
