#pragma once
// What an instance has cost so far: its running time priced by the price in effect at each
// moment (spot: the pool's price history; on demand: one price). Exact (model/money.hpp) until
// printed. Pure.
#include <chrono>
#include <vector>

#include "spawn/model/money.hpp"
#include "spawn/util/time.hpp"

namespace spawn::model {

// A price in effect from `from` until the next point's `from`.
struct PricePoint {
  util::SystemTime from;
  Usd hourly;
};

struct Accrued {
  Usd amount;                 // rounded half up to 1e-10 USD
  bool approximate = false;   // part of the time was priced before the history's first point
};

// The cost of running from start to end (nothing when end <= start) under the history (any
// order). A time before the first point is priced at the first point's price, and marked
// approximate; an empty history costs nothing and is approximate.
Accrued accrue(std::vector<PricePoint> history, util::SystemTime start, util::SystemTime end);

}  // namespace spawn::model
