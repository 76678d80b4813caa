#include "spawn/cli/price_watch_view.hpp"

#include <fmt/format.h>

#include <ctime>

#include "spawn/cli/output.hpp"
#include "spawn/cli/prices.hpp"

namespace spawn::cli {
namespace {

bool watches_price(const model::AlertRule& rule) { return rule.figure == model::AlertFigure::spot_price; }

}  // namespace

std::optional<std::int64_t> watched_figure(const model::AlertRule& rule, const PriceFigures& row) {
  if (watches_price(rule)) {
    if (!row.spot_hourly) return std::nullopt;
    return row.spot_hourly->units();
  }
  if (!row.savings_percent) return std::nullopt;
  return *row.savings_percent;
}

std::string row_name(const PriceFigures& row) {
  return row.instance_type + " in " + (row.availability_zone.empty() ? row.region : row.availability_zone);
}

std::string alert_line(const PriceAlertEvent& e) {
  const bool crossed = e.change == model::AlertChange::crossed;
  const bool price = watches_price(e.rule);
  const auto value = watched_figure(e.rule, e.row);
  const std::string figure = value ? e.rule.figure_text(*value) : "unknown";
  const std::string threshold = e.rule.figure_text(e.rule.threshold);
  const std::string where = crossed ? (price ? "above " : "below ") : (price ? "back under " : "back over ");
  return fmt::format("spawn: {}: {}: {} {}, {}{}", crossed ? "alert" : "alert over", row_name(e.row),
                     price ? "spot price" : "savings", figure, where, threshold);
}

nlohmann::json alert_document(const PriceAlertEvent& e) {
  const auto& r = e.row;
  nlohmann::json threshold = watches_price(e.rule) ? nlohmann::json(model::Usd::from_units(e.rule.threshold).text())
                                                   : nlohmann::json(e.rule.threshold);
  return {{"event", "price_alert"},
          {"state", std::string(model::to_string(e.change))},
          {"rule", e.rule.describe()},
          {"instance_type", r.instance_type},
          {"region", r.region},
          {"availability_zone", r.availability_zone.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.availability_zone)},
          {"spot_hourly", usd_json(r.spot_hourly)},
          {"on_demand_hourly", usd_json(r.on_demand_hourly)},
          {"savings_percent", r.savings_percent ? nlohmann::json(*r.savings_percent) : nlohmann::json(nullptr)},
          {"threshold", threshold},
          {"at", util::format_rfc3339(e.at)}};
}

std::string alert_subject(const PriceAlertEvent& e) {
  const bool crossed = e.change == model::AlertChange::crossed;
  const bool price = watches_price(e.rule);
  const std::string where = e.row.availability_zone.empty() ? e.row.region : e.row.availability_zone;
  const std::string what = price ? (crossed ? "spot price above " : "spot price back under ")
                                 : (crossed ? "savings below " : "savings back over ");
  return fmt::format("spawn: {} {}{} in {}", e.row.instance_type, what, e.rule.figure_text(e.rule.threshold), where);
}

std::string alert_cell(const model::AlertRule& rule, bool alerting) {
  if (!alerting) return "-";
  return watches_price(rule) ? "above" : "below";
}

std::string watch_header(std::chrono::seconds interval, util::SystemTime updated, util::SystemTime next) {
  return fmt::format("every {} · updated {} · next {} · Enter: refresh now · Ctrl-C: stop", duration_text(interval),
                     local_clock(updated), local_clock(next));
}

std::string local_clock(util::SystemTime t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return fmt::format("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string recent_alerts_text(const std::deque<std::string>& lines) {
  if (lines.empty()) return "";
  std::string out = "\nalerts:\n";
  for (const auto& line : lines) out += "  " + line + "\n";
  return out;
}

std::string round_heading(std::chrono::seconds interval, util::SystemTime at) {
  return fmt::format("round at {}, every {}", util::format_rfc3339(at), duration_text(interval));
}

std::string round_text(const PriceRound& round, const std::vector<bool>* alerting, const model::AlertRule* rule) {
  PriceTable table = round.table();
  if (alerting && rule) {
    table.header.push_back("ALERT");
    for (size_t i = 0; i < table.cells.size(); ++i)
      table.cells[i].push_back(alert_cell(*rule, i < alerting->size() && (*alerting)[i]));
  }
  std::string out = render_table(table.header, table.cells);
  for (const auto& problem : round.problems()) out += "error: " + problem + "\n";
  for (const auto& note : round.notes()) out += note + "\n";
  return out;
}

nlohmann::json round_json(const PriceRound& round, util::SystemTime at, const std::vector<bool>* alerting,
                          const nlohmann::json& alerts) {
  nlohmann::json rows = round.json();
  if (alerting)
    for (size_t i = 0; i < rows.size(); ++i) rows[i]["alerting"] = i < alerting->size() && (*alerting)[i];
  return {{"at", util::format_rfc3339(at)}, {"rows", std::move(rows)}, {"alerts", alerts}, {"errors", round.problems()}};
}

}  // namespace spawn::cli
