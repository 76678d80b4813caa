#pragma once
// `spawn cost [ID... | --name N | --job-array-name X] [--since 7d] [--output json]`: what spawn's
// instances have cost so far (compute), per instance, per array and in all, and what they cost
// per hour now. Spot time is priced by its pool's price history, on demand by the Price List
// API's price (model/accrued_cost).
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {

std::unique_ptr<Command> make_cost_command(CLI::App& parent);

}  // namespace spawn::cli
