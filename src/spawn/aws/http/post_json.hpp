#pragma once
// A JSON document POSTed to a webhook (spored's notifications, `spawn price --watch`'s alerts),
// with a few bounded attempts. The URL's path and query are often the webhook's secret: errors
// name the URL as util::loggable_url says it, never whole.
#include <chrono>
#include <functional>
#include <string>

#include "spawn/aws/error.hpp"
#include "spawn/aws/http/transport.hpp"

namespace spawn::aws::http {

struct PostLimits {
  int max_attempts = 3;
  std::chrono::milliseconds per_attempt{5000};   // connect and whole request
  std::chrono::milliseconds first_backoff{300};  // then doubled
};

// POSTs body to url (Content-Type application/json, the given User-Agent) with
// limits.max_attempts attempts on no reply, 429 or 5xx; another status is an error at once
// (http_status set, code "HttpError"). The answer's body is never read. sleep defaults to
// std::this_thread::sleep_for.
Result<void> post_json(Transport& transport, const std::string& url, const std::string& body,
                       const std::string& user_agent, const PostLimits& limits,
                       const std::function<void(std::chrono::milliseconds)>& sleep = {});

}  // namespace spawn::aws::http
