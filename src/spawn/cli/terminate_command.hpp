#pragma once
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {
// `spawn terminate`: by id, by Name tag or by job array; asks before ending more than one.
std::unique_ptr<Command> make_terminate_command(CLI::App& parent);
}
