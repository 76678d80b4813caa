#pragma once
// What spored learns about its instance from the metadata service: its identity when it starts,
// and the job array's tags, read again while it runs (spawn adds the index after the launch).
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
  std::map<std::string, std::string> tags;  // the wanted instance tags that exist
  bool tags_exposed = false;                // false when instance tags are not in the metadata (404)
};

// Reads instance-id, placement/region, instance-life-cycle and, of tag_keys, those the instance
// has (tags/instance lists them; 404 there means tags are not exposed in the metadata: none).
// The first error stops it; the caller tries again at the next poll.
aws::Result<InstanceFacts> discover_instance(aws::imds::Client& imds, const std::vector<std::string>& tag_keys);

// The tags of tag_keys the instance has now; nullopt when tags are not exposed in the metadata.
aws::Result<std::optional<std::map<std::string, std::string>>> read_instance_tags(aws::imds::Client& imds,
                                                                               const std::vector<std::string>& tag_keys);

}  // namespace spawn::agent
