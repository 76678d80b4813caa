// The URL splitter and form encoding (util/url.hpp). Invariants: no crash or sanitizer report;
// a parsed URL is http(s) with a host and a port in 1..65535, holds no byte that would break an
// HTTP request line or header (control characters, space: spored's socket transport writes the
// path and the Host header as they are), and its own string form parses back to the same URL;
// percent_decode undoes percent_encode.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "spawn/util/url.hpp"

using namespace spawn::util;

namespace {

bool wire_safe(std::string_view s) {
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto url = parse_url(text)) {
    FUZZ_CHECK(url->scheme == "http" || url->scheme == "https");
    FUZZ_CHECK(!url->host.empty());
    FUZZ_CHECK(url->port >= 1 && url->port <= 65535);
    FUZZ_CHECK(!url->path.empty());
    FUZZ_CHECK(wire_safe(url->authority()));
    FUZZ_CHECK(wire_safe(url->path));
    FUZZ_CHECK(wire_safe(url->query));
    std::string again = url->origin() + url->path + (url->query.empty() ? "" : "?" + url->query);
    auto back = parse_url(again);
    FUZZ_CHECK(back.has_value());
    FUZZ_CHECK(back->scheme == url->scheme && back->host == url->host && back->port == url->port);
    FUZZ_CHECK(back->path == url->path && back->query == url->query);
  }

  const std::string encoded = percent_encode(text);
  FUZZ_CHECK(percent_decode(encoded, false) == text);
  FUZZ_CHECK(percent_decode(encoded, true) == text);
  for (char c : encoded) FUZZ_CHECK(c != '+' && c != '&' && c != '=' && c != ' ');
  (void)percent_decode(text, true);
  return 0;
}
