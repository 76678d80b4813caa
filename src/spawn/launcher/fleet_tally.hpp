#pragma once
// What an instant EC2 Fleet's reply gave against what was asked, and the report of a shortfall
// (pure): the fleet route of spawn launch and a member's replacement (launcher/relaunch) read
// replies the same way.
#include <string>
#include <string_view>
#include <vector>

#include "spawn/aws/ec2/fleet.hpp"

namespace spawn::launcher {

// What one CreateFleet reply gave against what was asked (pure).
struct FleetTally {
  int spot_wanted = 0;
  int spot_got = 0;
  int on_demand_wanted = 0;
  int on_demand_got = 0;
  std::vector<aws::ec2::FleetError> spot_errors;
  std::vector<aws::ec2::FleetError> on_demand_errors;

  int spot_missing() const { return spot_wanted > spot_got ? spot_wanted - spot_got : 0; }
  int on_demand_missing() const { return on_demand_wanted > on_demand_got ? on_demand_wanted - on_demand_got : 0; }
  // Missing spot capacity may fall back when EC2 gave no other reason than capacity.
  bool spot_short_of_capacity_only() const;
  // The code explaining the missing spot capacity: the first spot error's, or
  // UnfulfillableCapacity when EC2 named none.
  std::string spot_code() const;
};

FleetTally tally_fleet(const aws::ec2::CreateFleetResult& reply, int spot_wanted, int on_demand_wanted);

// "spot 4 of 6 (m7i.large: InsufficientInstanceCapacity: We currently ...)": one part of the
// failure report; at most three errors are spelled out.
std::string describe_part(std::string_view label, int got, int wanted, const std::vector<aws::ec2::FleetError>& errors);

}  // namespace spawn::launcher
