#pragma once
// Running a program and capturing what it writes, with a time limit. No shell: the program is
// argv[0], looked up in PATH. Knows nothing of AWS.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "spawn/util/expected.hpp"

namespace spawn::util {

// What the child reads: the caller's stdin (so a helper can prompt on a terminal), or /dev/null.
enum class ChildStdin { inherit, null };

struct RunOptions {
  std::chrono::milliseconds timeout{60000};  // the whole run; the child is killed after it
  std::size_t max_output = 1 << 20;          // bytes per stream; more is an error (and a kill)
  ChildStdin child_stdin = ChildStdin::inherit;
};

struct RunResult {
  int exit_code = 0;  // the exit status, when the child exited
  int signal = 0;     // the signal that ended it, 0 when it exited
  std::string out;    // everything it wrote to stdout
  std::string err;    // everything it wrote to stderr

  bool succeeded() const { return signal == 0 && exit_code == 0; }
};

// Runs argv (argv[0] searched in PATH, the environment inherited) and waits for it to end and
// close its output. Any exit status is a RunResult; an error (a sentence naming argv[0]) means
// it could not start, outlived options.timeout or wrote more than options.max_output (it is
// killed with SIGKILL in both cases).
expected<RunResult, std::string> run_process(const std::vector<std::string>& argv, const RunOptions& options = {});

}  // namespace spawn::util
