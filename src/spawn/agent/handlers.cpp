#include "spawn/agent/handlers.hpp"

#include <fmt/format.h>

#include <future>
#include <thread>

#include "spawn/model/drill.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/shell_split.hpp"
#include "spawn/util/subprocess.hpp"
#include "spawn/util/wall.hpp"

namespace spawn::agent {
namespace {

namespace tag = model::tag;

bool hibernating(const Event& event, const AgentConfig& config) {
  // Powering off a hibernating instance would throw away the memory EC2 is about to save, so
  // either side saying "hibernate" is enough to leave the instance alone.
  return event.action == "hibernate" || config.on_interruption == OnInterruption::hibernate;
}

}  // namespace

void add_job_array(nlohmann::json& body, const InstanceFacts& i) {
  constexpr std::string_view prefix = "spawn:job-array-";
  for (const auto& [key, value] : i.tags)
    if (key.starts_with(prefix) && key != model::tag::k_job_array_index_base)  // the index says it
      body["job_array"][key.substr(prefix.size())] = value;
}

ShutdownCommand make_shutdown_command(const std::string& command_line) {
  auto words = util::shell_split(command_line);
  if (!words || words->empty()) return {};
  return [argv = *words]() -> expected<void, std::string> {
    util::RunOptions options;
    options.timeout = std::chrono::seconds(60);
    options.child_stdin = util::ChildStdin::null;
    auto r = util::run_process(argv, options);
    if (!r) return unexpected(r.error());
    if (!r->succeeded())
      return unexpected(fmt::format("{} ended with {} {}", argv[0], r->signal ? "signal" : "status",
                                    r->signal ? r->signal : r->exit_code));
    return {};
  };
}

Handlers::Handlers(HandlerContext context)
    : m_ctx(std::move(context)), m_notifier(m_ctx.actions, m_ctx.log, m_ctx.clocks.steady) {
  if (!m_ctx.wall) m_ctx.wall = [](const std::string& text) { return util::wall(text); };
}

void Handlers::set_tags(std::map<std::string, std::string> tags) {
  std::lock_guard lock(m_tags_mutex);
  m_ctx.instance.tags = std::move(tags);
}

InstanceFacts Handlers::instance() const {
  std::lock_guard lock(m_tags_mutex);
  return m_ctx.instance;
}

bool Handlers::drill_notice(Detection detected) const {
  if (!m_ctx.drill_tag) return false;
  auto answer = std::make_shared<std::promise<std::optional<std::string>>>();
  auto value = answer->get_future();
  std::thread([read = m_ctx.drill_tag, answer] { answer->set_value(read()); }).detach();
  if (value.wait_for(std::chrono::milliseconds(300)) != std::future_status::ready) {
    m_ctx.log->warning("drill_tag_unread", {{"why", "the metadata service did not answer within 300 ms"}});
    return false;
  }
  auto tag_value = value.get();
  return tag_value && model::is_drill(*tag_value, detected.wall);
}

Message Handlers::message_for(const Event& event, Detection detected, bool drill) const {
  const InstanceFacts i = instance();
  const bool rebalance = event.kind == EventKind::rebalance;
  nlohmann::json body = {
      {"source", "spored"},
      {"event", rebalance ? "rebalance_recommendation" : "spot_interruption"},
      {"instance_id", i.instance_id},
      {"region", i.region},
      {"time", event.time_text},
      {"detected_at", format_time_ms(detected.wall)},
      {"on_interruption", std::string(to_string(m_ctx.config.on_interruption))},
  };
  if (!rebalance) {
    body["action"] = event.action;
    body["drill"] = drill;
  }
  add_job_array(body, i);
  std::string subject = rebalance ? fmt::format("spawn: rebalance recommendation for {}", i.instance_id)
                                  : fmt::format("spawn: spot interruption {}of {} ({} at {})", drill ? "drill " : "",
                                                i.instance_id, event.action, event.time_text);
  return Message{subject, body.dump()};
}

CheckpointResult Handlers::checkpoint(const Event& event, Detection detected,
                                      std::optional<util::SystemTime> notice_time) {
  auto& log = *m_ctx.log;
  const char* reason = event.kind == EventKind::rebalance ? "rebalance" : "interruption";
  const util::SystemTime deadline = checkpoint_deadline(detected.wall, notice_time);
  const SteadyTime steady_deadline = to_steady(deadline, detected.wall, detected.steady);

  CheckpointResult result;
  auto script = m_ctx.scripts->path_for_run();
  if (!script) {
    result.status = CheckpointStatus::failed;
    result.error = script.error();
    log.error("checkpoint_finished", {{"reason", reason}, {"status", "failed"}, {"seconds", 0}, {"error", script.error()}});
    m_ctx.events.checkpoint(reason, result.status, std::nullopt);
    return result;
  }
  CheckpointRun run{*script, checkpoint_environment(event, m_ctx.config.on_interruption, deadline, instance()),
                    steady_deadline, reason};
  // The interruption's run must not wait for a rebalance run that may take its whole deadline.
  if (event.kind == EventKind::interruption) run.priority = Priority::preempts;
  // Logged once the runner is this run's (a preempted rebalance run is gone by then).
  run.on_start = [&] {
    log.info("checkpoint_started",
             {{"reason", reason},
              {"script", *script},
              {"deadline", util::format_rfc3339(deadline)},
              {"seconds_available", seconds_between(m_ctx.clocks.steady(), steady_deadline)},
              {"seconds_since_detection", seconds_between(detected.steady, m_ctx.clocks.steady())}});
  };
  // Logged while the runner is still this run's: a preempted run's end comes before the next start.
  run.on_finish = [&](const CheckpointResult& done) {
    nlohmann::json fields = {{"reason", reason},
                             {"status", std::string(to_string(done.status))},
                             {"seconds", done.seconds},
                             {"seconds_since_detection", seconds_between(detected.steady, m_ctx.clocks.steady())}};
    if (done.exit_code >= 0) fields["exit_code"] = done.exit_code;
    if (done.signal != 0) fields["signal"] = done.signal;
    if (done.killed) fields["killed"] = true;
    if (!done.error.empty()) fields["error"] = done.error;
    if (!done.stopped_for.empty()) fields["stopped_for"] = done.stopped_for;
    log.log(done.status == CheckpointStatus::ok ? Level::info : Level::warning, "checkpoint_finished", fields);
  };
  result = m_ctx.runner->run(run);
  m_ctx.events.checkpoint(reason, result.status, result.seconds);
  return result;
}

void Handlers::interruption(const Event& event, Detection detected) {
  auto& log = *m_ctx.log;
  const std::string key = latch_key(event);
  const bool drill = drill_notice(detected);
  log.warning("interruption_notice",
              {{"action", event.action},
               {"drill", drill},
               {"notice_time", event.time_text},
               {"detected_at", format_time_ms(detected.wall)},
               {"seconds_to_notice_time",
                event.time ? nlohmann::json(std::chrono::duration<double>(*event.time - detected.wall).count())
                           : nlohmann::json(nullptr)}});

  m_ctx.events.notice(event, detected.wall, drill);
  // 1. Notify first, without waiting: the owner hears even if everything after fails.
  m_notifier.tag({{tag::k_interruption_notice, event.time_text}, {tag::k_interruption_action, event.action}},
                 detected.steady);
  m_notifier.send(m_ctx.config.notify, message_for(event, detected, drill), detected.steady);
  if (drill) m_ctx.store->record(key, "drill", true);
  start_relaunch(key, detected.steady);

  // 2. Checkpoint.
  CheckpointStatus status = CheckpointStatus::none;
  if (m_ctx.scripts != nullptr && m_ctx.scripts->configured()) {
    status = checkpoint(event, detected, event.time).status;
  } else {
    log.info("checkpoint_finished", {{"reason", "interruption"}, {"status", "none"}, {"seconds", 0}});
    m_ctx.events.checkpoint("interruption", status, std::nullopt);
  }
  if (auto e = m_ctx.store->record(key, "checkpoint_status", std::string(to_string(status))); !e.empty())
    log.error("state_write_failed", {{"error", e}});
  m_notifier.tag({{tag::k_checkpoint_status, std::string(to_string(status))}}, detected.steady);

  // 3. Shutdown.
  if (hibernating(event, m_ctx.config)) {
    m_notifier.wait_until(m_ctx.clocks.steady() + m_ctx.notify_wait);
    log.info("shutdown", {{"skipped", true},
                          {"reason", "hibernate: EC2 saves the memory of the running instance"},
                          {"seconds_since_detection", seconds_between(detected.steady, m_ctx.clocks.steady())}});
    m_ctx.store->record(key, "shutdown", "skipped (hibernate)");
    return;
  }
  std::size_t unfinished = m_notifier.wait_until(m_ctx.clocks.steady() + m_ctx.notify_wait);
  if (unfinished > 0) log.warning("notifications_unfinished", {{"count", unfinished}});
  wait_relaunch_before_shutdown(event, detected);
  if (!m_ctx.shutdown) {
    log.info("shutdown", {{"skipped", true}, {"reason", "no shutdown command configured"},
                          {"seconds_since_detection", seconds_between(detected.steady, m_ctx.clocks.steady())}});
    m_ctx.store->record(key, "shutdown", "skipped (no command)");
    return;
  }
  log.warning("shutdown", {{"command", m_ctx.config.shutdown_command},
                           {"seconds_since_detection", seconds_between(detected.steady, m_ctx.clocks.steady())}});
  m_ctx.store->record(key, "shutdown", "started");
  m_ctx.events.shutdown("interruption");
  if (auto done = m_ctx.shutdown(); !done) {
    log.error("shutdown_failed", {{"error", done.error()}});
    m_ctx.store->record(key, "shutdown", "failed: " + done.error());
  }
}

void Handlers::rebalance(const Event& event, Detection detected) {
  auto& log = *m_ctx.log;
  const std::string key = latch_key(event);
  log.warning("rebalance_recommendation", {{"notice_time", event.time_text}, {"detected_at", format_time_ms(detected.wall)}});
  m_ctx.events.notice(event, detected.wall);
  m_notifier.send(m_ctx.config.notify, message_for(event, detected), detected.steady);

  // --rebalance move: the replacement is asked for now, before any interruption.
  const bool moving = m_ctx.config.relaunch && m_ctx.config.relaunch->move && !m_ctx.store->latched("interruption");
  if (moving) start_relaunch(key, detected.steady);
  const bool wants_checkpoint = m_ctx.config.on_interruption == OnInterruption::checkpoint &&
                                m_ctx.scripts != nullptr && m_ctx.scripts->configured();
  CheckpointStatus status = CheckpointStatus::none;
  if (wants_checkpoint && m_ctx.store->latched("interruption")) {
    log.info("checkpoint_skipped", {{"reason", "rebalance"}, {"why", "an interruption notice is being handled"}});
  } else if (wants_checkpoint) {
    auto result = checkpoint(event, detected, std::nullopt);
    status = result.status;
    m_ctx.store->record(key, "checkpoint_status", std::string(to_string(result.status)));
  }
  m_notifier.wait_until(m_ctx.clocks.steady() + m_ctx.notify_wait);
  if (moving) finish_move(key, status, detected);
}

void Handlers::ttl_warning(const Event& event) {
  auto& log = *m_ctx.log;
  auto left = event.time ? std::chrono::duration_cast<std::chrono::seconds>(*event.time - m_ctx.clocks.wall())
                         : std::chrono::seconds(0);
  std::string text = fmt::format(
      "spawn: this instance ({}) reaches its TTL at {} (in {}) and will then be terminated. Save your work.",
      m_ctx.instance.instance_id, event.time_text, util::format_age(left));
  nlohmann::json fields = {{"deadline", event.time_text}, {"seconds_left", left.count()}};
  m_notifier.send(m_ctx.config.notify, ttl_message("ttl_warning", event, left), m_ctx.clocks.steady());
  auto walled = m_ctx.wall(text);
  if (!walled) fields["wall_error"] = walled.error();
  log.warning("ttl_warning", fields);
  m_notifier.wait_until(m_ctx.clocks.steady() + m_ctx.notify_wait);
}

Message Handlers::ttl_message(const char* what, const Event& event, std::chrono::seconds left) const {
  const InstanceFacts i = instance();
  nlohmann::json body = {{"source", "spored"},       {"event", what},          {"instance_id", i.instance_id},
                         {"region", i.region},       {"deadline", event.time_text}, {"seconds_left", left.count()}};
  add_job_array(body, i);
  std::string subject = std::string_view(what) == "ttl_warning"
                            ? fmt::format("spawn: {} reaches its TTL at {}", i.instance_id, event.time_text)
                            : fmt::format("spawn: {} terminated at its TTL ({})", i.instance_id, event.time_text);
  return Message{subject, body.dump()};
}

bool Handlers::ttl_deadline(const Event& event) {
  auto& log = *m_ctx.log;
  log.warning("ttl_expired", {{"deadline", event.time_text}, {"instance_id", m_ctx.instance.instance_id}});
  // Told before the end, bounded: a notification never holds up the termination for long. A
  // retried termination (after a failure) is not notified again.
  if (!m_ttl_notified.exchange(true)) {
    m_notifier.send(m_ctx.config.notify, ttl_message("ttl_expired", event, std::chrono::seconds(0)), m_ctx.clocks.steady());
    m_notifier.wait_until(m_ctx.clocks.steady() + m_ctx.notify_wait);
  }
  return end_by_terminating("ttl");
}

// A hibernating spot instance comes from a persistent request, which EC2 fulfils again with a
// new instance once this one is terminated: cancel it first. The request also ends at the TTL
// (ValidUntil), so termination goes ahead even when the cancel fails.
bool Handlers::end_by_terminating(const char* reason) {
  auto& log = *m_ctx.log;
  if (m_ctx.config.on_interruption == OnInterruption::hibernate && m_ctx.instance.lifecycle == "spot") {
    auto cancelled = m_ctx.actions->cancel_own_spot_request();
    if (cancelled) log.info("spot_request_cancelled", {{"reason", reason}});
    else log.error("spot_request_cancel_failed", {{"error", cancelled.error().describe()},
                                                  {"consequence", "the request ends at its ValidUntil, the TTL"}});
  }
  auto terminated = m_ctx.actions->terminate_instance();
  if (terminated) {
    log.warning(std::string(reason) + "_terminate", {{"instance_id", m_ctx.instance.instance_id}, {"ok", true}});
    m_ctx.events.ended(reason, "terminate");
    return true;
  }
  log.error(std::string(reason) + "_terminate_failed", {{"error", terminated.error().describe()}});
  if (aws::retryable(terminated.error()) || !m_ctx.shutdown) return false;
  // AWS said no for good (a missing permission): powering off still ends the cost of compute,
  // and terminates the instance when its shutdown behaviour is "terminate".
  log.warning("shutdown", {{"command", m_ctx.config.shutdown_command}, {"reason", reason}});
  if (auto done = m_ctx.shutdown(); !done) {
    log.error("shutdown_failed", {{"error", done.error()}});
    return false;
  }
  m_ctx.events.ended(reason, "shutdown");
  return true;
}

bool Handlers::complete(const Event& event, int status) {
  auto& log = *m_ctx.log;
  const auto action = m_ctx.config.on_complete;
  const SteadyTime now = m_ctx.clocks.steady();
  log.info("completion", {{"status", status}, {"requested_at", event.time_text},
                          {"on_complete", std::string(model::to_string(action))}});
  const InstanceFacts i = instance();
  // A retried end (after a failure) is not told again.
  if (!m_completion_notified.exchange(true)) {
    m_notifier.tag({{tag::k_completion_status, std::to_string(status)}}, now);
    nlohmann::json body = {{"source", "spored"}, {"event", "completed"}, {"instance_id", i.instance_id},
                           {"region", i.region}, {"status", status}, {"time", event.time_text},
                           {"on_complete", std::string(model::to_string(action))}};
    add_job_array(body, i);
    m_notifier.send(m_ctx.config.notify,
                    Message{fmt::format("spawn: {} completed (status {}); {}", i.instance_id, status,
                                        action == model::OnComplete::terminate ? "terminating" : "stopping"),
                            body.dump()},
                    now);
    // The tag and the notifications first (bounded): they are how the owner learns the outcome.
    m_notifier.wait_until(m_ctx.clocks.steady() + m_ctx.notify_wait);
  }
  if (action == model::OnComplete::terminate) return end_by_terminating("completion");
  return end_by_stopping("completion", action == model::OnComplete::hibernate);
}

bool Handlers::end_by_stopping(const char* reason, bool hibernate) {
  auto& log = *m_ctx.log;
  const std::string what = std::string(reason) + (hibernate ? "_hibernate" : "_stop");
  auto stopped = m_ctx.actions->stop_instance(hibernate);
  if (stopped) {
    log.warning(what, {{"instance_id", m_ctx.instance.instance_id}, {"ok", true}});
    m_ctx.events.ended(reason, hibernate ? "hibernate" : "stop");
    return true;
  }
  // Never a power-off instead: the launch's shutdown behaviour is terminate, and the user asked
  // to keep the instance.
  log.error(what + "_failed", {{"error", stopped.error().describe()}});
  return false;
}

}  // namespace spawn::agent
