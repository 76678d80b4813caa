// The price alert's handler of Handlers (handlers.hpp): tell the owner the pool's spot price
// went above the alert, or is back.
#include <fmt/format.h>

#include "spawn/agent/handlers.hpp"

namespace spawn::agent {

void Handlers::price_change(const PriceCrossing& crossing) {
  const InstanceFacts i = instance();
  const bool above = crossing.change == model::AlertChange::crossed;
  const std::string price = "$" + crossing.price.text() + "/h", threshold = "$" + crossing.threshold.text() + "/h";
  nlohmann::json body = {{"source", "spored"},
                         {"event", above ? "price_alert" : "price_alert_over"},
                         {"instance_id", i.instance_id},
                         {"region", i.region},
                         {"instance_type", i.instance_type},
                         {"availability_zone", i.availability_zone},
                         {"spot_hourly", crossing.price.text()},
                         {"alert_above", crossing.threshold.text()},
                         {"state", std::string(model::to_string(crossing.change))},
                         {"at", util::format_rfc3339(crossing.at)}};
  add_job_array(body, i);
  // SNS keeps 100 characters of a subject: the pool is in the body.
  const std::string subject =
      above ? fmt::format("spawn: spot price {} above your alert {} on {}", price, threshold, i.instance_id)
            : fmt::format("spawn: spot price back at {}, under your alert {}, on {}", price, threshold, i.instance_id);
  m_notifier.send(m_ctx.config.notify, Message{subject, body.dump()}, m_ctx.clocks.steady());
  nlohmann::json fields = {{"spot_hourly", crossing.price.text()},
                           {"alert_above", crossing.threshold.text()},
                           {"instance_type", i.instance_type},
                           {"availability_zone", i.availability_zone},
                           {"notified", m_ctx.config.notify.size()}};
  if (above) m_ctx.log->warning("price_alert_crossed", fields);
  else m_ctx.log->info("price_alert_back", fields);
  m_notifier.wait_until(m_ctx.clocks.steady() + m_ctx.notify_wait);
}

}  // namespace spawn::agent
