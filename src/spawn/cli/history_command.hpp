#pragma once
// `spawn history [--since 30d] [--region R | --all-regions] [--instance-type T]
// [--job-array-name X] [--by type|az|region|array] [--output json]`: what spored's event log in
// spawn's bucket says about interruptions, per instance type, pool, region or job array
// (cli/history_reader reads it, model/history counts).
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {

std::unique_ptr<Command> make_history_command(CLI::App& parent);

}  // namespace spawn::cli
