#include "spawn/cli/price_alert_notify.hpp"

#include "spawn/aws/http/post_json.hpp"
#include "spawn/aws/sns/client.hpp"
#include "spawn/util/url.hpp"

namespace spawn::cli {

std::string shown_target(const std::string& target) {
  if (target.starts_with("arn:")) return target;
  auto url = util::parse_url(target);
  return url ? url->origin() : "<invalid URL>";
}

std::vector<NotifyOutcome> notify_price_alert(const Session& session, const std::vector<std::string>& targets,
                                              const PriceAlertEvent& event) {
  const std::string body = alert_document(event).dump();
  std::vector<NotifyOutcome> out;
  for (const auto& target : targets) {
    NotifyOutcome outcome{shown_target(target), std::nullopt};
    if (target.starts_with("arn:")) {
      auto region = aws::sns::topic_region(target);
      if (!region) {
        outcome.error = "not an SNS topic ARN";
      } else {
        const aws::sns::Client sns(session.service(aws::services::sns, *region));
        auto sent = sns.publish(target, body, aws::sns::clean_subject(alert_subject(event)));
        if (!sent) outcome.error = sent.error().describe();
      }
    } else {
      // The transport's errors never quote the URL here: post_json says it as scheme://host/….
      auto sent = aws::http::post_json(*session.unlogged_transport(), target, body, std::string("spawn/") + SPAWN_VERSION, {});
      if (!sent) outcome.error = sent.error().describe();
    }
    out.push_back(std::move(outcome));
  }
  return out;
}

}  // namespace spawn::cli
