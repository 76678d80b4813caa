#include "spawn/util/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using spawn::util::parallel_for;

TEST(ParallelFor, RunsEveryIndexOnce) {
  std::vector<std::atomic<int>> seen(100);
  parallel_for(seen.size(), 8, [&](size_t i) { ++seen[i]; });
  for (const auto& s : seen) EXPECT_EQ(s.load(), 1);
  parallel_for(0, 8, [](size_t) { FAIL(); });
  int sequential = 0;
  parallel_for(3, 0, [&](size_t) { ++sequential; });  // max_threads 0 means one
  EXPECT_EQ(sequential, 3);
}

TEST(ParallelFor, RunsAtOnceButNeverMoreThanAsked) {
  std::atomic<int> running{0}, peak{0};
  const auto start = std::chrono::steady_clock::now();
  parallel_for(8, 4, [&](size_t) {
    int now = ++running;
    int p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    --running;
  });
  EXPECT_EQ(peak.load(), 4);
  // Eight 100 ms tasks, four at a time: about 200 ms, far from the 800 ms of one at a time.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(700));
}

TEST(ParallelFor, RethrowsAfterEveryTaskFinished) {
  std::atomic<int> done{0};
  EXPECT_THROW(parallel_for(10, 3,
                            [&](size_t i) {
                              if (i == 2) throw std::runtime_error("boom");
                              ++done;
                            }),
               std::runtime_error);
  EXPECT_EQ(done.load(), 9);
}
