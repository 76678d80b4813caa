#pragma once
// One event of spored's durable event log: what it is, where it goes in spawn's bucket and what
// its object holds (docs/spored.md, "The event log"). Pure: spored writes these objects
// (agent/event_log), `spawn history` reads them (model/history). Each object is immutable and
// self-contained: the instance's facts travel in every one, so a lost object loses one event only.
//
// Nothing secret goes in: the fields are typed and chosen here (ids, types, zones, times,
// statuses); no script, no user data, no notify target, no error text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "spawn/util/expected.hpp"
#include "spawn/util/time.hpp"

namespace spawn::model {

// The log's own prefix in spawn's bucket (beside spawn/agent/ and spawn/launches/).
inline constexpr const char* k_event_log_prefix = "spawn/events/";
inline constexpr int k_event_format_version = 1;

enum class EventType {
  launch,        // spored started: the instance's facts and its launch time
  interruption,  // the two-minute notice (a drill too: drill = true)
  rebalance,     // a rebalance recommendation
  checkpoint,    // a checkpoint run ended (status, reason, seconds)
  relaunch,      // the outcome of a replacement's request (status, replacement)
  end,           // spored ended the instance itself: reason ttl | idle | completion | rebalance_move
  shutdown,      // the shutdown command after a notice
  stopped,       // spored stopped (the instance shuts down, or the service was stopped)
};

// "launch", "interruption", ...; parse_event_type: nullopt for another word.
std::string_view to_string(EventType type);
std::optional<EventType> parse_event_type(std::string_view word);

// Who wrote an event: the same in every object of one instance.
struct EventSource {
  std::string instance_id;
  std::string launch_id;
  std::string region;
  std::string availability_zone;
  std::string instance_type;
  std::string lifecycle;            // "spot", "on-demand" (instance-life-cycle)
  std::string job_array_id;         // "" outside an array
  std::string job_array_name;
  std::optional<int> job_array_index;
  std::optional<int> generation;    // spawn:generation (--relaunch), 0 for the first launch
};

struct LoggedEvent {
  EventType type = EventType::launch;
  util::SystemTime time{};          // when spored saw or did it (the instance's clock)
  EventSource source;
  std::optional<util::SystemTime> launch_time;  // launch: when the instance booted
  std::string action;               // interruption: terminate|stop|hibernate; end: terminate|stop|hibernate|shutdown
  std::string notice_time;          // interruption, rebalance: the time EC2 wrote in the notice
  bool drill = false;               // interruption: a drill (spawn interrupt), never counted as an interruption
  std::string status;               // checkpoint: ok|failed|timeout|none|stopped; relaunch: requested|failed|none|unknown
  std::string reason;               // checkpoint: interruption|rebalance; end: ttl|idle|completion|rebalance_move
  std::optional<double> seconds;    // checkpoint: how long it ran
  std::string replacement;          // relaunch: the replacement's instance id
};

// Whether a value may be a segment of an object key: letters, digits, '-', '.', '_' (1 to 64).
bool key_safe(std::string_view segment);

// The day partition of a time (UTC): "2026-12-04".
std::string event_day(util::SystemTime t);

// "spawn/events/region=<region>/"; with a day, "spawn/events/region=<region>/day=<day>/".
std::string event_region_prefix(std::string_view region);
std::string event_day_prefix(std::string_view region, std::string_view day);

// The object key of an event, seq being the writer's own counter (two events of one millisecond):
// spawn/events/region=<region>/day=<YYYY-MM-DD>/<launch id>/<instance id>/<ms since 1970, 13 digits>-<seq, 6>-<type>.json
// An error (a sentence) when a segment is not key_safe.
expected<std::string, std::string> event_key(const LoggedEvent& event, std::uint64_t seq);

// The object's JSON text (deterministic, keys in alphabetical order): "version" 1, "type",
// "time", the source's facts, and the type's own fields.
std::string event_body(const LoggedEvent& event);

// An object read back; an error (a sentence) when it is not JSON, not version 1, or lacks the
// type, time or instance id.
expected<LoggedEvent, std::string> parse_event(std::string_view body);

}  // namespace spawn::model
