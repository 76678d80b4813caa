#include "spawn/aws/pricing/price_finder.hpp"

#include "spawn/aws/pricing/spot.hpp"
#include "spawn/model/fallback_prices.hpp"
#include "spawn/util/parallel.hpp"

namespace spawn::aws::pricing {

std::optional<model::OnDemandPrice> OnDemandPrices::get(const std::string& region, const std::string& instance_type) {
  if (m_cache)
    if (auto cached = m_cache->get(region, instance_type)) return cached;
  bool ask = false;
  {
    std::lock_guard lock(m_mutex);
    ask = m_api && !m_api_off;
  }
  if (ask) {
    auto price = m_api->on_demand_price(region, instance_type);
    if (price) {
      if (!*price) return std::nullopt;  // AWS sells no such product there: unknown, not guessed
      if (m_cache)
        if (auto stored = m_cache->put(region, instance_type, **price); !stored) {
          std::lock_guard lock(m_mutex);
          m_cache_problems.push_back(stored.error());
        }
      return model::OnDemandPrice{**price, model::PriceSource::price_list_api, ""};
    }
    std::lock_guard lock(m_mutex);
    if (!m_api_error) m_api_error = price.error();
    // A malformed answer concerns this product; anything else (denied, unreachable, throttled
    // past the retries) will not get better within this run.
    if (price.error().code != "InvalidReply") m_api_off = true;
  }
  if (auto table = model::fallback_on_demand_price(region, instance_type))
    return model::OnDemandPrice{*table, model::PriceSource::fallback_table, std::string(model::k_fallback_prices_date)};
  return std::nullopt;
}

std::optional<Error> OnDemandPrices::api_error() const {
  std::lock_guard lock(m_mutex);
  return m_api_error;
}

std::vector<std::string> OnDemandPrices::cache_problems() const {
  std::lock_guard lock(m_mutex);
  return m_cache_problems;
}

PriceReport find_prices(const std::vector<RegionQuery>& queries, const Ec2ForRegion& ec2_for, OnDemandPrices& on_demand,
                        util::SystemTime now, size_t max_parallel) {
  struct RegionResult {
    std::vector<model::PriceQuote> quotes;
    std::optional<Error> spot_error;
  };
  std::vector<RegionResult> results(queries.size());
  util::parallel_for(queries.size(), max_parallel, [&](size_t i) {
    const RegionQuery& q = queries[i];
    std::map<std::string, model::PriceQuote> quotes;
    auto quote = [&](const std::string& type) -> model::PriceQuote& {
      auto [it, inserted] = quotes.try_emplace(type);
      if (inserted) it->second = model::PriceQuote{q.region, type, std::nullopt, std::nullopt};
      return it->second;
    };
    if (!q.spot_types.empty()) {
      auto found = current_spot_prices(ec2_for(q.region), q.spot_types, now);
      if (found) {
        for (const auto& type : q.spot_types) {
          auto& qt = quote(type);
          if (auto it = found->find(type); it != found->end()) qt.spot = it->second;
        }
      } else {
        results[i].spot_error = found.error();
        for (const auto& type : q.spot_types) quote(type);
      }
    }
    for (const auto& type : q.on_demand_types) quote(type).on_demand = on_demand.get(q.region, type);
    for (auto& [type, qt] : quotes) results[i].quotes.push_back(std::move(qt));
  });
  PriceReport report;
  for (size_t i = 0; i < queries.size(); ++i) {
    for (auto& quote : results[i].quotes) {
      auto key = std::pair{quote.region, quote.instance_type};
      report.book[key] = std::move(quote);
    }
    if (results[i].spot_error) report.spot_errors[queries[i].region] = *results[i].spot_error;
  }
  report.on_demand_error = on_demand.api_error();
  return report;
}

}  // namespace spawn::aws::pricing
