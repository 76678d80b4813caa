#pragma once
// spored's durable event log, the writing side: each event becomes one immutable object in
// spawn's bucket (model/event_record: key and body), written by one background thread so that
// posting never waits for S3. Nothing here can hold up a checkpoint or a shutdown: post() only
// queues; a failed write is retried with backoff on the writer's thread and logged; close()
// gives what is queued a bounded time and leaves the rest (logged), never blocking longer.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "spawn/agent/log.hpp"
#include "spawn/aws/error.hpp"
#include "spawn/model/event_record.hpp"

namespace spawn::agent {

class AwsContext;

// Writes one object (key, JSON body); an error when it was not written.
using EventPut = std::function<aws::Result<void>(const std::string& key, const std::string& body)>;

struct EventLogOptions {
  std::size_t capacity = 256;                     // queued events at most; more are dropped (logged)
  int max_attempts = 6;                           // per event, then it is dropped (logged)
  std::chrono::milliseconds first_backoff{1000};  // after the first failure, doubled each time,
  std::chrono::milliseconds max_backoff{60000};   // up to this
};

// Where the log goes: spawn's bucket, the bucket's region, and the launch the instance belongs to.
struct EventLogLocation {
  std::string bucket;
  std::string region;  // "" when the config names none: the instance's
  std::string launch_id;
};

// The log's location from the launch's spec (config "spec", "spec_region"): the spec lives at
// s3://BUCKET/spawn/launches/<launch id>/spec.json (launcher/launch_spec), and the log in the same
// bucket. nullopt for no spec or another URL (then spored writes no log: there is no bucket).
std::optional<EventLogLocation> event_log_location(const std::string& spec_url, const std::string& spec_region);

// PutObject into location's bucket with the instance role, signed for its region (the instance's
// when empty), each call bounded by the context's CallLimits.
EventPut make_s3_event_put(std::shared_ptr<AwsContext> aws, const EventLogLocation& location);

class EventLog {
 public:
  struct Stats {
    std::uint64_t posted = 0;
    std::uint64_t written = 0;
    std::uint64_t failed_attempts = 0;
    std::uint64_t dropped = 0;  // given up after max_attempts, queue full, unsafe key, or left at close
    std::size_t pending = 0;    // queued or being written
  };

  // Starts the writer thread.
  EventLog(EventPut put, std::shared_ptr<Logger> log, EventLogOptions options = {});
  // close(0): nothing more is waited for.
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Queues the event (its key and body are made here); returns at once. After close(), ignored.
  void post(const model::LoggedEvent& event);

  // Waits up to `within` for the queue to be written (a failing write gets no more backoff: one
  // last attempt each), then stops the writer. What is still queued is dropped and logged
  // (event_log_unflushed); a write in flight is left to finish on its own. Returns the stats.
  Stats close(std::chrono::milliseconds within);

  Stats stats() const;

 private:
  struct State;
  std::shared_ptr<State> m_state;
};

}  // namespace spawn::agent
