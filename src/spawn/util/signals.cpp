#include "spawn/util/signals.hpp"

#include <pthread.h>
#include <signal.h>

#include <thread>

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

}  // namespace

void block_daemon_signals() {
  sigset_t set = daemon_signals();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

void watch_daemon_signals(std::function<void(int)> on_signal) {
  std::thread([on_signal = std::move(on_signal)] {
    sigset_t set = daemon_signals();
    for (;;) {
      int signo = 0;
      if (::sigwait(&set, &signo) == 0) on_signal(signo);
    }
  }).detach();
}

}  // namespace spawn::util
