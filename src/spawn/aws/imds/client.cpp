#include "spawn/aws/imds/client.hpp"

#include <algorithm>
#include <charconv>
#include <thread>

namespace spawn::aws::imds {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using TimePoint = std::chrono::steady_clock::time_point;

constexpr std::string_view k_token_path = "/latest/api/token";
constexpr std::string_view k_ttl_header = "X-aws-ec2-metadata-token-ttl-seconds";
constexpr std::string_view k_token_header = "X-aws-ec2-metadata-token";
constexpr seconds k_max_ttl{21600};
constexpr seconds k_max_refresh_margin{60};
constexpr milliseconds k_max_backoff{2000};

// How long before the reported expiry a token is replaced: a minute, or a quarter of what is
// left for short TTLs. The TTL header counts whole seconds from when the service answered, and
// our request may take a while to reach it, so using a token to its last second would race.
seconds refresh_margin(seconds remaining) { return std::min(k_max_refresh_margin, remaining / 4); }

std::optional<seconds> parse_ttl(const std::string& text) {
  long long n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || n < 0) return std::nullopt;
  return seconds(n);
}

// The error for a reply that is not what the caller can use: the status names what went wrong.
// The codes of 429 and 5xx are the ones aws::retryable() knows, so that function alone decides
// what is retried.
Error status_error(int status, const http::Request& request) {
  std::string what = request.method + " " + request.url;
  auto e = [&](std::string code, std::string message) {
    return Error{status, std::move(code), std::move(message), {}};
  };
  if (status == 429) return e("Throttling", "IMDS throttled " + what + " (429)");
  if (status == 503) return e("ServiceUnavailable", "IMDS unavailable for " + what + " (503)");
  if (status >= 500) return e("InternalError", "IMDS failed " + what + " (" + std::to_string(status) + ")");
  if (status == 401) return e("Unauthorized", "IMDS refused a fresh session token for " + what + " (401)");
  if (status == 403)
    return e("Forbidden", "IMDS forbids " + what +
                              " (403): the metadata service is turned off for this instance, or the request "
                              "went through a proxy that added X-Forwarded-For");
  if (status == 400) return e("InvalidParameter", "IMDS rejected " + what + " (400: missing or invalid parameters)");
  return e("InvalidReply", "IMDS answered " + std::to_string(status) + " to " + what);
}

bool retryable_status(int status) { return status == 429 || status >= 500; }

}  // namespace

Client::Client(std::shared_ptr<http::Transport> transport, Options options, Clock clock, Sleep sleep)
    : m_transport(std::move(transport)),
      m_options(std::move(options)),
      m_clock(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      m_sleep(sleep ? std::move(sleep) : Sleep([](milliseconds d) { std::this_thread::sleep_for(d); })) {
  while (!m_options.endpoint.empty() && m_options.endpoint.back() == '/') m_options.endpoint.pop_back();
  m_options.token_ttl = std::clamp(m_options.token_ttl, seconds(1), k_max_ttl);
  m_options.max_attempts = std::max(1, m_options.max_attempts);
}

void Client::invalidate_token() {
  std::lock_guard lock(m_mutex);
  m_token.clear();
  m_token_expires = {};
}

void Client::drop_token(const std::string& refused) {
  std::lock_guard lock(m_mutex);
  if (m_token == refused) {
    m_token.clear();
    m_token_expires = {};
  }
}

void Client::note_token_ttl(const http::Response& response, const std::string& used) {
  auto remaining = parse_ttl(response.header(k_ttl_header));
  if (!remaining) return;
  const TimePoint now = m_clock();
  std::lock_guard lock(m_mutex);
  if (m_token != used) return;
  // Only ever earlier: the service knows best how long the token lives.
  m_token_expires = std::min(m_token_expires, now + *remaining - refresh_margin(*remaining));
}

// The retry loop. Not the SDK standard mode (http/retry): the metadata service is a link-local
// endpoint queried by one agent on its own cadence, so a few quick attempts (100 ms, 200 ms...)
// with no jitter and no shared quota are what a poll needs; the caller's next poll is the
// long-term retry. What counts as retryable is still aws::retryable()'s decision.
Result<http::Response> Client::send_with_retry(const http::Request& request) {
  for (int attempt = 1;; ++attempt) {
    auto reply = m_transport->send(request);
    Error error;
    if (reply) {
      if (!retryable_status(reply->status)) return reply;
      error = status_error(reply->status, request);
    } else {
      error = reply.error();
    }
    if (!retryable(error) || attempt >= m_options.max_attempts) {
      if (attempt > 1) error.message += " after " + std::to_string(attempt) + " attempts";
      return unexpected(std::move(error));
    }
    milliseconds backoff = std::min(k_max_backoff, m_options.base_backoff * (1 << std::min(attempt - 1, 10)));
    m_sleep(backoff);
  }
}

Result<std::string> Client::token() {
  // Held through the PUT: threads arriving meanwhile wait for this token instead of each
  // making their own.
  std::lock_guard lock(m_mutex);
  if (!m_token.empty() && m_clock() < m_token_expires) return m_token;

  http::Request put;
  put.method = "PUT";
  put.url = m_options.endpoint + std::string(k_token_path);
  put.headers = {{std::string(k_ttl_header), std::to_string(m_options.token_ttl.count())}};
  put.connect_timeout = m_options.timeout;
  put.timeout = m_options.timeout;

  auto reply = send_with_retry(put);
  if (!reply) {
    Error e = reply.error();
    if (e.code == "RequestTimeout") {
      // The service answers the token PUT with IP TTL = the hop limit (1 by default), so from
      // inside a container (one more hop) the reply is dropped and the PUT times out, while
      // the same request works on the host.
      e.message = "the IMDS session token request timed out (" + e.message +
                  "); inside a container this usually means the instance's metadata hop limit is 1: "
                  "raise it with `aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2`";
    } else if (e.code == "NetworkError") {
      e.message = "cannot reach the instance metadata service (" + e.message +
                  "); is this an EC2 instance with the metadata endpoint enabled?";
    }
    return unexpected(std::move(e));
  }
  if (reply->status != 200) {
    Error e = status_error(reply->status, put);
    if (reply->status == 401 || reply->status == 404)
      e = Error{reply->status, "InvalidReply",
                "no IMDSv2 token endpoint at " + m_options.endpoint + " (" + std::to_string(reply->status) + ")", {}};
    return unexpected(std::move(e));
  }
  if (reply->body.empty())
    return unexpected(local_error("InvalidReply", "IMDS returned an empty session token (" + put.url + ")"));

  const TimePoint now = m_clock();
  const seconds granted = parse_ttl(reply->header(k_ttl_header)).value_or(m_options.token_ttl);
  m_token = std::move(reply->body);
  m_token_expires = now + granted - refresh_margin(granted);
  return m_token;
}

Result<std::optional<std::string>> Client::get(std::string_view path) {
  while (path.starts_with('/')) path.remove_prefix(1);
  http::Request request;
  request.method = "GET";
  request.url = m_options.endpoint + "/latest/" + std::string(path);
  request.connect_timeout = m_options.timeout;
  request.timeout = m_options.timeout;

  for (int authorisation = 1;; ++authorisation) {
    auto session = token();
    if (!session) return unexpected(session.error());
    request.headers = {{std::string(k_token_header), *session}};

    auto reply = send_with_retry(request);
    if (!reply) return unexpected(reply.error());
    if (reply->status == 401) {
      drop_token(*session);  // expired early, or the service restarted: one new session
      if (authorisation == 1) continue;
    } else {
      note_token_ttl(*reply, *session);
    }

    if (reply->status == 200) return std::optional<std::string>(std::move(reply->body));
    if (reply->status == 404) return std::optional<std::string>();
    return unexpected(status_error(reply->status, request));
  }
}

}  // namespace spawn::aws::imds
