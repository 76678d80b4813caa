#pragma once
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {
// `spawn stop` (--hibernate, --wait) and `spawn start` (--wait): by id, Name tag or job array.
// Only instances EC2 lets stop (on demand, or spot from a persistent request); the TTL clock
// pauses while stopped (start moves the deadline by the time stopped).
std::unique_ptr<Command> make_stop_command(CLI::App& parent);
std::unique_ptr<Command> make_start_command(CLI::App& parent);
}
