#pragma once
// Self-healing spot members (--relaunch N, --rebalance checkpoint|move): what `spawn launch` is
// told, parsed. Pure. What spored does with it: launcher/relaunch.hpp and docs/spot.md.
#include <optional>
#include <string_view>

#include "spawn/model/usage_error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::model {

// --rebalance: what a rebalance recommendation does. checkpoint: the early checkpoint (what
// --on-interruption checkpoint does anyway); move: the member asks for its replacement at once.
enum class Rebalance { checkpoint, move };
inline constexpr Rebalance k_rebalances[] = {Rebalance::checkpoint, Rebalance::move};
std::string_view to_string(Rebalance value);
expected<Rebalance, UsageError> parse_rebalance(std::string_view text);

// At most this many relaunches per index: each one is a new instance billed, and an index
// interrupted more often than this is better moved by hand to another type or region.
inline constexpr int k_max_relaunches = 10;

struct RelaunchOptions {
  std::optional<int> max;               // --relaunch N: relaunches per index
  std::optional<Rebalance> rebalance;   // --rebalance

  bool enabled() const { return max.has_value(); }
  bool moves() const { return rebalance == Rebalance::move; }
};

// --relaunch N: 1 to k_max_relaunches; anything else (0, -1, 11, "3x", "") names the flag.
expected<int, UsageError> parse_relaunch(std::string_view text);

}  // namespace spawn::model
