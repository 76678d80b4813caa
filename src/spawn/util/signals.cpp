#include "spawn/util/signals.hpp"

#include <pthread.h>
#include <signal.h>

namespace spawn::util {
namespace {

sigset_t daemon_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

// The signal the destructor sends to the watcher's own thread to end its sigwait: one of the
// set, so it is blocked there and waited for; the thread sees m_stopping and never calls on_signal
// for it.
constexpr int k_wake_signal = SIGHUP;

}  // namespace

void block_daemon_signals() {
  sigset_t set = daemon_signals();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

// The thread is created with the signals blocked whatever the caller's mask, so that the wake
// signal (sent to this thread only) can never take the default action and end the process.
SignalWatcher::SignalWatcher(std::function<void(int)> on_signal) {
  sigset_t set = daemon_signals();
  sigset_t old;
  ::pthread_sigmask(SIG_BLOCK, &set, &old);
  m_thread = std::thread([this, on_signal = std::move(on_signal)] {
    sigset_t wanted = daemon_signals();
    for (;;) {
      int signo = 0;
      if (::sigwait(&wanted, &signo) != 0) continue;
      if (m_stopping.load()) return;
      on_signal(signo);
    }
  });
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

// A thread-directed signal stays pending for that thread until its sigwait takes it, so the wake
// is never lost, whether the thread is in sigwait, in on_signal, or between the two.
SignalWatcher::~SignalWatcher() {
  m_stopping = true;
  ::pthread_kill(m_thread.native_handle(), k_wake_signal);
  m_thread.join();
}

}  // namespace spawn::util
