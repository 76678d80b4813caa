#pragma once
// The loop, in one place: discover the instance, then every poll interval ask each monitor once
// and hand each new event (latched by the event store) to its handler on a worker thread, so a
// two-minute checkpoint never stops the polling. The launch's spec is read on a worker too and
// applied between polls once no handler is at work (until then the config file's settings
// hold); the job array's tags are read again while the agent runs. Metadata errors are logged (once per kind of
// failure, and again when it recovers) and the loop carries on: nothing the metadata service
// does stops the agent.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "spawn/agent/checkpoint.hpp"
#include "spawn/agent/clocks.hpp"
#include "spawn/agent/config.hpp"
#include "spawn/agent/event_log.hpp"
#include "spawn/agent/event_recorder.hpp"
#include "spawn/agent/event_store.hpp"
#include "spawn/agent/handlers.hpp"
#include "spawn/agent/idle_monitor.hpp"
#include "spawn/agent/instance.hpp"
#include "spawn/agent/launch_spec.hpp"
#include "spawn/aws/s3/client.hpp"
#include "spawn/agent/log.hpp"
#include "spawn/agent/monitors.hpp"
#include "spawn/agent/price_watch.hpp"
#include "spawn/agent/script_cache.hpp"
#include "spawn/aws/imds/client.hpp"

namespace spawn::agent {

// GETs the launch's spec: (s3:// URL, its bucket's region or empty, the ETag of the copy read
// before or empty) -> the object (not_modified when the ETag still matches).
using SpecFetch = std::function<aws::Result<aws::s3::Object>(const std::string& url, const std::string& region,
                                                            const std::string& etag)>;

// What `spored complete` writes in the state dir for the daemon: {"status": N, "at": RFC 3339}.
inline constexpr const char* k_completion_file = "complete.json";

struct DaemonParts {
  Sources sources;                                  // the layers; the spec is added once read
  AgentConfig config;                               // resolved from sources (validated)
  std::shared_ptr<Logger> log;
  std::shared_ptr<aws::imds::Client> imds;          // the loop's thread; the drill tag's reader (safe to share)
  Clocks clocks = real_clocks();
  // The AWS side, built once the instance (id, region) is known. Tests give fakes.
  std::function<std::shared_ptr<Actions>(const InstanceFacts&)> make_actions;
  std::function<ScriptFetch(const InstanceFacts&, const std::string& s3_region)> make_fetch;
  std::function<SpecFetch(const InstanceFacts&)> make_spec_fetch;  // empty: the spec is never read
  // Writes the event log's objects (agent/event_log); empty: no event log.
  std::function<EventPut(const InstanceFacts&, const EventLogLocation&)> make_event_put;
  EventLogOptions event_log_options;
  // Reads the instance's pool's spot price (agent/price_watch); empty: no price alert.
  std::function<SpotPriceRead(const InstanceFacts&)> make_price_read;
  std::chrono::milliseconds event_log_flush{5000};  // at stop, what is queued gets this long at most
  ShutdownCommand shutdown;                         // empty: none
  std::function<expected<void, std::string>(const std::string&)> wall;  // empty: util::wall
  std::chrono::milliseconds kill_grace = k_kill_grace;
  std::chrono::milliseconds notify_wait{10000};
  std::chrono::minutes script_refresh{10};          // re-fetch a remote checkpoint script this often
  std::chrono::seconds rearm_after{120};            // a latched notice absent this long is re-armed
  std::chrono::seconds ttl_retry{30};               // after a failed TTL termination
  std::chrono::seconds spec_retry{5};               // after a failed read of the spec; doubled up to 5 min
  std::chrono::seconds tag_refresh{300};            // the job array's tags are read again this often,
  std::chrono::seconds tag_refresh_incomplete{10};  // and this often while the array's index is missing
};

class Daemon {
 public:
  // Opens the event store in config.state_dir (which must exist).
  explicit Daemon(DaemonParts parts);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Polls until stop(), then waits for the handlers at work. Returns the exit code (0).
  int run();
  // Thread-safe; run() returns after the poll in progress.
  void stop();

  // One round: discovery until it has worked once, then each monitor once. For tests.
  void poll_once();
  // Waits for every handler started so far to end. For tests.
  void wait_for_handlers();

  // What the agent watches once discovery is done (empty before).
  std::vector<std::string> watching() const;

 private:
  bool discover();
  // The event log, when the spec names spawn's bucket, and its launch record (daemon_events.cpp).
  void start_event_log();
  // The stopped record, then what is queued written for event_log_flush at most.
  void close_event_log();
  // Asks again for a replacement a stopped spored left pending (agent/relaunch.hpp).
  void resume_relaunch();
  void arm();
  void maybe_read_spec();
  void maybe_apply_spec();
  void maybe_refresh_tags();
  void maybe_complete();
  void dispatch(const Event& event);
  void act_on_idle(const Event& event, SteadyTime now);
  void note_absent(EventKind kind);
  void start_worker(std::string name, std::function<void()> work);
  void report_error(const std::string& source, const aws::Error& error);
  void report_ok(const std::string& source);
  void maybe_refresh_script();
  // --price-alert (daemon_price.cpp): the watch made or kept at arm(), a look started when due.
  void arm_price_watch();
  void maybe_check_price();
  void write_status(const char* state);

  DaemonParts m_parts;
  AgentConfig m_config;
  std::shared_ptr<Logger> m_log;
  EventStore m_store;
  std::optional<InstanceFacts> m_instance;
  bool m_spot = false;
  std::vector<std::unique_ptr<Monitor>> m_monitors;
  std::unique_ptr<CheckpointRunner> m_runner;
  std::unique_ptr<ScriptCache> m_scripts;
  std::unique_ptr<Handlers> m_handlers;
  std::shared_ptr<Actions> m_actions;
  SpecFetch m_spec_fetch;
  std::shared_ptr<EventLog> m_event_log;            // null: no event log (no spec, so no bucket)
  EventRecorder m_events;

  // The spec: read by a worker (m_spec_ready, m_spec_status under m_spec_mutex), applied by the loop.
  std::mutex m_spec_mutex;
  std::optional<LaunchSpec> m_spec_ready;
  nlohmann::json m_spec_status;                     // for status.json
  std::atomic<bool> m_spec_applied{false};          // read and applied once
  std::string m_spec_etag;                          // the spec worker's (one at a time)
  std::atomic<bool> m_spec_reading{false};
  std::atomic<SteadyTime::rep> m_next_spec_read{0};
  std::chrono::seconds m_spec_backoff{0};           // the spec worker's (one at a time)
  std::optional<SteadyTime> m_next_tag_read;

  struct Failure {
    std::string error;
    int count = 0;
    SteadyTime logged_at{};
    std::string since;
  };
  std::map<std::string, Failure> m_failures;        // source -> its current failure
  std::string m_last_ok;                            // wall time of the last successful poll
  std::map<EventKind, SteadyTime> m_absent_since;   // latched notices no longer posted
  std::map<std::string, bool> m_already_logged;     // "already handled" said once per key
  std::optional<SteadyTime> m_next_script_refresh;
  std::atomic<bool> m_script_refreshing{false};
  std::atomic<bool> m_ttl_busy{false};
  std::atomic<bool> m_ttl_done{false};
  std::shared_ptr<PriceWatch> m_price_watch;        // --price-alert on a spot instance
  std::atomic<bool> m_price_checking{false};
  std::atomic<bool> m_price_looked{false};          // a look ended: status.json written again
  IdleMonitor* m_idle_monitor = nullptr;            // in m_monitors, when idle stop is on
  std::string m_idle_seen;                          // its state as last written to status.json
  std::atomic<bool> m_idle_busy{false};
  std::atomic<bool> m_idle_done{false};
  std::atomic<SteadyTime::rep> m_next_idle_attempt{0};
  std::atomic<bool> m_completion_busy{false};
  std::atomic<bool> m_completion_done{false};
  std::atomic<SteadyTime::rep> m_next_completion_attempt{0};
  std::atomic<SteadyTime::rep> m_next_ttl_attempt{0};  // steady time, after a failed termination
  SteadyTime m_status_written{};
  std::string m_started_at;

  std::mutex m_mutex;                               // the workers and stopping
  std::condition_variable m_wake;
  bool m_stopping = false;
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
    std::string name;
  };
  std::vector<Worker> m_workers;
  std::atomic<int> m_busy{0};
};

}  // namespace spawn::agent
