// The daemon signal watcher with real signals. The signals are blocked in this thread first (as
// spored's main does), so every thread the test starts has them blocked too; each test is its own
// process under ctest, and a signal sent with kill() goes to the process as in real life.
#include "spawn/util/signals.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace spawn::util {
namespace {

using namespace std::chrono_literals;

// What the callback points at, as run_daemon's points at its Daemon.
struct Target {
  std::atomic<int> stops{0};
  void stop() { ++stops; }
};

// Blocks the daemon signals in this thread for the test, and restores the mask afterwards after
// taking whatever is still pending (so nothing reaches the test runner).
class BlockedSignals {
 public:
  BlockedSignals() {
    sigemptyset(&m_set);
    for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&m_set, s);
    ::pthread_sigmask(SIG_BLOCK, &m_set, &m_old);
  }
  ~BlockedSignals() {
    timespec zero{0, 0};
    while (::sigtimedwait(&m_set, nullptr, &zero) > 0) {
    }
    ::pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
  }
  bool pending(int signo) const {
    sigset_t p;
    sigpending(&p);
    return sigismember(&p, signo) == 1;
  }

 private:
  sigset_t m_set;
  sigset_t m_old;
};

template <typename Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 2000 && !pred(); ++i) std::this_thread::sleep_for(10ms);
  return pred();
}

TEST(SignalWatcher, CallsBackForEachSignal) {
  BlockedSignals blocked;
  std::atomic<int> last{0}, count{0};
  SignalWatcher watcher([&](int signo) {
    last = signo;
    ++count;
  });
  ::kill(::getpid(), SIGHUP);
  ASSERT_TRUE(eventually([&] { return count.load() == 1; }));
  EXPECT_EQ(last.load(), SIGHUP);
  ::kill(::getpid(), SIGTERM);
  ASSERT_TRUE(eventually([&] { return count.load() == 2; }));
  EXPECT_EQ(last.load(), SIGTERM);
}

// run_daemon's order: the daemon, then the watcher whose callback points at it; the watcher goes
// first. A signal after that must not reach the destroyed target (the detached thread of before
// called into it: a heap-use-after-free under ASan). It stays pending instead.
TEST(SignalWatcher, NoCallOnceTheWatcherIsGoneEvenWhenItsTargetIsToo) {
  BlockedSignals blocked;
  auto calls = std::make_shared<std::atomic<int>>(0);
  {
    auto target = std::make_unique<Target>();
    SignalWatcher watcher([t = target.get(), calls](int) {
      t->stop();
      ++*calls;
    });
    ::kill(::getpid(), SIGTERM);
    ASSERT_TRUE(eventually([&] { return calls->load() == 1; }));
    EXPECT_EQ(target->stops.load(), 1);
  }
  ::kill(::getpid(), SIGTERM);
  EXPECT_TRUE(blocked.pending(SIGTERM)) << "nothing waits for it any more";
  EXPECT_EQ(calls->load(), 1);
}

// Destroying a watcher at once (no signal ever came) neither hangs nor ends the process.
TEST(SignalWatcher, StopsAtOnceWithoutASignal) {
  BlockedSignals blocked;
  std::atomic<int> count{0};
  for (int i = 0; i < 20; ++i) SignalWatcher watcher([&](int) { ++count; });
  EXPECT_EQ(count.load(), 0);
  EXPECT_FALSE(blocked.pending(SIGHUP)) << "the wake signal went to the watcher's own thread";
}

}  // namespace
}  // namespace spawn::util
