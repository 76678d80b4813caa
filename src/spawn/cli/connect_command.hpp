#pragma once
// `spawn connect ID|NAME [--job-array-name X --index K] [--user U] [--key FILE] [--private]
// [--port N] [--ssm] [-- command...]` (alias ssh): the system ssh, trusting only the host keys
// the instance printed on its console at first boot (cli/connect_plan, model/host_keys).
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {

std::unique_ptr<Command> make_connect_command(CLI::App& parent);

}  // namespace spawn::cli
