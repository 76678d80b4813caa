#include "spawn/model/pool_options.hpp"

#include <regex>

namespace spawn::model {

expected<void, UsageError> validate_pool_name(std::string_view name) {
  static const std::regex k_name(R"([A-Za-z0-9][A-Za-z0-9._-]{0,63})");
  if (!std::regex_match(name.begin(), name.end(), k_name))
    return unexpected(UsageError{"pool name: expected 1 to 64 letters, digits, '-', '_' or '.' (starting with a letter "
                                 "or digit), got '" + std::string(name) + "'"});
  return {};
}

expected<void, UsageError> validate_pool_capacity(int capacity, std::optional<int> spot_count, bool yes) {
  if (capacity < 1)
    return unexpected(UsageError{"--capacity: expected at least 1 instance, got " + std::to_string(capacity),
                                 "to remove a pool and its instances: spawn pool delete NAME"});
  if (capacity > k_pool_capacity_limit)
    return unexpected(UsageError{"--capacity: at most " + std::to_string(k_pool_capacity_limit) + " instances"});
  if (capacity > k_pool_capacity_bound && !yes)
    return unexpected(UsageError{"--capacity " + std::to_string(capacity) + " is more than " +
                                     std::to_string(k_pool_capacity_bound) + " instances kept running",
                                 "add --yes if you mean it"});
  if (spot_count && (*spot_count < 0 || *spot_count > capacity))
    return unexpected(UsageError{"--spot-count: expected 0 to " + std::to_string(capacity) + " (the --capacity), got " +
                                 std::to_string(*spot_count)});
  return {};
}

expected<void, UsageError> validate(const PoolOptions& o) {
  if (auto ok = validate_pool_name(o.name); !ok) return ok;
  if (auto ok = validate_pool_capacity(o.capacity, o.spot_count, o.yes); !ok) return ok;
  if (o.launch.spot.on_interruption == OnInterruption::hibernate)
    return unexpected(UsageError{"--on-interruption hibernate: not in a pool (the fleet replaces an interrupted member; "
                                 "a hibernated one would be kept and billed beside its replacement)"});
  // Launch's own rules, for a launch of the pool's size that is spot (the spot flags apply).
  LaunchOptions launch = o.launch;
  launch.count = o.capacity;
  launch.spot.enabled = true;
  launch.spot.spot_count.reset();  // the pool's --spot-count may be 0; checked above
  return validate(launch);
}

}  // namespace spawn::model
