#pragma once
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {
// `spawn launch`: start instances (on demand, or spot), one call for a whole job array.
std::unique_ptr<Command> make_launch_command(CLI::App& parent);
}
