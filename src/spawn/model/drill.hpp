#pragma once
// Telling a drilled interruption from a real one (`spawn interrupt`, launcher/drill). The notice a
// FIS drill makes is a real spot interruption notice: EC2's metadata says nothing of where it came
// from. spawn tags the instance spawn:drill = "<time asked> <nonce>" before starting the drill,
// and a notice within k_drill_window of that time is the drill's. The tag only names the notice: it
// triggers nothing (starting an experiment needs fis:StartExperiment and iam:PassRole of the drill
// role), so someone who may tag an instance can at most have one real interruption in the 20
// minutes after recorded as a drill.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "spawn/util/time.hpp"

namespace spawn::model {

// FIS gives a notice at most 15 minutes after the start (durationBeforeInterruption PT15M,
// minus the notice's two minutes); spawn asks for PT2M. Five more minutes for slow starts.
inline constexpr std::chrono::minutes k_drill_window{20};

// "2026-12-04T20:30:05Z 1a2b3c4d".
std::string drill_tag_value(util::SystemTime asked, std::string_view nonce);
// The time a drill was asked, from the tag's value (nullopt when it is not one of spawn's).
std::optional<util::SystemTime> drill_asked_at(std::string_view tag_value);
// Whether a notice seen at `seen` belongs to the drill the tag names: asked at most
// k_drill_window before, and not after it (one minute of clock skew allowed).
bool is_drill(std::string_view tag_value, util::SystemTime seen);

}  // namespace spawn::model
