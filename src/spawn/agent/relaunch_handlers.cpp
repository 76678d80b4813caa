// Handlers' part of --relaunch (agent/relaunch.hpp).

#include "spawn/agent/handlers.hpp"

#include <thread>

#include "spawn/agent/deadline.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::agent {

void Handlers::start_relaunch(const std::string& key, SteadyTime since) {
  if (!m_ctx.config.relaunch) return;
  std::lock_guard lock(m_relaunch_mutex);
  if (m_relaunch && m_relaunch->wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    m_ctx.log->info("relaunch_skipped", {{"reason", key}, {"why", "a relaunch is already being asked for"}});
    return;
  }
  RelaunchJob job;
  job.log = m_ctx.log;
  job.store = m_ctx.store;
  job.key = key;
  job.actions = m_ctx.actions;
  job.spec = *m_ctx.config.relaunch;
  const InstanceFacts facts = instance();
  job.outgoing = outgoing_member(facts, m_ctx.config.ttl_deadline);
  job.completed = m_ctx.store->latched("completion");
  job.notify = m_ctx.config.notify;
  job.tags = facts.tags;
  job.clocks = m_ctx.clocks;
  job.since = since;
  job.notify_wait = m_ctx.notify_wait;
  // Its own thread, holding only what it needs: it may outlive these handlers (the spec
  // re-arms them) and must never be waited for by a checkpoint.
  std::packaged_task<RelaunchOutcome()> task([job = std::move(job), events = m_ctx.events] {
    RelaunchOutcome outcome = relaunch_member(job);
    events.relaunch(outcome);
    return outcome;
  });
  m_relaunch = task.get_future().share();
  std::thread(std::move(task)).detach();
}

std::optional<RelaunchOutcome> Handlers::wait_relaunch(SteadyTime until) {
  std::optional<std::shared_future<RelaunchOutcome>> running;
  {
    std::lock_guard lock(m_relaunch_mutex);
    running = m_relaunch;
  }
  if (!running) return std::nullopt;
  if (running->wait_until(until) != std::future_status::ready) return std::nullopt;
  return running->get();
}

void Handlers::wait_relaunch_before_shutdown(const Event& event, Detection detected) {
  if (!m_ctx.config.relaunch) return;
  SteadyTime until = detected.steady + std::chrono::seconds(100);
  if (event.time) until = to_steady(*event.time, detected.wall, detected.steady);
  if (until < m_ctx.clocks.steady()) until = m_ctx.clocks.steady();
  if (!wait_relaunch(until))
    m_ctx.log->warning("relaunch_unanswered", {{"message", "no answer to the replacement's request before the shutdown; "
                                                           "a restarted spored or 'spawn relaunch' asks again"}});
}

}  // namespace spawn::agent

namespace spawn::agent {

void Handlers::finish_move(const std::string& key, CheckpointStatus status, Detection detected) {
  auto outcome = wait_relaunch(detected.steady + std::chrono::seconds(120));
  if (!outcome || outcome->state != "requested") {
    m_ctx.log->warning("move_abandoned", {{"why", outcome ? "the replacement was not launched (" + outcome->tag + ")"
                                                          : std::string("no answer to the replacement's request")},
                                          {"consequence", "this member keeps running; an interruption notice relaunches it"}});
    return;
  }
  // The member stays until its replacement runs (EC2's answer names a pending instance).
  const std::string& replacement = outcome->replacement->instance_id;
  const SteadyTime until = m_ctx.clocks.steady() + std::chrono::seconds(120);
  for (;;) {
    auto seen = m_ctx.actions->describe_instance(replacement);
    const std::string state = seen && *seen ? (*seen)->state : std::string(seen ? "unknown to EC2" : "");
    if (state == "running") break;
    if (state == "shutting-down" || state == "terminated" || state == "unknown to EC2" ||
        m_ctx.clocks.steady() >= until) {
      m_ctx.log->warning("move_abandoned", {{"why", "the replacement " + replacement + " is not running (" +
                                                        (state.empty() ? seen.error().describe() : state) + ")"},
                                            {"consequence", "this member keeps running"}});
      return;
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  // The replacement's job starts once this status is final (its handover gate).
  m_notifier.tag({{model::tag::k_checkpoint_status, std::string(to_string(status))}}, detected.steady);
  m_notifier.wait_until(m_ctx.clocks.steady() + m_ctx.notify_wait);
  m_ctx.store->record(key, "move", "terminating");
  end_by_terminating("rebalance_move");
}

}  // namespace spawn::agent
