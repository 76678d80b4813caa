#include "spawn/aws/pricing/spot.hpp"

#include <fmt/format.h>

namespace spawn::aws::pricing {

Result<std::map<std::string, model::SpotPrices>> latest_spot_prices(const std::vector<ec2::SpotPrice>& history) {
  struct Newest {
    util::SystemTime at;
    model::Usd price;
  };
  std::map<std::pair<std::string, std::string>, Newest> newest;  // (type, AZ)
  for (const auto& entry : history) {
    auto price = model::Usd::parse(entry.price);
    if (!price)
      return unexpected(local_error("InvalidReply", fmt::format("DescribeSpotPriceHistory: spot price '{}' of {} in {} "
                                                                "is not a decimal",
                                                                entry.price, entry.instance_type, entry.availability_zone)));
    auto at = util::parse_rfc3339(entry.timestamp);
    if (!at)
      return unexpected(local_error("InvalidReply", fmt::format("DescribeSpotPriceHistory: timestamp '{}' is not a date",
                                                                entry.timestamp)));
    auto [it, inserted] = newest.try_emplace({entry.instance_type, entry.availability_zone}, Newest{*at, *price});
    if (!inserted && *at > it->second.at) it->second = Newest{*at, *price};
  }
  std::map<std::string, model::SpotPrices> out;
  for (const auto& [key, n] : newest) out[key.first].by_zone[key.second] = n.price;
  return out;
}

Result<std::map<std::string, model::SpotPrices>> current_spot_prices(const ec2::Client& ec2,
                                                                     const std::vector<std::string>& instance_types,
                                                                     util::SystemTime now) {
  if (instance_types.empty()) return std::map<std::string, model::SpotPrices>{};
  auto history = ec2.describe_spot_price_history(instance_types, util::format_rfc3339(now - std::chrono::hours(1)));
  if (!history) return unexpected(history.error());
  return latest_spot_prices(*history);
}

}  // namespace spawn::aws::pricing
