#pragma once
// A spot member's replacement (--relaunch, issue 15): one instant EC2 Fleet of one instance from
// its launch's template, asked for by the member itself during its two-minute notice (spored,
// agent/relaunch) or by `spawn relaunch`. The same code builds the request in both, over the
// same pieces `spawn launch` uses (aws/ec2/fleet builders, the fleet tally, the capacity-error
// taxonomy, the resend with one ClientToken).
//
// The launch spec lives in AWS: a launch template "spawn-relaunch-<launch id>" made by `spawn
// launch --relaunch` and kept while the launch has instances (user-data, instance profile,
// metadata options, the launch's tags); the types, subnets, market rules and the bound are in
// the config file of that user-data (key "relaunch"), so every generation carries them.
// `spawn terminate` deletes the template first: a relaunch in flight then fails closed.
#include <chrono>
#include <string>
#include <vector>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/aws/ec2/types.hpp"
#include "spawn/launcher/launch_call.hpp"
#include "spawn/launcher/relaunch_spec.hpp"

namespace spawn::launcher {

// The replacement's own tags, beyond its template's: its index and name, spawn:generation one
// higher, spawn:replaces, the outgoing member's TTL deadline, its market.
aws::ec2::Tags replacement_tags(const RelaunchSpec& spec, const Outgoing& out, bool spot, bool fell_back);

struct Replacement {
  std::string instance_id;
  std::string instance_type;
  std::string availability_zone;
  std::string fleet_id;
  bool spot = true;  // false: on demand, spot capacity was missing and the spec allows the fallback
  int generation = 0;
  std::string request_id;
};

// EC2's answer when the launch's template is gone: the launch was terminated.
bool is_template_gone(const aws::Error& e);

// Asks EC2 for the replacement: a spot fleet of one over replacement_pools, then, when spot
// capacity was all that was missing and the spec allows it, an on-demand one; each call sent
// again with its ClientToken while its outcome is unknown (no reply, throttled to the end), so
// that nothing is launched twice. Errors: the template gone (is_template_gone: the array was
// terminated), no capacity ("InsufficientInstanceCapacity" and the like, EC2's reasons in the
// message), anything EC2 refused.
aws::Result<Replacement> request_replacement(const LaunchContext& ctx, const RelaunchSpec& spec, const Outgoing& out);

}  // namespace spawn::launcher

namespace spawn::launcher {

// pending, running, stopping or stopped: an instance that is (or can be again) billed.
bool live_state(std::string_view state);

// Ending launches that relaunch (`spawn terminate`): of the launches these instances belong to
// that carry spawn:relaunch, those whose every live instance is among them (the whole array
// ends here) have their launch template deleted, before any instance is terminated, so that no
// member can launch a replacement any more (a relaunch in flight fails closed). The launch ids
// whose template is gone. A part of an array terminated keeps its template.
aws::Result<std::vector<std::string>> end_relaunches(const aws::ec2::Client& ec2,
                                                     const std::vector<aws::ec2::Instance>& ending);

// After those launches' instances were terminated: any instance of theirs still live and not
// among `terminated` (a replacement asked for just before the template went) is terminated too;
// asked again after each of `settle` (EC2 lists a new instance after a few seconds). What
// TerminateInstances answered for them.
aws::Result<std::vector<aws::ec2::StateChange>> sweep_replacements(const LaunchContext& ctx, const std::vector<std::string>& launches,
                                                         const std::vector<std::string>& terminated,
                                                         const std::vector<std::chrono::milliseconds>& settle);

}  // namespace spawn::launcher
