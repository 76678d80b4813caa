#pragma once
// Idle stop: the monitor that decides when the instance has been idle for the whole window
// (--idle-timeout). Idle means, at every look in the window: CPU at most the threshold (percent
// of one CPU, as top counts), no SSH or SSM session, and none of the named processes running.
// A look that cannot read /proc counts as busy: spored never stops what it cannot see.
// Like every monitor it checks once per call; it looks at /proc every `sample_every` and
// answers from its last look in between.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "spawn/agent/clocks.hpp"
#include "spawn/agent/monitors.hpp"
#include "spawn/agent/proc_activity.hpp"
#include "spawn/model/idle_options.hpp"

namespace spawn::agent {

struct IdleSettings {
  std::chrono::seconds timeout{3600};
  model::OnIdle action = model::OnIdle::stop;
  std::vector<std::string> active_processes;
  double cpu_percent = model::k_default_idle_cpu_percent;
};

// The warning comes this long before acting: five minutes, or half the window when shorter.
std::chrono::seconds idle_warning_lead(std::chrono::seconds timeout);
// How often /proc is read: a thirtieth of the window, between 1 s and 10 s.
std::chrono::seconds idle_sample_period(std::chrono::seconds timeout);

// What the monitor last saw, for `spored status`.
struct IdleState {
  std::string idle_since;          // RFC 3339; empty while busy at the last look
  std::string last_activity;       // what made it busy last, e.g. "CPU at 37% of one CPU"
  std::string act_at;              // when it acts if nothing changes (RFC 3339), or empty
  std::string action;              // stop | hibernate | terminate
  std::string timeout;             // the window, "1h"
};

class IdleMonitor final : public Monitor {
 public:
  IdleMonitor(IdleSettings settings, ProcReader proc, Clocks clocks);

  std::string_view name() const override { return "idle"; }
  // idle_warning once per idle stretch (time: when it acts), idle_cancelled when activity
  // comes back after that warning, idle from the end of the window on (every call: the loop
  // keeps it to one action). Event::detail says why.
  aws::Result<std::optional<Event>> check_once() override;

  IdleState state() const;

 private:
  void start_stretch(SteadyTime now);
  // Busy: what was seen, or "" when idle. An unreadable /proc is busy.
  std::string look();
  std::string why_idle() const;

  IdleSettings m_settings;
  ProcReader m_proc;
  Clocks m_clocks;
  std::optional<CpuTimes> m_last_cpu;
  std::optional<SteadyTime> m_next_look;
  SteadyTime m_since{};
  util::SystemTime m_since_wall{};
  bool m_idle = false;                 // idle at the last look
  bool m_warned = false;               // this stretch's warning given
  double m_max_cpu = 0;                // the most CPU seen in this stretch
  double m_last_percent = 0;           // at the last look (0 when not known yet)
  std::string m_last_activity;
};

}  // namespace spawn::agent
