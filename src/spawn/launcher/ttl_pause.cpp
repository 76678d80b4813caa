#include "spawn/launcher/ttl_pause.hpp"

#include <algorithm>
#include <string>

namespace spawn::launcher {

std::optional<util::SystemTime> stop_time(std::string_view reason) {
  const auto open = reason.find('(');
  const auto close = reason.rfind(')');
  if (!reason.starts_with("User initiated") || open == std::string_view::npos || close == std::string_view::npos ||
      close < open)
    return std::nullopt;
  std::string_view inside = reason.substr(open + 1, close - open - 1);  // 2026-12-04 06:13:53 GMT
  if (!(inside.ends_with(" GMT") || inside.ends_with(" UTC")) || inside.size() != 23) return std::nullopt;
  std::string rfc(inside.substr(0, 19));
  rfc[10] = 'T';
  return util::parse_rfc3339(rfc + "Z");
}

util::SystemTime paused_deadline(util::SystemTime deadline, util::SystemTime stopped_at, util::SystemTime now) {
  const auto left = std::max(deadline - stopped_at, util::SystemTime::duration::zero());
  return now + left;
}

}  // namespace spawn::launcher
