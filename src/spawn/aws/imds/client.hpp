#pragma once
// The instance metadata service client: IMDSv2 only (no silent IMDSv1 fallback).
// The base URL is a parameter, so tests point it at a loopback fake.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "spawn/aws/error.hpp"
#include "spawn/aws/http/transport.hpp"

namespace spawn::aws::imds {

struct Options {
  std::string endpoint = "http://169.254.169.254";  // AWS_EC2_METADATA_SERVICE_ENDPOINT / --imds-endpoint
  std::chrono::seconds token_ttl{21600};             // 6 h, the maximum
  std::chrono::milliseconds timeout{1000};           // per request
  int max_attempts = 3;                              // for 5xx, 429, timeouts, refused connections
  std::chrono::milliseconds base_backoff{100};
};

using Clock = std::function<std::chrono::steady_clock::time_point()>;

class Client {
 public:
  // clock defaults to steady_clock::now; tests inject one to expire the token.
  Client(std::shared_ptr<http::Transport> transport, Options options, Clock clock = {});

  // GET /latest/<path> (e.g. "meta-data/spot/instance-action", "dynamic/instance-identity/document").
  // nullopt when the service answers 404 ("no notice"). A token is fetched with PUT
  // /latest/api/token and reused until shortly before its remaining TTL runs out; a 401 fetches
  // a new token and retries once. Errors (after retries) never throw.
  Result<std::optional<std::string>> get(std::string_view path);

  // Forget the cached token (tests, and after the agent sleeps a long time).
  void invalidate_token();

 private:
  Result<std::string> token();
  Result<http::Response> send_with_retry(const http::Request& request);

  std::shared_ptr<http::Transport> m_transport;
  Options m_options;
  Clock m_clock;
  std::string m_token;
  std::chrono::steady_clock::time_point m_token_expires{};
};

}  // namespace spawn::aws::imds
