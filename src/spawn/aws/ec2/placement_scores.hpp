#pragma once
// GetSpotPlacementScores: how likely EC2 is to fulfil a spot request of `target_capacity`
// instances of these types, 1 (unlikely) to 10 (very likely), per region (or per AZ). Pure request
// builder and reply parser. EC2 scores the types together; spawn asks one type at a time.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spawn/aws/ec2/types.hpp"
#include "spawn/aws/error.hpp"

namespace spawn::aws::ec2 {

struct PlacementScore {
  std::string region;
  std::string availability_zone_id;  // "" unless asked per AZ
  int score = 0;                     // 1..10
};

// At most 10 regions per request (EC2's limit); MaxResults 100; NextToken when paging.
Params get_spot_placement_scores_params(const std::vector<std::string>& instance_types, int target_capacity,
                                        const std::vector<std::string>& regions, bool single_availability_zone,
                                        std::string_view next_token);
// One page and its nextToken ("" on the last page).
Result<std::pair<std::vector<PlacementScore>, std::string>> parse_get_spot_placement_scores(std::string_view xml);

}  // namespace spawn::aws::ec2
