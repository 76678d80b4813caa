#pragma once
// The TTL clock pauses while an instance is stopped (`spawn stop`, `spawn start`): the time left
// when it stopped is what it has again once started. Pure.
#include <optional>
#include <string_view>

#include "spawn/util/time.hpp"

namespace spawn::launcher {

// When the instance stopped, from EC2's stateTransitionReason: "User initiated (2026-12-04
// 06:13:53 GMT)" (EC2; "UTC" from some emulators). nullopt for any other text (a stop by EC2
// itself, a reason without a time).
std::optional<util::SystemTime> stop_time(std::string_view reason);

// The deadline once started at `now`: now + what was left at `stopped_at` (never negative: a
// deadline already over when it stopped ends it at once).
util::SystemTime paused_deadline(util::SystemTime deadline, util::SystemTime stopped_at, util::SystemTime now);

}  // namespace spawn::launcher
