#pragma once
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {
// `spawn agent upload`: put spored and its sha256 in S3 and remember where (cli/spawn_config),
// so that spot launches install it on their instances (launcher/agent_install).
std::unique_ptr<Command> make_agent_command(CLI::App& parent);
}
