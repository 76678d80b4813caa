#pragma once
// Running the user's checkpoint script: bash in a session of its own, the interruption's
// variables in its environment, its output into the log (bounded), and at the deadline SIGTERM to
// its whole process group, SIGKILL 5 s later. One script at a time.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "spawn/agent/clocks.hpp"
#include "spawn/agent/config.hpp"
#include "spawn/agent/deadline.hpp"
#include "spawn/agent/event.hpp"
#include "spawn/agent/instance.hpp"
#include "spawn/agent/log.hpp"

namespace spawn::agent {

enum class CheckpointStatus { ok, failed, timeout, none, stopped };
// "ok", "failed", "timeout", "none": the values of the spawn:checkpoint-status tag; "stopped": a
// run that gave way to one that preempts it (a rebalance run to the interruption's; never tagged).
std::string_view to_string(CheckpointStatus status);

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// What the script sees, besides spored's own environment:
// INTERRUPTION_TIME (the notice's time as EC2 wrote it, RFC 3339), INTERRUPTION_ACTION
// (terminate|stop|hibernate; "rebalance" for a rebalance recommendation), SPAWN_ON_INTERRUPTION,
// SPAWN_CHECKPOINT_DEADLINE (RFC 3339, whole seconds, never after the real deadline),
// SPAWN_CHECKPOINT_REASON (interruption|rebalance), SPAWN_INSTANCE_ID, SPAWN_REGION and, when the
// instance has the tags, SPAWN_JOB_ARRAY_ID, SPAWN_JOB_ARRAY_NAME, SPAWN_JOB_ARRAY_SIZE,
// SPAWN_JOB_ARRAY_INDEX.
EnvVars checkpoint_environment(const Event& event, OnInterruption on_interruption, util::SystemTime deadline,
                               const InstanceFacts& instance);

// An interruption's run preempts a rebalance run: it must not wait for an early checkpoint that
// can take its whole deadline.
enum class Priority { normal, preempts };

struct CheckpointResult;

struct CheckpointRun {
  std::string script;      // run as `bash <script>`
  EnvVars environment;     // added to (or replacing) spored's own
  SteadyTime deadline;     // SIGTERM to the group then
  std::string reason;      // "interruption" or "rebalance", for the log
  Priority priority = Priority::normal;
  std::function<void()> on_start = {};  // once the runner is this run's, before the script starts
  // Once the run is over, the runner still its (so the log says the end before the next start).
  std::function<void(const CheckpointResult&)> on_finish = {};
};

struct CheckpointResult {
  CheckpointStatus status = CheckpointStatus::none;
  double seconds = 0;      // from start to the group being gone
  int exit_code = -1;
  int signal = 0;
  bool killed = false;     // SIGKILL was needed
  std::string error;       // could not start, or no time left
  std::string stopped_for; // status stopped: the reason of the run that preempted this one
};

class CheckpointRunner {
 public:
  // Deadlines are on the real steady clock (the process group is supervised in real time).
  explicit CheckpointRunner(Logger& log, std::chrono::milliseconds kill_grace = k_kill_grace);

  // Runs the script to its end or its deadline. ok: exit status 0 before the deadline; failed:
  // another status, a signal, or it could not start; timeout: the deadline came first (or had
  // passed already, and the script was not started). One run at a time: a second caller waits
  // for the first run, except that a run with Priority::preempts stops the normal run in progress
  // (SIGTERM to its group at once, SIGKILL after the grace: status stopped) and is not overtaken
  // by a normal run that asked before it and still waits (that one is not started: stopped).
  // Each output line becomes a "checkpoint_output" log record: the first and the last 32 KiB
  // (256 lines each) at most, and between them a "checkpoint_output_truncated" record with the
  // number of bytes dropped.
  CheckpointResult run(const CheckpointRun& run);

 private:
  // run() with the runner's mutex taken in `lock` (and kept when it returns).
  CheckpointResult run_holding(const CheckpointRun& run, std::unique_lock<std::mutex>& lock);

  Logger& m_log;
  std::chrono::milliseconds m_kill_grace;
  std::mutex m_run_mutex;
  // Runs with Priority::preempts asked for so far, and the reason of the last one: a normal run
  // that sees the count change after it asked gives way.
  std::atomic<std::uint64_t> m_preemptions{0};
  std::mutex m_preemptor_mutex;
  std::string m_preemptor;
};

}  // namespace spawn::agent
