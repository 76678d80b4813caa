#include "spawn/model/idle_options.hpp"

#include <charconv>
#include <cmath>

#include "spawn/util/time.hpp"

namespace spawn::model {

std::string_view to_string(OnIdle value) {
  switch (value) {
    case OnIdle::stop: return "stop";
    case OnIdle::hibernate: return "hibernate";
    case OnIdle::terminate: return "terminate";
  }
  return "stop";
}

expected<OnIdle, UsageError> parse_on_idle(std::string_view text) {
  for (auto value : k_on_idles)
    if (text == to_string(value)) return value;
  return unexpected(UsageError{"--on-idle: expected stop, hibernate or terminate, got '" + std::string(text) + "'"});
}

expected<std::chrono::seconds, UsageError> parse_idle_timeout(std::string_view text, std::chrono::seconds floor) {
  auto parsed = util::parse_duration(text);
  if (!parsed)
    return unexpected(UsageError{"--idle-timeout: expected a duration with its unit such as 1h, 90m or 45m, got '" +
                                 std::string(text) + "'"});
  if (*parsed < floor)
    return unexpected(UsageError{"--idle-timeout " + std::string(text) + ": at least " + util::format_age(floor) +
                                     " (a shorter window stops instances between two steps of a job)",
                                 "give --idle-timeout 10m or more"});
  return *parsed;
}

expected<void, UsageError> check_process_name(std::string_view name) {
  if (name.empty() || name.size() > 64)
    return unexpected(UsageError{"--active-process: expected a process name of 1 to 64 characters"});
  for (unsigned char c : name)
    if (c == '/' || c <= ' ' || c == 0x7f)
      return unexpected(UsageError{"--active-process: expected a process name as ps shows it (no '/', no spaces), "
                                   "got '" + std::string(name) + "'",
                                   "give the program's name, e.g. --active-process python3 or --active-process train.py"});
  return {};
}

expected<double, UsageError> parse_idle_cpu(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value <= 0 || value >= 100)
    return unexpected(UsageError{"--idle-cpu: expected a percentage above 0 and below 100, got '" + std::string(text) + "'"});
  return value;
}

OnIdle default_on_idle(bool one_time_spot) { return one_time_spot ? OnIdle::terminate : OnIdle::stop; }

}  // namespace spawn::model
