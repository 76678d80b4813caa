#pragma once
// The two clocks the agent reads, injectable so monitors and handlers are tested with time
// under the test's control: wall time for notice times and deadlines written as RFC 3339,
// steady time for measuring and waiting.
#include <chrono>
#include <functional>

#include "spawn/util/time.hpp"

namespace spawn::agent {

using SteadyTime = std::chrono::steady_clock::time_point;

struct Clocks {
  std::function<util::SystemTime()> wall;
  std::function<SteadyTime()> steady;
};

// system_clock::now and steady_clock::now.
inline Clocks real_clocks() {
  return {[] { return std::chrono::system_clock::now(); }, [] { return std::chrono::steady_clock::now(); }};
}

}  // namespace spawn::agent
