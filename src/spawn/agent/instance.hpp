#pragma once
// What spored learns about its instance from the metadata service: its identity when it starts,
// and the job array's tags, read again while it runs (spawn tags a fleet member's index after
// the launch).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/error.hpp"
#include "spawn/aws/imds/client.hpp"

namespace spawn::agent {

struct InstanceFacts {
  std::string instance_id;
  std::string region;
  std::string lifecycle;                    // instance-life-cycle: "spot", "on-demand", "scheduled"...
  std::optional<int> ami_launch_index;      // its place in its launch call (absent: not given)
  std::map<std::string, std::string> tags;  // the wanted instance tags that exist
  bool tags_exposed = false;                // false when instance tags are not in the metadata (404)
  // Where it runs (read only when it may relaunch itself: discover_placement).
  std::string instance_type;
  std::string availability_zone;
  std::string subnet_id;                    // "" when the metadata names none
};

// Reads instance-id, placement/region, instance-life-cycle and, of tag_keys, those the instance
// has (tags/instance lists them; 404 there means tags are not exposed in the metadata: none).
// The first error stops it; the caller tries again at the next poll.
aws::Result<InstanceFacts> discover_instance(aws::imds::Client& imds, const std::vector<std::string>& tag_keys);

// Adds instance-type, placement/availability-zone and the primary interface's subnet-id (mac,
// then network/interfaces/macs/<mac>/subnet-id) to facts: what a replacement needs to avoid
// the pool just interrupted. The first error stops it.
aws::Result<void> discover_placement(aws::imds::Client& imds, InstanceFacts& facts);

// A member of a shared-tag launch has no spawn:job-array-index tag: its index is the launch's base
// plus its ami-launch-index (model/job_array.hpp). Adds it to tags under spawn:job-array-index, as
// checkpoint scripts and `spored status` see it; a member with its own index tag keeps it.
void resolve_job_array_index(std::map<std::string, std::string>& tags, std::optional<int> ami_launch_index);

// The tags of tag_keys the instance has now; nullopt when tags are not exposed in the metadata.
aws::Result<std::optional<std::map<std::string, std::string>>> read_instance_tags(aws::imds::Client& imds,
                                                                               const std::vector<std::string>& tag_keys);

}  // namespace spawn::agent
