#include "spawn/model/fallback_prices.hpp"

#include <array>

namespace spawn::model {
namespace {

struct Row {
  std::string_view instance_type;
  std::string_view usd_per_hour;
};

// us-east-1, us-east-2 and us-west-2 have the same list prices for these types.
constexpr std::array k_us = {
    Row{"t3.micro", "0.0104"},   Row{"t3.small", "0.0208"},    Row{"t3.medium", "0.0416"},  Row{"t3.large", "0.0832"},
    Row{"t4g.micro", "0.0084"},  Row{"t4g.small", "0.0168"},   Row{"t4g.medium", "0.0336"}, Row{"m5.large", "0.096"},
    Row{"m5.xlarge", "0.192"},   Row{"m6i.large", "0.096"},    Row{"m7i.large", "0.1008"},  Row{"m7i.xlarge", "0.2016"},
    Row{"m7i.2xlarge", "0.4032"}, Row{"m7g.large", "0.0816"},  Row{"c5.large", "0.085"},    Row{"c7i.large", "0.08925"},
    Row{"c7i.xlarge", "0.1785"}, Row{"c7g.large", "0.0725"},   Row{"r7i.large", "0.1323"},  Row{"g4dn.xlarge", "0.526"},
    Row{"g5.xlarge", "1.006"},   Row{"g5.2xlarge", "1.212"},   Row{"p3.2xlarge", "3.06"},
};
constexpr std::array k_eu_west_1 = {
    Row{"t3.micro", "0.0114"}, Row{"t3.small", "0.0228"}, Row{"t3.medium", "0.0456"}, Row{"m5.large", "0.107"},
    Row{"m5.xlarge", "0.214"}, Row{"c5.large", "0.096"},  Row{"g4dn.xlarge", "0.587"},
};

template <size_t N>
std::optional<Usd> find(const std::array<Row, N>& rows, std::string_view instance_type) {
  for (const auto& r : rows)
    if (r.instance_type == instance_type) return Usd::parse(r.usd_per_hour);
  return std::nullopt;
}

}  // namespace

std::optional<Usd> fallback_on_demand_price(std::string_view region, std::string_view instance_type) {
  if (region == "us-east-1" || region == "us-east-2" || region == "us-west-2") return find(k_us, instance_type);
  if (region == "eu-west-1") return find(k_eu_west_1, instance_type);
  return std::nullopt;
}

}  // namespace spawn::model
