#pragma once
// Idle stop (--idle-timeout, --on-idle, --active-process, --idle-cpu): what spawn launch writes
// for spored, which decides on the instance (agent/idle.hpp). Pure.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/model/usage_error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::model {

// --on-idle: what spored does once the instance has been idle for the whole window.
enum class OnIdle { stop, hibernate, terminate };
inline constexpr OnIdle k_on_idles[] = {OnIdle::stop, OnIdle::hibernate, OnIdle::terminate};
std::string_view to_string(OnIdle value);
expected<OnIdle, UsageError> parse_on_idle(std::string_view text);

// spawn launch refuses shorter windows: a job between two steps must not be stopped.
inline constexpr std::chrono::minutes k_min_idle_timeout{10};
// Busy above this share of all CPUs (user + nice + system + irq), percent.
inline constexpr double k_default_idle_cpu_percent = 5.0;
// --active-process: at most this many names.
inline constexpr size_t k_max_active_processes = 20;

struct IdleOptions {
  std::optional<std::chrono::seconds> timeout;   // --idle-timeout; nullopt: no idle stop
  std::optional<OnIdle> action;                  // --on-idle; nullopt: the default for the market
  std::vector<std::string> active_processes;     // --active-process NAME (repeatable)
  std::optional<double> cpu_percent;             // --idle-cpu PERCENT

  bool enabled() const { return timeout.has_value(); }
};

// "1h", "90m": a duration with its unit, at least `floor`. A bare number is refused (minutes or
// seconds? nobody should have to guess).
expected<std::chrono::seconds, UsageError> parse_idle_timeout(std::string_view text,
                                                              std::chrono::seconds floor = k_min_idle_timeout);
// A process name as /proc shows it: 1 to 64 characters, no '/', no whitespace or control.
expected<void, UsageError> check_process_name(std::string_view name);
// "5", "12.5": 0 < percent < 100.
expected<double, UsageError> parse_idle_cpu(std::string_view text);

// The default action: terminate for a one-time spot instance (EC2 cannot stop it), stop otherwise.
OnIdle default_on_idle(bool one_time_spot);

}  // namespace spawn::model
