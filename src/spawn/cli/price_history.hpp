#pragma once
// What `spawn price` shows of the user's own interruption history: per (region, type), the
// interruptions per 100 instance-hours spored logged in the last 30 days (model::aggregate_history
// over the event log of spawn's bucket, read through cli/history_reader and its cache). Only when
// spawn knows a bucket ('spawn agent upload'); nothing is asked otherwise.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spawn/cli/session.hpp"

namespace spawn::cli {

inline constexpr std::chrono::hours k_price_history_window{24 * 30};

struct PriceHistory {
  bool read = false;        // the log was read (spawn knows a bucket and could list it)
  std::string problem;      // why it could not be read, "" when it was or when there is no bucket
  // (region, or AZ with by_az, type) -> interruptions per 100 instance-hours; absent: no hour observed.
  std::map<std::pair<std::string, std::string>, double> rates;

  std::optional<double> rate(const std::string& where, const std::string& type) const;
};

PriceHistory price_history(const Session& session, const std::vector<std::string>& regions, bool by_az = false);

}  // namespace spawn::cli
