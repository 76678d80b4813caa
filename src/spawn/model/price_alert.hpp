#pragma once
// Price alerts: one watched figure (a spot price, or what spot saves against on-demand) crossing
// the user's threshold, told once when it crosses and once when it is back, never again while it
// jitters around the threshold. spored watches its own pool with it (`spawn launch --spot
// --price-alert PRICE`), `spawn price --watch --alert-above|--alert-savings-below` the rows it shows.
//
// The band (hysteresis): "back" needs the figure past the threshold by the band, 5 % of the
// threshold (at least one unit): an alert above $0.1000/h is told at $0.1001 and back at $0.0950
// or less; an alert below 60 % savings is told at 59 % and back at 63 % or more.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "spawn/model/money.hpp"
#include "spawn/model/usage_error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::model {

inline constexpr int k_alert_band_percent = 5;

// A figure as a whole number: a price in Usd units, savings in whole percent.
enum class AlertFigure { spot_price, savings_percent };

struct AlertRule {
  AlertFigure figure = AlertFigure::spot_price;
  std::int64_t threshold = 0;  // Usd units (spot_price: alert above) or percent (savings_percent: alert below)

  static AlertRule price_above(Usd price) { return {AlertFigure::spot_price, price.units()}; }
  static AlertRule savings_below(int percent) { return {AlertFigure::savings_percent, percent}; }

  std::int64_t band() const;
  // "spot price above $0.1000/h", "savings below 60%".
  std::string describe() const;
  // The figure as the user reads it: "$0.1234/h", "57%".
  std::string figure_text(std::int64_t value) const;
};

enum class AlertChange { crossed, back };
std::string_view to_string(AlertChange change);  // "crossed", "back"

// One watched figure's state. Starts "not alerting": the first figure past the threshold is told.
class AlertState {
 public:
  explicit AlertState(AlertRule rule, bool alerting = false) : m_rule(rule), m_alerting(alerting) {}

  // The next figure: a change to tell, or nullopt (inside the band, or no change).
  std::optional<AlertChange> observe(std::int64_t value);

  bool alerting() const { return m_alerting; }
  const AlertRule& rule() const { return m_rule; }

 private:
  AlertRule m_rule;
  bool m_alerting;
};

// --price-alert / --alert-above: a price in USD per hour, more than zero ("0.12", "1"); a
// negative, zero or non-numeric price is a usage error naming the flag.
expected<Usd, UsageError> parse_alert_price(std::string_view flag, std::string_view text);
// --alert-savings-below: a whole percent from 1 to 99 ("60", "60%").
expected<int, UsageError> parse_alert_percent(std::string_view flag, std::string_view text);
// --watch: a duration of a minute or more ("5m", "90s", "1h"), at most a day.
expected<std::chrono::seconds, UsageError> parse_watch_interval(std::string_view flag, std::string_view text);

}  // namespace spawn::model
