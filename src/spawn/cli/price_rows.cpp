#include "spawn/cli/price_rows.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "spawn/cli/prices.hpp"
#include "spawn/model/spot_rank.hpp"

namespace spawn::cli {
namespace {

std::string rate_text(const PriceHistory& history, const std::string& where, const std::string& type) {
  auto rate = history.rate(where, type);
  return rate ? fmt::format("{:.2f}", *rate) : "-";
}

std::string score_text(const std::optional<Scores>& scores, const model::PriceQuote& q) {
  if (!scores) return "?";
  auto it = scores->find({q.region, q.instance_type});
  return it == scores->end() ? "-" : fmt::format("{}/10", it->second);
}

// --rank: rows in model::rank_spot's order; returns why the first is first.
std::string rank(std::vector<model::PriceQuote>& rows, const std::optional<Scores>& scores) {
  std::vector<model::RankRow> ranking;
  for (const auto& q : rows) {
    std::optional<int> score;
    if (scores)
      if (auto it = scores->find({q.region, q.instance_type}); it != scores->end()) score = it->second;
    ranking.push_back({q.region, q.instance_type, model::hourly_price(q, model::Market::spot), score});
  }
  ranking = model::rank_spot(std::move(ranking));
  std::vector<model::PriceQuote> ordered;
  for (const auto& r : ranking)
    ordered.push_back(*std::find_if(rows.begin(), rows.end(), [&](const model::PriceQuote& q) {
      return q.region == r.region && q.instance_type == r.instance_type;
    }));
  rows = std::move(ordered);
  return model::why_first(ranking);
}

}  // namespace

PriceRound fetch_price_round(const Session& session, const PriceAsk& ask, aws::pricing::OnDemandPrices& on_demand) {
  PriceRound round;
  round.az = ask.az;
  std::vector<aws::pricing::RegionQuery> queries;
  for (const auto& region : ask.regions) queries.push_back({region, ask.instance_types, ask.instance_types});
  round.report = find_prices(session, queries, on_demand);
  for (const auto& region : ask.regions)
    for (const auto& type : ask.instance_types) round.quotes.push_back(round.report.book.at({region, type}));
  // Cheapest spot first; unknown spot prices last; then as asked.
  std::stable_sort(round.quotes.begin(), round.quotes.end(), [](const model::PriceQuote& a, const model::PriceQuote& b) {
    auto pa = model::hourly_price(a, model::Market::spot), pb = model::hourly_price(b, model::Market::spot);
    if (pa && pb) return *pa < *pb;
    return pa.has_value() && !pb.has_value();
  });

  if (ask.az) {
    auto scores = zone_placement_scores(session, ask.instance_types, ask.count, ask.regions);
    if (!scores) round.scores_error = scores.error();
    round.zone_scores_known = scores.has_value();
    round.zones = zone_rows(round.quotes, scores ? &*scores : nullptr);
    if (ask.rank) round.why_first = rank_zone_rows(round.zones);
  } else {
    auto scores = placement_scores(session, ask.instance_types, ask.count, ask.regions);
    if (scores) round.scores = std::move(*scores);
    else round.scores_error = scores.error();
    if (ask.rank) round.why_first = rank(round.quotes, round.scores);
  }
  round.history = price_history(session, ask.regions, ask.az);
  return round;
}

std::vector<PriceFigures> PriceRound::figures() const {
  std::vector<PriceFigures> out;
  if (az) {
    for (const auto& z : zones) {
      const auto& q = *z.quote;
      std::optional<model::Usd> on_demand;
      if (q.on_demand) on_demand = q.on_demand->hourly;
      std::optional<int> savings;
      if (z.spot_hourly && on_demand) savings = model::savings_percent(*on_demand, *z.spot_hourly);
      out.push_back({q.instance_type, q.region, z.availability_zone, z.spot_hourly, on_demand, savings});
    }
    return out;
  }
  for (const auto& q : quotes) {
    std::optional<model::Usd> on_demand;
    if (q.on_demand) on_demand = q.on_demand->hourly;
    out.push_back({q.instance_type, q.region, "", model::hourly_price(q, model::Market::spot), on_demand,
                   q.savings_percent()});
  }
  return out;
}

PriceTable PriceRound::table() const {
  if (az) {
    auto t = zone_table(zones, zone_scores_known, history);
    return {std::move(t.first), std::move(t.second)};
  }
  PriceTable t;
  for (const auto& q : quotes) {
    const bool approx = q.on_demand && q.on_demand->approximate();
    std::string cheapest = "-", spread = "-";
    if (q.spot) {
      cheapest = q.spot->cheapest().first;
      const size_t n = q.spot->by_zone.size();
      spread = fmt::format("${} ({} AZ{})", q.spot->spread().text(), n, n == 1 ? "" : "s");
    }
    t.cells.push_back({q.instance_type, q.region, on_demand_text(q.on_demand),
                       hourly_text(model::hourly_price(q, model::Market::spot)), cheapest, spread,
                       percent_text(q.savings_percent(), approx), score_text(scores, q)});
    if (history.read) t.cells.back().push_back(rate_text(history, q.region, q.instance_type));
  }
  t.header = {"TYPE", "REGION", "ON-DEMAND/HR", "SPOT/HR", "CHEAPEST AZ", "SPREAD", "SAVINGS", "SCORE"};
  if (history.read) t.header.push_back("INTERRUPTIONS/100H");
  return t;
}

nlohmann::json PriceRound::json() const {
  if (az) return zone_rows_json(zones, history);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& q : quotes) {
    nlohmann::json item{{"instance_type", q.instance_type},
                        {"region", q.region},
                        {"on_demand_hourly", nullptr},
                        {"on_demand_source", nullptr},
                        {"approximate", false},
                        {"spot_hourly", usd_json(model::hourly_price(q, model::Market::spot))},
                        {"spot_availability_zone", nullptr},
                        {"spot_spread", nullptr},
                        {"spot_by_availability_zone", nlohmann::json::object()},
                        {"savings_percent", q.savings_percent() ? nlohmann::json(*q.savings_percent()) : nullptr}};
    if (q.on_demand) {
      item["on_demand_hourly"] = usd_json(q.on_demand->hourly);
      item["on_demand_source"] = std::string(model::to_string(q.on_demand->source));
      item["approximate"] = q.on_demand->approximate();
      if (q.on_demand->approximate()) item["on_demand_as_of"] = q.on_demand->as_of;
    }
    if (q.spot) {
      item["spot_availability_zone"] = q.spot->cheapest().first;
      item["spot_spread"] = usd_json(q.spot->spread());
      for (const auto& [zone, price] : q.spot->by_zone) item["spot_by_availability_zone"][zone] = usd_json(price);
    }
    item["placement_score"] = nullptr;  // unknown, or none given
    if (scores)
      if (auto it = scores->find({q.region, q.instance_type}); it != scores->end()) item["placement_score"] = it->second;
    auto rate = history.rate(q.region, q.instance_type);
    item["interruptions_per_100_hours"] = rate ? nlohmann::json(*rate) : nlohmann::json(nullptr);
    out.push_back(std::move(item));
  }
  return out;
}

bool PriceRound::approximate() const {
  return std::any_of(quotes.begin(), quotes.end(), [](const auto& q) { return q.on_demand && q.on_demand->approximate(); });
}

std::vector<std::string> PriceRound::notes() const { return price_notes(report, approximate()); }

std::vector<std::string> PriceRound::problems() const {
  std::vector<std::string> out;
  for (const auto& [region, error] : report.spot_errors)
    out.push_back(fmt::format("spot prices in {}: {}", region, error.describe()));
  if (scores_error) out.push_back("spot placement scores unknown: " + scores_error->describe());
  if (!history.problem.empty()) out.push_back("interruption history unknown: " + history.problem);
  return out;
}

}  // namespace spawn::cli
