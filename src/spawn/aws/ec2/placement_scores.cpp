#include "spawn/aws/ec2/placement_scores.hpp"

#include <cstdlib>

#include "spawn/aws/ec2/requests.hpp"
#include "spawn/aws/ec2/xml_reply.hpp"

namespace spawn::aws::ec2 {

Params get_spot_placement_scores_params(const std::vector<std::string>& instance_types, int target_capacity,
                                        const std::vector<std::string>& regions, bool single_availability_zone,
                                        std::string_view next_token) {
  Params p;
  append_list(p, "InstanceType", instance_types);
  p.emplace_back("TargetCapacity", std::to_string(target_capacity));
  p.emplace_back("TargetCapacityUnitType", "units");
  if (single_availability_zone) p.emplace_back("SingleAvailabilityZone", "true");
  append_list(p, "RegionName", regions);
  p.emplace_back("MaxResults", "100");
  if (!next_token.empty()) p.emplace_back("NextToken", std::string(next_token));
  return p;
}

Result<std::pair<std::vector<PlacementScore>, std::string>> parse_get_spot_placement_scores(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "GetSpotPlacementScoresResponse");
  if (!root) return unexpected(root.error());
  std::vector<PlacementScore> out;
  for (pugi::xml_node item : root->child("spotPlacementScoreSet").children("item")) {
    const int score = std::atoi(item.child_value("score"));
    if (score < 1 || score > 10) continue;  // not a score EC2 gives
    out.push_back({item.child_value("region"), item.child_value("availabilityZoneId"), score});
  }
  return std::pair{std::move(out), std::string(root->child_value("nextToken"))};
}

}  // namespace spawn::aws::ec2
