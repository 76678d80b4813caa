#include "spawn/aws/auth/caching_provider.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

using namespace std::chrono_literals;
using spawn::aws::Result;
using spawn::aws::auth::CacheOptions;
using spawn::aws::auth::Credentials;
using spawn::aws::auth::CredentialsProvider;
using spawn::aws::auth::make_caching_provider;
using Time = std::chrono::system_clock::time_point;

namespace {

const Time k_start = Time(std::chrono::seconds(1'900'000'000));

// Answers from a queue (the last answer repeats) and counts the calls.
class Queue final : public CredentialsProvider {
 public:
  Result<Credentials> get() override {
    std::lock_guard lock(m_mutex);
    ++calls;
    Result<Credentials> next = m_answers.front();
    if (m_answers.size() > 1) m_answers.pop_front();
    return next;
  }
  void push(Result<Credentials> answer) { m_answers.push_back(std::move(answer)); }
  std::atomic<int> calls = 0;

 private:
  std::mutex m_mutex;
  std::deque<Result<Credentials>> m_answers;
};

Credentials creds(std::string key, std::optional<Time> expiration) {
  return Credentials{std::move(key), "secret", "token", expiration, "test"};
}

Result<Credentials> failure() {
  return spawn::unexpected(spawn::aws::auth::credentials_error("source down"));
}

struct Fixture {
  Time now = k_start;
  std::shared_ptr<Queue> inner = std::make_shared<Queue>();
  std::shared_ptr<CredentialsProvider> cache;
  Fixture() {
    CacheOptions options;  // 5 min early, retry every 10 s
    options.clock = [this] { return now; };
    cache = make_caching_provider(inner, options);
  }
  std::string key() {
    auto c = cache->get();
    return c ? c->access_key_id : "error: " + c.error().message;
  }
};

}  // namespace

TEST(CachingProvider, KeepsCredentialsWithoutExpirationForGood) {
  Fixture f;
  f.inner->push(creds("A", std::nullopt));
  EXPECT_EQ(f.key(), "A");
  f.now += std::chrono::hours(24 * 365);
  EXPECT_EQ(f.key(), "A");
  EXPECT_EQ(f.inner->calls, 1);
}

TEST(CachingProvider, RefreshesFiveMinutesBeforeExpiry) {
  Fixture f;
  f.inner->push(creds("A", k_start + 1h));
  f.inner->push(creds("B", k_start + 2h));
  EXPECT_EQ(f.key(), "A");
  f.now = k_start + 54min;
  EXPECT_EQ(f.key(), "A");
  EXPECT_EQ(f.inner->calls, 1);
  f.now = k_start + 55min;
  EXPECT_EQ(f.key(), "B");
  EXPECT_EQ(f.inner->calls, 2);
  f.now = k_start + 1h + 30min;
  EXPECT_EQ(f.key(), "B");
  EXPECT_EQ(f.inner->calls, 2);
}

TEST(CachingProvider, FailedRefreshKeepsValidCredentialsAndRetriesLater) {
  Fixture f;
  f.inner->push(creds("A", k_start + 1h));
  f.inner->push(failure());
  EXPECT_EQ(f.key(), "A");
  f.now = k_start + 56min;
  EXPECT_EQ(f.key(), "A");  // refresh failed, A still valid
  EXPECT_EQ(f.inner->calls, 2);
  f.now += 5s;
  EXPECT_EQ(f.key(), "A");  // within the retry interval: not asked
  EXPECT_EQ(f.inner->calls, 2);
  f.now += 6s;
  EXPECT_EQ(f.key(), "A");  // asked again, failed again
  EXPECT_EQ(f.inner->calls, 3);
  f.now = k_start + 1h;  // expired: the error comes through
  EXPECT_EQ(f.key(), "error: source down");
}

TEST(CachingProvider, ErrorsAreNotCached) {
  Fixture f;
  f.inner->push(failure());
  f.inner->push(creds("A", std::nullopt));
  EXPECT_EQ(f.key(), "error: source down");
  EXPECT_EQ(f.key(), "A");
  EXPECT_EQ(f.inner->calls, 2);
}

TEST(CachingProvider, ShortLivedCredentialsAreNotRefetchedOnEveryCall) {
  Fixture f;
  f.inner->push(creds("A", k_start + 2min));  // already inside the refresh window
  EXPECT_EQ(f.key(), "A");
  EXPECT_EQ(f.key(), "A");
  EXPECT_EQ(f.inner->calls, 1);
  f.now += 11s;
  EXPECT_EQ(f.key(), "A");
  EXPECT_EQ(f.inner->calls, 2);
}

TEST(CachingProvider, ConcurrentCallersShareOneFetch) {
  // A slow inner provider: every caller must get the same credentials from a single call.
  class Slow final : public CredentialsProvider {
   public:
    Result<Credentials> get() override {
      ++calls;
      std::this_thread::sleep_for(50ms);
      return creds("A", std::nullopt);
    }
    std::atomic<int> calls = 0;
  };
  auto inner = std::make_shared<Slow>();
  auto cache = make_caching_provider(inner);
  std::vector<std::thread> threads;
  std::atomic<int> ok = 0;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      if (auto c = cache->get(); c && c->access_key_id == "A") ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(inner->calls, 1);
}
