#pragma once
// The one event type every monitor returns (at most one per check) and every handler takes.
#include <optional>
#include <string>
#include <string_view>

#include "spawn/util/time.hpp"

namespace spawn::agent {

enum class EventKind {
  interruption,  // spot/instance-action: the two-minute notice
  rebalance,     // events/recommendations/rebalance: elevated risk of interruption
  ttl_warning,   // five minutes before spawn:ttl-deadline
  ttl_deadline,  // spawn:ttl-deadline reached
  completion,    // the job ran `spored complete`
  idle_warning,  // idle for most of --idle-timeout: acting soon unless it becomes busy
  idle_cancelled,  // busy again after an idle_warning
  idle,          // idle for the whole --idle-timeout
};

struct Event {
  EventKind kind = EventKind::interruption;
  std::string action;                    // interruption: terminate | stop | hibernate (as EC2 says)
  std::string time_text;                 // the time as the source wrote it (notice time, noticeTime, deadline)
  std::optional<util::SystemTime> time;  // time_text parsed; nullopt when it does not parse
  std::string detail;                    // idle events: why (what was seen)
};

// "interruption", "rebalance", "ttl_warning", "ttl_deadline", "completion", "idle_warning",
// "idle_cancelled", "idle".
std::string_view to_string(EventKind kind);

// The key under which the event store latches an event, the same for every observation of one
// real-world event: "interruption" and "rebalance" (a jittering time is still the same notice),
// "ttl_warning:<deadline>" and "ttl_deadline:<deadline>" (a new deadline is a new event),
// "completion" (a job completes once: a second `spored complete` changes nothing),
// "idle_warning:<when it acts>", "idle_cancelled:<time seen>" and "idle:<time>" (never latched:
// each idle stretch is its own).
std::string latch_key(const Event& event);

}  // namespace spawn::agent
