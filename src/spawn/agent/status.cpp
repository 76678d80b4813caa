#include "spawn/agent/status.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "spawn/util/files.hpp"
#include "spawn/util/process_group.hpp"

namespace spawn::agent {
namespace {

nlohmann::json read_json(const std::string& path) {
  auto text = util::read_file(path);
  if (!text || !*text) return nullptr;
  return nlohmann::json::parse(**text, nullptr, false, true);
}

std::string str(const nlohmann::json& doc, const char* key, std::string fallback = "") {
  if (!doc.is_object() || !doc.contains(key) || !doc[key].is_string()) return fallback;
  return doc[key].get<std::string>();
}

std::string config_value(const nlohmann::json& config, const char* key) {
  if (!config.is_object() || !config.contains(key)) return "";
  const auto& v = config[key]["value"];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v) out += (out.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
    return out;
  }
  return v.is_null() ? "" : v.dump();
}

std::string describe_record(const std::string& key, const nlohmann::json& r) {
  std::string line = fmt::format("  {:<14}", r.value("kind", key));
  if (!str(r, "action").empty()) line += " " + str(r, "action");
  if (!str(r, "time").empty()) line += " at " + str(r, "time");
  line += ", first seen " + str(r, "first_seen", "?");
  if (!str(r, "checkpoint_status").empty()) line += ", checkpoint " + str(r, "checkpoint_status");
  if (!str(r, "shutdown").empty()) line += ", shutdown " + str(r, "shutdown");
  return line;
}

}  // namespace

StatusReport status_report(const std::string& state_dir, StatusFormat format) {
  nlohmann::json status = read_json(state_dir + "/status.json");
  nlohmann::json events = read_json(state_dir + "/events.json");
  if (!status.is_object())
    return {1, fmt::format("spored: error: no status in {} (has spored run with --state-dir {}?)\n", state_dir, state_dir)};

  const long pid = status.value("pid", 0L);
  const bool stopped = str(status, "state") == "stopped";
  const bool running = !stopped && pid > 0 && util::process_exists(static_cast<pid_t>(pid));
  if (format == StatusFormat::json) {
    nlohmann::json out = {{"running", running}, {"status", status}, {"events", events}};
    return {0, out.dump(2) + "\n"};
  }

  std::string t;
  t += running ? fmt::format("spored {}: running (pid {}), since {}\n", str(status, "version"), pid, str(status, "started_at"))
               : fmt::format("spored {}: not running (last update {})\n", str(status, "version"), str(status, "updated_at"));
  const auto& instance = status.contains("instance") ? status["instance"] : nlohmann::json(nullptr);
  if (instance.is_object())
    t += fmt::format("instance:   {} in {} ({})\n", str(instance, "instance_id"), str(instance, "region"),
                     str(instance, "instance_life_cycle"));
  else
    t += "instance:   not known yet (the metadata service has not answered)\n";

  const auto& config = status.contains("config") ? status["config"] : nlohmann::json(nullptr);
  std::vector<std::string> watched;
  if (status.contains("watching") && status["watching"].is_array())
    for (const auto& w : status["watching"]) watched.push_back(w.get<std::string>());
  std::string watching = watched.empty() ? "nothing" : fmt::format("{}", fmt::join(watched, ", "));
  if (status.value("spot", true) == false && instance.is_object()) watching += " (not a spot instance)";
  t += fmt::format("watching:   {} every {} ms via {}\n", watching, status.value("poll_interval_ms", 0),
                   str(status, "imds_endpoint"));
  std::string ttl = config_value(config, "ttl_deadline");
  if (!ttl.empty()) t += fmt::format("ttl:        terminate at {}\n", ttl);
  if (status.contains("idle") && status["idle"].is_object()) {
    const auto& idle = status["idle"];
    if (!str(idle, "idle_since").empty())
      t += fmt::format("idle:       since {}; {} at {} unless it becomes busy\n", str(idle, "idle_since"),
                       str(idle, "action"), str(idle, "acts_at"));
    else
      t += fmt::format("idle:       busy ({}); after {} idle: {}\n", str(idle, "last_activity", "not looked yet"),
                       str(idle, "timeout"), str(idle, "action"));
  }
  t += fmt::format("on notice:  {}; checkpoint script {}; notify {}\n", config_value(config, "on_interruption"),
                   config_value(config, "checkpoint_script").empty() ? "none" : config_value(config, "checkpoint_script"),
                   config_value(config, "notify").empty() ? "nobody" : config_value(config, "notify"));
  if (status.contains("checkpoint_script") && status["checkpoint_script"].is_object()) {
    const auto& s = status["checkpoint_script"];
    if (s.contains("cached") && s["cached"].is_string())
      t += fmt::format("script:     cached {} (sha256 {}, fetched {})\n", s["cached"].get<std::string>(),
                       str(s, "sha256").substr(0, 12), str(s, "fetched_at"));
    else if (!s.value("local", false))
      t += "script:     not fetched yet\n";
  }
  const auto& errors = status.contains("metadata_errors") ? status["metadata_errors"] : nlohmann::json(nullptr);
  if (errors.is_object() && !errors.empty()) {
    for (const auto& [source, e] : errors.items())
      t += fmt::format("metadata:   {} failing since {} ({}x): {}\n", source, str(e, "since"),
                       e.value("consecutive_failures", 0), str(e, "error"));
  } else {
    t += fmt::format("metadata:   ok, last poll {}\n", str(status, "last_successful_poll", "none yet"));
  }

  t += "seen:\n";
  bool any = false;
  if (events.is_object() && events.contains("latched") && events["latched"].is_object())
    for (const auto& [key, r] : events["latched"].items()) {
      t += describe_record(key, r) + "\n";
      any = true;
    }
  if (events.is_object() && events.contains("history") && events["history"].is_array())
    for (const auto& r : events["history"]) {
      t += describe_record(r.value("kind", "?"), r) + " (over)\n";
      any = true;
    }
  if (!any) t += "  nothing yet\n";
  return {0, t};
}

}  // namespace spawn::agent
