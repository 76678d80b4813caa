// The daemon's part of --price-alert (agent/price_watch): the watch made when the instance is
// known to be spot and its pool is known, a look on a worker when one is due, a change handed to
// the handlers (price_handlers.cpp).
#include "spawn/agent/daemon.hpp"

namespace spawn::agent {

void Daemon::arm_price_watch() {
  if (!m_config.price_alert || !m_parts.make_price_read) {
    m_price_watch = nullptr;
    return;
  }
  if (m_price_watch && m_price_watch->threshold() == *m_config.price_alert) return;
  if (!m_spot) {
    m_log->info("price_alert_off", {{"why", "an on-demand instance has no spot price to watch"}});
    m_price_watch = nullptr;
    return;
  }
  if (m_instance->instance_type.empty() || m_instance->availability_zone.empty())
    if (auto placed = discover_placement(*m_parts.imds, *m_instance); !placed) {
      // Asked again at the next arm (the spec read, or a restart); the notices are watched all the same.
      m_log->warning("price_alert_off", {{"why", "the metadata service did not say the instance type and zone"},
                                         {"error", placed.error().describe()}});
      return;
    }
  m_price_watch = std::make_shared<PriceWatch>(*m_config.price_alert, m_config.price_check_interval,
                                               m_config.state_dir, m_parts.make_price_read(*m_instance),
                                               m_parts.clocks, m_log);
  m_log->info("price_alert", {{"alert_above", m_config.price_alert->text()},
                              {"instance_type", m_instance->instance_type},
                              {"availability_zone", m_instance->availability_zone},
                              {"check_every_seconds", m_config.price_check_interval.count()}});
}

void Daemon::maybe_check_price() {
  if (m_price_looked.exchange(false)) write_status("watching");
  if (!m_price_watch || m_price_checking.load() || !m_price_watch->due()) return;
  m_price_checking = true;
  start_worker("price_check", [this, watch = m_price_watch] {
    auto crossing = watch->check();
    m_price_looked = true;  // status.json shows the price at the next poll, not after the notifications
    if (crossing) m_handlers->price_change(*crossing);
    m_price_checking = false;
  });
}

}  // namespace spawn::agent
