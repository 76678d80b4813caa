#pragma once
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {
// `spawn price`: on-demand and spot prices of instance types in one or several regions (asked
// concurrently), the cheapest AZ, the spread between AZs and the savings, sorted by spot price.
std::unique_ptr<Command> make_price_command(CLI::App& parent);
}
