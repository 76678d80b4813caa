#pragma once
// `spawn logs ID|NAME [--job-array-name X --index K] [--latest] [--follow]`: the instance's
// console output (cloud-init, the user-data's output, spored's start) from GetConsoleOutput.
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {

std::unique_ptr<Command> make_logs_command(CLI::App& parent);

// The text a console printed, made safe for a terminal: tabs and newlines kept, carriage
// returns dropped, every other control character (ESC and its sequences too) written out.
std::string terminal_safe(std::string_view text);

// What `--follow` prints of `now` after having printed `before`: the text after the end of
// `before` (found by its longest end, 256 bytes at most, still there when EC2's
// buffer has moved on), or all of `now` when
// nothing of `before` is left in it.
std::string new_console_text(std::string_view before, std::string_view now);

}  // namespace spawn::cli
