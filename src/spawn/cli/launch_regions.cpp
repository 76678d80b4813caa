#include "spawn/cli/launch_regions.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "spawn/cli/output.hpp"
#include "spawn/cli/region_choice.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/model/price_query.hpp"

namespace spawn::cli {

expected<std::vector<std::string>, model::UsageError> read_launch_regions(const std::vector<std::string>& args,
                                                                          const model::LaunchOptions& options,
                                                                          const GlobalOptions& global) {
  std::vector<std::string> regions;
  for (const auto& arg : args) {
    size_t start = 0;
    while (true) {
      const size_t comma = arg.find(',', start);
      const std::string one = arg.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (one.empty()) return unexpected(model::UsageError{"--regions: an empty region name in '" + arg + "'", ""});
      if (one != k_all_enabled_regions && !model::is_region_name(one))
        return unexpected(model::UsageError{"--regions: '" + one + "' is not a region name (us-east-1, eu-west-1, ...)", ""});
      if (std::find(regions.begin(), regions.end(), one) == regions.end()) regions.push_back(one);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (regions.empty()) return regions;
  const bool all = std::find(regions.begin(), regions.end(), k_all_enabled_regions) != regions.end();
  if (all && regions.size() > 1)
    return unexpected(model::UsageError{"--regions: 'auto' (every enabled region) stands alone", ""});
  if (!options.spot.enabled)
    return unexpected(model::UsageError{"--regions: needs --spot (it chooses where spot capacity is likely)", ""});
  if (global.region) return unexpected(model::UsageError{"--regions: not with --region", ""});
  if (options.ami)
    return unexpected(model::UsageError{"--regions: not with --ami: an AMI id belongs to one region (spawn finds the "
                                        "latest Amazon Linux 2023 in the region it launches in)",
                                        ""});
  if (!options.subnet_ids.empty() || !options.security_group_ids.empty())
    return unexpected(model::UsageError{"--regions: not with --subnet-id or --security-group-ids, which belong to one "
                                        "region",
                                        ""});
  if (!all)
    if (auto mixed = mixed_partitions(regions); !mixed.empty()) return unexpected(model::UsageError{mixed, ""});
  return regions;
}

std::optional<std::vector<std::string>> order_launch_regions(const GlobalOptions& global,
                                                             const std::vector<std::string>& regions,
                                                             const model::LaunchOptions& options) {
  GlobalOptions first = global;
  if (regions.front() != k_all_enabled_regions) first.region = regions.front();
  auto session = Session::open(first);
  if (!session) {
    report_open_failure(session.error());
    return std::nullopt;
  }
  std::vector<std::string> named = regions;
  if (regions.front() == k_all_enabled_regions) {
    auto enabled = enabled_regions(*session, session->region());
    if (!enabled) {
      print_error(enabled.error());
      return std::nullopt;
    }
    named = *enabled;
  } else if (check_regions(*session, named) != k_exit_ok) {
    return std::nullopt;
  }
  const RegionOrder order = order_regions(*session, options.all_instance_types(), options.count, named);
  std::vector<std::string> rest(order.regions.begin() + 1, order.regions.end());
  fmt::print(stderr, "spawn: launching in {}: {}{}\n", order.regions.front(), order.why,
             rest.empty() ? "" : fmt::format("; then {} if it has no spot capacity", fmt::join(rest, ", ")));
  return order.regions;
}

}  // namespace spawn::cli
