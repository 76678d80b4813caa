#pragma once
// The time arithmetic of an interruption and a TTL (pure functions, clocks are arguments).
#include <chrono>
#include <optional>

#include "spawn/util/time.hpp"

namespace spawn::agent {

using SteadyTime = std::chrono::steady_clock::time_point;

// The checkpoint may use at most this long after the notice was seen...
inline constexpr std::chrono::seconds k_checkpoint_budget{90};
// ...and must end this long before the notice's time, so tagging and shutdown still fit.
inline constexpr std::chrono::seconds k_shutdown_margin{30};
// SIGTERM to SIGKILL of the checkpoint's process group.
inline constexpr std::chrono::seconds k_kill_grace{5};
// The TTL warning comes this long before the deadline.
inline constexpr std::chrono::minutes k_ttl_warning_lead{5};

// The earlier of detected + 90 s and notice_time - 30 s (just detected + 90 s without a notice
// time, as for a rebalance recommendation). May be before detected when the notice came late.
util::SystemTime checkpoint_deadline(util::SystemTime detected, std::optional<util::SystemTime> notice_time);

// A wall-clock time on the steady clock, given one reading of each clock taken together: timers
// then survive the wall clock being stepped (NTP) during the two minutes.
SteadyTime to_steady(util::SystemTime when, util::SystemTime wall_now, SteadyTime steady_now);

enum class TtlStage { running, warning, expired };

// running before deadline - 5 min, warning from then, expired from the deadline on.
TtlStage ttl_stage(util::SystemTime now, util::SystemTime deadline);

}  // namespace spawn::agent
