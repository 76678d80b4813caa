#pragma once
// A provider that remembers another's credentials until they are about to expire.
#include <chrono>
#include <functional>
#include <memory>

#include "spawn/aws/auth/credentials.hpp"

namespace spawn::aws::auth {

// The wall clock, injectable so tests can move time.
using WallClock = std::function<std::chrono::system_clock::time_point()>;

struct CacheOptions {
  // Ask for new credentials this long before the old ones expire.
  std::chrono::seconds refresh_before_expiry{300};
  // After a refresh that failed (or gave credentials already inside that window), wait this
  // long before asking again, so an unreachable source is not hammered on every request.
  std::chrono::seconds retry_interval{10};
  WallClock clock;  // system_clock::now when empty
};

// Returns inner's credentials, asking inner again only when they come within
// refresh_before_expiry of their expiration. If that refresh fails while the old credentials
// are still valid, the old ones are returned; once they have expired, the error is. Credentials
// without an expiration are kept for good; errors are never kept (the next get() asks again).
// Thread-safe: one get() at a time reaches inner, the others wait for its answer.
std::shared_ptr<CredentialsProvider> make_caching_provider(std::shared_ptr<CredentialsProvider> inner,
                                                           CacheOptions options = {});

}  // namespace spawn::aws::auth
