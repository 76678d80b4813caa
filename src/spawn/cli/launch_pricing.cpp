#include "spawn/cli/launch_pricing.hpp"

#include <fmt/format.h>

#include "spawn/cli/prices.hpp"

namespace spawn::cli {

LaunchPricing price_launch(const Session& session, const std::vector<std::string>& instance_types) {
  LaunchPricing p{session.region(), instance_types, {}};
  auto on_demand = on_demand_prices(session);
  p.report = find_prices(session, {{p.region, instance_types, instance_types}}, *on_demand);
  return p;
}

std::vector<std::string> savings_lines(const LaunchPricing& pricing) {
  std::vector<std::string> lines;
  bool approximate = false;
  for (const auto& type : pricing.instance_types) {
    auto it = pricing.report.book.find({pricing.region, type});
    if (it == pricing.report.book.end()) continue;
    std::string line = savings_line(it->second);
    if (pricing.instance_types.size() > 1) line += " for " + type;
    lines.push_back(std::move(line));
    approximate = approximate || (it->second.on_demand && it->second.on_demand->approximate());
  }
  for (auto& note : price_notes(pricing.report, approximate)) lines.push_back(std::move(note));
  for (const auto& [region, error] : pricing.report.spot_errors)
    lines.push_back(fmt::format("Spot prices in {} unknown: {}", region, error.describe()));
  return lines;
}

std::vector<model::Member> launched_members(const launcher::LaunchResult& result, const std::string& region) {
  std::vector<model::Member> members;
  for (const auto& li : result.instances)
    members.push_back({region, li.instance.instance_type,
                       li.instance.spot() ? model::Market::spot : model::Market::on_demand, 1,
                       li.instance.availability_zone});
  return members;
}

std::vector<model::Member> planned_members(const launcher::LaunchPlan& plan, const std::string& region) {
  if (plan.instance_types.size() != 1) return {};
  std::vector<model::Member> members;
  if (plan.spot_count > 0) members.push_back({region, plan.instance_types.front(), model::Market::spot, plan.spot_count, ""});
  if (plan.on_demand_count > 0)
    members.push_back({region, plan.instance_types.front(), model::Market::on_demand, plan.on_demand_count, ""});
  return members;
}

model::Estimate launch_estimate(const LaunchPricing& pricing, const std::vector<model::Member>& members,
                                std::optional<std::chrono::seconds> ttl) {
  return model::estimate(members, pricing.report.book, ttl);
}

nlohmann::json pricing_json(const LaunchPricing& pricing, const model::Estimate& e) {
  // Where the on-demand prices came from: the weakest source wins (one approximate figure makes
  // the whole estimate approximate).
  std::optional<model::PriceSource> source;
  std::string as_of;
  for (const auto& type : pricing.instance_types) {
    auto it = pricing.report.book.find({pricing.region, type});
    if (it == pricing.report.book.end() || !it->second.on_demand) continue;
    const auto& od = *it->second.on_demand;
    if (od.source == model::PriceSource::fallback_table) {
      source = od.source;
      as_of = od.as_of;
    } else if (!source || (*source == model::PriceSource::cache && od.source == model::PriceSource::price_list_api)) {
      source = od.source;
    }
  }
  nlohmann::json total = nullptr;
  if (e.duration)
    total = {{"duration", duration_text(*e.duration)},
             {"seconds", e.duration->count()},
             {"spot", e.total() ? nlohmann::json(e.total()->cents_text()) : nullptr},
             {"on_demand", e.on_demand_total() ? nlohmann::json(e.on_demand_total()->cents_text()) : nullptr},
             {"saving", e.saving() ? nlohmann::json(e.saving()->cents_text()) : nullptr}};
  nlohmann::json out{{"on_demand_hourly", usd_json(e.on_demand_hourly)},
                     {"spot_hourly", usd_json(e.hourly)},
                     {"savings_percent", e.savings_percent() ? nlohmann::json(*e.savings_percent()) : nullptr},
                     {"estimated_total", total},
                     {"source", source ? nlohmann::json(std::string(model::to_string(*source))) : nullptr},
                     {"approximate", e.approximate},
                     {"unknown", e.unknown},
                     {"region", pricing.region}};
  if (!as_of.empty()) out["as_of"] = as_of;
  nlohmann::json types = nlohmann::json::object();
  for (const auto& type : pricing.instance_types) {
    auto it = pricing.report.book.find({pricing.region, type});
    if (it == pricing.report.book.end()) continue;
    const auto& q = it->second;
    types[type] = {{"on_demand_hourly", usd_json(model::hourly_price(q, model::Market::on_demand))},
                   {"spot_hourly", usd_json(model::hourly_price(q, model::Market::spot))},
                   {"spot_availability_zone", q.spot ? nlohmann::json(q.spot->cheapest().first) : nullptr},
                   {"savings_percent", q.savings_percent() ? nlohmann::json(*q.savings_percent()) : nullptr}};
  }
  out["instance_types"] = types;
  return out;
}

}  // namespace spawn::cli
