#pragma once
// spored's command line: `spored [OPTIONS]` runs the daemon, `spored status` reports, `spored
// complete [--status N]` tells the daemon the job is done, `spored handover [--timeout D]` holds a
// replacement's job until the member it replaces has checkpointed (agent/handover.hpp), parsed with CLI11 into raw flag values
// for the configuration layers (config.hpp).
#include <chrono>
#include <string>
#include <variant>

#include "spawn/agent/config.hpp"
#include "spawn/agent/status.hpp"

namespace spawn::agent {

enum class Command { run, status, complete, handover };

struct CommandLine {
  Command command = Command::run;
  RawValues flags;    // option name (without "--") -> values, only for options given
  StatusFormat status_format = StatusFormat::text;  // status --json
  int completion_status = 0;                        // complete --status N (0..255)
  std::chrono::seconds handover_timeout{900};       // handover --timeout
};

// What to do instead of running: print out (stdout) or err (stderr) and exit with code.
struct EarlyExit {
  int code = 0;
  std::string out;
  std::string err;
};

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failure = 1;
inline constexpr int k_exit_usage = 2;

// --help and --version are an EarlyExit with code 0; a usage error is one with code 2 and a
// one-line message on err ("spored: error: ...").
std::variant<CommandLine, EarlyExit> parse_command_line(int argc, const char* const* argv);

}  // namespace spawn::agent
