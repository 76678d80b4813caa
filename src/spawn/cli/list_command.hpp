#pragma once
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {
// `spawn list`: the instances spawn manages (tag spawn:managed=true), every page.
std::unique_ptr<Command> make_list_command(CLI::App& parent);
}
