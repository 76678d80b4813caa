#pragma once
// The flags `spawn launch` and `spawn pool create` share, written once: what the instances are
// (types, AMI, key, network, user data, tags, profile), the spot flags that apply to both, and
// where spored comes from. Each command adds its own flags between the groups, so that its help
// reads in a sensible order, and reads them all into model::LaunchOptions with read().
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "spawn/cli/launch_agent.hpp"
#include "spawn/model/launch_options.hpp"

namespace spawn::cli {

// Whether the spot flags need --spot (launch) or apply as they are (pool create: a pool is spot).
enum class SpotFlagsNeed { spot, nothing };

class LaunchFlags {
 public:
  // --instance-type, --instance-types, --ami, --key-name, --subnet-id, --security-group-ids, --user-data
  void add_instance(CLI::App& app, model::LaunchOptions& options);
  // --tag, --iam-instance-profile
  void add_tags(CLI::App& app);
  // --spot-max-price, --spot-allocation-strategy
  void add_spot_pricing(CLI::App& app, SpotFlagsNeed need);
  // --on-interruption, --checkpoint-script, --notify, --agent-url, --agent-sha256, --no-agent
  void add_interruption_and_agent(CLI::App& app, SpotFlagsNeed need);

  // The flags given as text, parsed into options (cross-flag rules: model::validate).
  expected<void, model::UsageError> read(model::LaunchOptions& options) const;

  const AgentFlags& agent() const { return m_agent; }

 private:
  std::optional<std::string> m_ami, m_key_name, m_user_data, m_profile;
  std::optional<std::string> m_max_price, m_strategy, m_on_interruption, m_checkpoint_script, m_price_alert;
  std::vector<std::string> m_tags, m_instance_types, m_notify;
  AgentFlags m_agent;
};

}  // namespace spawn::cli
