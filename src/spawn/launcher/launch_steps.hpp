#pragma once
// Steps both launch routes (RunInstances, EC2 Fleet) share: rolling back, sweeping up after a
// launch call whose reply never came, tagging members, describing new instances.
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/launcher/launch_call.hpp"

namespace spawn::launcher {

// Terminates what was launched after a failure and says so; returns cause, its message
// extended with what was terminated (or, if that failed too, what to terminate by hand).
// The spot requests named (persistent ones: EC2 would launch a new instance for each once its
// instance is gone) are cancelled first; a request that cannot be cancelled is named too.
aws::Error roll_back(const LaunchContext& ctx, const std::vector<std::string>& ids, aws::Error cause,
                     const std::vector<std::string>& spot_requests = {});

// The requests among these instances' that EC2 could fulfil again after a termination: those
// of a launch that asked for persistent ones (the caller knows), named on the instances.
std::vector<std::string> spot_requests_of(const std::vector<aws::ec2::Instance>& instances);

// After a launch call whose outcome stayed unknown even after resend: finds what the launch
// made - spot requests and instances tagged spawn:launch-id = launch_id, reading again for a few
// seconds since a new instance may not be listed yet - cancels the requests, terminates the
// instances, so that nothing is left running. Returns cause, extended.
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
