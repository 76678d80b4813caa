#include "spawn/cli/price_command.hpp"

#include <fmt/format.h>

#include "spawn/aws/config/partitions.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/price_rows.hpp"
#include "spawn/cli/price_watch.hpp"
#include "spawn/cli/prices.hpp"
#include "spawn/cli/region_choice.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/model/price_query.hpp"

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
  spawn price --instance-type m7i.large,c7i.large --watch 5m                  # a live view, Enter: refresh now
  spawn price --instance-type g5.xlarge --watch 10m --alert-above 0.40 --notify arn:aws:sns:us-east-1:123456789012:alerts
  spawn price --instance-type m7i.large --az --watch 15m --alert-savings-below 60 --output json >> prices.jsonl

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
price and savings, and EC2's score for that AZ alone (SingleAvailabilityZone).

--watch INTERVAL fetches the same rows again every INTERVAL (1m to 24h) until Ctrl-C (exit 0). On a
terminal the view is redrawn each round, with an ALERT column when an alert is set; Enter fetches
at once. Otherwise each round is appended (its time, then the table), or, with --output json, one
JSON object per round per line: {"at", "rows" (each with "alerting"), "alerts", "errors"}. A round
that fails is shown and watching goes on. --alert-above PRICE (a row's spot price, USD/h) or
--alert-savings-below PCT (its savings) says once when a row crosses the threshold and once when it
is back past a 5 % band, on stderr and to each --notify target (SNS Publish with your credentials,
or an https:// POST of the same JSON: event, state crossed|back, rule, instance_type, region,
availability_zone, spot_hourly, on_demand_hourly, savings_percent, threshold, at).)";



class PriceCommand final : public Command {
 public:
  explicit PriceCommand(CLI::App& parent)
      : Command(parent, "price", "Show on-demand and spot prices and what spot saves") {
    m_app->footer(k_examples);
    m_app->add_option("--instance-type,-t", m_types, "instance types, comma-separated (repeatable), e.g. m7i.large,g5.xlarge")
        ->required();
    m_app->add_option("--regions", m_regions, "several regions, comma-separated, asked concurrently")
        ->excludes(m_app->get_option("--region"));
    m_app->add_option("--count", m_ask.count, "the number of instances the placement score is for (default 1)");
    m_app->add_flag("--az", m_ask.az, "a row per availability zone, with that AZ's spot price and placement score");
    m_app->add_flag("--rank", m_ask.rank,
                    "order by where to ask for spot first (placement score tier, then price) and say why; needs "
                    "several regions or types");
    m_watch.add(*m_app);
  }

  int run() override {
    if (m_ask.count < 1 || m_ask.count > 100000) {
      print_usage_error(fmt::format("--count: expected 1 to 100000 instances, got {}", m_ask.count), "price");
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
    if (m_ask.rank && !m_ask.az && query->regions.size() < 2 && query->instance_types.size() < 2) {
      print_usage_error("--rank: give several regions (--regions), instance types, or --az to choose from", "price");
      return k_exit_usage;
    }
    auto watch = m_watch.read();
    if (!watch) {
      print_usage_error(watch.error().message, "price");
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
    m_ask.instance_types = query->instance_types;
    m_ask.regions = query->regions;
    if (*watch) return run_price_watch(*session, m_ask, **watch, m_global.output);

    auto on_demand = on_demand_prices(*session, m_ask.regions.front());
    const PriceRound round = fetch_price_round(*session, m_ask, *on_demand);
    if (m_global.debug)
      for (const auto& problem : on_demand->cache_problems()) fmt::print(stderr, "spawn: debug: price cache: {}\n", problem);
    return show(round);
  }

 private:
  // One round as `spawn price` prints it: warnings on stderr, the table (and its notes) or JSON on
  // stdout; exit 1 when a region's spot prices could not be had.
  int show(const PriceRound& round) const {
    if (round.scores_error) {
      fmt::print(stderr, "spawn: warning: spot placement scores unknown: {}\n", round.scores_error->describe());
      if (auto hint = aws::hint_for(*round.scores_error); !hint.empty()) fmt::print(stderr, "spawn: hint: {}\n", hint);
    }
    if (!round.why_first.empty()) fmt::print(stderr, "{}\n", round.why_first);
    if (!round.history.problem.empty())
      fmt::print(stderr, "spawn: warning: interruption history unknown: {}\n", round.history.problem);
    if (m_global.output == OutputFormat::json) {
      fmt::print("{}\n", round.json().dump(2));
      for (const auto& note : round.notes()) fmt::print(stderr, "spawn: warning: {}\n", note);
    } else {
      const PriceTable table = round.table();
      fmt::print("{}", render_table(table.header, table.cells));
      for (const auto& note : round.notes()) fmt::print("{}\n", note);
    }
    for (const auto& [region, error] : round.report.spot_errors) {
      print_failure(fmt::format("spot prices in {}: {}", region, error.describe()));
      if (auto hint = aws::hint_for(error); !hint.empty()) fmt::print(stderr, "spawn: hint: {}\n", hint);
    }
    return round.report.spot_errors.empty() ? k_exit_ok : k_exit_failure;
  }

  std::vector<std::string> m_types;
  std::vector<std::string> m_regions;
  PriceAsk m_ask;
  WatchFlags m_watch;
};

}  // namespace

std::unique_ptr<Command> make_price_command(CLI::App& parent) { return std::make_unique<PriceCommand>(parent); }

}  // namespace spawn::cli
