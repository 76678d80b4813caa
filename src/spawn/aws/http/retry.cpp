#include "spawn/aws/http/retry.hpp"

#include <algorithm>
#include <mutex>
#include <random>
#include <thread>

namespace spawn::aws::http {

int RetryQuota::acquire(const Error& error) {
  const int cost = error.code == "RequestTimeout" ? k_timeout_cost : k_retry_cost;
  std::lock_guard lock(m_mutex);
  if (m_available < cost) return 0;
  m_available -= cost;
  return cost;
}

void RetryQuota::release(int cost_spent) {
  std::lock_guard lock(m_mutex);
  m_available = std::min(k_initial, m_available + (cost_spent > 0 ? cost_spent : 1));
}

int RetryQuota::available() const {
  std::lock_guard lock(m_mutex);
  return m_available;
}

Retrier::Retrier(RetryPolicy policy, std::shared_ptr<RetryQuota> quota, Sleep sleep, Random random)
    : m_policy(policy), m_quota(std::move(quota)), m_sleep(std::move(sleep)), m_random(std::move(random)) {
  if (!m_quota) m_quota = std::make_shared<RetryQuota>();
  if (!m_sleep) m_sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (!m_random) {
    // One Retrier serves every call of a client, and calls run concurrently (tagging tasks, the
    // agent's monitors): the engine is shared state, so it is drawn from under a lock.
    struct Engine {
      std::mutex mutex;
      std::mt19937_64 bits{std::random_device{}()};
    };
    m_random = [engine = std::make_shared<Engine>()]() {
      std::lock_guard lock(engine->mutex);
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine->bits);
    };
  }
  if (m_policy.max_attempts < 1) m_policy.max_attempts = 1;
}

std::chrono::milliseconds Retrier::backoff(int retry) const {
  const double exp = static_cast<double>(m_policy.base.count()) * static_cast<double>(1LL << std::min(retry - 1, 30));
  const double capped = std::min(m_random() * exp, static_cast<double>(m_policy.max_backoff.count()));
  return std::chrono::milliseconds(static_cast<long long>(capped));
}

}  // namespace spawn::aws::http
