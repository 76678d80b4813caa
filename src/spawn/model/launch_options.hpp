#pragma once
// What `spawn launch` was asked for, and its validation. Pure: no I/O but reading --user-data @file.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spawn/model/idle_options.hpp"
#include "spawn/model/relaunch_options.hpp"
#include "spawn/model/spot_options.hpp"
#include "spawn/model/usage_error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::model {

// --on-complete: what spored does once the job says it is done (`spored complete`).
enum class OnComplete { terminate, stop, hibernate };
inline constexpr OnComplete k_on_completes[] = {OnComplete::terminate, OnComplete::stop, OnComplete::hibernate};
std::string_view to_string(OnComplete value);
expected<OnComplete, UsageError> parse_on_complete(std::string_view text);

struct LaunchOptions {
  std::string instance_type;                // --instance-type (may be empty with --instance-types)
  std::vector<std::string> instance_types;  // --instance-types A,B,C (split, unchecked until validate)
  std::optional<std::string> ami;
  std::optional<std::string> key_name;
  std::vector<std::string> subnet_ids;      // --subnet-id, comma-separated: several make an EC2 Fleet
  std::vector<std::string> security_group_ids;
  std::optional<std::string> user_data;  // the text, after reading @file
  std::optional<std::string> name;
  int count = 1;
  std::optional<std::string> job_array_name;
  std::map<std::string, std::string> tags;  // --tag K=V
  std::optional<std::string> iam_instance_profile;
  bool dry_run = false;
  bool wait = false;
  std::optional<std::chrono::seconds> ttl;  // --ttl: tag spawn:ttl-deadline = launch time + ttl (spored ends it then)
  std::optional<OnComplete> on_complete;    // --on-complete (spored complete)
  IdleOptions idle;                         // --idle-timeout, --on-idle, --active-process, --idle-cpu
  SpotOptions spot;
  RelaunchOptions relaunch;                 // --relaunch, --rebalance

  // Every type asked for: --instance-type first, then --instance-types, each once.
  std::vector<std::string> all_instance_types() const;
  // A job array: more than one instance, or a name given for one.
  bool job_array() const { return count > 1 || job_array_name.has_value(); }
  // Spot from one-time requests: EC2 can terminate these, never stop them.
  bool one_time_spot() const { return spot.enabled && spot.interruption() != OnInterruption::hibernate; }
  // --on-idle, or its default for the market.
  OnIdle idle_action() const { return idle.action.value_or(default_on_idle(one_time_spot())); }
};

// "K=V" -> {K, V}. K must be non-empty, at most 128 characters, and not start with "aws:"
// (reserved by AWS) or "spawn:" (spawn's own); V at most 256 characters.
expected<std::pair<std::string, std::string>, UsageError> parse_tag(std::string_view text);
// --user-data: the text itself, or @path read from a file (unreadable: UsageError).
expected<std::string, UsageError> read_user_data(std::string_view arg);
// Checks what can be checked before any request (count, names, ...).
expected<void, UsageError> validate(const LaunchOptions& options);

// EC2's limit on user data: 16 KB before base64 encoding.
inline constexpr size_t k_user_data_limit = 16 * 1024;

}  // namespace spawn::model
