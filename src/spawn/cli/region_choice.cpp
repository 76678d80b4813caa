#include "spawn/cli/region_choice.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "spawn/aws/config/partitions.hpp"
#include "spawn/aws/ec2/regions.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/prices.hpp"
#include "spawn/model/spot_rank.hpp"

namespace spawn::cli {

std::string anchor_region(const std::string& region) {
  return std::string(aws::config::partition_of(region).iam_region);
}

std::string mixed_partitions(const std::vector<std::string>& regions, const std::string& flag) {
  for (const auto& region : regions) {
    const auto& first = aws::config::partition_of(regions.front());
    const auto& other = aws::config::partition_of(region);
    if (other.id != first.id)
      return fmt::format("{}: {} ({}) and {} ({}) are in different AWS partitions, and an account belongs to "
                         "one: use them in separate commands",
                         flag, regions.front(), first.id, region, other.id);
  }
  return "";
}

int check_regions(const Session& session, const std::vector<std::string>& regions) {
  auto listed = aws::ec2::describe_regions(session.ec2(anchor_region(regions.front())), aws::ec2::AllRegions::yes);
  if (!listed) {
    print_error(listed.error());
    return k_exit_failure;
  }
  for (const auto& region : regions) {
    auto it = std::find_if(listed->begin(), listed->end(), [&](const auto& r) { return r.name == region; });
    if (it == listed->end()) {
      print_failure(fmt::format("unknown region '{}': EC2 does not list it", region));
      fmt::print(stderr, "spawn: hint: aws ec2 describe-regions --all-regions lists the region names\n");
      return k_exit_failure;
    }
    if (!it->enabled()) {
      print_failure(fmt::format("region '{}' is not enabled for this account", region));
      fmt::print(stderr, "spawn: hint: enable it in the AWS console (Account > AWS Regions) first\n");
      return k_exit_failure;
    }
  }
  return k_exit_ok;
}

aws::Result<std::vector<std::string>> enabled_regions(const Session& session, const std::string& region) {
  auto listed = aws::ec2::describe_regions(session.ec2(anchor_region(region)), aws::ec2::AllRegions::no);
  if (!listed) return unexpected(listed.error());
  std::vector<std::string> out;
  for (const auto& r : *listed)
    if (r.enabled()) out.push_back(r.name);
  std::sort(out.begin(), out.end());
  return out;
}

aws::Result<Scores> placement_scores(const Session& session, const std::vector<std::string>& types, int count,
                                     const std::vector<std::string>& regions, bool single_az) {
  Scores out;
  auto ec2 = session.ec2(regions.front());
  for (const auto& type : types) {
    for (size_t start = 0; start < regions.size(); start += 10) {
      const std::vector<std::string> some(regions.begin() + static_cast<long>(start),
                                          regions.begin() + static_cast<long>(std::min(regions.size(), start + 10)));
      auto scored = ec2.get_spot_placement_scores({type}, count, some, single_az);
      if (!scored) return unexpected(scored.error());
      for (const auto& s : *scored) out[{single_az ? s.availability_zone_id : s.region, type}] = s.score;
    }
  }
  return out;
}

RegionOrder order_regions(const Session& session, const std::vector<std::string>& types, int count,
                          const std::vector<std::string>& regions) {
  std::vector<aws::pricing::RegionQuery> queries;
  for (const auto& region : regions) queries.push_back({region, types, types});
  auto on_demand = on_demand_prices(session, regions.front());
  auto report = find_prices(session, queries, *on_demand);
  auto scores = placement_scores(session, types, count, regions);
  std::vector<model::RankRow> rows;
  for (const auto& region : regions)
    for (const auto& type : types) {
      std::optional<int> score;
      if (scores)
        if (auto it = scores->find({region, type}); it != scores->end()) score = it->second;
      auto quote = report.book.find({region, type});
      rows.push_back({region, type,
                      quote == report.book.end() ? std::nullopt : model::hourly_price(quote->second, model::Market::spot),
                      score});
    }
  rows = model::rank_spot(std::move(rows));
  RegionOrder out;
  out.why = model::why_first(rows);
  out.scored = scores.has_value();
  for (const auto& r : rows)
    if (std::find(out.regions.begin(), out.regions.end(), r.region) == out.regions.end()) out.regions.push_back(r.region);
  return out;
}

}  // namespace spawn::cli
