#pragma once
// The instance metadata service client: IMDSv2 only (no silent IMDSv1 fallback, ever: every GET
// carries a session token). The base URL is a parameter, so tests point it at a loopback fake.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "spawn/aws/error.hpp"
#include "spawn/aws/http/transport.hpp"

namespace spawn::aws::imds {

struct Options {
  std::string endpoint = "http://169.254.169.254";  // AWS_EC2_METADATA_SERVICE_ENDPOINT / --imds-endpoint
  std::chrono::seconds token_ttl{21600};             // 6 h, the maximum (1..21600)
  std::chrono::milliseconds timeout{1000};           // per request (connect included)
  int max_attempts = 3;                              // for 5xx, 429, timeouts, refused connections
  std::chrono::milliseconds base_backoff{100};       // doubles after each failed attempt
};

using Clock = std::function<std::chrono::steady_clock::time_point()>;
using Sleep = std::function<void(std::chrono::milliseconds)>;

// Safe to share between threads (the agent's monitors and the instance-role credentials): they
// share one session token, and only one of them fetches it at a time.
class Client {
 public:
  // clock defaults to steady_clock::now and sleep to this_thread::sleep_for; tests inject their
  // own to expire the token and to skip the backoff.
  Client(std::shared_ptr<http::Transport> transport, Options options, Clock clock = {}, Sleep sleep = {});

  // GET /latest/<path> (e.g. "meta-data/spot/instance-action", "dynamic/instance-identity/document").
  // The body on 200; nullopt when the service answers 404 ("no notice"). A token is fetched with
  // PUT /latest/api/token and reused until shortly before its remaining TTL (reported by every
  // reply) runs out; a 401 fetches a new token and retries once. 5xx, 429, timeouts and refused
  // connections are retried max_attempts times with backoff. Errors never throw:
  //  - http_status 0, code NetworkError / RequestTimeout: no answer (a timed-out token request
  //    names the likely cause: the hop limit, when running in a container);
  //  - http_status 401 Unauthorized (a fresh token refused too), 403 Forbidden (IMDS disabled,
  //    or a proxy added X-Forwarded-For), 400 (bad token TTL), 429/5xx after the last attempt,
  //    any other unexpected status: code InvalidReply.
  Result<std::optional<std::string>> get(std::string_view path);

  // Forget the cached token (tests, and after the agent sleeps a long time).
  void invalidate_token();

 private:
  Result<std::string> token();
  // Forgets the token if it is still the one that was refused (another thread may have replaced it).
  void drop_token(const std::string& refused);
  Result<http::Response> send_with_retry(const http::Request& request);
  // Notes the remaining TTL a reply to a request made with token `used` reports
  // (X-aws-ec2-metadata-token-ttl-seconds).
  void note_token_ttl(const http::Response& response, const std::string& used);

  std::shared_ptr<http::Transport> m_transport;
  Options m_options;
  Clock m_clock;
  Sleep m_sleep;
  std::mutex m_mutex;  // guards the token; never held during a GET
  std::string m_token;
  std::chrono::steady_clock::time_point m_token_expires{};  // refresh from here on (margin included)
};

}  // namespace spawn::aws::imds
