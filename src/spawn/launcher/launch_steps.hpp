#pragma once
// Steps both launch routes (RunInstances, EC2 Fleet) share: rolling back, sweeping up after a
// launch call whose reply never came, tagging members, describing new instances.
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "spawn/aws/ec2/client.hpp"

namespace spawn::launcher {

// Progress lines for the user (stderr).
using Notify = std::function<void(const std::string&)>;

using Wait = std::function<void(std::chrono::milliseconds)>;

struct LaunchContext {
  const aws::ec2::Client& ec2;
  Notify notify;  // progress, quiet with --output json
  Notify warn;    // what the user must see whatever the output format (fallbacks, rollbacks)
  Wait wait;      // sleeps between resends (tests make it instant); empty: the real clock

  void pause(std::chrono::milliseconds d) const;
};

// True when a failed launch call may still have been applied: no reply, a timeout, a 5xx, or
// throttling (which says nothing of the earlier attempts: one may have been applied and its
// reply lost). Capacity errors and other 4xx are definite (a retry with the same ClientToken
// would have been answered with the first attempt's result).
bool outcome_unknown(const aws::Error& e);

// Terminates what was launched after a failure and says so; returns cause, its message
// extended with what was terminated (or, if that failed too, what to terminate by hand).
// The spot requests named (persistent ones: EC2 would launch a new instance for each once its
// instance is gone) are cancelled first; a request that cannot be cancelled is named too.
aws::Error roll_back(const LaunchContext& ctx, const std::vector<std::string>& ids, aws::Error cause,
                     const std::vector<std::string>& spot_requests = {});

// The requests among these instances' that EC2 could fulfil again after a termination: those
// of a launch that asked for persistent ones (the caller knows), named on the instances.
std::vector<std::string> spot_requests_of(const std::vector<aws::ec2::Instance>& instances);

// Waits before each resend of a launch call whose outcome is unknown (see resend).
inline const std::vector<std::chrono::milliseconds> k_resend_waits{std::chrono::milliseconds(1000),
                                                                  std::chrono::milliseconds(2000),
                                                                  std::chrono::milliseconds(4000)};

// After a launch call whose outcome is unknown (no reply, throttled to the end): sends it again,
// the same request with the same ClientToken, after each of k_resend_waits, until EC2 answers.
// EC2 answers a ClientToken it has seen with the first call's result, so the answer says exactly
// what was launched; nothing is launched twice. The last result (still unknown when every resend
// went unanswered). say: a line before the first resend.
template <class T>
aws::Result<T> resend(const std::function<aws::Result<T>()>& send, aws::Result<T> first, const Notify& say,
                      const std::function<void(std::chrono::milliseconds)>& wait);

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

// One logical launch call (its ClientToken fixed inside send), sent again by resend while its
// outcome is unknown.
template <class T>
aws::Result<T> send_once(const LaunchContext& ctx, const std::function<aws::Result<T>()>& send) {
  auto r = send();
  if (r || !outcome_unknown(r.error())) return r;
  return resend<T>(send, std::move(r), ctx.warn, [&ctx](std::chrono::milliseconds d) { ctx.pause(d); });
}

template <class T>
aws::Result<T> resend(const std::function<aws::Result<T>()>& send, aws::Result<T> first, const Notify& say,
                      const std::function<void(std::chrono::milliseconds)>& wait) {
  aws::Result<T> result = std::move(first);
  for (size_t i = 0; i < k_resend_waits.size() && !result && outcome_unknown(result.error()); ++i) {
    if (i == 0 && say) say("No answer from EC2 to the launch; asking again with the same ClientToken (nothing is launched twice)");
    wait(k_resend_waits[i]);
    result = send();
  }
  return result;
}

}  // namespace spawn::launcher
