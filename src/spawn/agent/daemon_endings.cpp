// The daemon's ends of an instance that are no notice: `spored complete` and idle stop (the
// TTL's is dispatched with the notices, daemon.cpp).
#include "spawn/agent/daemon.hpp"

#include "spawn/util/files.hpp"

namespace spawn::agent {

// `spored complete` leaves <state dir>/complete.json; the completion is latched once (a second
// `spored complete`, or a restart, changes nothing) and its end retried like the TTL's.
void Daemon::maybe_complete() {
  if (m_completion_done.load() || m_completion_busy.load()) return;
  const std::string path = m_config.state_dir + "/" + k_completion_file;
  auto text = util::read_file(path);
  if (!text || !*text) return;
  auto doc = nlohmann::json::parse(**text, nullptr, false);
  const int status = doc.is_object() && doc.contains("status") && doc["status"].is_number_integer()
                         ? std::clamp(doc["status"].get<int>(), 0, 255)
                         : 0;
  Event event{EventKind::completion, "", doc.is_object() ? doc.value("at", std::string()) : std::string(), {}};
  const std::string key = latch_key(event);
  const SteadyTime now = m_parts.clocks.steady();
  if (!m_store.latched(key)) {
    auto latched = m_store.latch(event, m_parts.clocks.wall());
    if (!latched.persist_error.empty()) m_log->error("state_write_failed", {{"error", latched.persist_error}});
    m_store.record(key, "status", status);
  } else {
    auto record = m_store.record_of(key);
    if (record.value("ended", false)) {
      if (!m_already_logged[key])
        m_log->info("already_handled", {{"latch", key}, {"message", "the completion was handled before"}});
      m_already_logged[key] = true;
      m_completion_done = true;
      return;
    }
  }
  if (now.time_since_epoch().count() < m_next_completion_attempt.load()) return;
  m_completion_busy = true;
  write_status("handling");
  start_worker(key, [this, event, status, key, retry = m_parts.ttl_retry] {
    const bool ended = m_handlers->complete(event, status);
    if (ended) {
      m_store.record(key, "ended", true);
      m_completion_done = true;
    } else {
      m_next_completion_attempt = (m_parts.clocks.steady() + retry).time_since_epoch().count();
    }
    m_completion_busy = false;
  });
}

// The whole window idle: acted on once (retried after ttl_retry when AWS said no), never while
// a handler is at work or the instance is already ending.
void Daemon::act_on_idle(const Event& event, SteadyTime now) {
  if (m_idle_done.load() || m_idle_busy.load() || m_busy.load() > 0 || m_ttl_done.load() || m_completion_done.load() ||
      m_store.latched("interruption"))
    return;
  if (now.time_since_epoch().count() < m_next_idle_attempt.load()) return;
  m_idle_busy = true;
  write_status("handling");
  start_worker("idle", [this, event, retry = m_parts.ttl_retry] {
    if (m_handlers->idle(event)) m_idle_done = true;
    else m_next_idle_attempt = (m_parts.clocks.steady() + retry).time_since_epoch().count();
    m_idle_busy = false;
  });
}

}  // namespace spawn::agent
