// The error-reply parsers of the three protocols (aws/protocol/errors.hpp) and the retry
// classification that runs on what they return (aws/error.hpp). The first two input bytes are
// the HTTP status (400..599), the rest the body. Invariants: no crash or sanitizer report; the
// error keeps the status and always has a code (a reply without one is named by its status).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "spawn/aws/error.hpp"
#include "spawn/aws/protocol/errors.hpp"

using namespace spawn::aws;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  http::Response r;
  r.status = 400 + (data[0] << 8 | data[1]) % 200;
  r.body.assign(reinterpret_cast<const char*>(data + 2), size - 2);
  r.headers.emplace_back("x-amzn-RequestId", "11111111-2222-3333-4444-555555555555");
  for (auto parse : {protocol::parse_query_error, protocol::parse_json_error, protocol::parse_rest_xml_error}) {
    Error e = parse(r);
    FUZZ_CHECK(e.http_status == r.status);
    FUZZ_CHECK(!e.code.empty());
    (void)retryable(e);
    (void)is_capacity(e);
    (void)is_credentials_problem(e);
    (void)hint_for(e);
    (void)e.describe();
  }
  return 0;
}
