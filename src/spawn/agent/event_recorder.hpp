#pragma once
// What the daemon and the handlers call to put an event in the durable log (agent/event_log):
// one call per event, each building a model::LoggedEvent from typed values only (no script, no
// notify target, no error text) and queueing it. Copyable and cheap; a default-constructed one
// is off and does nothing, so handlers need no "is the log on" test.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "spawn/agent/checkpoint.hpp"
#include "spawn/agent/event.hpp"
#include "spawn/agent/event_log.hpp"
#include "spawn/agent/instance.hpp"
#include "spawn/agent/relaunch.hpp"

namespace spawn::agent {

// The facts every object of this instance carries: instance id, region, zone, type, life cycle
// (from the metadata service), the launch (from the spec's location), the job array's id, name
// and index and the generation (from its tags).
model::EventSource event_source(const InstanceFacts& facts, const std::string& launch_id);

// When the machine booted: btime of <proc_root>/stat; nullopt when it cannot be read.
std::optional<util::SystemTime> boot_time(const std::string& proc_root);

class EventRecorder {
 public:
  EventRecorder() = default;  // off
  EventRecorder(std::shared_ptr<EventLog> log, model::EventSource source, std::function<util::SystemTime()> wall);

  bool on() const { return m_shared != nullptr; }

  // The job array's tags as read again (its index arrives after the launch). Thread-safe.
  void set_tags(const InstanceFacts& facts);

  // spored started: the launch facts, launch_time the machine's boot (nullopt: unknown).
  void launch(std::optional<util::SystemTime> launch_time) const;
  // An interruption notice or rebalance recommendation as first seen (detected: when). drill: the
  // notice is a drill (spawn interrupt), which history never counts as an interruption.
  void notice(const Event& event, util::SystemTime detected, bool drill = false) const;
  // A checkpoint run ended; reason "interruption" or "rebalance".
  void checkpoint(std::string_view reason, CheckpointStatus status, std::optional<double> seconds) const;
  // The outcome of a replacement's request.
  void relaunch(const RelaunchOutcome& outcome) const;
  // spored ended the instance: reason ttl | idle | completion | rebalance_move; action terminate |
  // stop | hibernate | shutdown (the shutdown command instead of an AWS call).
  void ended(std::string_view reason, std::string_view action) const;
  // The shutdown command is about to run after a notice.
  void shutdown(std::string_view reason) const;
  // spored is stopping.
  void stopped() const;

 private:
  void post(model::LoggedEvent event) const;

  struct Shared {
    std::shared_ptr<EventLog> log;
    std::function<util::SystemTime()> wall;
    std::mutex mutex;
    model::EventSource source;
  };
  std::shared_ptr<Shared> m_shared;
};

}  // namespace spawn::agent
