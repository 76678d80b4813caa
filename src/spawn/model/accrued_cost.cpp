#include "spawn/model/accrued_cost.hpp"

#include <algorithm>

namespace spawn::model {

Accrued accrue(std::vector<PricePoint> history, util::SystemTime start, util::SystemTime end) {
  Accrued out;
  if (end <= start) return out;
  if (history.empty()) {
    out.approximate = true;
    return out;
  }
  std::sort(history.begin(), history.end(), [](const PricePoint& a, const PricePoint& b) { return a.from < b.from; });
  if (history.front().from > start) out.approximate = true;
  // Sum of hourly units x milliseconds, divided once: exact until the one rounding.
  __int128 unit_ms = 0;
  for (size_t i = 0; i < history.size(); ++i) {
    const util::SystemTime from = i == 0 ? std::min(history[i].from, start) : history[i].from;
    const util::SystemTime to = i + 1 < history.size() ? history[i + 1].from : end;
    const util::SystemTime a = std::max(from, start), b = std::min(to, end);
    if (b <= a) continue;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
    unit_ms += static_cast<__int128>(history[i].hourly.units()) * ms;
  }
  constexpr __int128 k_ms_per_hour = 3'600'000;
  out.amount = Usd::from_units(static_cast<std::int64_t>((unit_ms + k_ms_per_hour / 2) / k_ms_per_hour));
  return out;
}

}  // namespace spawn::model
