#include "spawn/cli/app.hpp"

#include <cstdio>

namespace spawn::cli {
int run(int, char**) {
  std::fputs("spawn: not built yet\n", stderr);
  return 1;
}
}  // namespace spawn::cli
