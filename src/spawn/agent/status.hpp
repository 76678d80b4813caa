#pragma once
// `spored status`: what the agent watches and what it has seen, read from its state dir
// (status.json, written by the daemon; events.json, the event store). Works while the daemon
// runs and after it stopped; needs no metadata service and no AWS.
#include <string>

namespace spawn::agent {

struct StatusReport {
  int exit_code = 0;  // 0; 1 when the state dir has no status (spored never ran with it)
  std::string text;   // what to print on stdout (or the one-line error, for stderr, when exit_code is 1)
};

enum class StatusFormat { text, json };

// The report for state_dir; as JSON: {"status": ..., "events": ..., "running": bool}.
StatusReport status_report(const std::string& state_dir, StatusFormat format);

}  // namespace spawn::agent
