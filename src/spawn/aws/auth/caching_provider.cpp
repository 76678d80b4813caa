#include "spawn/aws/auth/caching_provider.hpp"

#include <mutex>

namespace spawn::aws::auth {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

class CachingProvider final : public CredentialsProvider {
 public:
  CachingProvider(std::shared_ptr<CredentialsProvider> inner, CacheOptions options)
      : m_inner(std::move(inner)), m_options(std::move(options)) {
    if (!m_options.clock) m_options.clock = [] { return std::chrono::system_clock::now(); };
  }

  // Holding the lock while inner runs is deliberate: concurrent requests at start-up or at a
  // refresh would otherwise all run credential_process or call IMDS at once.
  Result<Credentials> get() override {
    std::lock_guard lock(m_mutex);
    const TimePoint now = m_options.clock();
    if (m_cached) {
      if (!m_cached->expiration) return *m_cached;
      const TimePoint expires = *m_cached->expiration;
      if (now < expires - m_options.refresh_before_expiry) return *m_cached;
      if (now < m_next_attempt && now < expires) return *m_cached;
    }

    auto fresh = m_inner->get();
    if (fresh) {
      m_cached = *fresh;
      if (fresh->expiration && now >= *fresh->expiration - m_options.refresh_before_expiry)
        m_next_attempt = now + m_options.retry_interval;
      return fresh;
    }
    m_next_attempt = now + m_options.retry_interval;
    if (m_cached && m_cached->expiration && now < *m_cached->expiration) return *m_cached;
    m_cached.reset();
    return fresh;
  }

 private:
  std::shared_ptr<CredentialsProvider> m_inner;
  CacheOptions m_options;
  std::mutex m_mutex;
  std::optional<Credentials> m_cached;
  TimePoint m_next_attempt{};
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_caching_provider(std::shared_ptr<CredentialsProvider> inner,
                                                           CacheOptions options) {
  return std::make_shared<CachingProvider>(std::move(inner), std::move(options));
}

}  // namespace spawn::aws::auth
