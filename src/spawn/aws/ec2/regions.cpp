#include "spawn/aws/ec2/regions.hpp"

#include "spawn/aws/ec2/xml_reply.hpp"

namespace spawn::aws::ec2 {

Params describe_regions_params(AllRegions all) {
  Params p;
  if (all == AllRegions::yes) p.emplace_back("AllRegions", "true");
  return p;
}

Result<std::vector<RegionInfo>> parse_describe_regions(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "DescribeRegionsResponse");
  if (!root) return unexpected(root.error());
  std::vector<RegionInfo> out;
  for (pugi::xml_node item : root->child("regionInfo").children("item"))
    out.push_back({item.child_value("regionName"), item.child_value("optInStatus")});
  return out;
}

Result<std::vector<RegionInfo>> describe_regions(const Client& ec2, AllRegions all) {
  auto body = ec2.call("DescribeRegions", describe_regions_params(all));
  if (!body) return unexpected(body.error());
  return parse_describe_regions(*body);
}

Result<std::vector<ZoneInfo>> parse_describe_availability_zones(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "DescribeAvailabilityZonesResponse");
  if (!root) return unexpected(root.error());
  std::vector<ZoneInfo> out;
  for (pugi::xml_node item : root->child("availabilityZoneInfo").children("item")) {
    const std::string type = item.child_value("zoneType");
    if (!type.empty() && type != "availability-zone") continue;
    out.push_back({item.child_value("zoneName"), item.child_value("zoneId"), item.child_value("zoneState")});
  }
  return out;
}

Result<std::vector<ZoneInfo>> describe_availability_zones(const Client& ec2) {
  auto body = ec2.call("DescribeAvailabilityZones", {});
  if (!body) return unexpected(body.error());
  return parse_describe_availability_zones(*body);
}

}  // namespace spawn::aws::ec2
