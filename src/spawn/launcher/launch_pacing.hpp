#pragma once
// EC2's RunInstances resource token bucket (AWS, "Request throttling for the Amazon EC2 API"):
// an account launches at most 1,000 instances at once, then 2 more a second. A call for more
// than the bucket holds is refused however long it waits, so a larger job array is launched in
// calls of at most 1,000, each after the bucket has refilled for it (pure).
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "spawn/aws/ec2/client.hpp"

namespace spawn::launcher {

inline constexpr int k_run_instances_burst = 1000;      // the bucket's size, in instances
inline constexpr int k_run_instances_refill_per_s = 2;  // instances a second

// The counts of the RunInstances calls that launch `count` instances: 1,000 each, the rest last.
std::vector<int> launch_chunks(int count);

// How long the bucket, emptied by the call before, takes to refill for a call of `next`
// instances (and a second more for the clocks not to race).
std::chrono::seconds refill_wait(int next);

// TerminateInstances has a bucket of its own: 1,000 instances at once, then 20 a second. A call
// naming more is refused however long it waits (a rollback of a 5,000-member array would never
// get through), so the ids go in calls of at most 1,000, each after the refill it needs, said
// through `say` and slept through `wait`. Stops at the first failure: the changes so far are lost
// with it, the error names how many were terminated before.
inline constexpr int k_terminate_burst = 1000;
inline constexpr int k_terminate_refill_per_s = 20;
aws::Result<std::vector<aws::ec2::StateChange>> terminate_in_batches(
    const aws::ec2::Client& ec2, const std::vector<std::string>& ids, const std::function<void(const std::string&)>& say,
    const std::function<void(std::chrono::milliseconds)>& wait);

}  // namespace spawn::launcher
