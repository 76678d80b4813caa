#include "spawn/cli/idle_flags.hpp"

#include "spawn/cli/choices.hpp"

namespace spawn::cli {

void IdleFlags::add_to(CLI::App& app) {
  app.add_option("--idle-timeout", m_timeout,
                 "stop the instance once it has been idle this long (at least 10m), e.g. 1h: no CPU above "
                 "--idle-cpu, no SSH or SSM session and no --active-process for the whole window");
  offer_choices(app.add_option("--on-idle", m_action,
                               "what spored does once idle: stop, hibernate or terminate (default stop, "
                               "terminate for one-time spot)"),
                names_of(model::k_on_idles));
  app.add_option("--active-process", m_processes,
                 "the instance is busy while a process of this name runs (repeatable), e.g. python3 or train.py");
  app.add_option("--idle-cpu", m_cpu, "busy above this percentage of all CPUs (default 5)");
}

expected<model::IdleOptions, model::UsageError> IdleFlags::read() const {
  model::IdleOptions idle;
  if (m_timeout) {
    auto timeout = model::parse_idle_timeout(*m_timeout);
    if (!timeout) return unexpected(timeout.error());
    idle.timeout = *timeout;
  }
  if (m_action) {
    auto action = model::parse_on_idle(*m_action);
    if (!action) return unexpected(action.error());
    idle.action = *action;
  }
  if (m_cpu) {
    auto cpu = model::parse_idle_cpu(*m_cpu);
    if (!cpu) return unexpected(cpu.error());
    idle.cpu_percent = *cpu;
  }
  idle.active_processes = m_processes;
  return idle;
}

}  // namespace spawn::cli
