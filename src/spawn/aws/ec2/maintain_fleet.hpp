#pragma once
// EC2 Fleets of type maintain (what `spawn pool` drives): pure request builders (without Action
// and Version) and reply parsers for CreateFleet Type=maintain, ModifyFleet, DeleteFleets,
// DescribeFleets, DescribeFleetInstances and DescribeFleetHistory.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/aws/ec2/fleet.hpp"
#include "spawn/aws/ec2/types.hpp"
#include "spawn/aws/error.hpp"

namespace spawn::aws::ec2 {

struct MaintainFleetInput {
  LaunchTemplate launch_template;
  std::vector<FleetOverride> overrides;
  int total_capacity = 0;
  int spot_capacity = 0;  // the rest on demand
  std::string allocation_strategy = "price-capacity-optimized";
  int termination_delay_seconds = 120;  // capacity rebalancing: how long the old member runs beside its replacement
  Tags fleet_tags;                      // TagSpecification ResourceType=fleet (instances: from the template)
  std::string client_token;
};

// CreateFleet Type=maintain: TotalTargetCapacity with the spot and on-demand parts named,
// DefaultTargetCapacityType spot, SpotOptions with the allocation strategy and capacity
// rebalancing (launch-before-terminate, TerminationDelay), on-demand lowest-price, the fleet's
// tags, ClientToken. The reply is read with parse_create_fleet (a maintain fleet names no
// instances in it).
Params create_maintain_fleet_params(const MaintainFleetInput& in);

// ModifyFleet: the new total, spot and on-demand (total - spot) targets.
Params modify_fleet_params(const std::string& fleet_id, int total_capacity, int spot_capacity);
// EC2 answers <return>true</return>; false is an error (InvalidReply).
Result<void> parse_modify_fleet(std::string_view xml);

// DeleteFleets of these ids, TerminateInstances=true or false.
Params delete_fleets_params(const std::vector<std::string>& fleet_ids, bool terminate_instances);

struct FleetDeletion {
  std::string fleet_id;
  bool deleted = false;        // a SuccessfulFleetDeletions item
  std::string current_state;   // deleted_terminating, deleted_running...
  std::string previous_state;
  std::string error_code;      // UnsuccessfulFleetDeletions: fleetIdDoesNotExist, fleetNotInDeletableState...
  std::string error_message;
};
Result<std::vector<FleetDeletion>> parse_delete_fleets(std::string_view xml);

struct FleetDescription {
  std::string fleet_id;
  std::string type;             // maintain, request, instant
  std::string state;            // submitted, active, modifying, deleted, deleted_running, deleted_terminating, failed
  std::string activity_status;  // fulfilled, pending_fulfillment, pending_termination, error; may be empty
  std::string create_time;      // ISO 8601 as EC2 gives it
  int total_target = 0;
  int spot_target = 0;
  int on_demand_target = 0;
  double fulfilled = 0;
  double fulfilled_on_demand = 0;
  std::vector<std::string> launch_template_ids;
  Tags tags;

  bool deleted() const { return state.starts_with("deleted") || state == "failed"; }
};

struct FleetsPage {
  std::vector<FleetDescription> fleets;
  std::string next_token;
};
// DescribeFleets: these ids (none: every fleet), a page after next_token.
Params describe_fleets_params(const std::vector<std::string>& fleet_ids, const std::string& next_token);
Result<FleetsPage> parse_describe_fleets(std::string_view xml);

struct ActiveFleetInstance {
  std::string instance_id;
  std::string instance_type;
  std::string spot_request_id;  // "" for an on-demand member
  std::string health;
};
struct FleetInstancesPage {
  std::vector<ActiveFleetInstance> instances;
  std::string next_token;
};
Params describe_fleet_instances_params(const std::string& fleet_id, const std::string& next_token);
Result<FleetInstancesPage> parse_describe_fleet_instances(std::string_view xml);

struct FleetHistoryRecord {
  std::string timestamp;   // ISO 8601
  std::string event_type;  // instance-change, fleet-change, service-error
  std::string sub_type;    // launched, terminated, termination_notified, active, modify_succeeded...
  std::string instance_id;
  std::string description;
};
struct FleetHistoryPage {
  std::vector<FleetHistoryRecord> records;
  std::string next_token;
};
// DescribeFleetHistory since start_time (RFC 3339), a page after next_token.
Params describe_fleet_history_params(const std::string& fleet_id, const std::string& start_time,
                                     const std::string& next_token);
Result<FleetHistoryPage> parse_describe_fleet_history(std::string_view xml);

}  // namespace spawn::aws::ec2
