#pragma once
// What `spawn price --watch` shows and sends, pure (no clock, no terminal, no AWS): the live
// view's header, a round's text and JSON line, the alert lines on stderr, and the document a
// notification carries (the SNS message and the webhook body are the same JSON).
#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/cli/price_rows.hpp"
#include "spawn/model/price_alert.hpp"
#include "spawn/util/time.hpp"

namespace spawn::cli {

// A row's crossing: which row, which way, and its figures at the time.
struct PriceAlertEvent {
  model::AlertChange change = model::AlertChange::crossed;
  model::AlertRule rule;
  PriceFigures row;
  util::SystemTime at;
};

// The figure a rule watches in a row (its spot price in Usd units, or its savings percent);
// nullopt when the row has none (such a row never alerts).
std::optional<std::int64_t> watched_figure(const model::AlertRule& rule, const PriceFigures& row);

// "m7i.large in us-east-1" (in the AZ with --az).
std::string row_name(const PriceFigures& row);

// "spawn: alert: m7i.large in us-east-1: spot price $0.1200/h, above $0.1000/h", or
// "spawn: alert over: m7i.large in us-east-1: spot price $0.0900/h, back under $0.1000/h"
// (savings: "savings 55%, below 60%" / "savings 64%, back over 60%").
std::string alert_line(const PriceAlertEvent& event);

// The notification's JSON: {"event": "price_alert", "state": "crossed"|"back", "rule",
// "instance_type", "region", "availability_zone" (null without --az), "spot_hourly",
// "on_demand_hourly", "savings_percent", "threshold", "at"}.
nlohmann::json alert_document(const PriceAlertEvent& event);
// The SNS subject: "spawn: m7i.large spot price above $0.1000/h in us-east-1",
// "spawn: m7i.large spot price back under $0.1000/h in us-east-1".
std::string alert_subject(const PriceAlertEvent& event);

// The ALERT cell of a row: "above" / "below" (savings) while alerting, "-" otherwise.
std::string alert_cell(const model::AlertRule& rule, bool alerting);

// The live view's first line, times as the local clock says them (HH:MM:SS):
// "every 5m · updated 12:00:00 · next 12:05:00 · Enter: refresh now · Ctrl-C: stop".
std::string watch_header(std::chrono::seconds interval, util::SystemTime updated, util::SystemTime next);
// The local clock's HH:MM:SS.
std::string local_clock(util::SystemTime t);
// Under the live view's table: "\nalerts:\n" and each line given (oldest first), or "" for none.
std::string recent_alerts_text(const std::deque<std::string>& lines);

// A logged round's first line: "round at 2026-12-05T00:00:00Z, every 5m".
std::string round_heading(std::chrono::seconds interval, util::SystemTime at);

// A round as text (after the header or heading): the table, with an ALERT column when alerting
// is given (one flag per row of the table), then the round's problems ("error: ...") and notes.
std::string round_text(const PriceRound& round, const std::vector<bool>* alerting, const model::AlertRule* rule);

// A round as one JSON line's object: {"at", "rows": [the rows of `spawn price --output json`, each
// with "alerting" when a rule is set], "alerts": [...], "errors": [...]}.
nlohmann::json round_json(const PriceRound& round, util::SystemTime at, const std::vector<bool>* alerting,
                          const nlohmann::json& alerts);

}  // namespace spawn::cli
