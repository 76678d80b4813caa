#pragma once
// Telling the --notify targets of `spawn price --watch` about a crossing: SNS Publish to a topic
// (in the topic's region, with the user's credentials) or a POST of the same JSON to an https://
// webhook. Each target once, a failure a value: the watch goes on.
#include <optional>
#include <string>
#include <vector>

#include "spawn/cli/price_watch_view.hpp"
#include "spawn/cli/session.hpp"

namespace spawn::cli {

struct NotifyOutcome {
  std::string target;                // as it may be shown: the topic ARN, or scheme://host of a URL
  std::optional<std::string> error;  // why it failed (no secret in it); nullopt when delivered
};

// Sends alert_document(event) to each target (SNS subject alert_subject(event)).
std::vector<NotifyOutcome> notify_price_alert(const Session& session, const std::vector<std::string>& targets,
                                              const PriceAlertEvent& event);

// A target as it may be shown: an ARN as it is, a URL as scheme://host[:port].
std::string shown_target(const std::string& target);

}  // namespace spawn::cli
