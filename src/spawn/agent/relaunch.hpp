#pragma once
// spored's half of --relaunch (docs/spot.md, "Self-healing arrays"): on the interruption notice
// (and, with --rebalance move, on a rebalance recommendation) the member asks EC2 for its own
// replacement, in parallel with notify and checkpoint. The request is launcher/relaunch's, the
// same `spawn relaunch` sends.
//
// Exactly once: the event store's record of the latched event says "relaunch": "pending" before
// the request and its outcome after ("requested", "failed", "none"); a spored restarted while it
// was pending sends the same request again, with the same ClientToken, so EC2 launches one
// replacement whatever was lost. The outcome is also the tag spawn:relaunch-status on the
// outgoing member (what `spawn status` shows), and a failure is told to the --notify targets.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "spawn/agent/aws_actions.hpp"
#include "spawn/agent/clocks.hpp"
#include "spawn/agent/event_store.hpp"
#include "spawn/agent/instance.hpp"
#include "spawn/agent/log.hpp"
#include "spawn/launcher/relaunch.hpp"

namespace spawn::agent {

// The outgoing member as its spored knows it: facts (id, placement, tags: index, generation),
// and its TTL deadline.
launcher::Outgoing outgoing_member(const InstanceFacts& facts, const std::optional<util::SystemTime>& ttl_deadline);

struct RelaunchJob {
  std::shared_ptr<Logger> log;
  EventStore* store = nullptr;
  std::string key;                         // the latched event ("interruption", "rebalance")
  std::shared_ptr<Actions> actions;
  launcher::RelaunchSpec spec;
  launcher::Outgoing outgoing;
  bool completed = false;                  // the job ran `spored complete`: nothing to relaunch
  std::vector<std::string> notify;         // told about a failed relaunch
  std::map<std::string, std::string> tags; // the instance's (job array), for the message
  Clocks clocks;
  SteadyTime since{};                      // the detection, for the log's timings
  std::chrono::milliseconds notify_wait{10000};
};

struct RelaunchOutcome {
  std::string state;  // "requested", "failed", "unknown" (no answer: still pending), "none" (refused, or the
                      // array was terminated), "done before"
  std::string tag;    // the spawn:relaunch-status value written
  std::optional<launcher::Replacement> replacement;
};

// The whole relaunch of one latched event, synchronously: refusals, the request, the record,
// the tag, the log and a failure's notifications (waited for up to notify_wait).
RelaunchOutcome relaunch_member(const RelaunchJob& job);

// The event is latched and its relaunch has no outcome: never started (spored stopped right after
// the latch) or asked for without an answer ("pending").
bool relaunch_unfinished(const EventStore& store, const std::string& key);

}  // namespace spawn::agent
