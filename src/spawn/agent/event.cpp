#include "spawn/agent/event.hpp"

namespace spawn::agent {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::interruption: return "interruption";
    case EventKind::rebalance: return "rebalance";
    case EventKind::ttl_warning: return "ttl_warning";
    case EventKind::ttl_deadline: return "ttl_deadline";
    case EventKind::completion: return "completion";
    case EventKind::idle_warning: return "idle_warning";
    case EventKind::idle_cancelled: return "idle_cancelled";
    case EventKind::idle: return "idle";
  }
  return "unknown";
}

std::string latch_key(const Event& event) {
  switch (event.kind) {
    case EventKind::interruption:
    case EventKind::rebalance:
    case EventKind::completion: return std::string(to_string(event.kind));
    case EventKind::ttl_warning:
    case EventKind::ttl_deadline:
    case EventKind::idle_warning:
    case EventKind::idle_cancelled:
    case EventKind::idle: return std::string(to_string(event.kind)) + ":" + event.time_text;
  }
  return "unknown";
}

}  // namespace spawn::agent
