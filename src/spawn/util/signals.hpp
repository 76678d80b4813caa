#pragma once
// The signals a daemon cares about, turned into calls on an ordinary thread (never work in a
// signal handler). Knows nothing of AWS.
#include <atomic>
#include <functional>
#include <thread>

namespace spawn::util {

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread, and so in every thread it starts
// afterwards, and ignores SIGPIPE (a peer closing a socket is an error value, not a death).
// Call it first in main, before any thread exists. Children started with run_process or
// run_in_new_session get default dispositions and an empty mask back.
void block_daemon_signals();

// A thread that waits for the blocked signals and calls on_signal(signo) for each one, from that
// thread, for as long as the watcher lives. The destructor stops the thread and joins it (waiting
// for a call in progress), so on_signal never runs once the watcher is gone: declare the watcher
// after what on_signal uses, so it goes first. A signal arriving later stays pending (blocked).
class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void(int signo)> on_signal);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  std::atomic<bool> m_stopping{false};
  std::thread m_thread;
};

}  // namespace spawn::util
