#pragma once
// One launch call as every launch sends it (spawn launch's routes, pools, a member's replacement):
// the context it runs in, and its resend with the same ClientToken while its outcome is unknown.
// Small on purpose: spored links it for the replacement of --relaunch (launcher/relaunch).
#include <chrono>
#include <functional>
#include <string>
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
