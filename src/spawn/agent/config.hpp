#pragma once
// spored's settings, layered: flag > environment > launch spec > config file > default, one
// table line per option (config.cpp), validated after the layers are merged.
//
// option                    flag                         environment                        file/spec key (spec: S)
// imds-endpoint             --imds-endpoint              AWS_EC2_METADATA_SERVICE_ENDPOINT  -
// poll-interval             --poll-interval              SPORED_POLL_INTERVAL               poll_interval
// state-dir                 --state-dir                  SPORED_STATE_DIR                   -
// shutdown-command          --shutdown-command           SPORED_SHUTDOWN_COMMAND            shutdown_command
// log-format                --log-format                 SPORED_LOG_FORMAT                  log_format
// spot                      --spot                       SPAWN_SPOT                         spot
// spec                      --spec                       SPAWN_SPEC                         spec
// spec-region               --spec-region                SPAWN_SPEC_REGION                  spec_region
// spec-refresh              --spec-refresh               SPORED_SPEC_REFRESH                -
// on-interruption           --on-interruption            SPAWN_ON_INTERRUPTION              on_interruption (S)
// checkpoint-script         --checkpoint-script          SPAWN_CHECKPOINT_SCRIPT            checkpoint_script (S)
// checkpoint-script-region  --checkpoint-script-region   SPAWN_CHECKPOINT_SCRIPT_REGION     checkpoint_script_region (S)
// on-complete               --on-complete                SPAWN_ON_COMPLETE                  on_complete (S)
// notify                    --notify (repeated)          SPAWN_NOTIFY (comma-separated)     notify (array) (S)
// ttl-deadline              --ttl-deadline               SPAWN_TTL_DEADLINE                 ttl_deadline (S)
// idle-timeout              --idle-timeout               SPAWN_IDLE_TIMEOUT                 idle_timeout (S)
// on-idle                   --on-idle                    SPAWN_ON_IDLE                      on_idle (S)
// active-process            --active-process (repeated)  SPAWN_ACTIVE_PROCESS (comma-sep.)  active_processes (array) (S)
// idle-cpu                  --idle-cpu                   SPAWN_IDLE_CPU                     idle_cpu (S)
// proc-root                 --proc-root                  SPORED_PROC_ROOT                   -
// price-alert               --price-alert                SPAWN_PRICE_ALERT                  price_alert (S)
// price-check-interval      --price-check-interval       SPORED_PRICE_CHECK_INTERVAL        price_check_interval
// relaunch                  -                            -                                  relaunch (an object; launcher/relaunch_spec.hpp)
// The file itself: --config, SPORED_CONFIG, default /etc/spawn/spot-config.json (the one the
// spot launch's user-data writes). An empty environment variable counts as unset.
// The spec (s3://, read with the instance role: agent/launch_spec.hpp) is the launch's own
// record, secrets included; the file holds the part of it that is no secret, so spored can act
// before it has read the spec. Instance tags configure nothing (docs/spored.md, "Tags").
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/agent/log.hpp"
#include "spawn/aws/config/environment.hpp"
#include "spawn/launcher/relaunch_spec.hpp"
#include "spawn/model/idle_options.hpp"
#include "spawn/model/launch_options.hpp"
#include "spawn/model/money.hpp"
#include "spawn/model/spot_options.hpp"
#include "spawn/util/expected.hpp"
#include "spawn/util/time.hpp"

namespace spawn::agent {

inline constexpr const char* k_default_config_file = "/etc/spawn/spot-config.json";
inline constexpr std::chrono::milliseconds k_min_poll_interval{100};
inline constexpr std::chrono::milliseconds k_max_poll_interval{10000};

// The same three actions spawn's --on-interruption writes into the config (one enum for both).
using model::OnInterruption;
using model::to_string;

enum class Origin { flag, environment, spec, file, fallback };

struct AgentConfig {
  std::string imds_endpoint = "http://169.254.169.254";
  std::chrono::milliseconds poll_interval{1000};
  std::string state_dir = "/var/lib/spawn";
  std::string shutdown_command = "systemctl poweroff";  // empty: none
  LogFormat log_format = LogFormat::json;
  std::string config_file = k_default_config_file;
  std::optional<bool> spot;                             // true: watch for spot notices even if
                                                        // instance-life-cycle does not say spot
  OnInterruption on_interruption = OnInterruption::terminate;
  std::string checkpoint_script;                        // absolute path, s3://bucket/key, https://...; empty: none
  std::vector<std::string> notify;                      // SNS topic ARNs and https:// URLs
  model::OnComplete on_complete = model::OnComplete::terminate;  // after `spored complete`
  std::optional<util::SystemTime> ttl_deadline;
  std::string spec;                                     // s3://bucket/key of the launch's spec; empty: none
  std::string spec_region;                              // its bucket's region; empty: the instance's
  std::chrono::seconds spec_refresh{60};                // how often the spec is asked for again
  std::string checkpoint_script_region;                 // an s3:// script's bucket region; empty: the instance's
  std::optional<std::chrono::seconds> idle_timeout;     // nullopt: no idle stop
  std::optional<model::OnIdle> on_idle;                 // nullopt: terminate on one-time spot, else stop
  std::vector<std::string> active_processes;            // busy while one of these runs
  double idle_cpu_percent = model::k_default_idle_cpu_percent;
  std::string proc_root = "/proc";                      // where the kernel's process tree is read
  std::optional<model::Usd> price_alert;                // --price-alert: tell notify when the pool's spot price goes above
  std::chrono::seconds price_check_interval{300};       // how often the pool's price is asked for (price_alert set)
  std::optional<launcher::RelaunchSpec> relaunch;       // file key "relaunch" only: the member's replacement
  std::map<std::string, Origin> origins;                // option name -> the layer that set it
};

// A layer given as text: option name -> its values (several only for notify).
using RawValues = std::map<std::string, std::vector<std::string>>;

struct Sources {
  RawValues flags;                                      // from the command line (parse_command_line)
  aws::config::Environment environment;                 // empty function: no environment
  std::optional<nlohmann::json> file;                   // the config file's object, when there is one
  std::string file_path;                                // for messages and embedded scripts
  std::optional<nlohmann::json> spec;                   // the launch's spec once read (agent/launch_spec.hpp)
  std::string spec_url;                                 // where it came from, for messages
};

struct ConfigError {
  std::string message;  // one line naming where the bad value came from: "--poll-interval 50ms: ..."
  std::string option;
  Origin origin = Origin::flag;
};

// Merges the layers and validates every value. The first bad value is the error.
// A checkpoint_script "embedded:<sha256>" (what the launch tags for a local script) means the
// script the user-data wrote next to the config file: <folder of file_path>/checkpoint.sh.
expected<AgentConfig, ConfigError> resolve_config(const Sources& sources);

// The config file's path: --config, then SPORED_CONFIG, then the default.
std::string config_file_path(const RawValues& flags, const aws::config::Environment& environment);

// Whether a missing config file is an error: yes when it was named (--config, SPORED_CONFIG), no
// for the default path (spored on an instance launched without spot settings).
enum class MustExist { yes, no };

// Reads the config file: its JSON object; nullopt when it does not exist and need not. An error (a
// sentence naming the file) when it cannot be read, is not a JSON object, or must exist and does not.
expected<std::optional<nlohmann::json>, std::string> load_config_file(const std::string& path, MustExist must_exist);

// "250ms", "1s", "1.5s" -> milliseconds; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_interval(std::string_view text);

// The instance tags spored reads: facts for the checkpoint's environment and the notices (the
// job array's id, name, size and index), never settings.
std::vector<std::string> fact_tag_keys();

// What each option was set to and where from, for the start-up log and `spored status`.
nlohmann::json describe(const AgentConfig& config);

}  // namespace spawn::agent
