#pragma once
// What `spawn pool create` and `spawn pool resize` were asked for, and their validation (pure).
// A pool is N instances kept by one EC2 Fleet of type maintain: K spot (all by default), the
// rest on demand. It has no TTL, job array, fallback or hibernation: the fleet replaces what
// ends, so a member that ends itself (a TTL, --on-complete) would only be replaced.
#include <optional>
#include <string>
#include <string_view>

#include "spawn/model/launch_options.hpp"
#include "spawn/model/usage_error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::model {

// Above this capacity a create or resize needs --yes (a typo of 1000 for 100 is a large bill).
inline constexpr int k_pool_capacity_bound = 100;
// EC2 Fleet's own limit on a fleet's target capacity is in the thousands; spawn stops earlier.
inline constexpr int k_pool_capacity_limit = 10000;

struct PoolOptions {
  std::string name;
  LaunchOptions launch;  // types, AMI, key, subnets, security groups, user data, tags, profile, spot flags
  int capacity = 0;
  std::optional<int> spot_count;  // --spot-count; nullopt: every member spot
  bool yes = false;               // --yes: a capacity above k_pool_capacity_bound is meant

  int spot() const { return spot_count.value_or(capacity); }
};

// A pool's name: 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit (it
// goes into the launch template's name, spawn-pool-NAME, and the tag spawn:pool).
expected<void, UsageError> validate_pool_name(std::string_view name);
// --capacity (1..k_pool_capacity_limit, above k_pool_capacity_bound only with --yes) and
// --spot-count (0..capacity). flag_hint: the command, for the --yes hint.
expected<void, UsageError> validate_pool_capacity(int capacity, std::optional<int> spot_count, bool yes);
// Everything `pool create` can check before a request: the name, the capacity, and the launch
// flags by launch's own rules (model::validate), less those a pool does not take.
expected<void, UsageError> validate(const PoolOptions& options);

}  // namespace spawn::model
