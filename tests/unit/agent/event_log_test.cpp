// The event log's writer: posting never waits for S3, failures are retried with backoff and
// logged, close() is bounded whatever S3 does.
#include "spawn/agent/event_log.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace spawn::agent {
namespace {

using namespace std::chrono_literals;

// Shared with the writer thread, which may outlive a test whose close() left a write in flight.
struct Lines : std::enable_shared_from_this<Lines> {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::shared_ptr<Logger> logger() {
    return std::make_shared<Logger>(LogFormat::json, [self = shared_from_this()](std::string_view line) {
      std::lock_guard lock(self->mutex);
      self->lines.emplace_back(line);
    });
  }
  int count(std::string_view event) {
    std::lock_guard lock(mutex);
    int n = 0;
    for (const auto& l : lines) n += l.find("\"event\":\"" + std::string(event) + "\"") != std::string::npos;
    return n;
  }
};

// A bucket in memory: each put either stores the object or fails with what `fail` says.
struct FakeBucket : std::enable_shared_from_this<FakeBucket> {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> objects;
  std::atomic<int> failures_left{0};
  std::atomic<int> calls{0};
  std::chrono::milliseconds delay{0};
  EventPut put() {
    return [self = shared_from_this()](const std::string& key, const std::string& body) -> aws::Result<void> {
      ++self->calls;
      if (self->delay.count() > 0) std::this_thread::sleep_for(self->delay);
      if (self->failures_left > 0) {
        --self->failures_left;
        return unexpected(aws::Error{503, "SlowDown", "reduce your request rate", ""});
      }
      std::lock_guard lock(self->mutex);
      self->objects.emplace_back(key, body);
      return {};
    };
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return objects.size();
  }
};

model::LoggedEvent event(model::EventType type, int second = 0) {
  model::LoggedEvent e;
  e.type = type;
  e.time = *util::parse_rfc3339("2026-12-04T10:00:00Z") + std::chrono::seconds(second);
  e.source.instance_id = "i-0123456789abcdef0";
  e.source.launch_id = "sl-1";
  e.source.region = "us-east-1";
  return e;
}

// Waits (5 s at most) until the writer has settled every event: written or given up.
void settle(const EventLog& log) {
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (log.stats().pending > 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
}

EventLogOptions fast() {
  EventLogOptions o;
  o.first_backoff = 5ms;
  o.max_backoff = 20ms;
  return o;
}

// Each test's log lines and bucket, shared with the log's threads (which may outlive a test).
class EventLogTest : public ::testing::Test {
 protected:
  std::shared_ptr<Lines> lines_ = std::make_shared<Lines>();
  std::shared_ptr<FakeBucket> bucket_ = std::make_shared<FakeBucket>();
  Lines& lines = *lines_;
  FakeBucket& bucket = *bucket_;
};

TEST_F(EventLogTest, WritesEachEventAsOneObjectInOrder) {
  EventLog log(bucket.put(), lines.logger(), fast());
  log.post(event(model::EventType::launch, 0));
  log.post(event(model::EventType::interruption, 1));
  log.post(event(model::EventType::checkpoint, 2));
  auto stats = log.close(2s);
  EXPECT_EQ(stats.written, 3u);
  EXPECT_EQ(stats.pending, 0u);
  ASSERT_EQ(bucket.size(), 3u);
  EXPECT_TRUE(bucket.objects[0].first.ends_with("-000000-launch.json"));
  EXPECT_TRUE(bucket.objects[1].first.ends_with("-000001-interruption.json"));
  EXPECT_TRUE(bucket.objects[2].first.ends_with("-000002-checkpoint.json"));
  EXPECT_NE(bucket.objects[1].second.find("\"type\":\"interruption\""), std::string::npos);
}

TEST_F(EventLogTest, PostingNeverWaitsForASlowBucket) {
  bucket.delay = 300ms;
  EventLog log(bucket.put(), lines.logger(), fast());
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) log.post(event(model::EventType::checkpoint, i));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 50ms);
  log.close(0ms);
}

TEST_F(EventLogTest, AFailedWriteIsRetriedWithBackoffAndLogged) {
  bucket.failures_left = 2;
  EventLog log(bucket.put(), lines.logger(), fast());
  log.post(event(model::EventType::interruption));
  log.post(event(model::EventType::shutdown, 1));
  settle(log);
  auto stats = log.close(2s);
  EXPECT_EQ(stats.written, 2u);
  EXPECT_EQ(stats.failed_attempts, 2u);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(lines.count("event_log_write_failed"), 2);
  ASSERT_EQ(bucket.size(), 2u);
  // The failed event kept its place.
  EXPECT_TRUE(bucket.objects[0].first.ends_with("interruption.json"));
}

TEST_F(EventLogTest, AnEventIsGivenUpAfterMaxAttemptsAndTheNextOnesStillGo) {
  auto options = fast();
  options.max_attempts = 3;
  bucket.failures_left = 3;
  EventLog log(bucket.put(), lines.logger(), options);
  log.post(event(model::EventType::launch));
  log.post(event(model::EventType::stopped, 1));
  settle(log);
  auto stats = log.close(2s);
  EXPECT_EQ(stats.dropped, 1u);
  EXPECT_EQ(stats.written, 1u);
  EXPECT_EQ(lines.count("event_log_dropped"), 1);
  ASSERT_EQ(bucket.size(), 1u);
  EXPECT_TRUE(bucket.objects[0].first.ends_with("stopped.json"));
}

TEST_F(EventLogTest, CloseIsBoundedWhenTheBucketHangs) {
  bucket.delay = 2s;  // each put hangs longer than close waits
  auto log = std::make_unique<EventLog>(bucket.put(), lines.logger(), fast());
  for (int i = 0; i < 4; ++i) log->post(event(model::EventType::checkpoint, i));
  const auto start = std::chrono::steady_clock::now();
  auto stats = log->close(200ms);
  log.reset();  // the write in flight is left to end on its own
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(stats.written, 0u);
  EXPECT_EQ(stats.dropped, 3u);  // the queued ones; the fourth is in flight
  EXPECT_EQ(lines.count("event_log_unflushed"), 1);
}

TEST_F(EventLogTest, CloseGivesAFailingEventOneLastAttemptNotTheWholeBackoff) {
  auto options = fast();
  options.first_backoff = 10s;  // a backoff close must not wait for
  options.max_backoff = 10s;
  bucket.failures_left = 1;
  EventLog log(bucket.put(), lines.logger(), options);
  log.post(event(model::EventType::interruption));
  while (bucket.calls.load() == 0) std::this_thread::sleep_for(1ms);
  const auto start = std::chrono::steady_clock::now();
  auto stats = log.close(1s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  EXPECT_EQ(stats.written, 1u);
}

TEST_F(EventLogTest, AFullQueueDropsNewEventsAndSaysSo) {
  bucket.delay = 100ms;
  auto options = fast();
  options.capacity = 2;
  EventLog log(bucket.put(), lines.logger(), options);
  for (int i = 0; i < 6; ++i) log.post(event(model::EventType::checkpoint, i));
  auto stats = log.close(3s);
  EXPECT_EQ(stats.posted, 6u);
  EXPECT_GE(stats.dropped, 3u);
  EXPECT_EQ(stats.written + stats.dropped, 6u);
  EXPECT_GE(lines.count("event_log_dropped"), 3);
}

TEST_F(EventLogTest, AnEventWithoutASafeKeyIsDroppedNotWritten) {
  EventLog log(bucket.put(), lines.logger(), fast());
  auto bad = event(model::EventType::launch);
  bad.source.instance_id = "../../agent";
  log.post(bad);
  auto stats = log.close(1s);
  EXPECT_EQ(stats.dropped, 1u);
  EXPECT_EQ(bucket.calls.load(), 0);
}

TEST_F(EventLogTest, PostAfterCloseIsIgnored) {
  EventLog log(bucket.put(), lines.logger(), fast());
  log.close(1s);
  log.post(event(model::EventType::launch));
  EXPECT_EQ(log.stats().posted, 0u);
  EXPECT_EQ(bucket.calls.load(), 0);
}

TEST(EventLog, LocationComesFromTheLaunchSpec) {
  auto where = event_log_location("s3://spawn-bucket/spawn/launches/sl-0123456789abcdef/spec.json", "eu-west-1");
  ASSERT_TRUE(where);
  EXPECT_EQ(where->bucket, "spawn-bucket");
  EXPECT_EQ(where->region, "eu-west-1");
  EXPECT_EQ(where->launch_id, "sl-0123456789abcdef");
  EXPECT_FALSE(event_log_location("", ""));
  EXPECT_FALSE(event_log_location("s3://b/elsewhere/spec.json", ""));
  EXPECT_FALSE(event_log_location("s3://b/spawn/launches/a/b/spec.json", ""));
  EXPECT_FALSE(event_log_location("https://b/spawn/launches/sl-1/spec.json", ""));
}

}  // namespace
}  // namespace spawn::agent
