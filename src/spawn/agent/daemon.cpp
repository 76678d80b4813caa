#include "spawn/agent/daemon.hpp"

#include <unistd.h>

#include "spawn/agent/version.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/files.hpp"

namespace spawn::agent {
namespace {

using namespace std::chrono_literals;

// A failure that goes on is logged again this often (with its count), not at every poll.
constexpr auto k_repeat_error_log = 60s;
// status.json is rewritten at least this often (for "last poll"), and at once on any change.
constexpr auto k_status_period = 30s;

}  // namespace

Daemon::Daemon(DaemonParts parts)
    : m_parts(std::move(parts)),
      m_config(m_parts.config),
      m_log(m_parts.log),
      m_store([&] {
        std::vector<std::string> warnings;
        auto store = EventStore::open(m_parts.config.state_dir + "/events.json", warnings);
        for (const auto& w : warnings) m_parts.log->error("state_problem", {{"error", w}});
        return store;
      }()) {
  m_started_at = format_time_ms(m_parts.clocks.wall());
}

Daemon::~Daemon() {
  stop();
  wait_for_handlers();
}

void Daemon::stop() {
  std::lock_guard lock(m_mutex);
  m_stopping = true;
  m_wake.notify_all();
}

void Daemon::wait_for_handlers() {
  std::vector<Worker> workers;
  {
    std::lock_guard lock(m_mutex);
    workers.swap(m_workers);
  }
  for (auto& w : workers)
    if (w.thread.joinable()) w.thread.join();
}

int Daemon::run() {
  m_log->info("spored_started", {{"version", version()},
                                 {"pid", static_cast<long>(::getpid())},
                                 {"imds_endpoint", m_config.imds_endpoint},
                                 {"poll_interval_ms", m_config.poll_interval.count()},
                                 {"state_dir", m_config.state_dir}});
  write_status("starting");
  for (;;) {
    const SteadyTime started = std::chrono::steady_clock::now();
    poll_once();
    std::unique_lock lock(m_mutex);
    // Interval measured from the start of the poll, so detection latency stays one interval at
    // most even when the metadata service is slow to answer.
    m_wake.wait_until(lock, started + m_config.poll_interval, [&] { return m_stopping; });
    if (m_stopping) break;
  }
  if (m_busy.load() > 0) m_log->info("spored_stopping", {{"waiting_for_handlers", m_busy.load()}});
  wait_for_handlers();
  // A relaunch still waiting for EC2 (one resumed at start has no handler waiting for it) writes
  // to the event store: its answer first, for a minute at most (its record stays pending else).
  if (m_handlers) m_handlers->wait_relaunch(std::chrono::steady_clock::now() + std::chrono::seconds(60));
  write_status("stopped");
  close_event_log();
  m_log->info("spored_stopped");
  return 0;
}

std::vector<std::string> Daemon::watching() const {
  std::vector<std::string> names;
  for (const auto& m : m_monitors) names.emplace_back(m->name());
  return names;
}

void Daemon::report_error(const std::string& source, const aws::Error& error) {
  const SteadyTime now = m_parts.clocks.steady();
  auto& f = m_failures[source];
  const std::string text = error.describe();
  ++f.count;
  if (f.count == 1) f.since = format_time_ms(m_parts.clocks.wall());
  if (f.count == 1 || text != f.error || now - f.logged_at >= k_repeat_error_log) {
    m_log->warning("metadata_error", {{"source", source}, {"error", text}, {"consecutive_failures", f.count}});
    f.logged_at = now;
    f.error = text;
    write_status(m_instance ? "watching" : "starting");
  }
}

void Daemon::report_ok(const std::string& source) {
  auto it = m_failures.find(source);
  if (it == m_failures.end()) return;
  m_log->info("metadata_recovered", {{"source", source}, {"failures", it->second.count}, {"since", it->second.since}});
  m_failures.erase(it);
  write_status("watching");
}

bool Daemon::discover() {
  auto facts = discover_instance(*m_parts.imds, fact_tag_keys());
  if (!facts) {
    report_error("instance", facts.error());
    return false;
  }
  // A member that may relaunch itself needs its pool (type, zone, subnet) to avoid it.
  if (m_config.relaunch) {
    if (auto placed = discover_placement(*m_parts.imds, *facts); !placed) {
      report_error("instance", placed.error());
      return false;
    }
  } else if ((m_parts.make_event_put && event_log_location(m_config.spec, m_config.spec_region)) ||
             m_config.price_alert) {
    // The event log and the price alert need the pool too, but never hold the watching up:
    // without an answer the log's objects name no type or zone (the price alert asks again).
    if (auto placed = discover_placement(*m_parts.imds, *facts); !placed)
      m_log->warning("placement_unread", {{"error", placed.error().describe()},
                                          {"consequence", "the event log's objects name no instance type or zone"}});
  }
  report_ok("instance");
  m_instance = std::move(*facts);
  m_next_tag_read = m_parts.clocks.steady() + (m_instance->tags.contains(model::tag::k_job_array_index)
                                                   ? m_parts.tag_refresh
                                                   : m_parts.tag_refresh_incomplete);
  m_actions = m_parts.make_actions(*m_instance);
  m_runner = std::make_unique<CheckpointRunner>(*m_log, m_parts.kill_grace);
  if (m_parts.make_spec_fetch) m_spec_fetch = m_parts.make_spec_fetch(*m_instance);
  if (!m_config.spec.empty()) {
    std::lock_guard lock(m_spec_mutex);
    m_spec_status = {{"url", m_config.spec}, {"state", "reading"}};
  }
  start_event_log();
  arm();

  if (m_config.on_interruption == OnInterruption::checkpoint && m_config.checkpoint_script.empty() &&
      m_config.spec.empty())
    m_log->warning("config_warning", {{"message", "on_interruption is checkpoint but no checkpoint script is set: "
                                                  "checkpoint status will be none"}});
  m_log->info("watching", {{"instance_id", m_instance->instance_id},
                           {"region", m_instance->region},
                           {"instance_life_cycle", m_instance->lifecycle},
                           {"spot", m_spot},
                           {"monitors", watching()},
                           {"config", describe(m_config)}});
  write_status("watching");
  resume_relaunch();
  return true;
}

// A relaunch asked for by a spored that stopped before its answer (restarted, killed) is asked
// for again with the same ClientToken: EC2 answers with the replacement it launched, if any.
void Daemon::resume_relaunch() {
  if (!m_config.relaunch) return;
  for (const char* key : {"interruption", "rebalance"}) {
    if (std::string_view(key) == "rebalance" && !m_config.relaunch->move) continue;
    if (!relaunch_unfinished(m_store, key)) continue;
    m_log->warning("relaunch_resumed", {{"reason", key}});
    m_handlers->start_relaunch(key, m_parts.clocks.steady());
    return;
  }
}

// What the loop watches and the handlers act with, from m_config: at discovery, and again when
// the spec has been read (never while a handler is at work).
void Daemon::arm() {
  // Either one saying spot is enough: watching costs a request per poll, a missed notice the work.
  const bool was_spot = m_spot;
  m_spot = m_instance->lifecycle == "spot" || m_config.spot.value_or(false);
  m_monitors.clear();
  if (m_spot) {
    m_monitors.push_back(make_spot_notice_monitor(m_parts.imds));
    m_monitors.push_back(make_rebalance_monitor(m_parts.imds));
  } else if (!m_handlers || was_spot) {
    m_log->info("not_spot", {{"instance_life_cycle", m_instance->lifecycle},
                             {"message", "on-demand instance: no spot interruption or rebalance to watch for"}});
  }
  if (m_config.ttl_deadline) m_monitors.push_back(make_ttl_monitor(*m_config.ttl_deadline, m_parts.clocks.wall));
  m_idle_monitor = nullptr;
  if (m_config.idle_timeout) {
    IdleSettings idle;
    idle.timeout = *m_config.idle_timeout;
    const bool one_time_spot = m_spot && m_config.on_interruption != OnInterruption::hibernate;
    idle.action = m_config.on_idle.value_or(model::default_on_idle(one_time_spot));
    idle.active_processes = m_config.active_processes;
    idle.cpu_percent = m_config.idle_cpu_percent;
    auto monitor = std::make_unique<IdleMonitor>(std::move(idle), ProcReader(m_config.proc_root), m_parts.clocks);
    m_idle_monitor = monitor.get();
    m_monitors.push_back(std::move(monitor));
  }

  arm_price_watch();  // before the handlers' copy of the instance: it may read the pool

  m_scripts = std::make_unique<ScriptCache>(
      m_config.state_dir + "/checkpoint", m_config.checkpoint_script,
      m_parts.make_fetch ? m_parts.make_fetch(*m_instance, m_config.checkpoint_script_region) : ScriptFetch());
  m_next_script_refresh.reset();
  HandlerContext ctx;
  ctx.log = m_log;
  ctx.store = &m_store;
  ctx.config = m_config;
  ctx.instance = *m_instance;
  ctx.actions = m_actions;
  ctx.runner = m_runner.get();
  ctx.scripts = m_scripts.get();
  ctx.shutdown = m_parts.shutdown;
  ctx.clocks = m_parts.clocks;
  ctx.notify_wait = m_parts.notify_wait;
  ctx.wall = m_parts.wall;
  if (m_instance->tags_exposed)
    ctx.drill_tag = [imds = m_parts.imds]() -> std::optional<std::string> {
      auto tags = read_instance_tags(*imds, {model::tag::k_drill});
      if (!tags || !*tags) return std::nullopt;
      auto it = (*tags)->find(model::tag::k_drill);
      return it == (*tags)->end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  ctx.events = m_events;
  m_handlers = std::make_unique<Handlers>(std::move(ctx));
}

// A fleet member's index is tagged after its launch, and a checkpoint must see it.
void Daemon::maybe_refresh_tags() {
  if (!m_instance->tags_exposed) return;
  const SteadyTime now = m_parts.clocks.steady();
  if (m_next_tag_read && now < *m_next_tag_read) return;
  auto incomplete = [](const std::map<std::string, std::string>& tags) {
    return tags.contains(model::tag::k_job_array_id) && !tags.contains(model::tag::k_job_array_index);
  };
  m_next_tag_read = now + (incomplete(m_instance->tags) ? m_parts.tag_refresh_incomplete : m_parts.tag_refresh);
  auto tags = read_instance_tags(*m_parts.imds, fact_tag_keys());
  if (!tags) {
    report_error("tags", tags.error());
    return;
  }
  report_ok("tags");
  if (*tags) resolve_job_array_index(**tags, m_instance->ami_launch_index);
  if (!*tags || **tags == m_instance->tags) return;
  m_instance->tags = **tags;
  m_handlers->set_tags(m_instance->tags);
  m_events.set_tags(*m_instance);
  m_next_tag_read = now + (incomplete(m_instance->tags) ? m_parts.tag_refresh_incomplete : m_parts.tag_refresh);
  m_log->info("tags_changed", {{"tags", m_instance->tags}});
}

void Daemon::poll_once() {
  if (!m_instance && !discover()) return;
  maybe_apply_spec();
  maybe_read_spec();
  maybe_refresh_tags();
  bool all_ok = true;
  for (auto& monitor : m_monitors) {
    const std::string source(monitor->name());
    auto result = monitor->check_once();
    if (!result) {
      all_ok = false;
      report_error(source, result.error());
      continue;
    }
    report_ok(source);
    if (*result) dispatch(**result);
    else if (source == "spot/instance-action") note_absent(EventKind::interruption);
    else if (source == "events/recommendations/rebalance") note_absent(EventKind::rebalance);
  }
  if (all_ok) m_last_ok = format_time_ms(m_parts.clocks.wall());
  if (m_idle_monitor) {
    const IdleState idle = m_idle_monitor->state();
    std::string seen = idle.idle_since + "|" + idle.last_activity;
    if (seen != m_idle_seen) {
      m_idle_seen = std::move(seen);
      write_status("watching");
    }
  }
  maybe_complete();
  maybe_refresh_script();
  maybe_check_price();
  if (m_parts.clocks.steady() - m_status_written >= k_status_period) write_status("watching");
}

// A handled notice that has been gone for rearm_after is over: the instance was stopped or
// hibernated and has been started again, and the next notice is a new one. Two minutes is longer
// than any real notice stays posted unanswered, and a notice that is still posted (whatever its
// time says) never re-arms.
void Daemon::note_absent(EventKind kind) {
  const std::string key(to_string(kind));
  if (!m_store.latched(key)) {
    m_absent_since.erase(kind);
    return;
  }
  const SteadyTime now = m_parts.clocks.steady();
  auto [it, inserted] = m_absent_since.emplace(kind, now);
  if (inserted || now - it->second < m_parts.rearm_after) return;
  if (kind == EventKind::interruption && m_busy.load() > 0) return;  // its handler may still be at work
  if (auto e = m_store.release(key); !e.empty()) m_log->error("state_write_failed", {{"error", e}});
  m_log->info("rearmed", {{"latch", key}, {"reason", "the notice has not been posted for a while"}});
  m_absent_since.erase(it);
  m_already_logged.erase(key);
}

void Daemon::dispatch(const Event& event) {
  m_absent_since.erase(event.kind);
  const Detection detected{m_parts.clocks.wall(), m_parts.clocks.steady()};
  if (event.kind == EventKind::idle) return act_on_idle(event, detected.steady);
  if (event.kind == EventKind::idle_cancelled) {
    if (!m_idle_done.load()) m_handlers->idle_cancelled(event);
    return;
  }
  if (event.kind == EventKind::ttl_deadline) {
    if (m_ttl_done.load() || m_ttl_busy.load()) return;
    if (detected.steady.time_since_epoch().count() < m_next_ttl_attempt.load()) return;
    m_ttl_busy = true;
    start_worker("ttl_deadline", [this, event, retry = m_parts.ttl_retry] {
      bool done = m_handlers->ttl_deadline(event);
      if (done) m_ttl_done = true;
      else m_next_ttl_attempt = (m_parts.clocks.steady() + retry).time_since_epoch().count();
      m_ttl_busy = false;
    });
    return;
  }

  auto latched = m_store.latch(event, detected.wall);
  if (!latched.persist_error.empty())
    m_log->error("state_write_failed", {{"error", latched.persist_error},
                                        {"consequence", "the event is latched in memory only"}});
  const std::string key = latch_key(event);
  if (!latched.first) {
    if (!m_already_logged[key])
      m_log->info("already_handled", {{"latch", key}, {"notice_time", event.time_text},
                                      {"message", "latched before (this run or an earlier one); not handling again"}});
    m_already_logged[key] = true;
    return;
  }
  m_already_logged[key] = true;
  write_status("handling");
  switch (event.kind) {
    case EventKind::interruption:
      start_worker(key, [this, event, detected] { m_handlers->interruption(event, detected); });
      break;
    case EventKind::rebalance:
      start_worker(key, [this, event, detected] { m_handlers->rebalance(event, detected); });
      break;
    case EventKind::ttl_warning:
      start_worker(key, [this, event] { m_handlers->ttl_warning(event); });
      break;
    case EventKind::idle_warning:
      start_worker(key, [this, event] { m_handlers->idle_warning(event); });
      break;
    case EventKind::ttl_deadline:
    case EventKind::completion:
    case EventKind::idle_cancelled:
    case EventKind::idle: break;
  }
}

void Daemon::start_worker(std::string name, std::function<void()> work) {
  ++m_busy;
  std::lock_guard lock(m_mutex);
  // Join the workers that are done, so finished threads do not pile up over weeks of refreshes.
  std::erase_if(m_workers, [](Worker& w) {
    if (!w.done->load()) return false;
    w.thread.join();
    return true;
  });
  auto done = std::make_shared<std::atomic<bool>>(false);
  m_workers.push_back(Worker{std::thread([this, done, work = std::move(work)] {
                               work();
                               --m_busy;
                               *done = true;
                             }),
                             done, std::move(name)});
}

void Daemon::maybe_refresh_script() {
  if (!m_scripts || !m_scripts->remote()) return;
  const SteadyTime now = m_parts.clocks.steady();
  if (m_next_script_refresh && now < *m_next_script_refresh) return;
  // Not while a notice is handled: then the script is only fetched when the cache is missing.
  if (m_store.latched("interruption") || m_script_refreshing.load()) return;
  m_next_script_refresh = now + m_parts.script_refresh;
  m_script_refreshing = true;
  start_worker("script_refresh", [this] {
    auto r = m_scripts->refresh();
    if (r) {
      if (r->what != "unchanged")
        m_log->info("checkpoint_script_fetched", {{"what", r->what}, {"sha256", r->sha256}, {"bytes", r->bytes}});
    } else {
      m_log->warning("checkpoint_script_fetch_failed", {{"error", r.error()}});
    }
    m_script_refreshing = false;
  });
}

void Daemon::write_status(const char* state) {
  m_status_written = m_parts.clocks.steady();
  nlohmann::json failures = nlohmann::json::object();
  for (const auto& [source, f] : m_failures)
    failures[source] = {{"error", f.error}, {"consecutive_failures", f.count}, {"since", f.since}};
  nlohmann::json status = {
      {"pid", static_cast<long>(::getpid())},
      {"version", version()},
      {"state", state},
      {"started_at", m_started_at},
      {"updated_at", format_time_ms(m_parts.clocks.wall())},
      {"poll_interval_ms", m_config.poll_interval.count()},
      {"imds_endpoint", m_config.imds_endpoint},
      {"last_successful_poll", m_last_ok},
      {"metadata_errors", failures},
      {"config", describe(m_config)},
  };
  if (m_instance) {
    status["instance"] = {{"instance_id", m_instance->instance_id},
                          {"region", m_instance->region},
                          {"instance_life_cycle", m_instance->lifecycle}};
    status["spot"] = m_spot;
    status["watching"] = watching();
  }
  if (m_scripts) status["checkpoint_script"] = m_scripts->describe();
  if (m_price_watch) status["price_alert"] = m_price_watch->status();
  if (m_idle_monitor) {
    const IdleState idle = m_idle_monitor->state();
    status["idle"] = {{"idle_since", idle.idle_since.empty() ? nlohmann::json(nullptr) : nlohmann::json(idle.idle_since)},
                      {"acts_at", idle.act_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(idle.act_at)},
                      {"last_activity", idle.last_activity},
                      {"action", idle.action},
                      {"timeout", idle.timeout}};
  }
  {
    std::lock_guard lock(m_spec_mutex);
    if (!m_spec_status.is_null()) status["spec"] = m_spec_status;
  }
  auto written = util::write_file_atomically(m_config.state_dir + "/status.json", status.dump(1) + "\n", 0644);
  if (!written) m_log->error("state_write_failed", {{"error", written.error()}});
}

}  // namespace spawn::agent
