#include "spawn/agent/checkpoint.hpp"

#include "spawn/model/tags.hpp"
#include "spawn/util/process_group.hpp"

namespace spawn::agent {

std::string_view to_string(CheckpointStatus status) {
  switch (status) {
    case CheckpointStatus::ok: return "ok";
    case CheckpointStatus::failed: return "failed";
    case CheckpointStatus::timeout: return "timeout";
    case CheckpointStatus::none: return "none";
    case CheckpointStatus::stopped: return "stopped";
  }
  return "none";
}

EnvVars checkpoint_environment(const Event& event, OnInterruption on_interruption, util::SystemTime deadline,
                               const InstanceFacts& instance) {
  const bool rebalance = event.kind == EventKind::rebalance;
  EnvVars env = {
      {"INTERRUPTION_TIME", event.time_text},
      {"INTERRUPTION_ACTION", rebalance ? "rebalance" : event.action},
      {"SPAWN_ON_INTERRUPTION", std::string(to_string(on_interruption))},
      // format_rfc3339 drops the fraction: the variable is never later than the real deadline.
      {"SPAWN_CHECKPOINT_DEADLINE", util::format_rfc3339(deadline)},
      {"SPAWN_CHECKPOINT_REASON", rebalance ? "rebalance" : "interruption"},
      {"SPAWN_INSTANCE_ID", instance.instance_id},
      {"SPAWN_REGION", instance.region},
  };
  const std::pair<const char*, const char*> job_array[] = {
      {model::tag::k_job_array_id, "SPAWN_JOB_ARRAY_ID"},
      {model::tag::k_job_array_name, "SPAWN_JOB_ARRAY_NAME"},
      {model::tag::k_job_array_size, "SPAWN_JOB_ARRAY_SIZE"},
      {model::tag::k_job_array_index, "SPAWN_JOB_ARRAY_INDEX"},
  };
  for (const auto& [tag, variable] : job_array)
    if (auto it = instance.tags.find(tag); it != instance.tags.end()) env.emplace_back(variable, it->second);
  return env;
}

CheckpointRunner::CheckpointRunner(Logger& log, std::chrono::milliseconds kill_grace)
    : m_log(log), m_kill_grace(kill_grace) {}

// Why a count and not a flag: a normal run notes the count when it asks for the runner, so a
// preemption is seen whether it came while the run waited for the mutex (it is then not started)
// or while its script ran (its deadline becomes now: SIGTERM to the group), and a later normal
// run, asked for after the preempting one, is not affected.
CheckpointResult CheckpointRunner::run(const CheckpointRun& run) {
  std::unique_lock lock(m_run_mutex, std::defer_lock);
  CheckpointResult result = run_holding(run, lock);
  // Still the runner's: what the caller says of the end comes before the next run's start.
  if (run.on_finish) run.on_finish(result);
  return result;
}

CheckpointResult CheckpointRunner::run_holding(const CheckpointRun& run, std::unique_lock<std::mutex>& lock) {
  const bool preempts = run.priority == Priority::preempts;
  const std::uint64_t asked_at = m_preemptions.load();
  if (preempts) {
    std::lock_guard lock(m_preemptor_mutex);
    m_preemptor = run.reason;
    ++m_preemptions;
  }
  lock.lock();
  CheckpointResult result;
  bool preempted = false;  // the deadline became now because a preempting run asked
  auto effective_deadline = [&] {
    if (!preempts && m_preemptions.load() != asked_at) {
      if (std::chrono::steady_clock::now() < run.deadline) preempted = true;
      return SteadyTime::min();
    }
    return run.deadline;
  };
  auto preemptor = [&] {
    std::lock_guard preemptor_lock(m_preemptor_mutex);
    return m_preemptor;
  };
  auto not_started = [&] {
    if (preempted) {
      result.status = CheckpointStatus::stopped;
      result.stopped_for = preemptor();
      result.error = "a run that preempts it asked for the runner: the script was not started";
    } else {
      result.status = CheckpointStatus::timeout;
      result.error = "no time left before the deadline: the script was not started";
    }
    return result;
  };
  // Given way before it began: not even announced.
  if (effective_deadline() <= std::chrono::steady_clock::now() && preempted) return not_started();
  if (run.on_start) run.on_start();
  const SteadyTime start = std::chrono::steady_clock::now();
  if (effective_deadline() <= start) return not_started();

  util::GroupRunOptions options;
  options.environment = util::environment_with(run.environment);
  options.deadline = effective_deadline;
  options.kill_grace = m_kill_grace;
  options.on_output = [&](std::string_view line) {
    m_log.info("checkpoint_output", {{"reason", run.reason}, {"line", std::string(line)}});
  };
  // Between the head and the tail of the output, so the log reads in order.
  options.on_truncated = [&](std::size_t dropped) {
    m_log.warning("checkpoint_output_truncated", {{"reason", run.reason}, {"dropped_bytes", dropped}});
  };
  auto ran = util::run_in_new_session({"bash", run.script}, options);
  if (!ran) {
    result.status = CheckpointStatus::failed;
    result.error = ran.error();
    result.seconds = seconds_between(start, std::chrono::steady_clock::now());
    return result;
  }
  result.exit_code = ran->exit_code;
  result.signal = ran->signal;
  result.killed = ran->killed;
  result.seconds = seconds_between(ran->started, ran->ended);
  if (ran->timed_out && preempted) {
    result.status = CheckpointStatus::stopped;
    result.stopped_for = preemptor();
  } else if (ran->timed_out) {
    result.status = CheckpointStatus::timeout;
  }
  else if (ran->succeeded()) result.status = CheckpointStatus::ok;
  else result.status = CheckpointStatus::failed;
  return result;
}

}  // namespace spawn::agent
