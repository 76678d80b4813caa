#include "spawn/aws/http/retry.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

using namespace spawn::aws;
using namespace std::chrono_literals;
using http::Retrier;
using http::RetryPolicy;
using http::RetryQuota;

namespace {

struct Recorder {
  std::vector<std::chrono::milliseconds> sleeps;
  http::Sleep sleep() {
    return [this](std::chrono::milliseconds d) { sleeps.push_back(d); };
  }
};

// Fails with `error` for the first `failures` attempts, then succeeds.
std::function<Result<int>(int)> failing(Error error, int failures, int& calls) {
  return [error, failures, &calls](int) -> Result<int> {
    ++calls;
    if (calls <= failures) return spawn::unexpected(error);
    return 42;
  };
}

const Error k_throttled{503, "RequestLimitExceeded", "Request limit exceeded.", "r-1"};

}  // namespace

TEST(Retry, ThrottlingIsRetriedWithinBackoffBounds) {
  Recorder rec;
  double next_random = 0.999;
  Retrier retrier(RetryPolicy{3, 1000ms, 20000ms}, std::make_shared<RetryQuota>(), rec.sleep(),
                  [&] { return next_random; });
  int calls = 0;
  auto r = retrier.run<int>(failing(k_throttled, 2, calls));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(calls, 3);
  ASSERT_EQ(rec.sleeps.size(), 2u);
  // full jitter: random * base * 2^(n-1)
  EXPECT_LE(rec.sleeps[0], 1000ms);
  EXPECT_GE(rec.sleeps[0], 990ms);
  EXPECT_LE(rec.sleeps[1], 2000ms);
  EXPECT_GE(rec.sleeps[1], 1990ms);
}

TEST(Retry, BackoffIsCappedAtTwentySeconds) {
  Retrier retrier(RetryPolicy{10, 1000ms, 20000ms}, nullptr, [](auto) {}, [] { return 0.999999; });
  EXPECT_LE(retrier.backoff(6), 20000ms);
  EXPECT_EQ(retrier.backoff(20), 20000ms);
  Retrier zero(RetryPolicy{10, 1000ms, 20000ms}, nullptr, [](auto) {}, [] { return 0.0; });
  EXPECT_EQ(zero.backoff(3), 0ms);
}

TEST(Retry, GivesUpAfterMaxAttemptsWithTheLastError) {
  Recorder rec;
  Retrier retrier(RetryPolicy{3, 1000ms, 20000ms}, nullptr, rec.sleep(), [] { return 0.5; });
  int calls = 0;
  auto r = retrier.run<int>(failing(k_throttled, 100, calls));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "RequestLimitExceeded");
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(rec.sleeps.size(), 2u);
}

TEST(Retry, ClientErrorsAreNotRetried) {
  Recorder rec;
  Retrier retrier(RetryPolicy{}, nullptr, rec.sleep(), [] { return 0.5; });
  int calls = 0;
  auto r = retrier.run<int>(failing(Error{400, "InvalidParameterValue", "bad", "r"}, 100, calls));
  ASSERT_FALSE(r);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(rec.sleeps.empty());
}

TEST(Retry, CapacityErrorsReachTheCallerWithTheirCode) {
  Recorder rec;
  Retrier retrier(RetryPolicy{}, nullptr, rec.sleep(), [] { return 0.5; });
  int calls = 0;
  auto r = retrier.run<int>(failing(Error{500, "InsufficientInstanceCapacity", "no capacity", "r-9"}, 100, calls));
  ASSERT_FALSE(r);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r.error().code, "InsufficientInstanceCapacity");
  EXPECT_EQ(r.error().http_status, 500);
  EXPECT_EQ(r.error().request_id, "r-9");
}

TEST(Retry, QuotaStopsAStorm) {
  auto quota = std::make_shared<RetryQuota>();
  Recorder rec;
  Retrier retrier(RetryPolicy{3, 1ms, 20000ms}, quota, rec.sleep(), [] { return 0.0; });
  int total_calls = 0;
  // Every call fails: each spends two retries (10 tokens) until the 500 tokens are gone.
  for (int i = 0; i < 100; ++i) {
    int calls = 0;
    auto r = retrier.run<int>(failing(k_throttled, 1000, calls));
    EXPECT_FALSE(r);
    total_calls += calls;
  }
  EXPECT_EQ(quota->available(), 0);
  // 50 calls had their 2 retries (500 tokens), the other 50 got no retry at all.
  EXPECT_EQ(total_calls, 50 * 3 + 50 * 1);
  // A success refills a little.
  int calls = 0;
  EXPECT_TRUE(retrier.run<int>(failing(k_throttled, 0, calls)));
  EXPECT_EQ(quota->available(), 1);
}

TEST(Retry, TimeoutsCostMoreAndSuccessGivesBack) {
  RetryQuota quota;
  EXPECT_EQ(quota.acquire(Error{0, "RequestTimeout", "", ""}), RetryQuota::k_timeout_cost);
  EXPECT_EQ(quota.acquire(k_throttled), RetryQuota::k_retry_cost);
  EXPECT_EQ(quota.available(), RetryQuota::k_initial - 15);
  quota.release(15);
  EXPECT_EQ(quota.available(), RetryQuota::k_initial);
}

TEST(Retry, OneAttemptMeansNoRetry) {
  Recorder rec;
  Retrier retrier(RetryPolicy{1, 1000ms, 20000ms}, nullptr, rec.sleep(), [] { return 0.5; });
  int calls = 0;
  EXPECT_FALSE(retrier.run<int>(failing(k_throttled, 5, calls)));
  EXPECT_EQ(calls, 1);
}

TEST(Retry, OneRetrierSharedByConcurrentCallsJittersWithinBounds) {
  // A client's Retrier is shared by concurrent calls (tagging tasks); its default random engine
  // must take that (under make test-tsan, an unguarded engine is reported as a data race).
  Retrier retrier(RetryPolicy{5, 1000ms, 20000ms}, std::make_shared<RetryQuota>(), [](std::chrono::milliseconds) {});
  constexpr int k_threads = 4, k_draws = 2000;
  std::vector<std::vector<std::chrono::milliseconds>> drawn(k_threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < k_draws; ++i) drawn[t].push_back(retrier.backoff(1 + i % 4));
      // And whole calls: every retry sleeps a backoff drawn from the shared engine.
      int calls = 0;
      (void)retrier.run<int>(failing(k_throttled, 10, calls));
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<long long> distinct;
  for (int t = 0; t < k_threads; ++t) {
    for (int i = 0; i < k_draws; ++i) {
      const auto d = drawn[t][i];
      EXPECT_GE(d, 0ms);
      EXPECT_LE(d, 1000ms * (1 << (i % 4)));
      distinct.insert(d.count());
    }
  }
  EXPECT_GT(distinct.size(), 1000u);  // jittered, not one value
}
