#pragma once
// The user-data of a spot launch, generated (pure: same inputs, same bytes).
//
// spawn's part is a bash script that
//   1. writes /etc/spawn/spot-config.json (0600, atomically: temporary file, then rename),
//   2. without a spec, writes an embedded local checkpoint script to /etc/spawn/checkpoint.sh
//      (0700), the config's checkpoint_script then pointing there,
//   3. runs the agent-install snippet (launcher/agent_install provides it).
// With a spec (launcher/launch_spec), the config file holds no secret: webhooks, https:// script
// URLs and embedded scripts are in the spec only, and the file says where the spec is. It exports
// nothing: cloud-init's later parts and the user's job never saw those variables anyway.
// Every value in it is shell-quoted (util::shell_quote); the checkpoint script travels as
// base64, byte for byte. The user's own --user-data is not touched: it becomes its own part of
// a cloud-init MIME multipart, typed so that cloud-init treats it exactly as if it came alone.
//
// Test seam: the script's fourth line is `spawn_root=''`; every path it writes is
// "$spawn_root/etc/spawn/...". A test may replace that one line to run the script in a sandbox
// folder (SpotSetup::root does the same at generation time).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/launcher/launch_spec.hpp"
#include "spawn/launcher/relaunch_spec.hpp"
#include "spawn/model/idle_options.hpp"
#include "spawn/model/spot_options.hpp"
#include "spawn/model/usage_error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::launcher {

inline constexpr const char* k_spawn_etc = "/etc/spawn";
inline constexpr const char* k_spot_config_path = "/etc/spawn/spot-config.json";
inline constexpr const char* k_checkpoint_path = "/etc/spawn/checkpoint.sh";

// What the instance is told about its market.
enum class SpotMarket {
  spot,          // launched as spot
  on_demand,     // an on-demand launch of a spot request (fallback)
  per_instance,  // one user-data for both markets (a mixed fleet): "spot": null, SPAWN_SPOT
                 // empty; spored reads the instance's spawn:spot tag or instance-life-cycle
};

struct SpotSetup {
  SpotMarket market = SpotMarket::spot;
  model::OnInterruption on_interruption = model::OnInterruption::terminate;
  std::optional<model::CheckpointScript> checkpoint_script;
  std::optional<std::string> checkpoint_script_region;  // an s3:// script's bucket region, when known
  std::vector<std::string> notify;  // --notify: SNS topic ARNs or https:// URLs
  std::optional<std::string> ttl_deadline;  // RFC 3339
  std::optional<std::string> on_complete;   // --on-complete: terminate | stop | hibernate
  model::IdleOptions idle;                  // --idle-timeout and its flags (the action resolved)
  std::optional<SpecLocation> spec;         // where the launch's spec is; nullopt: none (no bucket)
  std::optional<RelaunchSpec> relaunch;     // --relaunch: the replacement's request (no secret in it)
  std::optional<model::Usd> price_alert;    // --price-alert
  std::string agent_install;        // trusted shell that installs and starts spored; may be empty
  std::string root;                 // "" on an instance; a sandbox folder in tests
};

// The spot-config.json document, one line:
// {"spot": true|false|null, "on_interruption": "...", "checkpoint_script": "...", "notify": [...],
//  "ttl_deadline": "...", "checkpoint_script_region": "...", "on_complete": "...", "idle_timeout": "3600s",
//  "on_idle": "...", "active_processes": [...], "idle_cpu": "5", "spec": "s3://...", "spec_region": "...",
//  "price_alert": "0.1200", "relaunch": {...} (launcher/relaunch.hpp)}
// where checkpoint_script is the URL, /etc/spawn/checkpoint.sh for an embedded script, or "";
// with a spec, secrets are left out (checkpoint_script "" for an https:// or embedded script,
// notify only the SNS topics).
std::string spot_config_json(const SpotSetup& setup);
// spawn's bash script (see above).
std::string spot_script(const SpotSetup& setup);

// The final user-data: spawn's script alone, or with the user's --user-data a MIME multipart
// of two parts, spawn's first (cloud-init runs scripts in file-name order).
std::string combine_user_data(const std::string& spawn_script, const std::optional<std::string>& user_data);

// The final user-data, or a UsageError (exit 2) when it is over EC2's 16 KB limit, naming
// the size and what it is made of, with a hint to move large scripts to S3.
expected<std::string, model::UsageError> build_user_data(const SpotSetup& setup,
                                                         const std::optional<std::string>& user_data);

}  // namespace spawn::launcher
