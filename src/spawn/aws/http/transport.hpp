#pragma once
// The HTTP transport interface. spawn uses CurlTransport; spored (static) uses SocketTransport;
// unit tests use ScriptedTransport. Nothing above this layer knows which one it has.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spawn/aws/error.hpp"

namespace spawn::aws::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string url;  // absolute: scheme://host[:port]/path?query, already percent-encoded
  Headers headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{30000};  // whole request
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
  // Sends one request. A reply with any HTTP status is a Response; an error means no reply:
  // code "NetworkError" (refused, reset, DNS, TLS) or "RequestTimeout", http_status 0.
  virtual Result<Response> send(const Request& request) = 0;
};

// Case-insensitive ASCII comparison of header names.
bool header_name_equal(std::string_view a, std::string_view b);

}  // namespace spawn::aws::http
