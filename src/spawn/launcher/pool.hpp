#pragma once
// Spot pools (`spawn pool`): N instances kept by one EC2 Fleet of type maintain over a launch
// template of spawn's, both tagged spawn:pool = NAME, as are the members (from the template).
// EC2 does the keeping: it replaces an interrupted or terminated member, launches a replacement
// before a member at risk is taken back (capacity rebalancing, launch-before-terminate), and
// follows ModifyFleet. spawn creates, reads, resizes and deletes; it runs no loop of its own.
// The pure parts (which fleets are pools, what the history says) are separate from the calls.
#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/launcher/launch_steps.hpp"

namespace spawn::launcher {

// The launch template of a pool: spawn-pool-NAME.
std::string pool_template_name(const std::string& pool);

// A pool as EC2 has it: its fleet (not deleted) tagged spawn:pool.
struct Pool {
  std::string name;
  aws::ec2::FleetDescription fleet;
  std::string launch_id;  // spawn:launch-id of the fleet: its role, profile and spec
};

// The fleets that are live pools (tagged spawn:pool, not deleted or failed), by name.
std::vector<Pool> pools_of(const std::vector<aws::ec2::FleetDescription>& fleets);
// Every live pool of the region (DescribeFleets, every page).
aws::Result<std::vector<Pool>> list_pools(const aws::ec2::Client& ec2);
// The live pool of that name; nullopt when there is none.
aws::Result<std::optional<Pool>> find_pool(const aws::ec2::Client& ec2, const std::string& name);

struct PoolCreateInput {
  std::string name;
  aws::ec2::LaunchTemplateInput launch_template;  // all but its name and ClientToken
  std::vector<aws::ec2::FleetOverride> overrides;
  int capacity = 0;
  int spot_count = 0;
  std::string allocation_strategy = "price-capacity-optimized";
  int termination_delay_seconds = 120;
  aws::ec2::Tags fleet_tags;
};

struct PoolCreated {
  std::string fleet_id;
  std::string launch_template_id;
};

// CreateLaunchTemplate (spawn-pool-NAME) then CreateFleet Type=maintain, each with its own
// ClientToken kept over retries and resends: a lost reply never makes two fleets. When the
// fleet's outcome stays unknown, the pool is looked for by its tag before giving up; a fleet
// that was not made leaves no template behind.
aws::Result<PoolCreated> create_pool(const LaunchContext& ctx, const PoolCreateInput& input);

// ModifyFleet to total members, spot of them spot.
aws::Result<void> resize_pool(const aws::ec2::Client& ec2, const Pool& pool, int total, int spot);

// DeleteFleets with TerminateInstances=true; when the reply is lost or names the fleet as not
// deletable, DescribeFleets says whether it is deleted. Then every member still not ending is
// terminated (nothing left billed), and the launch template is deleted (by id, else by name).
// The launch's role and spec are the caller's (launch_resources).
aws::Result<void> delete_pool(const LaunchContext& ctx, const Pool& pool);

// One line of the pool's history as spawn tells it.
struct PoolEvent {
  std::string time;         // ISO 8601
  std::string what;         // launched, terminated, interrupted, scaled-down, or the fleet's state
  std::string instance_id;  // "" for a fleet change
};

struct PoolActivity {
  std::vector<PoolEvent> events;  // oldest first
  int interruptions = 0;          // members EC2 took back (state reason Server.SpotInstanceTermination)
  int terminations = 0;           // other ends (by a user, a rebalance), not scale-downs
  int replacements = 0;           // launches that replaced an ended member (after it, or just before it)
};

// From the fleet's history (oldest first) and the instances it names (their state reasons):
// what happened to the pool. Pure.
PoolActivity pool_activity(const std::vector<aws::ec2::FleetHistoryRecord>& records,
                           const std::vector<aws::ec2::Instance>& instances);

struct PoolStatus {
  Pool pool;
  std::vector<aws::ec2::Instance> members;  // running members, oldest first
  PoolActivity activity;
};

// DescribeFleetInstances, DescribeInstances of the pool's tag, DescribeFleetHistory since the
// fleet's creation.
aws::Result<PoolStatus> pool_status(const aws::ec2::Client& ec2, const Pool& pool);

}  // namespace spawn::launcher
