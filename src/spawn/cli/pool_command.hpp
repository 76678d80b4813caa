#pragma once
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {
// `spawn pool create|list|status|resize|delete`: spot pools, N instances kept by an EC2 Fleet.
std::unique_ptr<Command> make_pool_command(CLI::App& parent);
}
