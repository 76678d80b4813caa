#pragma once
// Launch templates and EC2 Fleet (type instant): pure request builders (without Action and
// Version) and reply parsers.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/aws/ec2/types.hpp"
#include "spawn/aws/error.hpp"

namespace spawn::aws::ec2 {

// What spawn puts in the launch template of a fleet launch: everything but the instance type,
// the subnet and the market, which the fleet decides. No InstanceMarketOptions: EC2 Fleet
// refuses templates that carry one.
struct LaunchTemplateInput {
  std::string name;
  std::string client_token;
  std::string image_id;
  std::optional<std::string> key_name;
  std::vector<std::string> security_group_ids;
  std::optional<std::string> user_data_base64;
  std::optional<std::string> iam_instance_profile;  // name or ARN
  Tags instance_tags;  // applied at launch to the instances and their volumes
  Tags template_tags;  // on the template itself (so a leftover one can be found)
  std::string shutdown_behavior;  // InstanceInitiatedShutdownBehavior; "" sends nothing (EC2: stop)
  std::string description = "spawn launch (deleted once the fleet has launched)";  // VersionDescription
  bool dry_run = false;
};

struct LaunchTemplate {
  std::string id;       // "": the template is named by `name` (spored knows only its array's name)
  std::string name;
  std::string version;  // the latest version number, "1" for a new template; "$Latest" by name
};

// CreateLaunchTemplate: IMDSv2 required (hop limit 2, instance tags on), as RunInstances.
Params create_launch_template_params(const LaunchTemplateInput& in);
Result<LaunchTemplate> parse_create_launch_template(std::string_view xml);

// DescribeLaunchTemplateVersions: the UserData (base64) of the first version in the reply; "" when
// it has none; an error when the reply lists no version.
Result<std::string> parse_launch_template_user_data(std::string_view xml);

// One capacity pool of the fleet: a type, optionally in one subnet, optionally capped.
struct FleetOverride {
  std::string instance_type;
  std::optional<std::string> subnet_id;
  std::optional<std::string> max_price;  // spot only; absent: EC2 caps at the on-demand price
};

struct CreateFleetInput {
  LaunchTemplate launch_template;
  std::vector<FleetOverride> overrides;
  int spot_capacity = 0;
  int on_demand_capacity = 0;
  std::string spot_allocation_strategy = "price-capacity-optimized";  // sent whenever spot_capacity > 0
  std::string on_demand_allocation_strategy = "lowest-price";         // sent whenever on_demand_capacity > 0
  std::string client_token;
  Tags instance_tags;  // TagSpecification instance: on the launched instances, with the template's own
  Tags fleet_tags;     // TagSpecification fleet: on the fleet (an IAM policy can require them)
  bool dry_run = false;
};

// CreateFleet Type=instant: TotalTargetCapacity = spot + on-demand with both parts named,
// DefaultTargetCapacityType spot when any spot is asked (else on-demand), the allocation
// strategy of each market asked for, spot interruption behaviour terminate (instant fleets
// cannot stop or hibernate), one override per pool, ClientToken.
// LaunchTemplateConfigs.1 (the template, by id or else by name, and one override per type x
// subnet) of any CreateFleet.
void append_launch_template_config(Params& p, const LaunchTemplate& launch_template,
                                   const std::vector<FleetOverride>& overrides);
Params create_fleet_params(const CreateFleetInput& in);

// One Instances entry of the reply: the instances one pool launched.
struct FleetInstances {
  std::string lifecycle;  // "spot" or "on-demand"
  std::string instance_type;
  std::string subnet_id;
  std::string availability_zone;
  std::vector<std::string> instance_ids;
};

// One Errors entry: a pool that could not give (all) its share. Partial fulfilment is normal.
struct FleetError {
  std::string lifecycle;
  std::string instance_type;
  std::string subnet_id;
  std::string availability_zone;
  std::string code;
  std::string message;
};

struct CreateFleetResult {
  std::string fleet_id;
  std::vector<FleetInstances> instances;
  std::vector<FleetError> errors;
  std::string request_id;

  // Every instance id of one market ("spot" / "on-demand"), in reply order.
  std::vector<std::string> instance_ids(std::string_view lifecycle) const;
};

Result<CreateFleetResult> parse_create_fleet(std::string_view xml);

}  // namespace spawn::aws::ec2
