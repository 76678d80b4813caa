#include "spawn/agent/version.hpp"

namespace spawn::agent {
const char* version() { return SPAWN_VERSION; }
}
