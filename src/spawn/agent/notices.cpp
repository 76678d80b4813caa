#include "spawn/agent/notices.hpp"

#include <nlohmann/json.hpp>

namespace spawn::agent {
namespace {

std::string excerpt(std::string_view body) {
  std::string s(body.substr(0, 120));
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return body.size() > 120 ? s + "…" : s;
}

}  // namespace

expected<Event, std::string> parse_instance_action(std::string_view body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return unexpected("spot/instance-action is not a JSON object: " + excerpt(body));
  auto action = doc.find("action");
  if (action == doc.end() || !action->is_string() || action->get_ref<const std::string&>().empty())
    return unexpected("spot/instance-action has no action: " + excerpt(body));
  Event e;
  e.kind = EventKind::interruption;
  e.action = action->get<std::string>();
  auto time = doc.find("time");
  if (time != doc.end() && time->is_string()) {
    e.time_text = time->get<std::string>();
    e.time = util::parse_rfc3339(e.time_text);
  }
  return e;
}

expected<Event, std::string> parse_rebalance(std::string_view body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return unexpected("events/recommendations/rebalance is not a JSON object: " + excerpt(body));
  auto time = doc.find("noticeTime");
  if (time == doc.end() || !time->is_string())
    return unexpected("events/recommendations/rebalance has no noticeTime: " + excerpt(body));
  Event e;
  e.kind = EventKind::rebalance;
  e.time_text = time->get<std::string>();
  e.time = util::parse_rfc3339(e.time_text);
  return e;
}

}  // namespace spawn::agent
