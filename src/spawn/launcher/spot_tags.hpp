#pragma once
// The spot tags of a launch's instances (pure): what every instance of a spot launch carries, and
// each member's market. Used by the launch routes, pools and a member's replacement.
#include "spawn/aws/ec2/types.hpp"
#include "spawn/model/spot_options.hpp"

namespace spawn::launcher {

// Tags of every instance of a spot launch, known at launch: spawn:spot-max-price,
// spawn:on-interruption, spawn:checkpoint-script (when given). Empty for an on-demand launch.
aws::ec2::Tags launch_spot_tags(const model::SpotOptions& spot);
// Tags of one member by market: spawn:spot = true|false, spawn:spot-fallback = true where
// the member is the on-demand replacement of missing spot capacity.
aws::ec2::Tags member_spot_tags(bool spot, bool fell_back);

}  // namespace spawn::launcher
