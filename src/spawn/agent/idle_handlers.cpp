// The idle handlers of Handlers (handlers.hpp): warn, say when it is off, and act.
#include <fmt/format.h>

#include "spawn/agent/handlers.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::agent {
namespace {

// "stop" -> "stopped", for the messages.
std::string_view done_word(std::string_view action) {
  return action == "terminate" ? "terminated" : action == "hibernate" ? "hibernated" : "stopped";
}

}  // namespace

void Handlers::idle_warning(const Event& event) {
  auto& log = *m_ctx.log;
  const InstanceFacts i = instance();
  const auto left = event.time ? std::chrono::duration_cast<std::chrono::seconds>(*event.time - m_ctx.clocks.wall())
                               : std::chrono::seconds(0);
  const std::string text = fmt::format(
      "spawn: this instance ({}) is idle ({}) and will be {} at {} (in {}) unless it becomes busy.", i.instance_id,
      event.detail, done_word(event.action), event.time_text, util::format_age(left));
  nlohmann::json body = {{"source", "spored"}, {"event", "idle_warning"}, {"instance_id", i.instance_id},
                         {"region", i.region}, {"action", event.action}, {"at", event.time_text},
                         {"seconds_left", left.count()}, {"reason", event.detail}};
  add_job_array(body, i);
  m_notifier.send(m_ctx.config.notify,
                  Message{fmt::format("spawn: {} is idle; {} at {}", i.instance_id, event.action, event.time_text),
                          body.dump()},
                  m_ctx.clocks.steady());
  nlohmann::json fields = {{"action", event.action}, {"at", event.time_text}, {"seconds_left", left.count()},
                           {"reason", event.detail}};
  if (auto walled = m_ctx.wall(text); !walled) fields["wall_error"] = walled.error();
  log.warning("idle_warning", fields);
  m_notifier.wait_until(m_ctx.clocks.steady() + m_ctx.notify_wait);
}

void Handlers::idle_cancelled(const Event& event) {
  const InstanceFacts i = instance();
  nlohmann::json fields = {{"reason", event.detail}};
  auto walled = m_ctx.wall(fmt::format("spawn: this instance ({}) is busy again ({}): it will not be stopped.",
                                       i.instance_id, event.detail));
  if (!walled) fields["wall_error"] = walled.error();
  m_ctx.log->info("idle_cancelled", fields);
}

bool Handlers::idle(const Event& event) {
  auto& log = *m_ctx.log;
  const InstanceFacts i = instance();
  log.warning("idle", {{"action", event.action}, {"reason", event.detail}});
  // Told before the end, bounded; a retried end (after a failure) is not told again.
  if (!m_idle_notified.exchange(true)) {
    const SteadyTime now = m_ctx.clocks.steady();
    std::string recorded = fmt::format("{} at {}: {}", event.action, event.time_text, event.detail);
    if (recorded.size() > model::tag::k_value_limit) {
      size_t cut = model::tag::k_value_limit;
      while (cut > 0 && (static_cast<unsigned char>(recorded[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
      recorded.resize(cut);
    }
    m_notifier.tag({{model::tag::k_idle_action, recorded}}, now);
    nlohmann::json body = {{"source", "spored"}, {"event", "idle"}, {"instance_id", i.instance_id},
                           {"region", i.region}, {"action", event.action}, {"time", event.time_text},
                           {"reason", event.detail}};
    add_job_array(body, i);
    m_notifier.send(m_ctx.config.notify,
                    Message{fmt::format("spawn: {} was idle; {}", i.instance_id, done_word(event.action)), body.dump()},
                    now);
    m_notifier.wait_until(m_ctx.clocks.steady() + m_ctx.notify_wait);
  }
  if (event.action == "terminate") return end_by_terminating("idle");
  return end_by_stopping("idle", event.action == "hibernate");
}

}  // namespace spawn::agent
