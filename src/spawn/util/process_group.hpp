#pragma once
// Running a program in a session (and so a process group) of its own, with a deadline that ends
// the whole group: SIGTERM to every process in it, SIGKILL to whatever is left a grace period
// later. Output (stdout and stderr together) is handed over line by line as it arrives, up to a
// bound. For spored's checkpoint script, whose children must not outlive it. Knows nothing of AWS.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/util/expected.hpp"

namespace spawn::util {

using SteadyTime = std::chrono::steady_clock::time_point;

struct GroupRunOptions {
  // The child's whole environment ("NAME=value" each); the caller decides what it inherits.
  std::vector<std::string> environment;
  // Read again every few milliseconds, so another thread may move it (earlier) while the group
  // runs. At the deadline the group gets SIGTERM.
  std::function<SteadyTime()> deadline;
  // SIGTERM to SIGKILL.
  std::chrono::milliseconds kill_grace{5000};
  // Each line written (without its '\n'; a line longer than max_line comes in pieces), on the
  // calling thread: the head while the group runs, the tail once it is gone (below).
  std::function<void(std::string_view line)> on_output;
  std::size_t max_line = 4096;
  // What is handed over is bounded in bytes and in lines (whoever logs a line adds to it): the
  // first max_output bytes or max_lines lines as they arrive; past that, only the last
  // max_output bytes (at most max_lines lines, whole lines when some were cut) are kept and
  // handed over at the end, after on_truncated(the bytes dropped between head and tail) when
  // anything was dropped. The rest is read and counted, so the writer never blocks.
  std::size_t max_output = 32 * 1024;
  std::size_t max_lines = 256;
  std::function<void(std::size_t dropped_bytes)> on_truncated;
};

struct GroupRunResult {
  int exit_code = -1;        // the first process's exit status; -1 when a signal ended it
  int signal = 0;            // the signal that ended the first process, 0 when it exited
  bool timed_out = false;    // the deadline came while the first process ran: the group got SIGTERM
  bool killed = false;       // something was still there kill_grace after SIGTERM: SIGKILL
  bool leftovers = false;    // processes were still in the group after the first one ended
  std::size_t dropped_output = 0;  // bytes in neither the head nor the tail
  SteadyTime started{};
  SteadyTime ended{};        // when the group was gone (or given up on, see below)

  bool succeeded() const { return !timed_out && signal == 0 && exit_code == 0; }
};

// Starts argv (argv[0] looked up in the caller's PATH) as the leader of a new session, stdin
// /dev/null, stdout and stderr into one pipe, and supervises it until no process of its group
// is left: a first process that ends before the deadline leaves its group to be stopped the same
// way (SIGTERM, then SIGKILL after kill_grace), since a checkpoint must not leave work running.
// Processes that made their own session escape, as they would from any supervisor (once they end,
// a subreaper's reaper reaps them). Orphans of the group are reaped when the caller is a child
// subreaper (below); otherwise they belong to init, and once SIGKILL was sent the wait for them
// ends after one more second. The first process is started with spawn_child (util/children.hpp).
// An error (a sentence naming argv[0]) when the program could not be started.
expected<GroupRunResult, std::string> run_in_new_session(const std::vector<std::string>& argv,
                                                         const GroupRunOptions& options);

// Makes this process the reaper of its descendants' orphans (PR_SET_CHILD_SUBREAPER), so that
// run_in_new_session can see a checkpoint's background children end, and starts the thread that
// reaps every child (start_child_reaper in util/children.hpp), so that an orphan that escaped its
// group does not stay a zombie. An error (a sentence); then neither happened.
expected<void, std::string> become_child_subreaper();

// Whether a process with this id exists (kill(pid, 0)).
bool process_exists(pid_t pid);

// The current environment as "NAME=value" strings, with each of set replaced or added.
std::vector<std::string> environment_with(const std::vector<std::pair<std::string, std::string>>& set);

}  // namespace spawn::util
