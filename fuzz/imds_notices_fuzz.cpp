// The metadata service's notice bodies as spored parses them (agent/notices.hpp):
// spot/instance-action and events/recommendations/rebalance, plus the RFC 3339 times inside.
// Invariants: no crash or sanitizer report; a parsed interruption has a non-empty action; a
// time that parses formats back to a time that parses to the same second.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "spawn/agent/notices.hpp"
#include "spawn/util/time.hpp"

using namespace spawn;

namespace {

void check_time(const std::optional<util::SystemTime>& t) {
  if (!t) return;
  auto again = util::parse_rfc3339(util::format_rfc3339(*t));
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(std::chrono::floor<std::chrono::seconds>(*again) == std::chrono::floor<std::chrono::seconds>(*t));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto e = agent::parse_instance_action(body)) {
    FUZZ_CHECK(!e->action.empty());
    check_time(e->time);
  }
  if (auto e = agent::parse_rebalance(body)) check_time(e->time);
  check_time(util::parse_rfc3339(body));
  return 0;
}
