#pragma once
// `spawn interrupt ID... | --job-array-name X [--index K] [--dry-run]`: a spot interruption drill.
// AWS FIS gives the instances EC2's real two-minute notice and then interrupts them
// (launcher/drill), so a member goes through the whole path: spored's notify, checkpoint,
// relaunch, handover, shutdown. spored records it as a drill, and spawn status does not count it
// as an interruption.
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {

std::unique_ptr<Command> make_interrupt_command(CLI::App& parent);

}  // namespace spawn::cli
