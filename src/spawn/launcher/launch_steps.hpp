#pragma once
// Steps both launch routes (RunInstances, EC2 Fleet) share: rolling back, sweeping up after a
// launch call whose reply never came, tagging members, describing new instances.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "spawn/aws/ec2/client.hpp"

namespace spawn::launcher {

// Progress lines for the user (stderr).
using Notify = std::function<void(const std::string&)>;

struct LaunchContext {
  const aws::ec2::Client& ec2;
  Notify notify;  // progress, quiet with --output json
  Notify warn;    // what the user must see whatever the output format (fallbacks, rollbacks)
};

// True when a failed launch call may still have been applied: no reply, a timeout, a 5xx, or
// throttling (which says nothing of the earlier attempts: one may have been applied and its
// reply lost). Capacity errors and other 4xx are definite (a retry with the same ClientToken
// would have been answered with the first attempt's result).
bool outcome_unknown(const aws::Error& e);

// Terminates what was launched after a failure and says so; returns cause, its message
// extended with what was terminated (or, if that failed too, what to terminate by hand).
aws::Error roll_back(const LaunchContext& ctx, const std::vector<std::string>& ids, aws::Error cause);

// After a launch call whose outcome is unknown: finds the instances tagged spawn:launch-id =
// launch_id and terminates them, so that nothing is left running. Returns cause, extended.
aws::Error sweep_launch(const LaunchContext& ctx, const std::string& launch_id, aws::Error cause);

// CreateTags for each (instance id, its own tags) pair, a few calls at a time, retrying
// InvalidInstanceID.NotFound a few times (a new id may not be visible at once); the members
// still throttled after the client's retries are tagged again one at a time; the first error,
// if any. Pairs with no tags are skipped.
aws::Result<void> tag_each(const LaunchContext& ctx, const std::vector<std::pair<std::string, aws::ec2::Tags>>& members);

// DescribeInstances of instances just launched, retrying InvalidInstanceID.NotFound a few
// times (EC2 is eventually consistent: a new id may not be visible at once). Returned in the
// order of ids.
aws::Result<std::vector<aws::ec2::Instance>> describe_new(const LaunchContext& ctx, const std::vector<std::string>& ids);

}  // namespace spawn::launcher
