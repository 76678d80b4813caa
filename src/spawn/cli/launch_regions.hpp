#pragma once
// `spawn launch --spot --regions a,b,c` (or `--regions auto`: every region enabled for the
// account): the launch goes to the region where spot is most likely and cheapest (region_choice:
// placement scores, then price), said on stderr before anything is launched, and falls through to
// the next region on a capacity error. Each attempt is a whole launch of its own, idempotent and
// rolled back when it fails (launcher), so nothing is left in the regions that had no capacity.
#include <optional>
#include <string>
#include <vector>

#include "spawn/cli/global_options.hpp"
#include "spawn/model/launch_options.hpp"
#include "spawn/model/usage_error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::cli {

inline constexpr const char* k_all_enabled_regions = "auto";

// The --regions arguments (comma-separated, repeatable), checked before any request: region names
// or "auto" alone; with --spot; not with --region, --ami, --subnet-id or --security-group-ids
// (each belongs to one region); one partition. Empty when --regions was not given.
expected<std::vector<std::string>, model::UsageError> read_launch_regions(const std::vector<std::string>& args,
                                                                          const model::LaunchOptions& options,
                                                                          const GlobalOptions& global);

// The regions in the order to try them (the first is where the launch goes), after checking they
// exist and are enabled ("auto": listing them), with one line on stderr saying which and why.
// nullopt when that could not be done (the error is printed).
std::optional<std::vector<std::string>> order_launch_regions(const GlobalOptions& global,
                                                             const std::vector<std::string>& regions,
                                                             const model::LaunchOptions& options);

}  // namespace spawn::cli
