#include "spawn/aws/http/post_json.hpp"

#include <thread>

#include "spawn/util/url.hpp"

namespace spawn::aws::http {

Result<void> post_json(Transport& transport, const std::string& url, const std::string& body,
                       const std::string& user_agent, const PostLimits& limits,
                       const std::function<void(std::chrono::milliseconds)>& sleep) {
  Request request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/json"}, {"User-Agent", user_agent}};
  request.body = body;
  request.framing = Framing::close_allowed;  // the answer's body is never read
  request.connect_timeout = limits.per_attempt;
  request.timeout = limits.per_attempt;
  auto backoff = limits.first_backoff;
  for (int attempt = 1;; ++attempt) {
    auto reply = transport.send(request);
    Error error;
    if (reply && reply->status >= 200 && reply->status < 300) return {};
    if (reply) {
      error = Error{reply->status, "HttpError",
                    "webhook " + util::loggable_url(url) + " answered " + std::to_string(reply->status), {}};
      if (reply->status != 429 && reply->status < 500) return unexpected(error);
    } else {
      error = reply.error();
      // The transport's message may quote the URL; the webhook's path is often its secret.
      error.message = "webhook " + util::loggable_url(url) + ": no answer (" + error.code + ")";
    }
    if (attempt >= limits.max_attempts) {
      error.message += " after " + std::to_string(attempt) + " attempts";
      return unexpected(error);
    }
    if (sleep) sleep(backoff);
    else std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
}

}  // namespace spawn::aws::http
