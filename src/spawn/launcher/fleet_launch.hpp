#pragma once
// The EC2 Fleet route (several types or subnets, or a mixed spot/on-demand array): a launch
// template made for this launch, one CreateFleet of type instant, a second on-demand-only one
// for the missing spot capacity when --spot-fallback allows, then DeleteLaunchTemplate.
// Never DeleteFleets: on an instant fleet it would terminate the instances.
#include <string>
#include <string_view>
#include <vector>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/launcher/fleet_tally.hpp"
#include "spawn/launcher/launch_steps.hpp"
#include "spawn/launcher/spot_plan.hpp"

namespace spawn::launcher {

struct FleetLaunchInput {
  aws::ec2::LaunchTemplateInput launch_template;  // all but the name and ClientToken
  std::vector<aws::ec2::FleetOverride> overrides;            // the main fleet's pools (spot MaxPrice in them)
  std::vector<aws::ec2::FleetOverride> fallback_overrides;  // the on-demand fallback's pools
  int spot_count = 0;
  int on_demand_count = 0;
  std::string allocation_strategy = "price-capacity-optimized";
  bool fallback = false;
  bool dry_run = false;
  std::vector<std::string> type_order;  // for job-array indices
  std::string launch_id;
  // The template's name ("": spawn-<launch id>) and whether it stays once the fleet has launched
  // (--relaunch: the members' replacements are launched from it; removed by `spawn terminate`).
  // It is deleted whenever the launch fails.
  std::string template_name;
  bool keep_template = false;
};

struct FleetOutcome {
  std::vector<Member> members;                  // in job-array index order (order_members)
  std::vector<aws::ec2::Instance> instances;    // described, in the same order
  bool fell_back = false;
  std::string fallback_code;                    // the spot error code that caused it
};

// All or nothing: when the whole count cannot be had (after the fallback if allowed), what was
// launched is terminated and the error says which part failed and why.
aws::Result<FleetOutcome> fleet_launch(const LaunchContext& ctx, const FleetLaunchInput& input);

}  // namespace spawn::launcher
