#pragma once
// The signals a daemon cares about, turned into calls on an ordinary thread (never work in a
// signal handler). Knows nothing of AWS.
#include <functional>

namespace spawn::util {

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread, and so in every thread it starts
// afterwards, and ignores SIGPIPE (a peer closing a socket is an error value, not a death).
// Call it first in main, before any thread exists. Children started with run_process or
// run_in_new_session get default dispositions and an empty mask back.
void block_daemon_signals();

// Starts a detached thread that waits for the blocked signals and calls on_signal(signo) for
// each one, from that thread.
void watch_daemon_signals(std::function<void(int signo)> on_signal);

}  // namespace spawn::util
