#include "spawn/cli/prices.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "spawn/aws/config/partitions.hpp"
#include "spawn/model/fallback_prices.hpp"

namespace spawn::cli {

std::shared_ptr<aws::pricing::OnDemandPrices> on_demand_prices(const Session& session, const std::string& region) {
  const std::string where = region.empty() ? session.region() : region;
  // The partition's own Price List API, whatever region of it is priced (session.service picks
  // its endpoint and signing region); a configured endpoint wins, as everywhere.
  auto service = session.service(aws::services::pricing, where);
  const bool configured = service->endpoint() != aws::config::default_endpoint(aws::services::pricing.service_id,
                                                                                aws::services::pricing.endpoint_prefix, where);
  if (!configured && !aws::config::price_list_endpoint(where)) {
    const auto& partition = aws::config::partition_of(where);
    return std::make_shared<aws::pricing::OnDemandPrices>(
        nullptr, nullptr,
        aws::local_error("PriceListUnavailable",
                         fmt::format("the AWS Price List API is not available in {} (partition {}), and spawn asks no "
                                     "other partition's",
                                     partition.name, partition.id)));
  }
  auto cache = std::make_shared<aws::pricing::PriceCache>(
      aws::pricing::PriceCache::default_dir(aws::config::process_environment()), service->endpoint());
  return std::make_shared<aws::pricing::OnDemandPrices>(std::make_shared<aws::pricing::Client>(service), cache);
}

aws::pricing::PriceReport find_prices(const Session& session, const std::vector<aws::pricing::RegionQuery>& queries,
                                      aws::pricing::OnDemandPrices& on_demand) {
  return aws::pricing::find_prices(
      queries, [&session](const std::string& region) { return session.ec2(region); }, on_demand,
      std::chrono::system_clock::now());
}

std::string hourly_text(std::optional<model::Usd> amount, bool approximate) {
  if (!amount) return "unknown";
  return fmt::format("{}${}", approximate ? "~" : "", amount->text());
}

std::string on_demand_text(const std::optional<model::OnDemandPrice>& price) {
  if (!price) return "unknown";
  return hourly_text(price->hourly, price->approximate());
}

std::string percent_text(std::optional<int> percent, bool approximate) {
  if (!percent) return "unknown";
  return fmt::format("{}{}%", approximate ? "~" : "", *percent);
}

std::string savings_line(const model::PriceQuote& quote) {
  const auto spot = model::hourly_price(quote, model::Market::spot);
  const bool approximate = quote.on_demand && quote.on_demand->approximate();
  const std::string spot_part = spot ? fmt::format("${}/hr", spot->text()) : "spot price unknown";
  const std::string on_demand_part =
      quote.on_demand ? fmt::format("{}/hr on-demand", on_demand_text(quote.on_demand)) : "on-demand price unknown";
  std::string line = fmt::format("Spot savings: {} ({} vs {}", percent_text(quote.savings_percent(), approximate),
                                 spot_part, on_demand_part);
  if (approximate) line += fmt::format(", approximate: spawn's price table of {}", model::k_fallback_prices_date);
  return line + ")";
}

std::string estimate_line(const model::Estimate& e, int spot_count, int on_demand_count) {
  const int count = spot_count + on_demand_count;
  std::string subject = fmt::format("{} instance{}", count, count == 1 ? "" : "s");
  const bool mixed = spot_count > 0 && on_demand_count > 0;
  if (mixed) subject += fmt::format(" ({} spot + {} on-demand)", spot_count, on_demand_count);
  if (e.duration) subject += " over " + duration_text(*e.duration);
  const std::string as_launched = mixed ? "" : " spot";
  const std::string all_on_demand = mixed ? " all on-demand" : " on-demand";

  auto amount = [&](std::optional<model::Usd> hourly, bool approximate) -> std::string {
    if (!hourly) return "unknown";
    const std::string mark = approximate ? "~" : "";
    if (e.duration) return fmt::format("{}${}", mark, model::Cost(*hourly, *e.duration).cents_text());
    return fmt::format("{}${}/hr", mark, hourly->text());
  };
  // The as-launched side is approximate too when it holds on-demand members priced from the table.
  const bool launched_approx = e.approximate && on_demand_count > 0;
  if (spot_count == 0) {  // every instance on demand (a spot fallback): nothing saved
    return fmt::format("Total for {}: {} on-demand, no spot saving", subject, amount(e.on_demand_hourly, e.approximate));
  }
  if (!e.complete()) {
    std::string line = fmt::format("Total for {}: unknown (no {})", subject, fmt::join(e.unknown, ", no "));
    if (e.on_demand_hourly) line += fmt::format("; {}{}", amount(e.on_demand_hourly, e.approximate), all_on_demand);
    return line;
  }
  return fmt::format("Total for {}: {}{} vs {}{}, saving {} ({}){}", subject, amount(e.hourly, launched_approx),
                     as_launched, amount(e.on_demand_hourly, e.approximate), all_on_demand,
                     amount(e.hourly_saving(), e.approximate), percent_text(e.savings_percent(), e.approximate),
                     e.approximate ? fmt::format(", approximate: spawn's price table of {}", model::k_fallback_prices_date)
                                   : "");
}

std::vector<std::string> price_notes(const aws::pricing::PriceReport& report, bool approximate_shown) {
  std::vector<std::string> notes;
  // Why the Price List API gave nothing: said as it is when it is not a failure of the call (no
  // Price List API in the partition, prices in another currency).
  std::string why;
  if (const auto& e = report.on_demand_error) {
    why = e->code == "PriceListUnavailable" || e->code == "UnsupportedCurrency"
              ? e->message
              : fmt::format("the Price List API could not be asked ({})", e->describe());
  }
  if (approximate_shown) {
    notes.push_back(fmt::format("~ approximate: on-demand prices from spawn's built-in table of {}{}",
                                model::k_fallback_prices_date, why.empty() ? "" : ": " + why));
  } else if (report.on_demand_error) {
    notes.push_back(fmt::format("On-demand prices unknown: {}", why));
  }
  if (report.on_demand_error && report.on_demand_error->code.find("AccessDenied") != std::string::npos)
    notes.push_back("Allow pricing:GetProducts (IAM) for today's on-demand prices.");
  return notes;
}

std::string duration_text(std::chrono::seconds duration) {
  long long s = duration.count();
  if (s <= 0) return "0s";
  std::string out;
  for (auto [unit, size] : {std::pair{'d', 86400LL}, std::pair{'h', 3600LL}, std::pair{'m', 60LL}, std::pair{'s', 1LL}}) {
    if (s >= size) {
      out += fmt::format("{}{}", s / size, unit);
      s %= size;
    }
  }
  return out;
}

nlohmann::json usd_json(std::optional<model::Usd> amount) {
  if (!amount) return nullptr;
  return amount->text();
}

}  // namespace spawn::cli
