#pragma once
// DescribeRegions: which regions exist and which this account may use (`spawn list
// --all-regions`, checking a region name given to `spawn price`); DescribeAvailabilityZones: the
// names of a region's AZs and their account-independent ids (`spawn price --az`: placement
// scores come per AZ id, prices per AZ name, and the mapping differs between accounts).
#include <string>
#include <string_view>
#include <vector>

#include "spawn/aws/ec2/client.hpp"

namespace spawn::aws::ec2 {

struct RegionInfo {
  std::string name;           // "us-east-1"
  std::string opt_in_status;  // "opt-in-not-required" | "opted-in" | "not-opted-in" ("" when EC2 says nothing)

  // A region this account can use: EC2 lists those without AllRegions; an opt-in region the
  // account has not opted into is listed only with it.
  bool enabled() const { return opt_in_status != "not-opted-in"; }
};

enum class AllRegions { no, yes };

// DescribeRegions parameters: AllRegions=true lists the regions not enabled for the account too.
Params describe_regions_params(AllRegions all);
// DescribeRegionsResponse (not paged).
Result<std::vector<RegionInfo>> parse_describe_regions(std::string_view xml);
// DescribeRegions through the client (sent to its region's endpoint).
Result<std::vector<RegionInfo>> describe_regions(const Client& ec2, AllRegions all);

struct ZoneInfo {
  std::string name;     // "us-east-1b" (this account's name for it)
  std::string zone_id;  // "use1-az2" (the same AZ in every account)
  std::string state;    // "available" | ...
};

// DescribeAvailabilityZonesResponse (not paged): the AZs of the client's region (zone type
// availability-zone; local and wavelength zones are left out).
Result<std::vector<ZoneInfo>> parse_describe_availability_zones(std::string_view xml);
Result<std::vector<ZoneInfo>> describe_availability_zones(const Client& ec2);

}  // namespace spawn::aws::ec2
