#pragma once
// Wall-clock times as AWS writes them (ISO 8601 / RFC 3339, UTC).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace spawn::util {

using SystemTime = std::chrono::system_clock::time_point;

// "2026-11-27T10:00:00Z", "2026-11-27T10:00:00.000Z", "2026-11-27T10:00:00+00:00"; nullopt otherwise.
std::optional<SystemTime> parse_rfc3339(std::string_view text);
// "2026-11-27T10:00:00Z" (whole seconds, UTC).
std::string format_rfc3339(SystemTime t);
// A short human age: "45s", "12m", "3h12m", "2h", "2d4h", "3d".
std::string format_age(std::chrono::seconds age);
// "8h", "90m", "2d", "1h30m", "45s" -> seconds; nullopt when malformed or zero.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace spawn::util
