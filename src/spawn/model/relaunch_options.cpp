#include "spawn/model/relaunch_options.hpp"

#include <charconv>
#include <string>

namespace spawn::model {

std::string_view to_string(Rebalance value) {
  switch (value) {
    case Rebalance::checkpoint: return "checkpoint";
    case Rebalance::move: return "move";
  }
  return "checkpoint";
}

expected<Rebalance, UsageError> parse_rebalance(std::string_view text) {
  for (auto value : k_rebalances)
    if (text == to_string(value)) return value;
  return unexpected(UsageError{"--rebalance: expected checkpoint or move, got '" + std::string(text) + "'"});
}

expected<int, UsageError> parse_relaunch(std::string_view text) {
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || n < 1 || n > k_max_relaunches)
    return unexpected(UsageError{"--relaunch: expected the most relaunches per index, 1 to " +
                                     std::to_string(k_max_relaunches) + ", got '" + std::string(text) + "'",
                                 "each relaunch is a new instance billed; an index interrupted more often is better "
                                 "moved to other types or regions"});
  return n;
}

}  // namespace spawn::model
