#pragma once
// The AWS SDK "standard" retry mode: a bounded number of attempts, exponential backoff with
// full jitter capped at 20 s, and a retry quota shared by all calls of a client so a failing
// endpoint is not hammered. What is retried is decided by aws::retryable() alone.
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

#include "spawn/aws/error.hpp"

namespace spawn::aws::http {

// The token bucket of the standard mode: 500 tokens; a retry costs 5 (10 after a timeout);
// a success after retries gives its cost back, a first-try success gives 1.
class RetryQuota {
 public:
  static constexpr int k_initial = 500;
  static constexpr int k_retry_cost = 5;
  static constexpr int k_timeout_cost = 10;

  // Takes the cost of retrying after this error; 0 when the quota is exhausted (do not retry).
  int acquire(const Error& error);
  // A call succeeded; cost_spent is what its retries took (0 when it succeeded at once).
  void release(int cost_spent);
  int available() const;

 private:
  mutable std::mutex m_mutex;
  int m_available = k_initial;
};

struct RetryPolicy {
  int max_attempts = 3;  // AWS_MAX_ATTEMPTS; 1 disables retries
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds max_backoff{20000};
};

using Sleep = std::function<void(std::chrono::milliseconds)>;
using Random = std::function<double()>;  // uniform in [0, 1)

class Retrier {
 public:
  // sleep and random default to the real ones; tests inject theirs. The default random may be
  // called from several threads at once (run() and backoff() are safe to call concurrently);
  // an injected one must be too when the Retrier is shared.
  Retrier(RetryPolicy policy, std::shared_ptr<RetryQuota> quota, Sleep sleep = {}, Random random = {});

  // Delay before retry number `retry` (1 for the first retry): random * base * 2^(retry-1),
  // capped at max_backoff.
  std::chrono::milliseconds backoff(int retry) const;

  // Runs attempt() until it succeeds, fails with a non-retryable error, the attempts are used
  // up or the quota is empty. Returns the last result. attempt gets the attempt number (1..).
  template <class T>
  Result<T> run(const std::function<Result<T>(int attempt)>& attempt) {
    int spent = 0;
    for (int n = 1;; ++n) {
      Result<T> r = attempt(n);
      if (r) {
        m_quota->release(spent);
        return r;
      }
      if (!retryable(r.error()) || n >= m_policy.max_attempts) return r;
      int cost = m_quota->acquire(r.error());
      if (cost == 0) return r;
      spent += cost;
      m_sleep(backoff(n));
    }
  }

  const RetryPolicy& policy() const { return m_policy; }

 private:
  RetryPolicy m_policy;
  std::shared_ptr<RetryQuota> m_quota;
  Sleep m_sleep;
  Random m_random;
};

}  // namespace spawn::aws::http
