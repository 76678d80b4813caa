// The daemon's part of the durable event log (agent/event_log): started once the instance is
// known, closed when the daemon stops.
#include "spawn/agent/daemon.hpp"

namespace spawn::agent {

void Daemon::start_event_log() {
  if (m_event_log || !m_parts.make_event_put) return;
  auto location = event_log_location(m_config.spec, m_config.spec_region);
  if (!location) {
    m_log->info("event_log_off", {{"why", "no launch spec names spawn's bucket"}});
    return;
  }
  m_event_log = std::make_shared<EventLog>(m_parts.make_event_put(*m_instance, *location), m_log,
                                           m_parts.event_log_options);
  m_events = EventRecorder(m_event_log, event_source(*m_instance, location->launch_id), m_parts.clocks.wall);
  m_log->info("event_log", {{"bucket", location->bucket},
                            {"prefix", model::event_region_prefix(m_instance->region)},
                            {"launch_id", location->launch_id}});
  m_events.launch(boot_time(m_config.proc_root));
}

void Daemon::close_event_log() {
  if (!m_event_log) return;
  m_events.stopped();
  auto stats = m_event_log->close(m_parts.event_log_flush);
  m_log->info("event_log_closed", {{"written", stats.written}, {"dropped", stats.dropped},
                                   {"failed_attempts", stats.failed_attempts}, {"pending", stats.pending}});
}

}  // namespace spawn::agent
