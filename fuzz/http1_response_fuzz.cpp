// The HTTP/1.1 reply parser of spored's socket transport (aws/http/http1.hpp), which reads
// whatever the metadata service, S3 or a notification endpoint sends. The first input byte picks
// where the rest is cut into pieces; the reply must parse the same fed whole and fed in pieces
// (same outcome, status, headers and body). No crash or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "spawn/aws/http/http1.hpp"

using namespace spawn::aws::http;

namespace {

struct Outcome {
  bool ok = false;
  bool done = false;
  int status = 0;
  std::string body;
  size_t headers = 0;
};

Outcome parse(std::string_view bytes, size_t piece, bool head) {
  http1::ResponseParser parser(head);
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
  const bool head = data[0] & 0x80;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const Outcome whole = parse(bytes, bytes.size() ? bytes.size() : 1, head);
  const Outcome pieces = parse(bytes, piece, head);
  FUZZ_CHECK(whole.ok == pieces.ok);
  if (whole.ok) {
    FUZZ_CHECK(whole.done && pieces.done);
    FUZZ_CHECK(whole.status == pieces.status);
    FUZZ_CHECK(whole.body == pieces.body);
    FUZZ_CHECK(whole.headers == pieces.headers);
    FUZZ_CHECK(whole.status >= 100 && whole.status <= 999);
  }
  return 0;
}
