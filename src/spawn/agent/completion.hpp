#pragma once
// `spored complete [--status N]`: the job says it is done. The command leaves
// <state dir>/complete.json for the daemon, which tags spawn:completion-status, notifies and ends
// the instance as --on-complete says (handlers.hpp). A file and not a signal or a socket: it
// survives a daemon restart, and only root (who may write the state dir) can ask.
#include <string>

#include "spawn/util/expected.hpp"
#include "spawn/util/time.hpp"

namespace spawn::agent {

struct CompletionRequest {
  std::string message;   // what to print: what happens next
  bool daemon_running = false;
};

// Writes the request (atomically, 0644) unless one is there already (a job completes once: the
// first status stands). An error (a sentence) when the state dir cannot be written.
expected<CompletionRequest, std::string> request_completion(const std::string& state_dir, int status,
                                                            util::SystemTime now);

}  // namespace spawn::agent
