#include "spawn/aws/ec2/spot_prices.hpp"

#include <cstdlib>

#include "spawn/aws/ec2/requests.hpp"
#include "spawn/aws/ec2/xml_reply.hpp"

namespace spawn::aws::ec2 {

Params describe_spot_price_history_params(const std::vector<std::string>& instance_types, std::string_view product,
                                          std::string_view start_time, const std::optional<std::string>& availability_zone,
                                          std::string_view next_token) {
  Params p;
  append_list(p, "InstanceType", instance_types);
  p.emplace_back("ProductDescription.1", std::string(product));
  if (!start_time.empty()) p.emplace_back("StartTime", std::string(start_time));
  if (availability_zone) p.emplace_back("AvailabilityZone", *availability_zone);
  p.emplace_back("MaxResults", "1000");
  if (!next_token.empty()) p.emplace_back("NextToken", std::string(next_token));
  return p;
}

Result<std::pair<std::vector<SpotPrice>, std::string>> parse_describe_spot_price_history(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "DescribeSpotPriceHistoryResponse");
  if (!root) return unexpected(root.error());
  std::vector<SpotPrice> out;
  for (pugi::xml_node item : root->child("spotPriceHistorySet").children("item")) {
    out.push_back({item.child_value("instanceType"), item.child_value("availabilityZone"),
                   item.child_value("productDescription"), item.child_value("spotPrice"), item.child_value("timestamp")});
  }
  return std::pair{std::move(out), std::string(root->child_value("nextToken"))};
}

std::map<std::string, SpotPrice> lowest_current_prices(const std::vector<SpotPrice>& history) {
  // Newest per (type, AZ): ISO 8601 timestamps of one format compare as strings.
  std::map<std::pair<std::string, std::string>, SpotPrice> newest;
  for (const auto& p : history) {
    auto key = std::pair{p.instance_type, p.availability_zone};
    auto it = newest.find(key);
    if (it == newest.end() || p.timestamp > it->second.timestamp) newest[key] = p;
  }
  std::map<std::string, SpotPrice> lowest;
  for (const auto& [key, p] : newest) {
    auto it = lowest.find(key.first);
    if (it == lowest.end() || std::strtod(p.price.c_str(), nullptr) < std::strtod(it->second.price.c_str(), nullptr))
      lowest[key.first] = p;
  }
  return lowest;
}

std::string trim_price(std::string_view price) {
  std::string s(price);
  auto dot = s.find('.');
  if (dot == std::string::npos) return s;
  while (s.size() > dot + 2 && s.back() == '0') s.pop_back();
  return s;
}

}  // namespace spawn::aws::ec2
