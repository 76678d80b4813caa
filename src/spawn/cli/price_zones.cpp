#include "spawn/cli/price_zones.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "spawn/aws/ec2/regions.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/prices.hpp"
#include "spawn/cli/region_choice.hpp"
#include "spawn/model/spot_rank.hpp"

namespace spawn::cli {

std::vector<ZoneRow> zone_rows(const std::vector<model::PriceQuote>& quotes, const ZoneScores* scores) {
  std::vector<ZoneRow> out;
  for (const auto& q : quotes) {
    if (!q.spot || q.spot->by_zone.empty()) {
      out.push_back({&q, "", std::nullopt, std::nullopt});
      continue;
    }
    for (const auto& [az, price] : q.spot->by_zone) {
      ZoneRow row{&q, az, price, std::nullopt};
      if (scores)
        if (auto it = scores->find({az, q.instance_type}); it != scores->end()) row.placement_score = it->second;
      out.push_back(std::move(row));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ZoneRow& a, const ZoneRow& b) {
    if (a.spot_hourly && b.spot_hourly) return *a.spot_hourly < *b.spot_hourly;
    return a.spot_hourly.has_value() && !b.spot_hourly.has_value();
  });
  return out;
}

aws::Result<ZoneScores> zone_placement_scores(const Session& session, const std::vector<std::string>& types, int count,
                                              const std::vector<std::string>& regions) {
  std::map<std::string, std::string> name_of;  // AZ id -> this account's name
  for (const auto& region : regions) {
    auto zones = aws::ec2::describe_availability_zones(session.ec2(region));
    if (!zones) return unexpected(zones.error());
    for (const auto& z : *zones) name_of[z.zone_id] = z.name;
  }
  auto by_id = placement_scores(session, types, count, regions, /*single_az=*/true);
  if (!by_id) return unexpected(by_id.error());
  ZoneScores out;
  for (const auto& [key, score] : *by_id)
    if (auto it = name_of.find(key.first); it != name_of.end()) out[{it->second, key.second}] = score;
  return out;
}

std::string rank_zone_rows(std::vector<ZoneRow>& rows) {
  std::vector<model::RankRow> ranking;
  for (size_t i = 0; i < rows.size(); ++i)
    ranking.push_back({rows[i].quote->region, rows[i].quote->instance_type, rows[i].spot_hourly,
                       rows[i].placement_score, rows[i].availability_zone});
  ranking = model::rank_spot(std::move(ranking));
  std::vector<ZoneRow> ordered;
  for (const auto& r : ranking)
    ordered.push_back(*std::find_if(rows.begin(), rows.end(), [&](const ZoneRow& z) {
      return z.quote->region == r.region && z.quote->instance_type == r.instance_type && z.availability_zone == r.availability_zone;
    }));
  rows = std::move(ordered);
  return model::why_first(ranking);
}

namespace {

std::optional<int> savings(const ZoneRow& row) {
  if (!row.spot_hourly || !row.quote->on_demand) return std::nullopt;
  return model::savings_percent(row.quote->on_demand->hourly, *row.spot_hourly);
}

}  // namespace

std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>> zone_table(const std::vector<ZoneRow>& rows,
                                                                                    bool scores_known,
                                                                                    const PriceHistory& history) {
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows) {
    const bool approx = r.quote->on_demand && r.quote->on_demand->approximate();
    cells.push_back({r.quote->instance_type, r.quote->region, r.availability_zone.empty() ? "-" : r.availability_zone,
                     on_demand_text(r.quote->on_demand), hourly_text(r.spot_hourly), percent_text(savings(r), approx),
                     !scores_known ? "?" : r.placement_score ? fmt::format("{}/10", *r.placement_score) : "-"});
    if (history.read) {
      auto rate = history.rate(r.availability_zone, r.quote->instance_type);
      cells.back().push_back(rate ? fmt::format("{:.2f}", *rate) : "-");
    }
  }
  std::vector<std::string> header{"TYPE", "REGION", "AZ", "ON-DEMAND/HR", "SPOT/HR", "SAVINGS", "SCORE"};
  if (history.read) header.push_back("INTERRUPTIONS/100H");
  return {std::move(header), std::move(cells)};
}

nlohmann::json zone_rows_json(const std::vector<ZoneRow>& rows, const PriceHistory& history) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    const auto& q = *r.quote;
    const auto s = savings(r);
    out.push_back({{"instance_type", q.instance_type},
                   {"region", q.region},
                   {"availability_zone", r.availability_zone.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.availability_zone)},
                   {"on_demand_hourly", q.on_demand ? usd_json(q.on_demand->hourly) : nlohmann::json(nullptr)},
                   {"approximate", q.on_demand && q.on_demand->approximate()},
                   {"spot_hourly", usd_json(r.spot_hourly)},
                   {"savings_percent", s ? nlohmann::json(*s) : nlohmann::json(nullptr)},
                   {"placement_score", r.placement_score ? nlohmann::json(*r.placement_score) : nlohmann::json(nullptr)},
                   {"interruptions_per_100_hours", [&] {
                      auto rate = history.rate(r.availability_zone, q.instance_type);
                      return rate ? nlohmann::json(*rate) : nlohmann::json(nullptr);
                    }()}});
  }
  return out;
}

}  // namespace spawn::cli
