#pragma once
// EC2 shapes spawn uses, as plain data.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spawn/model/job_array.hpp"

namespace spawn::aws::ec2 {

using Params = std::vector<std::pair<std::string, std::string>>;
using Tags = std::map<std::string, std::string>;

struct Filter {
  std::string name;
  std::vector<std::string> values;
};

struct Instance {
  std::string instance_id;
  std::string instance_type;
  std::string state;  // pending | running | shutting-down | terminated | stopping | stopped
  std::string availability_zone;
  std::string lifecycle;  // "spot" or "on-demand" (EC2's instanceLifecycle; absent means on-demand)
  std::string launch_time;  // ISO 8601 as EC2 gives it
  std::string image_id;
  std::string key_name;  // the EC2 key pair it was launched with, "" when none
  std::string private_ip;
  std::string public_ip;
  std::string subnet_id;  // "" when EC2 names none
  std::string spot_request_id;
  int ami_launch_index = 0;
  std::string iam_instance_profile_arn;  // "" when it runs without one
  std::string state_transition_reason;   // "User initiated (2026-12-04 06:13:53 GMT)" after a stop
  std::string state_reason_code;         // stateReason: "Server.SpotInstanceTermination" after an interruption
  bool hibernation_configured = false;   // hibernationOptions.configured: StopInstances may hibernate
  Tags tags;

  bool spot() const { return lifecycle == "spot"; }
  // Its index in its job array and the name spawn shows for it: a member of a shared-tag launch
  // is numbered by its ami-launch-index (model/job_array.hpp).
  std::optional<int> job_array_index() const { return model::job_array_index(tags, ami_launch_index); }
  std::string name() const { return model::member_name(tags, ami_launch_index); }
};

struct Reservation {
  std::string reservation_id;
  std::string owner_id;  // the account
  std::vector<Instance> instances;
};

struct StateChange {
  std::string instance_id;
  std::string previous_state;
  std::string current_state;
};

struct InstanceTypeInfo {
  std::string instance_type;
  std::vector<std::string> architectures;  // "x86_64", "arm64", ...
  int vcpus = 0;
  long long memory_mib = 0;
  bool hibernation_supported = false;
  std::vector<std::string> usage_classes;  // "on-demand", "spot"
};

// One spot instance request (DescribeSpotInstanceRequests).
struct SpotRequest {
  std::string request_id;
  std::string type;   // one-time | persistent
  std::string state;  // open | active | closed | cancelled | failed | disabled
  std::string instance_id;
  std::string valid_until;
  Tags tags;

  // Whether EC2 may still launch an instance for it (a persistent request that is not over).
  bool can_launch_again() const { return type == "persistent" && (state == "open" || state == "active" || state == "disabled"); }
};

// What spawn asks of RunInstances.
struct RunInstancesInput {
  std::string image_id;
  std::string instance_type;
  int count = 1;  // MinCount = MaxCount: a job array is all or nothing
  std::string client_token;
  std::optional<std::string> key_name;
  std::optional<std::string> subnet_id;
  std::vector<std::string> security_group_ids;
  std::optional<std::string> user_data_base64;
  std::optional<std::string> iam_instance_profile;  // name or ARN
  Tags tags;  // applied to the instances and their volumes at launch
  bool dry_run = false;
  // InstanceInitiatedShutdownBehavior: what a power-off from inside the instance does; "" sends
  // nothing (EC2's default is "stop": the instance and its volumes stay billed).
  std::string shutdown_behavior;
  // Spot (InstanceMarketOptions); absent for on-demand.
  struct Spot {
    std::optional<std::string> max_price;
    std::string request_type = "one-time";                  // one-time | persistent
    std::string interruption_behavior = "terminate";        // terminate | stop | hibernate
    std::optional<std::string> valid_until;                 // RFC 3339; persistent requests only
    Tags request_tags;  // on the spot instance request (TagSpecification spot-instances-request)
  };
  std::optional<Spot> spot;
  bool hibernation = false;  // HibernationOptions.Configured
  std::optional<int> root_volume_gib;  // with an encrypted gp3 root (hibernation)
  std::string root_device_name = "/dev/xvda";
};

}  // namespace spawn::aws::ec2
