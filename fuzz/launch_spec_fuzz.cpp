// The launch's spec as spored reads it (agent/launch_spec.hpp): a document from S3 that decides
// what runs as root. Invariants: no crash or sanitizer report; a spec read has only the keys a
// spec may set; an embedded script written is exactly the bytes whose sha256 names it; the spec
// layer merged by resolve_config either resolves or names its option. And base64: decoding what
// was encoded gives the input back.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "spawn/agent/config.hpp"
#include "spawn/agent/launch_spec.hpp"
#include "spawn/util/encoding.hpp"
#include "spawn/util/files.hpp"
#include "spawn/util/sha256.hpp"

using namespace spawn;

namespace {

const std::string& folder() {
  static const std::string path = [] {
    std::string pattern = "/tmp/spawn-fuzz-spec-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) abort();
    return pattern + "/checkpoint";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto back = util::base64_decode(util::base64_encode(text));
  FUZZ_CHECK(back && *back == text);
  (void)util::base64_decode(text);

  auto spec = agent::read_launch_spec(text, folder());
  if (!spec) {
    FUZZ_CHECK(!spec.error().empty());
    return 0;
  }
  FUZZ_CHECK(!spec->launch_id.empty());
  for (const auto& [key, value] : spec->settings.items())
    FUZZ_CHECK(key == "on_interruption" || key == "checkpoint_script" || key == "checkpoint_script_region" ||
               key == "notify" || key == "ttl_deadline" || key == "on_complete");
  if (auto script = spec->settings.find("checkpoint_script");
      script != spec->settings.end() && script->is_string() && script->get<std::string>().starts_with(folder() + "/")) {
    const std::string path = script->get<std::string>();
    auto content = util::read_file(path);
    FUZZ_CHECK(content && *content);
    FUZZ_CHECK(path == folder() + "/embedded-" + util::sha256_hex(**content) + ".sh");
  }
  agent::Sources sources;
  sources.spec = spec->settings;
  sources.spec_url = "s3://bucket/spawn/launches/l/spec.json";
  auto config = agent::resolve_config(sources);
  if (!config) FUZZ_CHECK(!config.error().option.empty());
  return 0;
}
