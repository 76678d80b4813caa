#pragma once
// `spawn status [ID... | --name N | --job-array-name X] [--watch]`: per job array, per index the
// current instance and what happened to it (cli/array_status).
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {

std::unique_ptr<Command> make_status_command(CLI::App& parent);

}  // namespace spawn::cli
