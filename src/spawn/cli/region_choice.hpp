#pragma once
// Which region to ask for spot first: the regions named by `spawn price --regions` and
// `spawn launch --spot --regions`, checked (they exist, are enabled, are in one partition), EC2's
// placement scores per (region, type), and the order `spawn launch --regions` tries them in
// (model::rank_spot over prices and scores: the region of the best (region, type) first).
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "spawn/aws/error.hpp"
#include "spawn/cli/session.hpp"

namespace spawn::cli {

// (region, type) -> EC2's spot placement score for that type alone.
using Scores = std::map<std::pair<std::string, std::string>, int>;

// The partition's region where every account can call DescribeRegions: its oldest, where IAM
// signs too (us-east-1, cn-north-1, us-gov-west-1).
std::string anchor_region(const std::string& region);

// An account, and so its credentials, lives in one partition: regions of two cannot be used
// together. The usage error naming two of them, or "" when all are in one.
std::string mixed_partitions(const std::vector<std::string>& regions, const std::string& flag = "--regions");

// Each region named must exist and be enabled for the account: exit 1 and one line otherwise.
int check_regions(const Session& session, const std::vector<std::string>& regions);

// The regions enabled for the account, in the partition of `region` (`--regions auto`).
aws::Result<std::vector<std::string>> enabled_regions(const Session& session, const std::string& region);

// One GetSpotPlacementScores per type (EC2 scores a set of types together; each row is one
// type), the regions 10 at a time (EC2's limit), asked in the first region. Keyed by region, or
// with single_az by EC2's AZ id (SingleAvailabilityZone: a score per AZ).
aws::Result<Scores> placement_scores(const Session& session, const std::vector<std::string>& types, int count,
                                     const std::vector<std::string>& regions, bool single_az = false);

struct RegionOrder {
  std::vector<std::string> regions;  // every region given, the one to try first first
  std::string why;                   // model::why_first of the ranking
  bool scored = false;               // EC2 gave placement scores (else: by price alone)
};

// The order to try regions in for a spot launch of count instances of these types: prices
// (Price List API or its fallback, spot prices per region) and placement scores, ranked by
// model::rank_spot; a region is placed by its best type. Never fails: what could not be asked
// (placement scores denied, no spot price) ranks last, and the regions keep their given order.
RegionOrder order_regions(const Session& session, const std::vector<std::string>& types, int count,
                          const std::vector<std::string>& regions);

}  // namespace spawn::cli
