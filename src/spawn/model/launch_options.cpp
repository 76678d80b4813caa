#include "spawn/model/launch_options.hpp"

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "spawn/model/tags.hpp"
#include "spawn/util/encoding.hpp"

namespace spawn::model {
namespace {

bool valid_resource_id(std::string_view id, std::string_view prefix) {
  if (!id.starts_with(prefix)) return false;
  id.remove_prefix(prefix.size());
  if (id.size() != 8 && id.size() != 17) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// The rules of the spot flags (issue 3): which need --spot, which exclude each other.
expected<void, UsageError> validate_spot(const LaunchOptions& o, size_t type_count) {
  const SpotOptions& s = o.spot;
  if (!s.enabled) {
    const char* flag = s.max_price             ? "--spot-max-price"
                       : s.fallback            ? "--spot-fallback"
                       : s.allocation_strategy ? "--spot-allocation-strategy"
                       : s.spot_count          ? "--spot-count"
                       : s.on_interruption     ? "--on-interruption"
                       : s.checkpoint_script   ? "--checkpoint-script"
                       : s.price_alert         ? "--price-alert"
                                               : nullptr;
    if (flag) return unexpected(UsageError{std::string(flag) + " needs --spot"});
    // spored tells --notify targets about the TTL, completion and idle stop of any instance.
    if (!s.notify.empty() && !o.ttl && !o.on_complete && !o.idle.enabled())
      return unexpected(UsageError{"--notify needs --spot, --ttl, --on-complete or --idle-timeout (the events spored "
                                   "tells about)"});
    return {};
  }
  if (s.spot_count && (*s.spot_count < 1 || *s.spot_count > o.count))
    return unexpected(UsageError{"--spot-count: expected 1 to " + std::to_string(o.count) + " (the --count), got " +
                                 std::to_string(*s.spot_count)});
  if (s.price_alert && s.notify.empty())
    return unexpected(UsageError{"--price-alert needs --notify TARGET (whom spored tells when the price crosses it)"});
  if (s.price_alert && s.max_price)
    if (auto max = Usd::parse(*s.max_price); max && *s.price_alert >= *max)
      return unexpected(UsageError{"--price-alert " + s.price_alert->text() + " is not under --spot-max-price " +
                                   *s.max_price + ": EC2 takes the instance back once its price is above the max "
                                   "price, so the alert would never be told"});
  const OnInterruption action = s.interruption();
  if (action == OnInterruption::checkpoint && !s.checkpoint_script)
    return unexpected(UsageError{"--on-interruption checkpoint needs --checkpoint-script PATH|URL"});
  if (s.checkpoint_script && action != OnInterruption::checkpoint)
    return unexpected(UsageError{"--checkpoint-script runs only with --on-interruption checkpoint (the action is " +
                                 std::string(to_string(action)) + ")"});
  if (action == OnInterruption::hibernate) {
    if (type_count > 1)
      return unexpected(UsageError{"--on-interruption hibernate: not with several instance types (an EC2 Fleet cannot "
                                   "hibernate); give one --instance-type"});
    if (s.spot_count && *s.spot_count < o.count)
      return unexpected(UsageError{"--on-interruption hibernate: not with --spot-count (a mixed array is an EC2 Fleet, "
                                   "which cannot hibernate)"});
    if (o.subnet_ids.size() > 1)
      return unexpected(UsageError{"--on-interruption hibernate: give one --subnet-id (several make an EC2 Fleet, "
                                   "which cannot hibernate)"});
  }
  return {};
}

// Stopping (--on-complete or --on-idle stop|hibernate) needs an instance EC2 lets stop: on
// demand, or spot from a persistent request (spawn's --on-interruption hibernate); hibernating
// needs one launched hibernation-capable, which spawn does for --on-interruption hibernate only.
expected<void, UsageError> validate_stop_action(const LaunchOptions& o, const std::string& flag, bool hibernate,
                                                const char* instead) {
  const bool persistent = o.spot.enabled && !o.one_time_spot();
  if (hibernate && !persistent)
    return unexpected(UsageError{flag + " needs an instance launched hibernation-capable (--spot --on-interruption "
                                        "hibernate)",
                                 std::string("use ") + instead});
  if (o.one_time_spot())
    return unexpected(UsageError{flag + ": EC2 cannot stop a one-time spot instance (it can only be terminated)",
                                 std::string("use ") + instead + ", or --on-interruption hibernate (a persistent request)"});
  if (o.spot.enabled && o.spot.spot_count && *o.spot.spot_count < o.count)
    return unexpected(UsageError{flag + ": not with --spot-count (the spot members cannot be stopped)"});
  return {};
}

// --relaunch and --rebalance (issue 15): a spot member's replacement, launched by its spored.
expected<void, UsageError> validate_relaunch(const LaunchOptions& o) {
  const RelaunchOptions& r = o.relaunch;
  if (!o.spot.enabled) {
    const char* flag = r.max ? "--relaunch" : r.rebalance ? "--rebalance" : nullptr;
    if (flag) return unexpected(UsageError{std::string(flag) + " needs --spot (only spot instances are interrupted)"});
    return {};
  }
  if (r.moves() && !r.max)
    return unexpected(UsageError{"--rebalance move needs --relaunch N (the move is a relaunch before the interruption)"});
  if (r.rebalance == Rebalance::checkpoint && o.spot.interruption() != OnInterruption::checkpoint)
    return unexpected(UsageError{"--rebalance checkpoint needs --on-interruption checkpoint and a --checkpoint-script"});
  if (!r.max) return {};
  if (o.spot.interruption() == OnInterruption::hibernate)
    return unexpected(UsageError{"--relaunch: not with --on-interruption hibernate (a hibernated instance comes back "
                                 "itself, no replacement is launched)"});
  return {};
}

expected<void, UsageError> validate_on_complete(const LaunchOptions& o) {
  if (!o.on_complete || *o.on_complete == OnComplete::terminate) return {};
  return validate_stop_action(o, "--on-complete " + std::string(to_string(*o.on_complete)),
                              *o.on_complete == OnComplete::hibernate, "--on-complete stop or terminate");
}

expected<void, UsageError> validate_idle(const LaunchOptions& o) {
  const IdleOptions& idle = o.idle;
  if (!idle.enabled()) {
    const char* flag = idle.action ? "--on-idle"
                       : !idle.active_processes.empty() ? "--active-process"
                       : idle.cpu_percent ? "--idle-cpu"
                                          : nullptr;
    if (flag) return unexpected(UsageError{std::string(flag) + " needs --idle-timeout (how long idle before acting)"});
    return {};
  }
  if (idle.active_processes.size() > k_max_active_processes)
    return unexpected(UsageError{"--active-process: at most " + std::to_string(k_max_active_processes) + " names"});
  for (const auto& name : idle.active_processes)
    if (auto ok = check_process_name(name); !ok) return ok;
  if (!idle.action || *idle.action == OnIdle::terminate) return {};
  return validate_stop_action(o, "--on-idle " + std::string(to_string(*idle.action)), *idle.action == OnIdle::hibernate,
                              "--on-idle terminate (the default for one-time spot), or stop on demand");
}

}  // namespace

std::string_view to_string(OnComplete value) {
  switch (value) {
    case OnComplete::terminate: return "terminate";
    case OnComplete::stop: return "stop";
    case OnComplete::hibernate: return "hibernate";
  }
  return "terminate";
}

expected<OnComplete, UsageError> parse_on_complete(std::string_view text) {
  for (auto value : k_on_completes)
    if (text == to_string(value)) return value;
  return unexpected(UsageError{"--on-complete: expected terminate, stop or hibernate, got '" + std::string(text) + "'"});
}

std::vector<std::string> LaunchOptions::all_instance_types() const {
  std::vector<std::string> out;
  if (!instance_type.empty()) out.push_back(instance_type);
  for (const auto& t : instance_types)
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  return out;
}

expected<std::pair<std::string, std::string>, UsageError> parse_tag(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return unexpected(UsageError{"--tag: expected KEY=VALUE, got '" + std::string(text) + "'"});
  std::string key(text.substr(0, eq));
  std::string value(text.substr(eq + 1));
  // EC2 counts characters, not bytes: 128 for a key, 256 for a value.
  if (util::utf8_length(key) > 128) return unexpected(UsageError{"--tag: the key is longer than 128 characters"});
  if (util::utf8_length(value) > tag::k_value_limit)
    return unexpected(UsageError{"--tag: the value of " + key + " is longer than 256 characters"});
  // spawn puts the instance's tags in its metadata, and EC2 then refuses other keys.
  static const std::regex k_key_chars(R"([A-Za-z0-9+\-=._:@,]+)");
  if (!std::regex_match(key, k_key_chars) || key == "." || key == ".." || key == "_index")
    return unexpected(UsageError{"--tag: a key of letters, digits and + - . , _ : @ only (instance tags are in the "
                                 "instance metadata), got '" + key + "'"});
  if (key.starts_with("aws:")) return unexpected(UsageError{"--tag: keys starting with 'aws:' are reserved by AWS"});
  if (key.starts_with("spawn:"))
    return unexpected(UsageError{"--tag: keys starting with 'spawn:' are set by spawn itself"});
  return std::pair{std::move(key), std::move(value)};
}

expected<std::string, UsageError> read_user_data(std::string_view arg) {
  if (!arg.starts_with("@")) return std::string(arg);
  std::string path(arg.substr(1));
  if (path.empty()) return unexpected(UsageError{"--user-data: expected text or @FILE, got '@'"});
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return unexpected(UsageError{"--user-data: cannot read '" + path + "' (not a readable file)"});
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(UsageError{"--user-data: cannot read '" + path + "'"});
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return unexpected(UsageError{"--user-data: cannot read '" + path + "'"});
  return buf.str();
}

expected<void, UsageError> validate(const LaunchOptions& o) {
  static const std::regex k_type(R"([a-z][a-z0-9-]*[0-9][a-z0-9-]*\.[a-z0-9-]+)");
  if (o.instance_type.empty() && o.instance_types.empty())
    return unexpected(UsageError{"--instance-type is required (e.g. --instance-type m7i.large, or --instance-types A,B)"});
  if (o.instance_type.find(',') != std::string::npos)
    return unexpected(UsageError{"--instance-type takes one type; for several, --instance-types " + o.instance_type,
                                 "spawn then launches an EC2 Fleet over them"});
  if (!o.instance_type.empty() && !std::regex_match(o.instance_type, k_type))
    return unexpected(UsageError{"--instance-type: expected a type like m7i.large, got '" + o.instance_type + "'"});
  for (size_t i = 0; i < o.instance_types.size(); ++i) {
    const std::string& t = o.instance_types[i];
    if (t.empty()) return unexpected(UsageError{"--instance-types: an empty entry; expected types like m7i.large,m6i.large"});
    if (!std::regex_match(t, k_type))
      return unexpected(UsageError{"--instance-types: expected types like m7i.large,m6i.large, got '" + t + "'"});
    if (std::find(o.instance_types.begin(), o.instance_types.begin() + static_cast<long>(i), t) !=
        o.instance_types.begin() + static_cast<long>(i))
      return unexpected(UsageError{"--instance-types: " + t + " is listed twice"});
  }
  if (o.count < 1) return unexpected(UsageError{"--count: expected a positive integer, got " + std::to_string(o.count)});
  if (o.count > 10000) return unexpected(UsageError{"--count: at most 10000 instances in one launch"});
  if (o.ami && !valid_resource_id(*o.ami, "ami-"))
    return unexpected(UsageError{"--ami: expected an AMI id like ami-0abcdef1234567890, got '" + *o.ami + "'"});
  for (size_t i = 0; i < o.subnet_ids.size(); ++i) {
    const std::string& subnet = o.subnet_ids[i];
    if (!valid_resource_id(subnet, "subnet-"))
      return unexpected(UsageError{"--subnet-id: expected ids like subnet-0abc1234, got '" + subnet + "'"});
    if (std::find(o.subnet_ids.begin(), o.subnet_ids.begin() + static_cast<long>(i), subnet) !=
        o.subnet_ids.begin() + static_cast<long>(i))
      return unexpected(UsageError{"--subnet-id: " + subnet + " is listed twice"});
  }
  for (const auto& sg : o.security_group_ids)
    if (!valid_resource_id(sg, "sg-"))
      return unexpected(UsageError{"--security-group-ids: expected ids like sg-0abc1234, got '" + sg + "'"});
  // Empty strings would reach EC2 as KeyName= and IamInstanceProfile.Name= and be refused there.
  if (o.key_name && (o.key_name->empty() || o.key_name->size() > 255))
    return unexpected(UsageError{"--key-name: expected the name of an EC2 key pair (1 to 255 characters)"});
  if (o.iam_instance_profile && o.iam_instance_profile->empty())
    return unexpected(UsageError{"--iam-instance-profile: expected an instance profile name or ARN"});
  if (o.name && (o.name->empty() || util::utf8_length(*o.name) > 200))
    return unexpected(UsageError{"--name: expected 1 to 200 characters"});
  if (o.job_array_name && (o.job_array_name->empty() || util::utf8_length(*o.job_array_name) > 200))
    return unexpected(UsageError{"--job-array-name: expected 1 to 200 characters"});
  if (o.user_data && o.user_data->size() > k_user_data_limit)
    return unexpected(UsageError{"--user-data: " + std::to_string(o.user_data->size()) +
                                 " bytes is over EC2's 16 KB limit; put the script in S3 and fetch it from a short user-data"});
  if (auto spot = validate_spot(o, o.all_instance_types().size()); !spot) return spot;
  if (auto relaunch = validate_relaunch(o); !relaunch) return relaunch;
  if (auto complete = validate_on_complete(o); !complete) return complete;
  return validate_idle(o);
}

}  // namespace spawn::model
