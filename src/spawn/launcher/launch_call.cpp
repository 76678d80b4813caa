#include "spawn/launcher/launch_call.hpp"

#include <thread>

namespace spawn::launcher {

// Throttling counts: a throttled call was not applied, but it is the last attempt's answer, and an
// earlier attempt of the same call may have been applied with its reply lost.
void LaunchContext::pause(std::chrono::milliseconds d) const {
  if (wait) wait(d);
  else std::this_thread::sleep_for(d);
}

bool outcome_unknown(const aws::Error& e) { return aws::is_throttling(e) || aws::is_transient(e); }

}  // namespace spawn::launcher
