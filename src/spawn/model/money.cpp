#include "spawn/model/money.hpp"

#include <fmt/format.h>

namespace spawn::model {
namespace {

__extension__ using Int128 = __int128;  // costs multiply three factors: keep them exact

constexpr int k_decimals = 10;
constexpr std::int64_t k_max_dollars = 100'000'000;

// n / d rounded half away from zero (d > 0).
Int128 divide_rounded(Int128 n, Int128 d) {
  Int128 q = n / d, r = n % d;
  if (r < 0) r = -r;
  if (2 * r >= d) q += n < 0 ? -1 : 1;
  return q;
}

}  // namespace

std::optional<Usd> Usd::parse(std::string_view text) {
  size_t i = 0;
  std::int64_t whole = 0;
  size_t whole_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++whole_digits) {
    whole = whole * 10 + (text[i] - '0');
    if (whole > k_max_dollars) return std::nullopt;
  }
  std::int64_t fraction = 0;
  size_t fraction_digits = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++fraction_digits) {
      if (fraction_digits < k_decimals)
        fraction = fraction * 10 + (text[i] - '0');
      else if (text[i] != '0')
        return std::nullopt;  // finer than 1e-10 USD: AWS never prints that; refuse rather than round
    }
    if (fraction_digits == 0) return std::nullopt;
  }
  if (i != text.size() || whole_digits == 0) return std::nullopt;
  for (size_t d = std::min<size_t>(fraction_digits, k_decimals); d < k_decimals; ++d) fraction *= 10;
  return Usd(whole * k_units_per_dollar + fraction);
}

std::string Usd::text(int min_decimals) const {
  const std::uint64_t magnitude = m_units < 0 ? -static_cast<std::uint64_t>(m_units) : m_units;
  std::string digits = fmt::format("{:0{}}", magnitude % k_units_per_dollar, k_decimals);
  const size_t keep = static_cast<size_t>(std::clamp(min_decimals, 0, k_decimals));
  while (digits.size() > keep && digits.back() == '0') digits.pop_back();
  return fmt::format("{}{}{}{}", m_units < 0 ? "-" : "", magnitude / k_units_per_dollar, digits.empty() ? "" : ".",
                     digits);
}

std::string Usd::cents_text() const { return format_cents(Cost(*this, std::chrono::hours(1)).cents()); }

std::int64_t Cost::cents() const {
  // hourly (1e-10 USD) x seconds / 3600 s/h / 1e8 units per cent, rounded once.
  const Int128 numerator = static_cast<Int128>(m_hourly.units()) * m_duration.count();
  const Int128 denominator = static_cast<Int128>(3600) * (Usd::k_units_per_dollar / 100);
  return static_cast<std::int64_t>(divide_rounded(numerator, denominator));
}

std::string Cost::cents_text() const { return format_cents(cents()); }

std::optional<int> savings_percent(Usd on_demand, Usd spot) {
  if (on_demand.is_zero()) return std::nullopt;
  const Int128 saved = static_cast<Int128>((on_demand - spot).units()) * 100;
  return static_cast<int>(divide_rounded(saved, on_demand.units()));
}

std::string format_cents(std::int64_t cents) {
  const std::uint64_t magnitude = cents < 0 ? -static_cast<std::uint64_t>(cents) : cents;
  return fmt::format("{}{}.{:02}", cents < 0 ? "-" : "", magnitude / 100, magnitude % 100);
}

}  // namespace spawn::model
