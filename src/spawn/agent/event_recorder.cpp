#include "spawn/agent/event_recorder.hpp"

#include <sstream>

#include "spawn/model/job_array.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/files.hpp"

namespace spawn::agent {
namespace {

namespace tag = model::tag;

void set_array_facts(model::EventSource& s, const std::map<std::string, std::string>& tags) {
  auto value = [&](const char* key) {
    auto it = tags.find(key);
    return it == tags.end() ? std::string() : it->second;
  };
  s.job_array_id = value(tag::k_job_array_id);
  s.job_array_name = value(tag::k_job_array_name);
  s.job_array_index = model::parse_index(value(tag::k_job_array_index));
  s.generation = model::parse_index(value(tag::k_generation));
}

}  // namespace

model::EventSource event_source(const InstanceFacts& facts, const std::string& launch_id) {
  model::EventSource s;
  s.instance_id = facts.instance_id;
  s.launch_id = launch_id;
  s.region = facts.region;
  s.availability_zone = facts.availability_zone;
  s.instance_type = facts.instance_type;
  s.lifecycle = facts.lifecycle;
  set_array_facts(s, facts.tags);
  return s;
}

std::optional<util::SystemTime> boot_time(const std::string& proc_root) {
  auto text = util::read_file(proc_root + "/stat");
  if (!text || !*text) return std::nullopt;
  std::istringstream lines(**text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("btime ")) continue;
    try {
      const long long seconds = std::stoll(line.substr(6));
      if (seconds <= 0) return std::nullopt;
      return util::SystemTime(std::chrono::seconds(seconds));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

EventRecorder::EventRecorder(std::shared_ptr<EventLog> log, model::EventSource source,
                             std::function<util::SystemTime()> wall)
    : m_shared(std::make_shared<Shared>()) {
  m_shared->log = std::move(log);
  m_shared->wall = std::move(wall);
  m_shared->source = std::move(source);
}

void EventRecorder::set_tags(const InstanceFacts& facts) {
  if (!m_shared) return;
  std::lock_guard lock(m_shared->mutex);
  set_array_facts(m_shared->source, facts.tags);
}

void EventRecorder::post(model::LoggedEvent event) const {
  {
    std::lock_guard lock(m_shared->mutex);
    event.source = m_shared->source;
  }
  m_shared->log->post(event);
}

void EventRecorder::launch(std::optional<util::SystemTime> launch_time) const {
  if (!m_shared) return;
  model::LoggedEvent e;
  e.type = model::EventType::launch;
  e.time = m_shared->wall();
  e.launch_time = launch_time;
  post(std::move(e));
}

void EventRecorder::notice(const Event& event, util::SystemTime detected, bool drill) const {
  if (!m_shared) return;
  if (event.kind != EventKind::interruption && event.kind != EventKind::rebalance) return;
  model::LoggedEvent e;
  e.type = event.kind == EventKind::interruption ? model::EventType::interruption : model::EventType::rebalance;
  e.time = detected;
  e.notice_time = event.time ? util::format_rfc3339(*event.time) : std::string();  // parsed: never raw text
  if (event.kind == EventKind::interruption) {
    e.action = event.action == "stop" || event.action == "hibernate" ? event.action : std::string("terminate");
    e.drill = drill;
  }
  post(std::move(e));
}

void EventRecorder::checkpoint(std::string_view reason, CheckpointStatus status, std::optional<double> seconds) const {
  if (!m_shared) return;
  model::LoggedEvent e;
  e.type = model::EventType::checkpoint;
  e.time = m_shared->wall();
  e.reason = std::string(reason);
  e.status = std::string(to_string(status));
  e.seconds = seconds;
  post(std::move(e));
}

void EventRecorder::relaunch(const RelaunchOutcome& outcome) const {
  // "done before": a restarted spored found it answered; its outcome was logged then.
  if (!m_shared || outcome.state == "done before") return;
  model::LoggedEvent e;
  e.type = model::EventType::relaunch;
  e.time = m_shared->wall();
  e.status = outcome.state;
  if (outcome.replacement) e.replacement = outcome.replacement->instance_id;
  post(std::move(e));
}

void EventRecorder::ended(std::string_view reason, std::string_view action) const {
  if (!m_shared) return;
  model::LoggedEvent e;
  e.type = model::EventType::end;
  e.time = m_shared->wall();
  e.reason = std::string(reason);
  e.action = std::string(action);
  post(std::move(e));
}

void EventRecorder::shutdown(std::string_view reason) const {
  if (!m_shared) return;
  model::LoggedEvent e;
  e.type = model::EventType::shutdown;
  e.time = m_shared->wall();
  e.reason = std::string(reason);
  post(std::move(e));
}

void EventRecorder::stopped() const {
  if (!m_shared) return;
  model::LoggedEvent e;
  e.type = model::EventType::stopped;
  e.time = m_shared->wall();
  post(std::move(e));
}

}  // namespace spawn::agent
