#pragma once
// EC2's RunInstances resource token bucket (AWS, "Request throttling for the Amazon EC2 API"):
// an account launches at most 1,000 instances at once, then 2 more a second. A call for more
// than the bucket holds is refused however long it waits, so a larger job array is launched in
// calls of at most 1,000, each after the bucket has refilled for it (pure).
#include <chrono>
#include <vector>

namespace spawn::launcher {

inline constexpr int k_run_instances_burst = 1000;      // the bucket's size, in instances
inline constexpr int k_run_instances_refill_per_s = 2;  // instances a second

// The counts of the RunInstances calls that launch `count` instances: 1,000 each, the rest last.
std::vector<int> launch_chunks(int count);

// How long the bucket, emptied by the call before, takes to refill for a call of `next`
// instances (and a second more for the clocks not to race).
std::chrono::seconds refill_wait(int next);

}  // namespace spawn::launcher
