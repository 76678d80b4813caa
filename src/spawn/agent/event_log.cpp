#include "spawn/agent/event_log.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "spawn/agent/aws_actions.hpp"
#include "spawn/aws/s3/client.hpp"

namespace spawn::agent {

std::optional<EventLogLocation> event_log_location(const std::string& spec_url, const std::string& spec_region) {
  auto where = aws::s3::parse_s3_url(spec_url);
  if (!where) return std::nullopt;
  // spawn/launches/<launch id>/spec.json, and nothing else: a spec elsewhere names no launch.
  // launcher/launch_spec's layout (launch_prefix), written here so that spored does not link the
  // spec's writer for one string.
  const std::string head = "spawn/launches/";
  if (!where->key.starts_with(head) || !where->key.ends_with("/spec.json")) return std::nullopt;
  std::string launch_id = where->key.substr(head.size(), where->key.size() - head.size() - std::string("/spec.json").size());
  if (!model::key_safe(launch_id) || head + launch_id + "/spec.json" != where->key) return std::nullopt;
  return EventLogLocation{where->bucket, spec_region, std::move(launch_id)};
}

EventPut make_s3_event_put(std::shared_ptr<AwsContext> aws, const EventLogLocation& location) {
  return [aws = std::move(aws), location](const std::string& key, const std::string& body) -> aws::Result<void> {
    const std::string region = location.region.empty() ? aws->region() : location.region;
    auto addressing = aws::s3::choose_addressing(location.bucket, aws->endpoint_configured(aws::services::s3));
    auto endpoint = aws::s3::bucket_endpoint(aws->endpoint(aws::services::s3, region), location.bucket, addressing);
    aws::s3::Client s3(aws->service_at(aws::services::s3, endpoint, region));
    auto put = s3.put_object(key, body, "application/json", aws->limits().per_attempt);
    if (!put) return unexpected(put.error());
    return {};
  };
}

namespace {

struct Item {
  std::string key;
  std::string body;
  int attempts = 0;
};

}  // namespace

// Shared with the writer thread, which may outlive the EventLog when close() leaves a write in
// flight (an S3 call cannot be cut short): the thread then ends on its own, touching only this.
struct EventLog::State {
  EventPut put;
  std::shared_ptr<Logger> log;
  EventLogOptions options;
  mutable std::mutex mutex;
  std::condition_variable wake;     // the writer: work, or closing
  std::condition_variable settled;  // close(): the queue is empty and nothing is in flight
  std::deque<Item> queue;
  bool in_flight = false;
  bool closing = false;
  bool closed = false;
  std::uint64_t seq = 0;
  Stats stats;
  std::thread thread;

  void run() {
    std::unique_lock lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return closing || !queue.empty(); });
      if (queue.empty()) break;  // closing, and nothing left
      Item item = std::move(queue.front());
      queue.pop_front();
      in_flight = true;
      lock.unlock();
      auto written = put(item.key, item.body);
      lock.lock();
      in_flight = false;
      if (written) {
        ++stats.written;
      } else {
        ++stats.failed_attempts;
        ++item.attempts;
        const bool give_up = item.attempts >= options.max_attempts || closing;
        log->warning("event_log_write_failed", {{"key", item.key},
                                                {"attempt", item.attempts},
                                                {"error", written.error().describe()},
                                                {"retrying", !give_up}});
        if (give_up) {
          ++stats.dropped;
          log->error("event_log_dropped", {{"key", item.key}, {"attempts", item.attempts}});
        } else {
          // Backoff before the next attempt, cut short by close(); the event keeps its place.
          auto delay = options.first_backoff * (1LL << std::min(item.attempts - 1, 20));
          delay = std::min<std::chrono::milliseconds>(delay, options.max_backoff);
          queue.push_front(std::move(item));
          wake.wait_for(lock, delay, [&] { return closing; });
        }
      }
      if (queue.empty()) settled.notify_all();
    }
    settled.notify_all();
  }
};

EventLog::EventLog(EventPut put, std::shared_ptr<Logger> log, EventLogOptions options) : m_state(std::make_shared<State>()) {
  m_state->put = std::move(put);
  m_state->log = std::move(log);
  m_state->options = options;
  m_state->thread = std::thread([state = m_state] { state->run(); });
}

EventLog::~EventLog() { close(std::chrono::milliseconds(0)); }

void EventLog::post(const model::LoggedEvent& event) {
  std::lock_guard lock(m_state->mutex);
  if (m_state->closing) return;
  ++m_state->stats.posted;
  auto key = model::event_key(event, m_state->seq++);
  if (!key) {
    ++m_state->stats.dropped;
    m_state->log->error("event_log_dropped", {{"type", std::string(model::to_string(event.type))}, {"error", key.error()}});
    return;
  }
  if (m_state->queue.size() >= m_state->options.capacity) {
    ++m_state->stats.dropped;
    m_state->log->error("event_log_dropped", {{"key", *key}, {"error", "the queue is full"}});
    return;
  }
  m_state->queue.push_back(Item{std::move(*key), model::event_body(event), 0});
  m_state->wake.notify_one();
}

EventLog::Stats EventLog::close(std::chrono::milliseconds within) {
  std::unique_lock lock(m_state->mutex);
  if (!m_state->closed) {
    m_state->closed = true;
    m_state->closing = true;
    m_state->wake.notify_all();
    const bool settled =
        m_state->settled.wait_for(lock, within, [&] { return m_state->queue.empty() && !m_state->in_flight; });
    if (!settled) {
      const std::size_t left = m_state->queue.size() + (m_state->in_flight ? 1 : 0);
      m_state->stats.dropped += m_state->queue.size();
      m_state->queue.clear();
      m_state->log->warning("event_log_unflushed", {{"events", left}, {"waited_ms", within.count()}});
    }
    // The writer ends once its write in flight (if any) returns: joined when it is done, else
    // left to end on its own with the state it shares.
    const bool idle = !m_state->in_flight;
    lock.unlock();
    if (idle) m_state->thread.join();
    else m_state->thread.detach();
    lock.lock();
  }
  Stats s = m_state->stats;
  s.pending = m_state->queue.size() + (m_state->in_flight ? 1 : 0);
  return s;
}

EventLog::Stats EventLog::stats() const {
  std::lock_guard lock(m_state->mutex);
  Stats s = m_state->stats;
  s.pending = m_state->queue.size() + (m_state->in_flight ? 1 : 0);
  return s;
}

}  // namespace spawn::agent
