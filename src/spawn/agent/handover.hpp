#pragma once
// `spored handover` (--relaunch, issue 15): the handover gate. A replacement's user-data runs
// spawn's part first, and that part ends with `spored handover`, so the user's own job starts only
// once the member it replaces (its tag spawn:replaces) has finished its checkpoint: that member's
// spawn:checkpoint-status is set (ok, failed, timeout, none, ...: the run is over) or the member is
// gone (terminated, shutting down, or unknown to EC2). Otherwise the job would resume from a stale
// checkpoint. Bounded: after the timeout the job starts anyway, and the log says so. An instance
// that replaces nothing (the first generation) passes at once.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "spawn/agent/clocks.hpp"
#include "spawn/agent/log.hpp"
#include "spawn/aws/ec2/types.hpp"
#include "spawn/aws/error.hpp"

namespace spawn::agent {

// Whether the replaced member, as DescribeInstances shows it (nullopt: EC2 does not know it),
// has handed over: the reason ("checkpoint ok", "terminated", "unknown to EC2"), or nullopt to
// keep waiting.
std::optional<std::string> handed_over(const std::optional<aws::ec2::Instance>& replaced);

struct HandoverSteps {
  // This instance's spawn:replaces tag (IMDS); nullopt: it replaces nothing.
  std::function<aws::Result<std::optional<std::string>>()> replaces;
  // DescribeInstances of that instance; nullopt when EC2 does not know it.
  std::function<aws::Result<std::optional<aws::ec2::Instance>>(const std::string&)> describe;
  std::function<void(std::chrono::seconds)> sleep;
  std::function<SteadyTime()> steady;
};

struct HandoverOutcome {
  std::string state;  // "first generation", "handed over", "timeout"
  std::string replaced;
  std::string why;
  double waited_seconds = 0;
};

// Asks every `interval` until handed over or `timeout`; an error reading (IMDS, EC2) is logged
// and asked again. Logs handover_waiting once, then handover_done or handover_timeout.
HandoverOutcome wait_for_handover(Logger& log, const HandoverSteps& steps, std::chrono::seconds timeout,
                                  std::chrono::seconds interval = std::chrono::seconds(5));

}  // namespace spawn::agent
