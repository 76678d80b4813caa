#include "spawn/model/event_record.hpp"

#include <fmt/format.h>

#include <array>
#include <ctime>
#include <nlohmann/json.hpp>

namespace spawn::model {
namespace {

// Plain json (keys in alphabetical order): spored already carries its code, json's
// parser would add its own (PERFORMANCE.md: spored's size).
using nlohmann::json;

constexpr std::array<std::pair<EventType, std::string_view>, 8> k_names{{
    {EventType::launch, "launch"},
    {EventType::interruption, "interruption"},
    {EventType::rebalance, "rebalance"},
    {EventType::checkpoint, "checkpoint"},
    {EventType::relaunch, "relaunch"},
    {EventType::end, "end"},
    {EventType::shutdown, "shutdown"},
    {EventType::stopped, "stopped"},
}};

long long millis_of(util::SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// "2026-12-04T20:15:00.123Z".
std::string format_ms(util::SystemTime t) {
  const long long ms = millis_of(t);
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - static_cast<long long>(secs) * 1000));
}

std::string text(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<int> integer(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int>();
}

}  // namespace

std::string_view to_string(EventType type) {
  for (const auto& [t, name] : k_names)
    if (t == type) return name;
  return "unknown";
}

std::optional<EventType> parse_event_type(std::string_view word) {
  for (const auto& [t, name] : k_names)
    if (name == word) return t;
  return std::nullopt;
}

bool key_safe(std::string_view segment) {
  if (segment.empty() || segment.size() > 64 || segment == "." || segment == "..") return false;
  for (char c : segment)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
          c == '_'))
      return false;
  return true;
}

std::string event_day(util::SystemTime t) { return format_ms(t).substr(0, 10); }

std::string event_region_prefix(std::string_view region) {
  return fmt::format("{}region={}/", k_event_log_prefix, region);
}

std::string event_day_prefix(std::string_view region, std::string_view day) {
  return fmt::format("{}day={}/", event_region_prefix(region), day);
}

expected<std::string, std::string> event_key(const LoggedEvent& e, std::uint64_t seq) {
  const EventSource& s = e.source;
  for (const auto& [what, value] : {std::pair<const char*, const std::string*>{"region", &s.region},
                                    {"launch id", &s.launch_id},
                                    {"instance id", &s.instance_id}})
    if (!key_safe(*value)) return unexpected(fmt::format("the {} '{}' cannot be part of an object key", what, *value));
  const long long ms = millis_of(e.time);
  if (ms < 0) return unexpected(std::string("a time before 1970 cannot be part of an object key"));
  return fmt::format("{}{}/{}/{:013}-{:06}-{}.json", event_day_prefix(s.region, event_day(e.time)), s.launch_id,
                     s.instance_id, ms, seq % 1000000, to_string(e.type));
}

std::string event_body(const LoggedEvent& e) {
  const EventSource& s = e.source;
  json doc;
  doc["version"] = k_event_format_version;
  doc["type"] = std::string(to_string(e.type));
  doc["time"] = format_ms(e.time);
  doc["instance_id"] = s.instance_id;
  doc["launch_id"] = s.launch_id;
  doc["region"] = s.region;
  doc["availability_zone"] = s.availability_zone;
  doc["instance_type"] = s.instance_type;
  doc["lifecycle"] = s.lifecycle;
  if (!s.job_array_id.empty() || !s.job_array_name.empty() || s.job_array_index) {
    json array;
    array["id"] = s.job_array_id;
    array["name"] = s.job_array_name;
    array["index"] = s.job_array_index ? json(*s.job_array_index) : json(nullptr);
    doc["job_array"] = array;
  }
  if (s.generation) doc["generation"] = *s.generation;
  switch (e.type) {
    case EventType::launch:
      if (e.launch_time) doc["launch_time"] = format_ms(*e.launch_time);
      break;
    case EventType::interruption:
      doc["action"] = e.action;
      doc["notice_time"] = e.notice_time;
      doc["drill"] = e.drill;
      break;
    case EventType::rebalance: doc["notice_time"] = e.notice_time; break;
    case EventType::checkpoint:
      doc["reason"] = e.reason;
      doc["status"] = e.status;
      if (e.seconds) doc["seconds"] = *e.seconds;
      break;
    case EventType::relaunch:
      doc["status"] = e.status;
      if (!e.replacement.empty()) doc["replacement"] = e.replacement;
      break;
    case EventType::end:
      doc["reason"] = e.reason;
      doc["action"] = e.action;
      break;
    case EventType::shutdown: doc["reason"] = e.reason; break;
    case EventType::stopped: break;
  }
  // replace: every value here is ours, but a log must never fail to be written over a byte.
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

expected<LoggedEvent, std::string> parse_event(std::string_view body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return unexpected(std::string("not a JSON object"));
  if (integer(doc, "version") != k_event_format_version)
    return unexpected(fmt::format("version {} (this spawn reads {})", doc.contains("version") ? doc["version"].dump() : "missing",
                                  k_event_format_version));
  LoggedEvent e;
  auto type = parse_event_type(text(doc, "type"));
  if (!type) return unexpected(fmt::format("unknown type '{}'", text(doc, "type")));
  e.type = *type;
  auto time = util::parse_rfc3339(text(doc, "time"));
  if (!time) return unexpected(std::string("no time"));
  e.time = *time;
  EventSource& s = e.source;
  s.instance_id = text(doc, "instance_id");
  if (s.instance_id.empty()) return unexpected(std::string("no instance_id"));
  s.launch_id = text(doc, "launch_id");
  s.region = text(doc, "region");
  s.availability_zone = text(doc, "availability_zone");
  s.instance_type = text(doc, "instance_type");
  s.lifecycle = text(doc, "lifecycle");
  if (auto it = doc.find("job_array"); it != doc.end() && it->is_object()) {
    s.job_array_id = text(*it, "id");
    s.job_array_name = text(*it, "name");
    s.job_array_index = integer(*it, "index");
  }
  s.generation = integer(doc, "generation");
  if (auto launched = text(doc, "launch_time"); !launched.empty()) e.launch_time = util::parse_rfc3339(launched);
  e.action = text(doc, "action");
  e.notice_time = text(doc, "notice_time");
  if (auto it = doc.find("drill"); it != doc.end() && it->is_boolean()) e.drill = it->get<bool>();
  e.status = text(doc, "status");
  e.reason = text(doc, "reason");
  if (auto it = doc.find("seconds"); it != doc.end() && it->is_number()) e.seconds = it->get<double>();
  e.replacement = text(doc, "replacement");
  return e;
}

}  // namespace spawn::model
