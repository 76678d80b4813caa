#pragma once
// `spawn pool create`: the pool's spored setup (the same steps as a spot launch: the install
// snippet, the spec in spawn's bucket, the pool's own role and instance profile), its launch
// template and its maintain fleet (launcher/pool). What it made is removed again when the
// fleet cannot be made.
#include "spawn/cli/global_options.hpp"
#include "spawn/cli/launch_agent.hpp"
#include "spawn/model/pool_options.hpp"

namespace spawn::cli {

// Runs the create; options are already read but not validated. The exit status: 2 for bad
// usage (nothing sent, or only the lookup that found the name taken), 1 when AWS refused.
int run_pool_create(model::PoolOptions options, const AgentFlags& agent, const GlobalOptions& global);

}  // namespace spawn::cli
