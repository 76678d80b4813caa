#pragma once
// DescribeSpotPriceHistory: pure request builder and reply parser, and the current price per
// type. Used to show the going price next to a max price EC2 found too low.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/aws/ec2/types.hpp"
#include "spawn/aws/error.hpp"

namespace spawn::aws::ec2 {

// Linux on-demand-equivalent spot prices (what spawn launches).
inline constexpr const char* k_linux_product = "Linux/UNIX";

struct SpotPrice {
  std::string instance_type;
  std::string availability_zone;
  std::string product_description;
  std::string price;      // USD per hour, as EC2 prints it ("0.030200")
  std::string timestamp;  // ISO 8601
};

// The history of the types from start_time (ISO 8601; "now" gives the prices in effect), one
// product, optionally one AZ; MaxResults 1000, NextToken when paging.
Params describe_spot_price_history_params(const std::vector<std::string>& instance_types, std::string_view product,
                                          std::string_view start_time, const std::optional<std::string>& availability_zone,
                                          std::string_view next_token);
// One page and its nextToken ("" on the last page).
Result<std::pair<std::vector<SpotPrice>, std::string>> parse_describe_spot_price_history(std::string_view xml);

// The current price of each type: the newest entry per AZ, then the cheapest AZ. Types
// without history are absent.
std::map<std::string, SpotPrice> lowest_current_prices(const std::vector<SpotPrice>& history);

// "0.030200" -> "0.0302": trailing zeros off, at least one decimal kept for readability.
std::string trim_price(std::string_view price);

}  // namespace spawn::aws::ec2
