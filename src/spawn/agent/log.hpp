#pragma once
// spored's log: one line per record on stderr (the journal), JSON by default ({"time", "level",
// "event", ...fields}) or text for people. Every step of an interruption is one record with its
// timing. Nothing secret goes in: webhook URLs are logged as loggable_url(), credentials never.
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "spawn/util/url.hpp"

namespace spawn::agent {

enum class LogFormat { json, text };
enum class Level { debug, info, warning, error };

class Logger {
 public:
  using Sink = std::function<void(std::string_view line)>;  // a whole line, '\n' included
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  // sink defaults to stderr (flushed per line); clock to system_clock::now.
  explicit Logger(LogFormat format = LogFormat::json, Sink sink = {}, WallClock clock = {});

  // One record. fields must be a JSON object (or null); fields named time, level or event are
  // dropped (those keys belong to the record). Thread-safe.
  void log(Level level, std::string_view event, const nlohmann::json& fields = nullptr);
  void info(std::string_view event, const nlohmann::json& fields = nullptr) { log(Level::info, event, fields); }
  void warning(std::string_view event, const nlohmann::json& fields = nullptr) { log(Level::warning, event, fields); }
  void error(std::string_view event, const nlohmann::json& fields = nullptr) { log(Level::error, event, fields); }

  void set_format(LogFormat format);

 private:
  std::mutex m_mutex;
  LogFormat m_format;
  Sink m_sink;
  WallClock m_clock;
};

// Webhook URLs in records: util::loggable_url (scheme://host/…).
using util::loggable_url;

// "2026-11-27T10:00:00.123Z" (milliseconds, UTC).
std::string format_time_ms(std::chrono::system_clock::time_point t);

// Seconds as a number with millisecond precision, for the timing fields of records.
double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to);

}  // namespace spawn::agent
