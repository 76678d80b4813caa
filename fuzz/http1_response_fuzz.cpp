// The HTTP/1.1 reply parser of spored's socket transport (aws/http/http1.hpp), which reads
// whatever the metadata service, S3 or a notification endpoint sends. The first input byte picks
// where the rest is cut into pieces (its low 4 bits) and the parser's options: 0x80 a HEAD
// request, 0x40 bodies until the close allowed, 0x20 a body limit of 64 bytes. The reply must
// parse the same fed whole and fed in pieces (same outcome, status, headers and body), a body is
// never over its limit, and the options only ever refuse more: a reply taken with framing
// required is taken the same with close_allowed, one taken under the limit is taken the same
// without it. No crash or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "spawn/aws/http/http1.hpp"

using namespace spawn::aws::http;

namespace {

constexpr std::size_t k_small_limit = 64;

struct Outcome {
  bool ok = false;
  bool done = false;
  int status = 0;
  std::string body;
  size_t headers = 0;

  bool same_reply(const Outcome& o) const {
    return ok == o.ok && status == o.status && body == o.body && headers == o.headers;
  }
};

Outcome parse(std::string_view bytes, size_t piece, const http1::ParserOptions& options) {
  http1::ResponseParser parser(options);
  Outcome out;
  for (size_t at = 0; at < bytes.size(); at += piece) {
    if (!parser.feed(bytes.substr(at, piece))) return out;
  }
  if (!parser.done() && !parser.finish()) return out;
  out.ok = true;
  out.done = parser.done();
  out.status = parser.response().status;
  out.body = parser.response().body;
  out.headers = parser.response().headers.size();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t piece = data[0] % 16 + 1;
  http1::ParserOptions options;
  options.head_request = data[0] & 0x80 ? http1::HeadRequest::yes : http1::HeadRequest::no;
  options.framing = data[0] & 0x40 ? Framing::close_allowed : Framing::required;
  options.max_body = data[0] & 0x20 ? k_small_limit : k_default_max_body;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t all = bytes.size() ? bytes.size() : 1;

  const Outcome whole = parse(bytes, all, options);
  const Outcome pieces = parse(bytes, piece, options);
  FUZZ_CHECK(whole.ok == pieces.ok);
  if (whole.ok) {
    FUZZ_CHECK(whole.done && pieces.done);
    FUZZ_CHECK(whole.same_reply(pieces));
    FUZZ_CHECK(whole.status >= 100 && whole.status <= 999);
    FUZZ_CHECK(whole.body.size() <= options.max_body);
  }

  if (options.framing == Framing::required && whole.ok) {
    http1::ParserOptions relaxed = options;
    relaxed.framing = Framing::close_allowed;
    FUZZ_CHECK(parse(bytes, all, relaxed).same_reply(whole));
  }
  if (options.max_body == k_small_limit) {
    http1::ParserOptions unbounded = options;
    unbounded.max_body = k_default_max_body;
    const Outcome larger = parse(bytes, all, unbounded);
    if (whole.ok) FUZZ_CHECK(larger.same_reply(whole));
    // The limit refuses exactly the replies whose body is over it.
    if (larger.ok && larger.body.size() <= k_small_limit) FUZZ_CHECK(whole.ok);
  }
  return 0;
}
