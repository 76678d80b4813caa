#include "spawn/agent/deadline.hpp"

#include <algorithm>

namespace spawn::agent {

util::SystemTime checkpoint_deadline(util::SystemTime detected, std::optional<util::SystemTime> notice_time) {
  util::SystemTime budget_end = detected + k_checkpoint_budget;
  if (!notice_time) return budget_end;
  return std::min(budget_end, *notice_time - k_shutdown_margin);
}

SteadyTime to_steady(util::SystemTime when, util::SystemTime wall_now, SteadyTime steady_now) {
  return steady_now + std::chrono::duration_cast<SteadyTime::duration>(when - wall_now);
}

TtlStage ttl_stage(util::SystemTime now, util::SystemTime deadline) {
  if (now >= deadline) return TtlStage::expired;
  if (now >= deadline - k_ttl_warning_lead) return TtlStage::warning;
  return TtlStage::running;
}

}  // namespace spawn::agent
