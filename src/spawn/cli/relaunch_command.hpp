#pragma once
// `spawn relaunch --job-array-name X [--index K]`: from the user's machine, brings back the indices
// of an array launched with --relaunch that have no live member: those lost without a notice
// (hardware failure, a member stopped or terminated by hand), or whose spored's relaunch failed.
// The same request as spored's (launcher/relaunch), from the array's own template.
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {

std::unique_ptr<Command> make_relaunch_command(CLI::App& parent);

}  // namespace spawn::cli
