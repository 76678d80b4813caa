#include "spawn/model/prices.hpp"

#include <fmt/format.h>

namespace spawn::model {

std::string_view to_string(PriceSource source) {
  switch (source) {
    case PriceSource::price_list_api: return "price-list-api";
    case PriceSource::cache: return "cache";
    case PriceSource::fallback_table: return "fallback-table";
  }
  return "price-list-api";
}

std::pair<std::string, Usd> SpotPrices::cheapest() const {
  auto best = by_zone.begin();
  for (auto it = by_zone.begin(); it != by_zone.end(); ++it)
    if (it->second < best->second) best = it;
  if (best == by_zone.end()) return {};
  return {best->first, best->second};
}

std::pair<std::string, Usd> SpotPrices::dearest() const {
  auto best = by_zone.begin();
  for (auto it = by_zone.begin(); it != by_zone.end(); ++it)
    if (it->second > best->second) best = it;
  if (best == by_zone.end()) return {};
  return {best->first, best->second};
}

std::optional<int> PriceQuote::savings_percent() const {
  if (!on_demand || !spot || spot->by_zone.empty()) return std::nullopt;
  return model::savings_percent(on_demand->hourly, spot->cheapest().second);
}

std::optional<Usd> hourly_price(const PriceQuote& quote, Market market, std::string_view az) {
  if (market == Market::on_demand) {
    if (!quote.on_demand) return std::nullopt;
    return quote.on_demand->hourly;
  }
  if (!quote.spot || quote.spot->by_zone.empty()) return std::nullopt;
  if (az.empty()) return quote.spot->cheapest().second;
  auto it = quote.spot->by_zone.find(std::string(az));
  if (it == quote.spot->by_zone.end()) return std::nullopt;  // no history in that AZ: unknown, not a guess
  return it->second;
}

std::optional<Usd> Estimate::hourly_saving() const {
  if (!complete()) return std::nullopt;
  return *on_demand_hourly - *hourly;
}

std::optional<int> Estimate::savings_percent() const {
  if (!complete()) return std::nullopt;
  return model::savings_percent(*on_demand_hourly, *hourly);
}

std::optional<Cost> Estimate::total() const {
  if (!hourly || !duration) return std::nullopt;
  return Cost(*hourly, *duration);
}

std::optional<Cost> Estimate::on_demand_total() const {
  if (!on_demand_hourly || !duration) return std::nullopt;
  return Cost(*on_demand_hourly, *duration);
}

std::optional<Cost> Estimate::saving() const {
  auto per_hour = hourly_saving();
  if (!per_hour || !duration) return std::nullopt;
  return Cost(*per_hour, *duration);
}

Estimate estimate(const std::vector<Member>& members, const PriceBook& book, std::optional<std::chrono::seconds> duration) {
  Estimate e;
  e.duration = duration;
  Usd hourly, on_demand;
  bool hourly_known = true, on_demand_known = true;
  auto note_unknown = [&](std::string what) {
    for (const auto& u : e.unknown)
      if (u == what) return;
    e.unknown.push_back(std::move(what));
  };
  for (const auto& m : members) {
    if (m.count <= 0) continue;
    auto it = book.find({m.region, m.instance_type});
    const PriceQuote* quote = it == book.end() ? nullptr : &it->second;
    auto od = quote ? hourly_price(*quote, Market::on_demand) : std::nullopt;
    if (od) {
      on_demand += *od * m.count;
      e.approximate = e.approximate || quote->on_demand->approximate();
    } else {
      on_demand_known = false;
      note_unknown(fmt::format("on-demand price of {} in {}", m.instance_type, m.region));
    }
    if (m.market == Market::on_demand) {
      if (od)
        hourly += *od * m.count;
      else
        hourly_known = false;
      continue;
    }
    auto spot = quote ? hourly_price(*quote, Market::spot, m.availability_zone) : std::nullopt;
    if (spot) {
      hourly += *spot * m.count;
    } else {
      hourly_known = false;
      note_unknown(m.availability_zone.empty()
                       ? fmt::format("spot price of {} in {}", m.instance_type, m.region)
                       : fmt::format("spot price of {} in {}", m.instance_type, m.availability_zone));
    }
  }
  if (hourly_known) e.hourly = hourly;
  if (on_demand_known) e.on_demand_hourly = on_demand;
  return e;
}

}  // namespace spawn::model
