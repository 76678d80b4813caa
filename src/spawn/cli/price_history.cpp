#include "spawn/cli/price_history.hpp"

#include <cmath>

#include "spawn/aws/config/environment.hpp"
#include "spawn/cli/history_reader.hpp"
#include "spawn/model/history.hpp"

namespace spawn::cli {

std::optional<double> PriceHistory::rate(const std::string& where, const std::string& type) const {
  auto it = rates.find({where, type});
  if (it == rates.end()) return std::nullopt;
  return it->second;
}

PriceHistory price_history(const Session& session, const std::vector<std::string>& regions, bool by_az) {
  PriceHistory out;
  const auto env = aws::config::process_environment();
  auto bucket = event_log_bucket(env);
  if (!bucket) {
    out.problem = bucket.error();
    return out;
  }
  if (!*bucket) return out;
  const auto now = std::chrono::system_clock::now();
  const HistoryRequest request = history_request(**bucket, regions, now - k_price_history_window, now, env);
  auto read = read_history(session.s3((*bucket)->bucket, (*bucket)->region), request);
  if (!read) {
    out.problem = "the event log s3://" + (*bucket)->bucket + " could not be read: " + read.error().describe();
    return out;
  }
  out.read = true;
  model::HistoryQuery query;
  query.by = by_az ? model::HistoryGrouping::az : model::HistoryGrouping::type;
  query.now = now;
  query.since = request.from;
  for (const auto& g : model::aggregate_history(read->events, query))
    if (g.interruptions_per_100_hours)
      // Two decimals, as spawn history shows it.
      out.rates[{by_az ? g.availability_zone : g.region, g.instance_type}] =
          std::round(*g.interruptions_per_100_hours * 100.0) / 100.0;
  return out;
}

}  // namespace spawn::cli
