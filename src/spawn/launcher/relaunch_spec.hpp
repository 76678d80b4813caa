#pragma once
// What a launch with --relaunch records for its members' replacements (pure): the launch
// template's name, the config's "relaunch" object, and how a replacement's request is chosen
// (its pools, its ClientToken, whether one may be launched at all). The request itself:
// launcher/relaunch.hpp.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/aws/ec2/fleet.hpp"
#include "spawn/util/expected.hpp"
#include "spawn/util/time.hpp"

namespace spawn::launcher {

inline constexpr const char* k_relaunch_template_prefix = "spawn-relaunch-";

// The launch template of a launch with --relaunch.
std::string relaunch_template_name(std::string_view launch_id);
// The launch id of such a template's name ("" for another name).
std::string launch_of_relaunch_template(std::string_view name);

// What a member's spored needs to ask for its replacement (the config's "relaunch" object).
struct RelaunchSpec {
  int max = 0;                              // relaunches per index (--relaunch N)
  std::string launch_id;                    // its template: relaunch_template_name(launch_id)
  std::string job_array_id;                 // "" for a single instance
  std::string name;                         // the array's name: members are NAME-K; "" for a single instance
  std::vector<std::string> instance_types;  // in the order given
  std::vector<std::string> subnet_ids;      // none: EC2 picks in the default VPC
  std::optional<std::string> max_price;     // --spot-max-price
  bool fallback = false;                    // --spot-fallback: on demand when spot capacity is missing
  std::string allocation_strategy = "price-capacity-optimized";
  bool move = false;                        // --rebalance move: replaced on the rebalance recommendation
};

nlohmann::json to_json(const RelaunchSpec& spec);
// An error (a sentence) naming the member that is missing or wrong.
expected<RelaunchSpec, std::string> relaunch_spec_from_json(const nlohmann::json& j);

// The relaunch object of the config that a launch's user-data writes (spawn's own script, alone
// or as the first part of a MIME multipart; base64 as EC2 keeps it): what `spawn relaunch` asks
// with, the same as every member's spored. An error (a sentence) when the user-data holds none.
expected<RelaunchSpec, std::string> relaunch_spec_from_user_data(std::string_view user_data_base64);

// The member being replaced, as it knows itself.
struct Outgoing {
  std::string instance_id;
  std::string instance_type;
  std::string availability_zone;
  std::string subnet_id;                     // "" when unknown
  std::optional<int> index;                  // its job-array index
  int generation = 0;                        // spawn:generation (0: the first launch)
  std::optional<std::string> ttl_deadline;   // RFC 3339, its own (after `spawn extend`)
};

// The pools a replacement may use: every type x subnet (spawn launch's order), without the
// outgoing member's own pool (its type in its subnet, or its type when no subnet is named) when
// another remains. MaxPrice on each spot pool when the spec has one.
std::vector<aws::ec2::FleetOverride> replacement_pools(const RelaunchSpec& spec, const Outgoing& out, bool for_spot);

// The ClientToken of the replacement of `out` in one market ("spot" or "on-demand"): the same
// for every attempt, every restart of spored and `spawn relaunch`, so that EC2 launches it once.
std::string replacement_token(const RelaunchSpec& spec, const Outgoing& out, std::string_view market);

// Why no replacement may be launched for `out` now, or nullopt: the bound reached, the TTL
// passed (or less than a minute left).
std::optional<std::string> relaunch_refusal(const RelaunchSpec& spec, const Outgoing& out, util::SystemTime now);

}  // namespace spawn::launcher
