#pragma once
#include <memory>

#include "spawn/cli/command.hpp"

namespace spawn::cli {
// `spawn extend`: moves the TTL deadline of running instances (by id, Name tag or job array), in
// the launch's spec that spored reads again every minute, and in the tag spawn:ttl-deadline.
std::unique_ptr<Command> make_extend_command(CLI::App& parent);
}
