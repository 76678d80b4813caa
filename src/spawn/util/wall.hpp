#pragma once
// A message on every logged-in user's terminal (wall(1)). Knows nothing of AWS.
#include <string>

#include "spawn/util/expected.hpp"

namespace spawn::util {

// Runs `wall MESSAGE` (no shell; the message is one argument), for at most 5 s. An error (a
// sentence) when wall is missing, fails or hangs; nobody being logged in is not an error.
expected<void, std::string> wall(const std::string& message);

}  // namespace spawn::util
