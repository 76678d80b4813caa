#include "spawn/launcher/launch_pacing.hpp"

#include <algorithm>

namespace spawn::launcher {

std::vector<int> launch_chunks(int count) {
  std::vector<int> out;
  for (int left = count; left > 0; left -= k_run_instances_burst) out.push_back(std::min(left, k_run_instances_burst));
  if (out.empty()) out.push_back(count);
  return out;
}

std::chrono::seconds refill_wait(int next) {
  return std::chrono::seconds((next + k_run_instances_refill_per_s - 1) / k_run_instances_refill_per_s + 1);
}

}  // namespace spawn::launcher
