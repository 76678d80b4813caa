#pragma once
// Spot prices in effect now, from EC2's DescribeSpotPriceHistory: per type, the newest price of
// each AZ (the cheapest AZ and the spread follow from model::SpotPrices).
#include <map>
#include <string>
#include <vector>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/model/prices.hpp"
#include "spawn/util/time.hpp"

namespace spawn::aws::pricing {

// Pure: the newest entry of each (type, AZ) of a history (any order, any number of pages, any
// product description), by type. Types without entries are absent. InvalidReply when a price
// or a timestamp is malformed.
Result<std::map<std::string, model::SpotPrices>> latest_spot_prices(const std::vector<ec2::SpotPrice>& history);

// DescribeSpotPriceHistory in the client's region for the types, Linux/UNIX, from an hour before
// now (so every AZ's price in effect is in the answer), every page; then latest_spot_prices.
Result<std::map<std::string, model::SpotPrices>> current_spot_prices(const ec2::Client& ec2,
                                                                     const std::vector<std::string>& instance_types,
                                                                     util::SystemTime now);

}  // namespace spawn::aws::pricing
