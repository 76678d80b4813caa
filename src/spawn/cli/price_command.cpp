#include "spawn/cli/price_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "spawn/aws/config/partitions.hpp"
#include "spawn/aws/ec2/regions.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/price_history.hpp"
#include "spawn/cli/price_zones.hpp"
#include "spawn/cli/region_choice.hpp"
#include "spawn/cli/prices.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/model/price_query.hpp"
#include "spawn/model/spot_rank.hpp"

namespace spawn::cli {
namespace {

constexpr const char* k_examples = R"(
Examples:
  spawn price --instance-type m7i.large
  spawn price --instance-type m7i.large,c7i.large,m6i.large --region eu-west-1
  spawn price --instance-type g5.xlarge --regions us-east-1,us-west-2,eu-west-1 --count 16
  spawn price --instance-type m7i.large,c7i.large --regions us-east-1,us-west-2 --rank
  spawn price --instance-type m7i.large,m6i.large --az --rank        # one row per AZ, its own score
  spawn price --instance-type g5.xlarge --output json | jq '.[0]'

On-demand prices come from the AWS Price List API (cached for a week in $XDG_CACHE_HOME/spawn
or ~/.cache/spawn); when it cannot be asked (pricing:GetProducts is often not granted), from a
dated table shipped with spawn, marked ~ (approximate). Spot prices are EC2's current prices
per AZ (DescribeSpotPriceHistory): SPOT is the cheapest AZ's, SPREAD how much dearer the
dearest AZ is. Prices are Linux, USD per hour, exact (never rounded); SAVINGS is rounded to a
whole percent. SCORE is EC2's spot placement score (GetSpotPlacementScores) for --count
instances of the type in the region: 1 (unlikely to be fulfilled) to 10 (very likely); "-" when
EC2 gives none, "?" when it could not be asked (ec2:GetSpotPlacementScores not granted). Rows are
sorted by spot price; with --rank, by where to ask for spot first: the placement score's tier
(high 8-10, medium 4-7, low 1-3, unknown), then the spot price. With --az, a row per AZ: its spot
price and savings, and EC2's score for that AZ alone (SingleAvailabilityZone).)";


class PriceCommand final : public Command {
 public:
  explicit PriceCommand(CLI::App& parent)
      : Command(parent, "price", "Show on-demand and spot prices and what spot saves") {
    m_app->footer(k_examples);
    m_app->add_option("--instance-type,-t", m_types, "instance types, comma-separated (repeatable), e.g. m7i.large,g5.xlarge")
        ->required();
    m_app->add_option("--regions", m_regions, "several regions, comma-separated, asked concurrently")
        ->excludes(m_app->get_option("--region"));
    m_app->add_option("--count", m_count, "the number of instances the placement score is for (default 1)");
    m_app->add_flag("--az", m_az, "a row per availability zone, with that AZ's spot price and placement score");
    m_app->add_flag("--rank", m_rank,
                    "order by where to ask for spot first (placement score tier, then price) and say why; needs "
                    "several regions or types");
  }

  int run() override {
    if (m_count < 1 || m_count > 100000) {
      print_usage_error(fmt::format("--count: expected 1 to 100000 instances, got {}", m_count), "price");
      return k_exit_usage;
    }
    auto query = model::parse_price_query(m_types, m_regions.empty() ? std::nullopt : std::optional(m_regions));
    if (!query) {
      print_usage_error(query.error().message, "price");
      return k_exit_usage;
    }
    if (auto mixed = mixed_partitions(query->regions); !mixed.empty()) {
      print_usage_error(mixed, "price");
      return k_exit_usage;
    }
    if (m_rank && !m_az && query->regions.size() < 2 && query->instance_types.size() < 2) {
      print_usage_error("--rank: give several regions (--regions), instance types, or --az to choose from", "price");
      return k_exit_usage;
    }
    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    const bool regions_named = !query->regions.empty() || m_global.region.has_value();
    if (query->regions.empty()) query->regions.push_back(session->region());
    if (regions_named)
      if (int status = check_regions(*session, query->regions); status != k_exit_ok) return status;

    // EC2 says which types exist (InvalidInstanceType names the unknown ones).
    if (auto known = session->ec2(query->regions.front()).describe_instance_types(query->instance_types); !known) {
      print_error(known.error());
      return k_exit_failure;
    }

    std::vector<aws::pricing::RegionQuery> queries;
    for (const auto& region : query->regions) queries.push_back({region, query->instance_types, query->instance_types});
    auto on_demand = on_demand_prices(*session, query->regions.front());
    auto report = find_prices(*session, queries, *on_demand);
    if (m_global.debug)
      for (const auto& problem : on_demand->cache_problems()) fmt::print(stderr, "spawn: debug: price cache: {}\n", problem);

    std::vector<model::PriceQuote> rows;
    for (const auto& region : query->regions)
      for (const auto& type : query->instance_types) rows.push_back(report.book.at({region, type}));
    // Cheapest spot first; unknown spot prices last; then as asked.
    std::stable_sort(rows.begin(), rows.end(), [](const model::PriceQuote& a, const model::PriceQuote& b) {
      auto pa = model::hourly_price(a, model::Market::spot), pb = model::hourly_price(b, model::Market::spot);
      if (pa && pb) return *pa < *pb;
      return pa.has_value() && !pb.has_value();
    });

    if (m_az) return show_zones(*session, rows, report, query->instance_types, query->regions);
    auto scores = placement_scores(*session, query->instance_types, m_count, query->regions);
    if (!scores) {
      fmt::print(stderr, "spawn: warning: spot placement scores unknown: {}\n", scores.error().describe());
      if (auto hint = aws::hint_for(scores.error()); !hint.empty()) fmt::print(stderr, "spawn: hint: {}\n", hint);
    }
    if (m_rank) rank(rows, scores ? &*scores : nullptr);
    const PriceHistory history = read_history(*session, query->regions, false);

    if (m_global.output == OutputFormat::json) {
      print_json(rows, scores ? &*scores : nullptr, history);
      const bool approximate = std::any_of(rows.begin(), rows.end(),
                                           [](const auto& q) { return q.on_demand && q.on_demand->approximate(); });
      for (const auto& note : price_notes(report, approximate)) fmt::print(stderr, "spawn: warning: {}\n", note);
    } else
      print_table(rows, report, scores ? &*scores : nullptr, history);
    for (const auto& [region, error] : report.spot_errors) {
      print_failure(fmt::format("spot prices in {}: {}", region, error.describe()));
      if (auto hint = aws::hint_for(error); !hint.empty()) fmt::print(stderr, "spawn: hint: {}\n", hint);
    }
    return report.spot_errors.empty() ? k_exit_ok : k_exit_failure;
  }

 private:
  // --az: a row per AZ with its own placement score; the same warnings and exit status.
  int show_zones(const Session& session, const std::vector<model::PriceQuote>& quotes,
                 const aws::pricing::PriceReport& report, const std::vector<std::string>& types,
                 const std::vector<std::string>& regions) const {
    auto scores = zone_placement_scores(session, types, m_count, regions);
    if (!scores) {
      fmt::print(stderr, "spawn: warning: spot placement scores unknown: {}\n", scores.error().describe());
      if (auto hint = aws::hint_for(scores.error()); !hint.empty()) fmt::print(stderr, "spawn: hint: {}\n", hint);
    }
    auto rows = zone_rows(quotes, scores ? &*scores : nullptr);
    if (m_rank) fmt::print(stderr, "{}\n", rank_zone_rows(rows));
    const PriceHistory history = read_history(session, regions, true);
    const bool approximate =
        std::any_of(quotes.begin(), quotes.end(), [](const auto& q) { return q.on_demand && q.on_demand->approximate(); });
    if (m_global.output == OutputFormat::json) {
      fmt::print("{}\n", zone_rows_json(rows, history).dump(2));
      for (const auto& note : price_notes(report, approximate)) fmt::print(stderr, "spawn: warning: {}\n", note);
    } else {
      print_zone_table(rows, scores.has_value(), history);
      for (const auto& note : price_notes(report, approximate)) fmt::print("{}\n", note);
    }
    for (const auto& [region, error] : report.spot_errors) {
      print_failure(fmt::format("spot prices in {}: {}", region, error.describe()));
      if (auto hint = aws::hint_for(error); !hint.empty()) fmt::print(stderr, "spawn: hint: {}\n", hint);
    }
    return report.spot_errors.empty() ? k_exit_ok : k_exit_failure;
  }

  // The user's own interruption rates, when spawn's bucket holds spored's event log; a log that
  // cannot be read is one warning, the prices are shown all the same.
  static PriceHistory read_history(const Session& session, const std::vector<std::string>& regions, bool by_az) {
    PriceHistory history = price_history(session, regions, by_az);
    if (!history.problem.empty()) fmt::print(stderr, "spawn: warning: interruption history unknown: {}\n", history.problem);
    return history;
  }

  static std::string rate_text(const PriceHistory& history, const std::string& where, const std::string& type) {
    auto rate = history.rate(where, type);
    return rate ? fmt::format("{:.2f}", *rate) : "-";
  }

  // --rank: rows in model::rank_spot's order, and why the first is first (stderr).
  static void rank(std::vector<model::PriceQuote>& rows, const Scores* scores) {
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
    fmt::print(stderr, "{}\n", model::why_first(ranking));
  }

  static std::string score_text(const Scores* scores, const model::PriceQuote& q) {
    if (!scores) return "?";
    auto it = scores->find({q.region, q.instance_type});
    return it == scores->end() ? "-" : fmt::format("{}/10", it->second);
  }

  static void print_table(const std::vector<model::PriceQuote>& rows, const aws::pricing::PriceReport& report,
                          const Scores* scores, const PriceHistory& history) {
    std::vector<std::vector<std::string>> cells;
    bool approximate = false;
    for (const auto& q : rows) {
      const bool approx = q.on_demand && q.on_demand->approximate();
      approximate = approximate || approx;
      std::string az = "-", spread = "-";
      if (q.spot) {
        az = q.spot->cheapest().first;
        const size_t zones = q.spot->by_zone.size();
        spread = fmt::format("${} ({} AZ{})", q.spot->spread().text(), zones, zones == 1 ? "" : "s");
      }
      cells.push_back({q.instance_type, q.region, on_demand_text(q.on_demand),
                       hourly_text(model::hourly_price(q, model::Market::spot)), az, spread,
                       percent_text(q.savings_percent(), approx), score_text(scores, q)});
      if (history.read) cells.back().push_back(rate_text(history, q.region, q.instance_type));
    }
    std::vector<std::string> header{"TYPE", "REGION", "ON-DEMAND/HR", "SPOT/HR", "CHEAPEST AZ", "SPREAD", "SAVINGS", "SCORE"};
    if (history.read) header.push_back("INTERRUPTIONS/100H");
    fmt::print("{}", render_table(header, cells));
    for (const auto& note : price_notes(report, approximate)) fmt::print("{}\n", note);
  }

  static void print_json(const std::vector<model::PriceQuote>& rows, const Scores* scores, const PriceHistory& history) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& q : rows) {
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
        for (const auto& [az, price] : q.spot->by_zone) item["spot_by_availability_zone"][az] = usd_json(price);
      }
      item["placement_score"] = nullptr;  // unknown, or none given
      if (scores)
        if (auto it = scores->find({q.region, q.instance_type}); it != scores->end()) item["placement_score"] = it->second;
      auto rate = history.rate(q.region, q.instance_type);
      item["interruptions_per_100_hours"] = rate ? nlohmann::json(*rate) : nlohmann::json(nullptr);
      out.push_back(std::move(item));
    }
    fmt::print("{}\n", out.dump(2));
  }

  std::vector<std::string> m_types;
  std::vector<std::string> m_regions;
  int m_count = 1;
  bool m_rank = false;
  bool m_az = false;
};

}  // namespace

std::unique_ptr<Command> make_price_command(CLI::App& parent) { return std::make_unique<PriceCommand>(parent); }

}  // namespace spawn::cli
