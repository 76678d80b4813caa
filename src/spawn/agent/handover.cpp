#include "spawn/agent/handover.hpp"

#include "spawn/model/tags.hpp"

namespace spawn::agent {

std::optional<std::string> handed_over(const std::optional<aws::ec2::Instance>& replaced) {
  if (!replaced) return "unknown to EC2";
  if (auto it = replaced->tags.find(model::tag::k_checkpoint_status); it != replaced->tags.end() && !it->second.empty())
    return "checkpoint " + it->second;
  if (replaced->state == "terminated" || replaced->state == "shutting-down" || replaced->state == "stopped")
    return replaced->state;
  return std::nullopt;
}

HandoverOutcome wait_for_handover(Logger& log, const HandoverSteps& steps, std::chrono::seconds timeout,
                                  std::chrono::seconds interval) {
  const SteadyTime start = steps.steady();
  auto waited = [&] { return std::chrono::duration<double>(steps.steady() - start).count(); };
  HandoverOutcome out;
  bool announced = false;
  std::string last_error;
  for (;;) {
    if (out.replaced.empty()) {
      auto replaces = steps.replaces();
      if (replaces && !*replaces) {
        out.state = "first generation";
        log.info("handover_done", {{"replaces", nullptr}, {"why", "this instance replaces no other"}});
        return out;
      }
      if (replaces) out.replaced = **replaces;
      else last_error = replaces.error().describe();
    }
    if (!out.replaced.empty()) {
      if (!announced) {
        log.info("handover_waiting", {{"replaces", out.replaced},
                                      {"timeout_seconds", timeout.count()},
                                      {"message", "the job starts once the replaced member has checkpointed"}});
        announced = true;
      }
      auto described = steps.describe(out.replaced);
      if (described) {
        if (auto why = handed_over(*described)) {
          out.state = "handed over";
          out.why = *why;
          out.waited_seconds = waited();
          log.info("handover_done", {{"replaces", out.replaced}, {"why", *why}, {"seconds_waited", out.waited_seconds}});
          return out;
        }
      } else {
        last_error = described.error().describe();
      }
    }
    if (!last_error.empty()) {
      log.warning("handover_read_failed", {{"error", last_error}});
      last_error.clear();
    }
    if (steps.steady() - start + interval > timeout) {
      out.state = "timeout";
      out.waited_seconds = waited();
      log.warning("handover_timeout", {{"replaces", out.replaced},
                                       {"seconds_waited", out.waited_seconds},
                                       {"consequence", "the job starts now; it may resume from an older checkpoint"}});
      return out;
    }
    steps.sleep(interval);
  }
}

}  // namespace spawn::agent
