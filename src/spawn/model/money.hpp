#pragma once
// Exact US dollar amounts: prices per hour and what instances cost over a time. Never binary
// floating point: every figure spawn prints is computed with integers and rounded once, at the
// end, as documented below (docs/pricing.md has the same rules for users).
//
// Rounding, in one place:
// - An amount is held exactly, as a whole number of 1e-10 USD: the Price List API writes ten
//   decimals ("0.1008000000") and EC2 six ("0.030200"), so every price AWS gives fits exactly.
// - A price per hour is printed with at least four decimals and as many more as it has
//   (0.1008, 0.08925, 1.0060): never rounded.
// - A cost over a time (price x count x seconds / 3600) is computed exactly and rounded once,
//   half up, to the cent. Each printed figure (the spot total, the on-demand total, the saving)
//   is rounded from its own exact value, so a printed saving can differ by one cent from the
//   difference of two printed totals.
// - A savings percentage is 100 x (on-demand - spot) / on-demand of the exact amounts, rounded
//   half away from zero to a whole percent.
#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spawn::model {

class Usd {
 public:
  static constexpr std::int64_t k_units_per_dollar = 10'000'000'000;  // 1e-10 USD per unit

  constexpr Usd() = default;
  static constexpr Usd from_units(std::int64_t units) { return Usd(units); }

  // A plain non-negative decimal as AWS writes prices: "0.1008", "0.030200", "1.006", "3",
  // "0.1008000000". nullopt for anything else (a sign, an exponent, no digits, more than ten
  // decimals that are not zeros, more than $100,000,000).
  static std::optional<Usd> parse(std::string_view text);

  constexpr std::int64_t units() const { return m_units; }
  constexpr bool is_zero() const { return m_units == 0; }

  // The exact amount, trailing zeros dropped but at least min_decimals kept: with the default
  // 4, "0.1008", "0.08925", "1.0060", "0.0000". Negative amounts start with '-'.
  std::string text(int min_decimals = 4) const;
  // Rounded half up to the cent: "32.19", "0.00", "-1.70".
  std::string cents_text() const;

  constexpr Usd operator+(Usd o) const { return Usd(m_units + o.m_units); }
  constexpr Usd operator-(Usd o) const { return Usd(m_units - o.m_units); }
  constexpr Usd operator*(std::int64_t n) const { return Usd(m_units * n); }
  constexpr Usd& operator+=(Usd o) {
    m_units += o.m_units;
    return *this;
  }
  constexpr auto operator<=>(const Usd&) const = default;

 private:
  constexpr explicit Usd(std::int64_t units) : m_units(units) {}
  std::int64_t m_units = 0;
};

// What an hourly amount comes to over a time: hourly x seconds / 3600, exact until printed.
class Cost {
 public:
  Cost(Usd hourly, std::chrono::seconds duration) : m_hourly(hourly), m_duration(duration) {}

  // Whole cents, rounded half up (away from zero for negative amounts).
  std::int64_t cents() const;
  // cents() as "32.19".
  std::string cents_text() const;
  Usd hourly() const { return m_hourly; }
  std::chrono::seconds duration() const { return m_duration; }

 private:
  Usd m_hourly;
  std::chrono::seconds m_duration;
};

// 100 x (on_demand - spot) / on_demand rounded half away from zero to a whole percent
// (negative when spot costs more); nullopt when on_demand is zero.
std::optional<int> savings_percent(Usd on_demand, Usd spot);

// Whole cents as "32.19" ("-1.70" when negative).
std::string format_cents(std::int64_t cents);

}  // namespace spawn::model
