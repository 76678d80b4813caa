#include "spawn/agent/log.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <ctime>

#include "spawn/util/url.hpp"

namespace spawn::agent {
namespace {

const char* level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warning: return "warning";
    case Level::error: return "error";
  }
  return "info";
}

// Text form: strings bare unless they contain spaces or quotes, then JSON-quoted; a whole line.
std::string text_value(const nlohmann::json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    bool plain = !s.empty() && s.find_first_of(" \t\n\r\"=\\") == std::string::npos;
    return plain ? s : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Logger::Logger(LogFormat format, Sink sink, WallClock clock)
    : m_format(format), m_sink(std::move(sink)), m_clock(std::move(clock)) {
  if (!m_sink)
    m_sink = [](std::string_view line) {
      std::fwrite(line.data(), 1, line.size(), stderr);
      std::fflush(stderr);
    };
  if (!m_clock) m_clock = [] { return std::chrono::system_clock::now(); };
}

void Logger::set_format(LogFormat format) {
  std::lock_guard lock(m_mutex);
  m_format = format;
}

void Logger::log(Level level, std::string_view event, const nlohmann::json& fields) {
  std::lock_guard lock(m_mutex);
  std::string time = format_time_ms(m_clock());
  std::string line;
  if (m_format == LogFormat::json) {
    nlohmann::ordered_json record;
    record["time"] = time;
    record["level"] = level_name(level);
    record["event"] = std::string(event);
    if (fields.is_object())
      for (const auto& [k, v] : fields.items())
        if (k != "time" && k != "level" && k != "event") record[k] = v;  // the record's own keys win
    // replace: script output and remote messages may carry invalid UTF-8; a log line must survive.
    line = record.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  } else {
    line = fmt::format("{} {} {}", time, level_name(level), event);
    if (fields.is_object())
      for (const auto& [k, v] : fields.items()) line += fmt::format(" {}={}", k, text_value(v));
  }
  line += '\n';
  m_sink(line);
}

std::string format_time_ms(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  int millis = static_cast<int>(ms - static_cast<long long>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
  return static_cast<double>(ms) / 1000.0;
}

}  // namespace spawn::agent
