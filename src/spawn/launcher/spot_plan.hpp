#pragma once
// What a launch will do, decided before the first request (pure): the route (one RunInstances
// or one instant EC2 Fleet), how many instances of each market, the spot tags, the user-data
// of each market, and the order of job-array indices. The CLI calls prepare_launch before it
// opens a session, so that bad input (user-data over 16 KB, ...) sends nothing.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/aws/ec2/fleet.hpp"
#include "spawn/aws/ec2/types.hpp"
#include "spawn/launcher/launch_spec.hpp"
#include "spawn/launcher/relaunch_spec.hpp"
#include "spawn/launcher/spot_tags.hpp"
#include "spawn/launcher/user_data.hpp"
#include "spawn/model/launch_options.hpp"

namespace spawn::launcher {

enum class Route {
  run_instances,  // one type, one subnet, one market: one RunInstances for the whole array
  fleet,          // several types or subnets, or a mixed array: one CreateFleet (instant)
};

struct LaunchPlan {
  Route route = Route::run_instances;
  std::vector<std::string> instance_types;  // in the order given
  int spot_count = 0;                       // 0 for an on-demand launch
  int on_demand_count = 0;

  bool spot() const { return spot_count > 0; }
  bool mixed() const { return spot_count > 0 && on_demand_count > 0; }
  int total() const { return spot_count + on_demand_count; }
};

// --spot: --spot-count instances spot (all of them by default), the rest on demand. The fleet
// route for several types, several subnets, or a mixed array.
LaunchPlan plan_launch(const model::LaunchOptions& options);

// Random identifiers of one launch.
struct LaunchIds {
  std::string launch_id;     // tag spawn:launch-id
  std::string job_array_id;  // "ja-<16 hex>", used when the launch is a job array
};
LaunchIds new_launch_ids();

// What the launch installs of spored, and where its settings are.
struct AgentSetup {
  std::string install;                                  // the install snippet; "": spored not installed
  std::vector<std::string> architectures;               // uname -m names it has a binary for; empty: unchecked
  std::optional<SpecLocation> spec;                     // the launch's spec; nullopt: none (no bucket)
  std::optional<std::string> checkpoint_script_region;  // an s3:// script's bucket region, when known
};

// Everything the launch needs that can be decided without AWS.
struct PreparedLaunch {
  LaunchPlan plan;
  LaunchIds ids;
  std::string job_array_id;    // ids.job_array_id for a job array, else ""
  std::string job_array_name;  // --job-array-name, else --name, else the id; "" when not an array
  // The user-data (raw, before base64) of each kind of launch call; nullopt: none.
  std::optional<std::string> user_data;            // on-demand launches: the user's own, as given
  std::optional<std::string> spot_user_data;       // spot RunInstances, and a fleet of spot only
  std::optional<std::string> on_demand_user_data;  // the on-demand RunInstances of a fallback
  std::optional<std::string> fleet_user_data;      // a fleet that may hold both markets
  std::optional<std::string> ttl_deadline;         // RFC 3339: launch time + --ttl
  std::vector<std::string> agent_architectures;    // as AgentSetup::architectures
  bool agent_installed = false;
};

// What spawn's part of the user-data says for these options (its market left to the caller).
SpotSetup spot_setup(const model::LaunchOptions& options, const AgentSetup& agent,
                     const std::optional<std::string>& ttl_deadline);

// What the members' spored need to relaunch themselves (--relaunch): written into the config of
// the user-data, so that every generation has it.
RelaunchSpec relaunch_spec(const model::LaunchOptions& options, const std::string& launch_id,
                           const std::string& job_array_id, const std::string& job_array_name);

// An error (exit 2) when a generated user-data is over EC2's 16 KB limit. spawn's part of the
// user-data is written for spot launches, and for on-demand ones that install spored (--ttl).
expected<PreparedLaunch, model::UsageError> prepare_launch(const model::LaunchOptions& options, const AgentSetup& agent,
                                                           LaunchIds ids, std::optional<std::string> ttl_deadline);

// The fleet's pools: every type (in order) x every subnet (or none); MaxPrice on each when
// --spot-max-price is given and the pools are for spot.
std::vector<aws::ec2::FleetOverride> fleet_overrides(const model::LaunchOptions& options, bool for_spot);

// One launched instance as the fleet route knows it, before its index is assigned.
struct Member {
  std::string instance_id;
  std::string instance_type;
  bool spot = false;
  bool fell_back = false;  // launched on demand in place of missing spot capacity
};

// Job-array order (index = position): spot first, then on-demand, then the fallback ones;
// within each group by the type's position in `type_order`, then by instance id. The same
// set of instances always gets the same indices, whatever order EC2 replied in.
std::vector<Member> order_members(std::vector<Member> members, const std::vector<std::string>& type_order);

}  // namespace spawn::launcher
