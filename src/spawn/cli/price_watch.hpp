#pragma once
// `spawn price --watch INTERVAL [--alert-above PRICE | --alert-savings-below PCT] [--notify ...]`:
// the rows of `spawn price` fetched again every INTERVAL (from each round's start), each row's
// figure watched by model::AlertState (told once when it crosses, once when it is back), the
// --notify targets told of each change (cli/price_alert_notify). On a terminal a live view
// redrawn each round (Enter: a round now); otherwise each round appended, or one JSON line per
// round with --output json. Ctrl-C or SIGTERM ends it after the current step, exit 0.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "spawn/cli/global_options.hpp"
#include "spawn/cli/price_rows.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/model/price_alert.hpp"
#include "spawn/model/usage_error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::cli {

struct WatchPlan {
  std::chrono::seconds interval{0};
  std::optional<model::AlertRule> rule;
  std::vector<std::string> notify;  // SNS topic ARNs and https:// URLs, each once
};

// --watch, --alert-above, --alert-savings-below, --notify on `spawn price`.
class WatchFlags {
 public:
  void add(CLI::App& app);
  // nullopt without --watch (and none of the others); a usage error for a bad value, both alerts,
  // an alert without --watch, --notify without an alert.
  expected<std::optional<WatchPlan>, model::UsageError> read() const;

 private:
  std::optional<std::string> m_watch, m_alert_above, m_alert_savings_below;
  std::vector<std::string> m_notify;
};

// Watches until SIGINT/SIGTERM; 0 then. The types were checked with EC2 before.
int run_price_watch(const Session& session, const PriceAsk& ask, const WatchPlan& plan, OutputFormat output);

}  // namespace spawn::cli
