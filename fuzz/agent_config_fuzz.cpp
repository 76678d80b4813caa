// spored's config file (agent/config.hpp): the JSON that the spot launch's user-data writes to
// /etc/spawn/spot-config.json, merged and validated by resolve_config; and the interval syntax.
// Invariants: no crash or sanitizer report; a resolved config has a poll interval within the
// documented bounds; an error names an option.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "spawn/agent/config.hpp"

using namespace spawn::agent;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto ms = parse_interval(text)) FUZZ_CHECK(ms->count() >= 0);

  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) return 0;  // load_config_file refuses it before resolve_config
  Sources sources;
  sources.file = doc;
  sources.file_path = "/etc/spawn/spot-config.json";
  auto config = resolve_config(sources);
  if (config) {
    FUZZ_CHECK(config->poll_interval >= k_min_poll_interval && config->poll_interval <= k_max_poll_interval);
    (void)describe(*config);
  } else {
    FUZZ_CHECK(!config.error().option.empty());
    FUZZ_CHECK(!config.error().message.empty());
  }
  return 0;
}
