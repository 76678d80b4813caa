#pragma once
// The HTTP transport interface. spawn uses CurlTransport; spored (static) uses SocketTransport;
// unit tests use ScriptedTransport. Nothing above this layer knows which one it has.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spawn/aws/error.hpp"

namespace spawn::aws::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// How a reply's body may end. A body read "until the connection closes" cannot be told from one
// an attacker or a reset cut short, so by default only Content-Length and chunked bodies count:
//  - required: a body that is neither is refused (InvalidReply) before it is read;
//  - close_allowed: it is also taken up to the close (for answers whose body does not matter,
//    such as a webhook's). Over TLS the close must still be a close_notify.
enum class Framing { required, close_allowed };

// The largest body a reply may have unless the request says otherwise: AWS API answers are a few
// MB (a DescribeInstances page of 1000 instances is about 5 MB).
inline constexpr std::size_t k_default_max_body = std::size_t{16} << 20;

struct Request {
  std::string method = "GET";
  std::string url;  // absolute: scheme://host[:port]/path?query, already percent-encoded
  Headers headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{30000};  // whole request
  Framing framing = Framing::required;
  // A longer body stops the reading with ReplyTooLarge: it is never buffered whole.
  std::size_t max_body = k_default_max_body;
};

struct Response {
  int status = 0;
  Headers headers;  // names as received
  std::string body;

  // First header with that name, compared case-insensitively; "" when absent.
  std::string header(std::string_view name) const;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request. A reply with any HTTP status is a Response; an error means no whole reply,
  // http_status 0: "NetworkError" (refused, reset, DNS, TLS, a body cut short: "truncated"),
  // "RequestTimeout", "InvalidReply" (not HTTP, or a body not framed as request.framing wants),
  // "ReplyTooLarge" (a body over request.max_body; not retried).
  virtual Result<Response> send(const Request& request) = 0;
};

// Case-insensitive ASCII comparison of header names.
bool header_name_equal(std::string_view a, std::string_view b);

}  // namespace spawn::aws::http
