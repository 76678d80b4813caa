#pragma once
// `spawn price`: the types and regions asked for, parsed and checked before any request.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/model/usage_error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::model {

struct PriceQuery {
  std::vector<std::string> instance_types;  // as given, in order, duplicates dropped
  std::vector<std::string> regions;         // empty: the session's region
};

// An EC2 instance type name as EC2 spells them: "m7i.large", "c7i-flex.xlarge", "u-6tb1.metal".
bool is_instance_type_name(std::string_view text);
// An AWS region name: "us-east-1", "ap-southeast-4", "us-gov-west-1".
bool is_region_name(std::string_view text);

// The --instance-type arguments (each comma-separated, repeatable) and --regions arguments
// (likewise; empty when not given). A usage error naming the flag for: no type at all, an empty
// entry ("a,,b", ""), a malformed type or region, --regions given but empty.
expected<PriceQuery, UsageError> parse_price_query(const std::vector<std::string>& instance_type_args,
                                                   const std::optional<std::vector<std::string>>& regions_args);

}  // namespace spawn::model
