#include "spawn/model/price_alert.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "spawn/util/time.hpp"

namespace spawn::model {

std::int64_t AlertRule::band() const { return std::max<std::int64_t>(1, threshold * k_alert_band_percent / 100); }

std::string AlertRule::figure_text(std::int64_t value) const {
  if (figure == AlertFigure::savings_percent) return fmt::format("{}%", value);
  return "$" + Usd::from_units(value).text() + "/h";
}

std::string AlertRule::describe() const {
  if (figure == AlertFigure::savings_percent) return fmt::format("savings below {}%", threshold);
  return "spot price above " + figure_text(threshold);
}

std::string_view to_string(AlertChange change) { return change == AlertChange::crossed ? "crossed" : "back"; }

std::optional<AlertChange> AlertState::observe(std::int64_t value) {
  const bool above = m_rule.figure == AlertFigure::spot_price;
  if (!m_alerting) {
    const bool past = above ? value > m_rule.threshold : value < m_rule.threshold;
    if (!past) return std::nullopt;
    m_alerting = true;
    return AlertChange::crossed;
  }
  const bool back = above ? value <= m_rule.threshold - m_rule.band() : value >= m_rule.threshold + m_rule.band();
  if (!back) return std::nullopt;
  m_alerting = false;
  return AlertChange::back;
}

expected<Usd, UsageError> parse_alert_price(std::string_view flag, std::string_view text) {
  auto price = Usd::parse(text);
  if (!price || price->is_zero())
    return unexpected(UsageError{fmt::format("{} {}: expected a spot price in USD per hour, more than 0 (e.g. 0.12)",
                                             flag, text.empty() ? "''" : std::string(text))});
  return *price;
}

expected<int, UsageError> parse_alert_percent(std::string_view flag, std::string_view text) {
  std::string_view digits = text;
  if (digits.ends_with('%')) digits.remove_suffix(1);
  int value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value < 1 || value > 99)
    return unexpected(UsageError{fmt::format("{} {}: expected a whole percent from 1 to 99 (e.g. 60)", flag,
                                             text.empty() ? "''" : std::string(text))});
  return value;
}

expected<std::chrono::seconds, UsageError> parse_watch_interval(std::string_view flag, std::string_view text) {
  auto interval = util::parse_duration(text);
  if (!interval || *interval < std::chrono::minutes(1) || *interval > std::chrono::hours(24))
    return unexpected(UsageError{fmt::format("{} {}: expected an interval from 1m to 24h (e.g. 5m); EC2's spot prices "
                                             "change a few times a day at most",
                                             flag, text.empty() ? "''" : std::string(text))});
  return *interval;
}

}  // namespace spawn::model
