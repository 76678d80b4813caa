#pragma once
// What spored does about each event, once the event store has latched it. The daemon calls
// these on worker threads; each returns when its work is done (or bounded out).
#include <atomic>
#include <future>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "spawn/agent/aws_actions.hpp"
#include "spawn/agent/checkpoint.hpp"
#include "spawn/agent/clocks.hpp"
#include "spawn/agent/config.hpp"
#include "spawn/agent/event.hpp"
#include "spawn/agent/event_recorder.hpp"
#include "spawn/agent/event_store.hpp"
#include "spawn/agent/instance.hpp"
#include "spawn/agent/log.hpp"
#include "spawn/agent/notifier.hpp"
#include "spawn/agent/price_watch.hpp"
#include "spawn/agent/relaunch.hpp"
#include "spawn/agent/script_cache.hpp"

namespace spawn::agent {

// When the event was first seen, on both clocks (read together).
struct Detection {
  util::SystemTime wall;
  SteadyTime steady;
};

// Runs the shutdown command; an error (a sentence) when it could not run or failed.
using ShutdownCommand = std::function<expected<void, std::string>()>;

// The configured command split into words (no shell ever sees it) and run for at most 60 s;
// an empty function for an empty command (none).
ShutdownCommand make_shutdown_command(const std::string& command_line);

// The job array's tags as {"id", "name", "size", "index"} under "job_array" of a message's body
// (nothing outside an array).
void add_job_array(nlohmann::json& body, const InstanceFacts& i);

struct HandlerContext {
  std::shared_ptr<Logger> log;
  EventStore* store = nullptr;
  AgentConfig config;
  InstanceFacts instance;
  std::shared_ptr<Actions> actions;
  CheckpointRunner* runner = nullptr;
  ScriptCache* scripts = nullptr;
  ShutdownCommand shutdown;                         // empty: none
  Clocks clocks;
  std::chrono::milliseconds notify_wait{10000};    // how long shutdown waits for notifications
  std::function<expected<void, std::string>(const std::string&)> wall = {};  // util::wall by default
  // The instance's spawn:drill tag as the metadata service shows it now (nullopt: none); an empty
  // function when tags are not in the metadata. A notice soon after it is a drill (model/drill.hpp).
  std::function<std::optional<std::string>()> drill_tag = {};
  EventRecorder events;                             // the durable event log (off by default)
};

class Handlers {
 public:
  explicit Handlers(HandlerContext context);

  // The interruption notice, in this order, each step bounded so the next one always happens:
  // 1. notify (tags spawn:interruption-notice/-action, SNS, webhooks) on threads of their own,
  //    and with --relaunch the replacement's request (start_relaunch);
  // 2. the checkpoint script, deadline min(detection + 90 s, notice time - 30 s), then the tag
  //    spawn:checkpoint-status (ok | failed | timeout | none); a rebalance run still at work is
  //    stopped first (Priority::preempts), so this run gets the time left until its deadline;
  // 3. hibernate (the notice's action, or on_interruption): nothing; otherwise, once the
  //    notifications are done (at most notify_wait) and the relaunch has its answer (at most
  //    until the notice time), the shutdown command.
  void interruption(const Event& event, Detection detected);

  // A rebalance recommendation: notify; with on_interruption checkpoint, run the checkpoint
  // early (deadline detection + 90 s), unless an interruption is being handled already (an
  // interruption arriving during the run stops it: status stopped). With --rebalance move, the
  // replacement is asked for first (start_relaunch) and, once it runs and the checkpoint has
  // ended, this member tags its checkpoint status and terminates itself.
  void rebalance(const Event& event, Detection detected);

  // Five minutes before the TTL: a log record, a wall message and the notify targets.
  void ttl_warning(const Event& event);

  // The TTL deadline: the notify targets told (once, bounded by notify_wait), then
  // TerminateInstances on this instance. When AWS refuses for good (no
  // permission, say), the shutdown command instead. true when one of them worked.
  bool ttl_deadline(const Event& event);

  // The job ran `spored complete --status N`: the tag spawn:completion-status=N and the notify
  // targets (bounded by notify_wait), then on_complete: terminate (as the TTL does, persistent
  // request cancelled first), or StopInstances (hibernate: with Hibernate=true). true when the
  // instance is on its way out.
  bool complete(const Event& event, int status);

  // Idle (idle_handlers.cpp). Most of the window idle: a log record, a wall message and the
  // notify targets, saying when and what spored will do.
  void idle_warning(const Event& event);
  // Busy again after that warning: a log record and a wall message (nothing will happen).
  void idle_cancelled(const Event& event);
  // The whole window idle: the tag spawn:idle-action (what and why), the notify targets (bounded
  // by notify_wait), then stop, hibernate or terminate (as the TTL does). true when the instance
  // is on its way out.
  bool idle(const Event& event);

  // --price-alert (price_handlers.cpp): the pool's spot price went above the alert, or is back
  // below its band: a log record and the notify targets (bounded by notify_wait).
  void price_change(const PriceCrossing& crossing);

  // --relaunch (relaunch_handlers.cpp): this member's replacement for the latched event `key`,
  // asked for on a thread of its own (agent/relaunch.hpp: once, whatever is lost or restarted);
  // returns at once. Nothing without a relaunch spec, or while one is running.
  void start_relaunch(const std::string& key, SteadyTime since);
  // The outcome of the relaunch started last, waited for until `until`; nullopt: none was
  // started, or it is still running.
  std::optional<RelaunchOutcome> wait_relaunch(SteadyTime until);

  // The message for SNS and webhooks about event (pure; public for tests).
  Message message_for(const Event& event, Detection detected, bool drill = false) const;
  // Whether this notice is a `spawn interrupt` drill: the tag read beside everything else, for at
  // most 300 ms (a metadata service slow to answer must not hold the notice up).
  bool drill_notice(Detection detected) const;

  // The instance's tags as read again (the job array's index arrives after the launch); the
  // next message and checkpoint use them. Thread-safe.
  void set_tags(std::map<std::string, std::string> tags);

 private:
  CheckpointResult checkpoint(const Event& event, Detection detected, std::optional<util::SystemTime> notice_time);

  Message ttl_message(const char* what, const Event& event, std::chrono::seconds left) const;
  // TerminateInstances on itself (its persistent request cancelled first), or the shutdown
  // command when AWS refuses for good. Logged as <reason>_terminate[_failed].
  bool end_by_terminating(const char* reason);
  // The instance facts with the tags as they are now.
  InstanceFacts instance() const;
  // --rebalance move, after the early checkpoint: the checkpoint status tagged (the replacement's
  // handover gate waits for it) and, once the replacement runs (DescribeInstances, 2 minutes at
  // most), TerminateInstances on itself.
  void finish_move(const std::string& key, CheckpointStatus status, Detection detected);
  // The relaunch's answer before the power goes: waited for until the notice time (or 100 s
  // after the detection without one); a relaunch still unanswered then is logged.
  void wait_relaunch_before_shutdown(const Event& event, Detection detected);
  // StopInstances on itself; logged as <reason>_stop / _hibernate[_failed].
  bool end_by_stopping(const char* reason, bool hibernate);

  HandlerContext m_ctx;
  mutable std::mutex m_tags_mutex;                  // m_ctx.instance.tags
  std::atomic<bool> m_ttl_notified{false};
  std::atomic<bool> m_completion_notified{false};
  std::atomic<bool> m_idle_notified{false};
  Notifier m_notifier;
  std::mutex m_relaunch_mutex;
  std::optional<std::shared_future<RelaunchOutcome>> m_relaunch;
};

}  // namespace spawn::agent
