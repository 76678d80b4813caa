#pragma once
// Running the user's checkpoint script: bash in a session of its own, the interruption's
// variables in its environment, its output into the log (bounded), and at the deadline SIGTERM to
// its whole process group, SIGKILL 5 s later. One script at a time.
#include <atomic>
#include <chrono>
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

enum class CheckpointStatus { ok, failed, timeout, none };
// "ok", "failed", "timeout", "none": the values of the spawn:checkpoint-status tag.
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

struct CheckpointRun {
  std::string script;      // run as `bash <script>`
  EnvVars environment;     // added to (or replacing) spored's own
  SteadyTime deadline;     // SIGTERM to the group then
  std::string reason;      // "interruption" or "rebalance", for the log
};

struct CheckpointResult {
  CheckpointStatus status = CheckpointStatus::none;
  double seconds = 0;      // from start to the group being gone
  int exit_code = -1;
  int signal = 0;
  bool killed = false;     // SIGKILL was needed
  std::string error;       // could not start, or no time left
};

class CheckpointRunner {
 public:
  // Deadlines are on the real steady clock (the process group is supervised in real time).
  explicit CheckpointRunner(Logger& log, std::chrono::milliseconds kill_grace = k_kill_grace);

  // Runs the script to its end or its deadline. ok: exit status 0 before the deadline; failed:
  // another status, a signal, or it could not start; timeout: the deadline came first (or had
  // passed already, and the script was not started). A second caller waits for the first run.
  // Each output line becomes a "checkpoint_output" log record: the first and the last 32 KiB
  // (256 lines each) at most, and between them a "checkpoint_output_truncated" record with the
  // number of bytes dropped.
  CheckpointResult run(const CheckpointRun& run);

  // Brings the deadline of the run in progress (and of any later one) no later than deadline:
  // an interruption arriving during a rebalance checkpoint gives it the notice's deadline.
  void tighten_deadline(SteadyTime deadline);
  // Forgets what tighten_deadline set (the interruption is over).
  void clear_deadline_cap();

 private:
  Logger& m_log;
  std::chrono::milliseconds m_kill_grace;
  std::mutex m_run_mutex;
  std::atomic<SteadyTime::rep> m_cap{SteadyTime::max().time_since_epoch().count()};
};

}  // namespace spawn::agent
