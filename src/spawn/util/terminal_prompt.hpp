#pragma once
// Asking the person at the terminal for one line, as Python's getpass does: on the controlling
// terminal (/dev/tty), not stdin/stdout, which may be a pipe or a file. Knows nothing of AWS.
#include <string>
#include <string_view>

#include "spawn/util/expected.hpp"

namespace spawn::util {

// Writes prompt to /dev/tty, reads one line there with echo off, and returns it without its
// line end. Error (a sentence, for a message) when the process has no controlling terminal
// (ENXIO: a daemon, setsid, CI), when /dev/tty cannot be opened or read, or at end of input.
expected<std::string, std::string> prompt_terminal(std::string_view prompt);

}  // namespace spawn::util
