#include "spawn/model/drill.hpp"

namespace spawn::model {

std::string drill_tag_value(util::SystemTime asked, std::string_view nonce) {
  return util::format_rfc3339(asked) + " " + std::string(nonce);
}

std::optional<util::SystemTime> drill_asked_at(std::string_view tag_value) {
  const auto space = tag_value.find(' ');
  if (space == std::string_view::npos || space + 1 == tag_value.size()) return std::nullopt;
  return util::parse_rfc3339(tag_value.substr(0, space));
}

bool is_drill(std::string_view tag_value, util::SystemTime seen) {
  auto asked = drill_asked_at(tag_value);
  if (!asked) return false;
  return *asked <= seen + std::chrono::minutes(1) && seen - *asked <= k_drill_window;
}

}  // namespace spawn::model
