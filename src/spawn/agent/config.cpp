#include "spawn/agent/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "spawn/aws/s3/client.hpp"
#include "spawn/aws/sns/client.hpp"
#include "spawn/model/price_alert.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/files.hpp"
#include "spawn/util/shell_split.hpp"
#include "spawn/util/url.hpp"

namespace spawn::agent {
namespace {

namespace tag = model::tag;
using Values = std::vector<std::string>;
using Setter = expected<void, std::string> (*)(AgentConfig&, const Values&, const Sources&);

expected<void, std::string> set_imds_endpoint(AgentConfig& c, const Values& v, const Sources&) {
  auto url = util::parse_url(v.at(0));
  if (!url || !url->query.empty()) return unexpected(std::string("not an http:// or https:// URL"));
  c.imds_endpoint = v.at(0);
  while (c.imds_endpoint.ends_with('/')) c.imds_endpoint.pop_back();
  return {};
}

expected<void, std::string> set_poll_interval(AgentConfig& c, const Values& v, const Sources&) {
  auto interval = parse_interval(v.at(0));
  if (!interval) return unexpected(std::string("not a duration (use 500ms, 1s, 2.5s)"));
  if (*interval < k_min_poll_interval || *interval > k_max_poll_interval)
    return unexpected(std::string("must be between 100ms and 10s"));
  c.poll_interval = *interval;
  return {};
}

expected<void, std::string> set_state_dir(AgentConfig& c, const Values& v, const Sources&) {
  if (!v.at(0).starts_with('/')) return unexpected(std::string("must be an absolute path"));
  c.state_dir = v.at(0);
  while (c.state_dir.size() > 1 && c.state_dir.ends_with('/')) c.state_dir.pop_back();
  return {};
}

expected<void, std::string> set_shutdown_command(AgentConfig& c, const Values& v, const Sources&) {
  auto words = util::shell_split(v.at(0));
  if (!words) return unexpected(words.error());
  c.shutdown_command = v.at(0);
  return {};
}

expected<void, std::string> set_log_format(AgentConfig& c, const Values& v, const Sources&) {
  if (v.at(0) == "json") c.log_format = LogFormat::json;
  else if (v.at(0) == "text") c.log_format = LogFormat::text;
  else return unexpected(std::string("must be json or text"));
  return {};
}

expected<void, std::string> set_spot(AgentConfig& c, const Values& v, const Sources&) {
  if (v.at(0) == "true") c.spot = true;
  else if (v.at(0) == "false") c.spot = false;
  else return unexpected(std::string("must be true or false"));
  return {};
}

expected<void, std::string> set_on_interruption(AgentConfig& c, const Values& v, const Sources&) {
  if (v.at(0) == "terminate") c.on_interruption = OnInterruption::terminate;
  else if (v.at(0) == "checkpoint") c.on_interruption = OnInterruption::checkpoint;
  else if (v.at(0) == "hibernate") c.on_interruption = OnInterruption::hibernate;
  else return unexpected(std::string("must be checkpoint, hibernate or terminate"));
  return {};
}

std::string folder_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

expected<void, std::string> set_checkpoint_script(AgentConfig& c, const Values& v, const Sources& s) {
  const std::string& value = v.at(0);
  if (value.empty()) {
    c.checkpoint_script.clear();
    return {};
  }
  if (value.starts_with("embedded:")) {
    c.checkpoint_script = folder_of(s.file_path.empty() ? k_default_config_file : s.file_path) + "/checkpoint.sh";
    return {};
  }
  if (value.starts_with("http://"))
    return unexpected(std::string("code fetched over plain http:// could be changed on the way: use https:// or s3://"));
  if (value.starts_with("s3://")) {
    if (!aws::s3::parse_s3_url(value)) return unexpected(std::string("not an s3://bucket/key URL"));
  } else if (value.starts_with("https://")) {
    if (!util::parse_url(value)) return unexpected(std::string("not a valid https:// URL"));
  } else if (!value.starts_with('/')) {
    return unexpected(std::string("must be an absolute path, s3://bucket/key or https://..."));
  }
  c.checkpoint_script = value;
  return {};
}

expected<void, std::string> set_notify(AgentConfig& c, const Values& v, const Sources&) {
  c.notify.clear();
  for (const auto& target : v) {
    if (target.empty()) continue;
    if (target.starts_with("arn:")) {
      if (!aws::sns::topic_region(target)) return unexpected(fmt::format("{}: not an SNS topic ARN", target));
    } else if (target.starts_with("https://")) {
      auto url = util::parse_url(target);
      if (!url) return unexpected(fmt::format("{}: not a valid https:// URL", loggable_url(target)));
    } else if (target.starts_with("http://")) {
      return unexpected(std::string("webhooks must use https:// (the notice would travel in clear text)"));
    } else {
      return unexpected(fmt::format("{}: must be an SNS topic ARN or an https:// URL", target.substr(0, 80)));
    }
    if (std::find(c.notify.begin(), c.notify.end(), target) == c.notify.end()) c.notify.push_back(target);
  }
  return {};
}

expected<void, std::string> set_ttl_deadline(AgentConfig& c, const Values& v, const Sources&) {
  if (v.at(0).empty()) {
    c.ttl_deadline.reset();
    return {};
  }
  auto t = util::parse_rfc3339(v.at(0));
  if (!t) return unexpected(std::string("not an RFC 3339 time like 2026-11-27T18:00:00Z"));
  c.ttl_deadline = *t;
  return {};
}

// A region name as AWS spells them (us-east-1, cn-north-1, us-gov-west-1): lowercase, digits, dashes.
bool is_region_name(const std::string& r) {
  if (r.empty() || r.size() > 32) return false;
  return std::all_of(r.begin(), r.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

expected<void, std::string> set_region(std::string& field, const Values& v) {
  if (!v.at(0).empty() && !is_region_name(v.at(0))) return unexpected(std::string("not a region name like eu-west-1"));
  field = v.at(0);
  return {};
}

expected<void, std::string> set_spec(AgentConfig& c, const Values& v, const Sources&) {
  if (!v.at(0).empty() && !aws::s3::parse_s3_url(v.at(0))) return unexpected(std::string("not an s3://bucket/key URL"));
  c.spec = v.at(0);
  return {};
}

expected<void, std::string> set_on_complete(AgentConfig& c, const Values& v, const Sources&) {
  auto parsed = model::parse_on_complete(v.at(0));
  if (!parsed) return unexpected(std::string("must be terminate, stop or hibernate"));
  c.on_complete = *parsed;
  return {};
}

expected<void, std::string> set_spec_refresh(AgentConfig& c, const Values& v, const Sources&) {
  auto interval = parse_interval(v.at(0));
  if (!interval || *interval < std::chrono::seconds(1) || *interval > std::chrono::seconds(3600))
    return unexpected(std::string("must be a duration between 1s and 3600s"));
  c.spec_refresh = std::chrono::duration_cast<std::chrono::seconds>(*interval);
  return {};
}

expected<void, std::string> set_spec_region(AgentConfig& c, const Values& v, const Sources&) {
  return set_region(c.spec_region, v);
}

expected<void, std::string> set_checkpoint_script_region(AgentConfig& c, const Values& v, const Sources&) {
  return set_region(c.checkpoint_script_region, v);
}

// spawn launch refuses windows under ten minutes; spored takes any from 1 s (tests, trials by hand).
expected<void, std::string> set_idle_timeout(AgentConfig& c, const Values& v, const Sources&) {
  if (v.at(0).empty()) {
    c.idle_timeout.reset();
    return {};
  }
  auto timeout = util::parse_duration(v.at(0));
  if (!timeout) return unexpected(std::string("not a duration with its unit (use 1h, 90m, 30s)"));
  c.idle_timeout = *timeout;
  return {};
}

expected<void, std::string> set_on_idle(AgentConfig& c, const Values& v, const Sources&) {
  if (v.at(0).empty()) {
    c.on_idle.reset();
    return {};
  }
  auto parsed = model::parse_on_idle(v.at(0));
  if (!parsed) return unexpected(std::string("must be stop, hibernate or terminate"));
  c.on_idle = *parsed;
  return {};
}

expected<void, std::string> set_active_processes(AgentConfig& c, const Values& v, const Sources&) {
  c.active_processes.clear();
  for (const auto& name : v) {
    if (name.empty()) continue;
    if (auto ok = model::check_process_name(name); !ok) return unexpected(fmt::format("{}: not a process name", name.substr(0, 80)));
    c.active_processes.push_back(name);
  }
  return {};
}

expected<void, std::string> set_idle_cpu(AgentConfig& c, const Values& v, const Sources&) {
  auto parsed = model::parse_idle_cpu(v.at(0));
  if (!parsed) return unexpected(std::string("must be a percentage above 0 and below 100"));
  c.idle_cpu_percent = *parsed;
  return {};
}

expected<void, std::string> set_proc_root(AgentConfig& c, const Values& v, const Sources&) {
  if (!v.at(0).starts_with('/')) return unexpected(std::string("must be an absolute path"));
  c.proc_root = v.at(0);
  while (c.proc_root.size() > 1 && c.proc_root.ends_with('/')) c.proc_root.pop_back();
  return {};
}

expected<void, std::string> set_price_alert(AgentConfig& c, const Values& v, const Sources&) {
  if (v.at(0).empty()) {
    c.price_alert.reset();
    return {};
  }
  auto price = model::parse_alert_price("price_alert", v.at(0));
  if (!price) return unexpected(std::string("must be a spot price in USD per hour, more than 0 (e.g. 0.12)"));
  c.price_alert = *price;
  return {};
}

// spawn launch writes 5m; spored takes any from 1 s to an hour (tests, trials by hand).
expected<void, std::string> set_price_check_interval(AgentConfig& c, const Values& v, const Sources&) {
  auto every = util::parse_duration(v.at(0));
  if (!every || *every < std::chrono::seconds(1) || *every > std::chrono::hours(1))
    return unexpected(std::string("must be a duration between 1s and 1h (use 5m, 30s)"));
  c.price_check_interval = *every;
  return {};
}

struct OptionSpec {
  std::string_view name;      // the flag is --<name>
  std::string_view env;       // "" when no environment variable
  std::string_view file_key;  // "" when not in the file
  bool in_spec;               // whether the launch's spec may set it
  std::string_view fallback;  // "" leaves AgentConfig's own default
  bool list;
  Setter set;
};

// clang-format off
const OptionSpec k_options[] = {
  // name                      environment                          file key                    spec   default                   list   setter
  {"imds-endpoint",            "AWS_EC2_METADATA_SERVICE_ENDPOINT", "",                         false, "http://169.254.169.254", false, set_imds_endpoint},
  {"poll-interval",            "SPORED_POLL_INTERVAL",              "poll_interval",            false, "1s",                     false, set_poll_interval},
  {"state-dir",                "SPORED_STATE_DIR",                  "",                         false, "/var/lib/spawn",         false, set_state_dir},
  {"shutdown-command",         "SPORED_SHUTDOWN_COMMAND",           "shutdown_command",         false, "systemctl poweroff",     false, set_shutdown_command},
  {"log-format",               "SPORED_LOG_FORMAT",                 "log_format",               false, "json",                   false, set_log_format},
  {"spot",                     "SPAWN_SPOT",                        "spot",                     false, "",                       false, set_spot},
  {"spec",                     "SPAWN_SPEC",                        "spec",                     false, "",                       false, set_spec},
  {"spec-region",              "SPAWN_SPEC_REGION",                 "spec_region",              false, "",                       false, set_spec_region},
  {"spec-refresh",             "SPORED_SPEC_REFRESH",               "",                         false, "60s",                    false, set_spec_refresh},
  {"on-interruption",          "SPAWN_ON_INTERRUPTION",             "on_interruption",          true,  "terminate",              false, set_on_interruption},
  {"checkpoint-script",        "SPAWN_CHECKPOINT_SCRIPT",           "checkpoint_script",        true,  "",                       false, set_checkpoint_script},
  {"checkpoint-script-region", "SPAWN_CHECKPOINT_SCRIPT_REGION",    "checkpoint_script_region", true,  "",                       false, set_checkpoint_script_region},
  {"on-complete",              "SPAWN_ON_COMPLETE",                 "on_complete",              true,  "terminate",              false, set_on_complete},
  {"notify",                   "SPAWN_NOTIFY",                      "notify",                   true,  "",                       true,  set_notify},
  {"ttl-deadline",             "SPAWN_TTL_DEADLINE",                "ttl_deadline",             true,  "",                       false, set_ttl_deadline},
  {"idle-timeout",             "SPAWN_IDLE_TIMEOUT",                "idle_timeout",             true,  "",                       false, set_idle_timeout},
  {"on-idle",                  "SPAWN_ON_IDLE",                     "on_idle",                  true,  "",                       false, set_on_idle},
  {"active-process",           "SPAWN_ACTIVE_PROCESS",              "active_processes",         true,  "",                       true,  set_active_processes},
  {"idle-cpu",                 "SPAWN_IDLE_CPU",                    "idle_cpu",                 true,  "5",                      false, set_idle_cpu},
  {"proc-root",                "SPORED_PROC_ROOT",                  "",                         false, "/proc",                  false, set_proc_root},
  {"price-alert",              "SPAWN_PRICE_ALERT",                 "price_alert",              true,  "",                       false, set_price_alert},
  {"price-check-interval",     "SPORED_PRICE_CHECK_INTERVAL",       "price_check_interval",     false, "5m",                     false, set_price_check_interval},
};
// clang-format on

std::string one_line(std::string_view s) {
  std::string out(s.substr(0, 200));
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

Values split_list(std::string_view text) {
  Values out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string item(text.substr(start, comma - start));
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// The file's value as text values: strings as they are, booleans as true/false, arrays of
// strings item by item. nullopt (not set) for null; an error for other shapes.
expected<std::optional<Values>, std::string> file_values(const nlohmann::json& v, bool list) {
  if (v.is_null()) return std::optional<Values>();
  if (v.is_string()) return std::optional<Values>(list ? split_list(v.get<std::string>()) : Values{v.get<std::string>()});
  if (v.is_boolean()) return std::optional<Values>(Values{v.get<bool>() ? "true" : "false"});
  if (list && v.is_array()) {
    Values out;
    for (const auto& item : v) {
      if (!item.is_string()) return unexpected(std::string("must be an array of strings"));
      out.push_back(item.get<std::string>());
    }
    return std::optional<Values>(std::move(out));
  }
  return unexpected(std::string(list ? "must be an array of strings" : "must be a string"));
}

std::string where(const OptionSpec& spec, Origin origin, const Values& values, const Sources& s) {
  std::string shown = one_line(values.empty() ? "" : values.front());
  // A URL's path and query may be a secret (webhook tokens, presigned signatures).
  if (shown.starts_with("https://") || shown.starts_with("http://")) shown = loggable_url(shown);
  switch (origin) {
    case Origin::flag: return fmt::format("--{} {}", spec.name, shown.empty() ? "''" : shown);
    case Origin::environment: return fmt::format("{}={}", spec.env, shown);
    case Origin::file: return fmt::format("{} {}", s.file_path, spec.file_key);
    case Origin::spec: return fmt::format("{} {}", s.spec_url.empty() ? "the launch's spec" : s.spec_url, spec.file_key);
    case Origin::fallback: return fmt::format("default {}", spec.name);
  }
  return std::string(spec.name);
}

// The values of one option from the strongest layer that has it: flag > environment > spec >
// file > default (nullopt values: nobody set it and it has no default). An error for a file or
// spec value of the wrong JSON type. Instance tags are no layer: anyone allowed ec2:CreateTags
// could otherwise choose what spored runs as root, or when it ends the instance.
expected<std::pair<std::optional<Values>, Origin>, std::string> pick(const OptionSpec& spec, const Sources& s) {
  using Picked = std::pair<std::optional<Values>, Origin>;
  if (auto it = s.flags.find(std::string(spec.name)); it != s.flags.end()) return Picked{it->second, Origin::flag};
  if (!spec.env.empty() && s.environment)
    if (auto env = s.environment(spec.env))
      return Picked{spec.list ? split_list(*env) : Values{*env}, Origin::environment};
  if (spec.in_spec && s.spec && s.spec->contains(spec.file_key)) {
    auto values = file_values(s.spec->at(std::string(spec.file_key)), spec.list);
    if (!values) return unexpected(fmt::format("{} {}: {}", s.spec_url, spec.file_key, values.error()));
    if (*values) return Picked{**values, Origin::spec};
  }
  if (!spec.file_key.empty() && s.file && s.file->contains(spec.file_key)) {
    auto values = file_values(s.file->at(std::string(spec.file_key)), spec.list);
    if (!values) return unexpected(fmt::format("{} {}: {}", s.file_path, spec.file_key, values.error()));
    if (*values) return Picked{**values, Origin::file};
  }
  if (!spec.fallback.empty()) return Picked{Values{std::string(spec.fallback)}, Origin::fallback};
  return Picked{std::nullopt, Origin::fallback};
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_interval(std::string_view text) {
  long long scale = 0;
  if (text.ends_with("ms")) {
    scale = 1;
    text.remove_suffix(2);
  } else if (text.ends_with("s")) {
    scale = 1000;
    text.remove_suffix(1);
  } else {
    return std::nullopt;
  }
  if (text.empty() || text.size() > 9) return std::nullopt;
  long long whole = 0, fraction = 0, fraction_scale = 1;
  bool in_fraction = false, any_digit = false;
  for (char c : text) {
    if (c == '.' && !in_fraction && scale == 1000) {
      in_fraction = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    any_digit = true;
    if (in_fraction) {
      if (fraction_scale < 1000) {
        fraction = fraction * 10 + (c - '0');
        fraction_scale *= 10;
      }
    } else {
      whole = whole * 10 + (c - '0');
    }
  }
  if (!any_digit) return std::nullopt;
  return std::chrono::milliseconds(whole * scale + fraction * scale / fraction_scale);
}

std::string config_file_path(const RawValues& flags, const aws::config::Environment& environment) {
  if (auto it = flags.find("config"); it != flags.end() && !it->second.empty()) return it->second.front();
  if (environment)
    if (auto v = environment("SPORED_CONFIG")) return *v;
  return k_default_config_file;
}

expected<std::optional<nlohmann::json>, std::string> load_config_file(const std::string& path, MustExist must_exist) {
  auto text = util::read_file(path);
  if (!text) return unexpected(text.error());
  if (!*text) {
    if (must_exist == MustExist::yes) return unexpected("config file " + path + " does not exist");
    return std::optional<nlohmann::json>();
  }
  auto doc = nlohmann::json::parse(**text, nullptr, false);
  if (!doc.is_object()) return unexpected("config file " + path + " is not a JSON object");
  return std::optional<nlohmann::json>(std::move(doc));
}

expected<AgentConfig, ConfigError> resolve_config(const Sources& sources) {
  AgentConfig config;
  config.config_file = sources.file_path.empty() ? k_default_config_file : sources.file_path;
  for (const auto& spec : k_options) {
    auto picked = pick(spec, sources);
    if (!picked) return unexpected(ConfigError{picked.error(), std::string(spec.name), Origin::file});
    auto& [values, origin] = *picked;
    config.origins[std::string(spec.name)] = origin;
    if (!values) continue;
    if (values->empty() && !spec.list) values->push_back("");
    auto set = spec.set(config, *values, sources);
    if (!set)
      return unexpected(ConfigError{fmt::format("{}: {}", where(spec, origin, *values, sources), set.error()),
                                    std::string(spec.name), origin});
  }
  // --relaunch: one object, written by spawn launch into the file only (launcher/relaunch_spec.hpp).
  if (sources.file && sources.file->contains("relaunch")) {
    auto relaunch = launcher::relaunch_spec_from_json(sources.file->at("relaunch"));
    if (!relaunch)
      return unexpected(ConfigError{fmt::format("{} {}", config.config_file, relaunch.error()), "relaunch", Origin::file});
    config.relaunch = std::move(*relaunch);
    config.origins["relaunch"] = Origin::file;
  }
  return config;
}

std::vector<std::string> fact_tag_keys() {
  return {tag::k_job_array_id, tag::k_job_array_name, tag::k_job_array_size, tag::k_job_array_index,
          tag::k_job_array_index_base, tag::k_generation};
}

nlohmann::json describe(const AgentConfig& c) {
  auto origin_name = [&](const char* option) -> std::string {
    auto it = c.origins.find(option);
    switch (it == c.origins.end() ? Origin::fallback : it->second) {
      case Origin::flag: return "flag";
      case Origin::environment: return "environment";
      case Origin::file: return "file";
      case Origin::spec: return "spec";
      case Origin::fallback: return "default";
    }
    return "default";
  };
  std::vector<std::string> notify;
  for (const auto& n : c.notify) notify.push_back(n.starts_with("https://") ? loggable_url(n) : n);
  auto entry = [&](const char* option, nlohmann::json value) {
    return nlohmann::json{{"value", std::move(value)}, {"from", origin_name(option)}};
  };
  return {
      {"imds_endpoint", entry("imds-endpoint", c.imds_endpoint)},
      {"poll_interval_ms", entry("poll-interval", c.poll_interval.count())},
      {"state_dir", entry("state-dir", c.state_dir)},
      {"shutdown_command", entry("shutdown-command", c.shutdown_command)},
      {"config_file", nlohmann::json{{"value", c.config_file}}},
      {"spot", entry("spot", c.spot ? nlohmann::json(*c.spot) : nlohmann::json("instance-life-cycle decides"))},
      {"on_interruption", entry("on-interruption", std::string(to_string(c.on_interruption)))},
      {"checkpoint_script", entry("checkpoint-script", c.checkpoint_script.starts_with("https://")
                                                            ? loggable_url(c.checkpoint_script)
                                                            : c.checkpoint_script)},
      {"notify", entry("notify", notify)},
      {"on_complete", entry("on-complete", std::string(model::to_string(c.on_complete)))},
      {"spec", entry("spec", c.spec)},
      {"checkpoint_script_region", entry("checkpoint-script-region", c.checkpoint_script_region)},
      {"ttl_deadline", entry("ttl-deadline", c.ttl_deadline ? nlohmann::json(util::format_rfc3339(*c.ttl_deadline))
                                                            : nlohmann::json(nullptr))},
      {"idle_timeout", entry("idle-timeout", c.idle_timeout ? nlohmann::json(util::format_age(*c.idle_timeout))
                                                            : nlohmann::json(nullptr))},
      {"on_idle", entry("on-idle", c.on_idle ? nlohmann::json(std::string(model::to_string(*c.on_idle)))
                                             : nlohmann::json("stop, or terminate on one-time spot"))},
      {"active_processes", entry("active-process", c.active_processes)},
      {"idle_cpu_percent", entry("idle-cpu", c.idle_cpu_percent)},
      {"price_alert", entry("price-alert", c.price_alert ? nlohmann::json(c.price_alert->text()) : nlohmann::json(nullptr))},
      {"price_check_interval", entry("price-check-interval", util::format_age(c.price_check_interval))},
      {"relaunch", entry("relaunch", c.relaunch ? launcher::to_json(*c.relaunch) : nlohmann::json(nullptr))},
  };
}

}  // namespace spawn::agent
