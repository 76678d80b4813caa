#include "spawn/agent/idle_monitor.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace spawn::agent {

using namespace std::chrono_literals;

std::chrono::seconds idle_warning_lead(std::chrono::seconds timeout) { return std::min<std::chrono::seconds>(5min, timeout / 2); }

std::chrono::seconds idle_sample_period(std::chrono::seconds timeout) {
  return std::clamp<std::chrono::seconds>(timeout / 30, 1s, 10s);
}

IdleMonitor::IdleMonitor(IdleSettings settings, ProcReader proc, Clocks clocks)
    : m_settings(std::move(settings)), m_proc(std::move(proc)), m_clocks(std::move(clocks)) {}

void IdleMonitor::start_stretch(SteadyTime now) {
  m_since = now;
  m_since_wall = m_clocks.wall();
  m_warned = false;
  m_max_cpu = 0;
}

std::string IdleMonitor::look() {
  auto cpu = m_proc.cpu_times();
  if (!cpu) {
    m_last_cpu.reset();
    return "cannot read the CPU time: " + cpu.error();
  }
  std::optional<double> percent;
  if (m_last_cpu) percent = cpu_percent_between(*m_last_cpu, *cpu);
  m_last_percent = percent.value_or(0);
  m_last_cpu = *cpu;
  auto scan = m_proc.scan(m_settings.active_processes);
  if (!scan) return "cannot read the processes: " + scan.error();
  if (percent && *percent > m_settings.cpu_percent)
    return fmt::format("CPU at {:.1f}% of one CPU (above {}%)", *percent, m_settings.cpu_percent);
  if (scan->sessions > 0) return fmt::format("{} SSH or SSM session{} open", scan->sessions, scan->sessions == 1 ? "" : "s");
  if (!scan->active.empty()) return fmt::format("{} running", fmt::join(scan->active, ", "));
  return {};
}

std::string IdleMonitor::why_idle() const {
  std::string processes = m_settings.active_processes.empty()
                              ? "no session open"
                              : fmt::format("no session open and none of {} running", fmt::join(m_settings.active_processes, ", "));
  return fmt::format("idle since {}: CPU at most {:.1f}% of one CPU (threshold {}%), {}",
                     util::format_rfc3339(m_since_wall), m_max_cpu, m_settings.cpu_percent, processes);
}

aws::Result<std::optional<Event>> IdleMonitor::check_once() {
  const SteadyTime now = m_clocks.steady();
  if (!m_next_look || now >= *m_next_look) {
    // The first look is at spored's start, which is the instance's boot or start: a stopped
    // instance's idle clock starts again from zero.
    m_next_look = now + idle_sample_period(m_settings.timeout);
    std::string busy = look();
    if (!busy.empty()) {
      m_last_activity = busy;
      const bool was_warned = m_warned;
      m_idle = false;
      m_warned = false;
      if (was_warned) {
        Event e;
        e.kind = EventKind::idle_cancelled;
        e.detail = busy;
        return std::optional<Event>(std::move(e));
      }
      return std::optional<Event>();
    }
    if (!m_idle) start_stretch(now);
    m_idle = true;
    m_max_cpu = std::max(m_max_cpu, m_last_percent);
  }
  if (!m_idle) return std::optional<Event>();
  const auto idle_for = now - m_since;
  const auto act_at = m_clocks.wall() + (m_settings.timeout - idle_for);
  Event e;
  e.action = std::string(model::to_string(m_settings.action));
  e.detail = why_idle();
  if (idle_for >= m_settings.timeout) {
    e.kind = EventKind::idle;
    e.time = m_clocks.wall();
  } else if (!m_warned && idle_for >= m_settings.timeout - idle_warning_lead(m_settings.timeout)) {
    m_warned = true;
    e.kind = EventKind::idle_warning;
    e.time = std::chrono::time_point_cast<util::SystemTime::duration>(act_at);
  } else {
    return std::optional<Event>();
  }
  e.time_text = util::format_rfc3339(*e.time);
  return std::optional<Event>(std::move(e));
}

IdleState IdleMonitor::state() const {
  IdleState s;
  s.last_activity = m_last_activity;
  s.action = std::string(model::to_string(m_settings.action));
  s.timeout = util::format_age(m_settings.timeout);
  if (m_idle) {
    s.idle_since = util::format_rfc3339(m_since_wall);
    s.act_at = util::format_rfc3339(std::chrono::time_point_cast<util::SystemTime::duration>(
        m_since_wall + m_settings.timeout));
  }
  return s;
}

}  // namespace spawn::agent
