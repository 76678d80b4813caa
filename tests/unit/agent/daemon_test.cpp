// The loop's parts, one poll at a time (poll_once), with the metadata service as a table of
// paths behind the real IMDS client and fakes for AWS, the shutdown command and the clocks.
#include "spawn/agent/daemon.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fake_actions.hpp"
#include "../support/fake_proc.hpp"
#include "../support/imds_routes.hpp"
#include "../support/temp_dir.hpp"
#include "spawn/agent/completion.hpp"
#include "spawn/agent/status.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/files.hpp"

namespace spawn::agent {
namespace {

using namespace std::chrono_literals;

class DaemonTest : public ::testing::Test {
 protected:
  DaemonTest() {
    routes->set("meta-data/instance-id", "i-0abc");
    routes->set("meta-data/placement/region", "eu-west-1");
    routes->set("meta-data/instance-life-cycle", "spot");
    routes->set("meta-data/tags/instance/Name", "job");
  }

  std::unique_ptr<Daemon> make() {
    DaemonParts parts;
    parts.sources.environment = aws::config::fixed_environment({});
    parts.sources.flags = flags;
    parts.sources.file = file;
    parts.sources.flags["state-dir"] = {dir.path()};
    parts.config = *resolve_config(parts.sources);
    parts.log = std::make_shared<Logger>(LogFormat::json, [this](std::string_view line) {
      std::lock_guard lock(mutex);
      records.push_back(nlohmann::json::parse(line));
    });
    parts.imds = std::make_shared<aws::imds::Client>(routes, aws::imds::Options{.endpoint = "http://imds"},
                                                     aws::imds::Clock{}, [](std::chrono::milliseconds) {});
    parts.clocks = {[this] { return wall_now.load(); }, [this] { return steady_now.load(); }};
    parts.make_actions = [this](const InstanceFacts& i) {
      instance = i;
      return actions;
    };
    parts.shutdown = [this]() -> expected<void, std::string> {
      ++shutdowns;
      return {};
    };
    parts.wall = [this](const std::string&) -> expected<void, std::string> {
      ++walls;
      return {};
    };
    parts.notify_wait = 1s;
    if (spec_fetch) parts.make_spec_fetch = [this](const InstanceFacts&) { return spec_fetch; };
    if (event_put)
      parts.make_event_put = [this](const InstanceFacts&, const EventLogLocation& where) {
        event_location = where;
        return event_put;
      };
    parts.rearm_after = 120s;
    return std::make_unique<Daemon>(std::move(parts));
  }

  int count(const std::string& event) {
    std::lock_guard lock(mutex);
    int n = 0;
    for (auto& r : records) n += r["event"] == event;
    return n;
  }

  void post_notice(const char* time, const char* action = "terminate") {
    routes->set("meta-data/spot/instance-action",
                std::string(R"({"action":")") + action + R"(","time":")" + time + R"("})");
  }

  test::TempDir dir;
  std::shared_ptr<test::ImdsRoutes> routes = std::make_shared<test::ImdsRoutes>();
  std::shared_ptr<test::FakeActions> actions = std::make_shared<test::FakeActions>();
  RawValues flags;
  std::optional<nlohmann::json> file;
  SpecFetch spec_fetch;
  EventPut event_put;                               // empty: no event log
  std::optional<EventLogLocation> event_location;
  std::mutex mutex;
  std::vector<nlohmann::json> records;
  // The test's clocks, read by the daemon's handler threads (notifiers) while the test moves them.
  std::atomic<util::SystemTime> wall_now{*util::parse_rfc3339("2026-11-27T10:00:00Z")};
  std::atomic<SteadyTime> steady_now{SteadyTime(std::chrono::hours(100))};
  void advance(std::chrono::seconds by) {
    wall_now = wall_now.load() + by;
    steady_now = steady_now.load() + by;
  }
  void advance_steady(std::chrono::seconds by) { steady_now = steady_now.load() + by; }
  std::optional<InstanceFacts> instance;
  int shutdowns = 0;
  int walls = 0;
};

// The event log: started from the spec's location once the instance is known; the launch record
// first (with the pool), then what the handlers did, each one object.
TEST_F(DaemonTest, EventLogGetsTheLaunchThenTheNoticeAndWhatFollowed) {
  routes->set("meta-data/instance-type", "m7i.large");
  routes->set("meta-data/placement/availability-zone", "eu-west-1b");
  file = nlohmann::json{{"spot", true}, {"spec", "s3://spawn-bucket/spawn/launches/sl-1/spec.json"},
                        {"spec_region", "us-east-1"}};
  std::mutex put_mutex;
  std::vector<std::pair<std::string, nlohmann::json>> puts;
  event_put = [&](const std::string& key, const std::string& body) -> aws::Result<void> {
    std::lock_guard lock(put_mutex);
    puts.emplace_back(key, nlohmann::json::parse(body));
    return {};
  };
  auto written = [&] {
    std::lock_guard lock(put_mutex);
    return puts.size();
  };
  auto d = make();
  d->poll_once();
  ASSERT_TRUE(event_location);
  EXPECT_EQ(event_location->bucket, "spawn-bucket");
  EXPECT_EQ(event_location->region, "us-east-1");
  EXPECT_EQ(event_location->launch_id, "sl-1");
  post_notice("2026-11-27T10:02:00Z");
  d->poll_once();
  d->wait_for_handlers();
  for (int i = 0; i < 2000 && written() < 4; ++i) std::this_thread::sleep_for(1ms);
  std::lock_guard lock(put_mutex);
  ASSERT_EQ(puts.size(), 4u);
  std::vector<std::string> types;
  for (const auto& [key, body] : puts) {
    types.push_back(body["type"]);
    EXPECT_TRUE(key.starts_with("spawn/events/region=eu-west-1/day=2026-11-27/sl-1/i-0abc/")) << key;
    EXPECT_EQ(body["instance_type"], "m7i.large");
    EXPECT_EQ(body["availability_zone"], "eu-west-1b");
  }
  EXPECT_EQ(types, (std::vector<std::string>{"launch", "interruption", "checkpoint", "shutdown"}));
  EXPECT_EQ(puts[1].second["notice_time"], "2026-11-27T10:02:00Z");
  EXPECT_EQ(puts[2].second["status"], "none");
}

TEST_F(DaemonTest, NoSpecNoEventLog) {
  bool asked = false;
  event_put = [&](const std::string&, const std::string&) -> aws::Result<void> {
    asked = true;
    return {};
  };
  auto d = make();
  d->poll_once();
  EXPECT_FALSE(event_location);
  EXPECT_EQ(count("event_log_off"), 1);
  EXPECT_FALSE(asked);
}

TEST_F(DaemonTest, DiscoversThenWatchesSpot) {
  auto d = make();
  d->poll_once();
  EXPECT_EQ(d->watching(), (std::vector<std::string>{"spot/instance-action", "events/recommendations/rebalance"}));
  ASSERT_TRUE(instance);
  EXPECT_EQ(instance->instance_id, "i-0abc");
  EXPECT_EQ(instance->region, "eu-west-1");
  EXPECT_EQ(count("watching"), 1);
  auto gets = routes->gets();
  EXPECT_EQ(std::count(gets.begin(), gets.end(), "meta-data/spot/instance-action"), 1);
}

TEST_F(DaemonTest, OnDemandWatchesNothingAndSaysSoOnce) {
  routes->set("meta-data/instance-life-cycle", "on-demand");
  auto d = make();
  d->poll_once();
  d->poll_once();
  EXPECT_TRUE(d->watching().empty());
  EXPECT_EQ(count("not_spot"), 1);
  auto gets = routes->gets();
  EXPECT_EQ(std::count(gets.begin(), gets.end(), "meta-data/spot/instance-action"), 0);
}

TEST_F(DaemonTest, TheConfigCanSaySpot) {
  routes->set("meta-data/instance-life-cycle", "on-demand");
  flags["spot"] = {"true"};
  auto d = make();
  d->poll_once();
  EXPECT_EQ(d->watching().size(), 2u);
}

TEST_F(DaemonTest, TagsConfigureNothing) {
  routes->set(std::string("meta-data/tags/instance/") + model::tag::k_on_interruption, "hibernate");
  routes->set(std::string("meta-data/tags/instance/") + model::tag::k_ttl_deadline, "2026-11-27T10:00:01Z");
  routes->set(std::string("meta-data/tags/instance/") + model::tag::k_checkpoint_script, "https://evil.example/x.sh");
  auto d = make();
  d->poll_once();
  EXPECT_EQ(d->watching(), (std::vector<std::string>{"spot/instance-action", "events/recommendations/rebalance"}));
  auto gets = routes->gets();
  EXPECT_EQ(std::count(gets.begin(), gets.end(), std::string("meta-data/tags/instance/") + model::tag::k_checkpoint_script), 0);
  post_notice("2026-11-27T10:02:00Z");
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(shutdowns, 1);  // terminate, the default: the tag's hibernate is not read
  EXPECT_TRUE(actions->calls("terminate").empty());
}

TEST_F(DaemonTest, TheSpecIsReadThenItsSettingsHold) {
  flags["spec"] = {"s3://b/spawn/launches/l-1/spec.json"};
  flags["spec-region"] = {"eu-central-1"};
  int reads = 0;
  std::string asked_region;
  spec_fetch = [&](const std::string& url, const std::string& region, const std::string&) -> aws::Result<aws::s3::Object> {
    ++reads;
    asked_region = region;
    if (reads == 1) return unexpected(aws::Error{503, "SlowDown", "slow down", "r-1"});
    EXPECT_EQ(url, "s3://b/spawn/launches/l-1/spec.json");
    return aws::s3::Object{false, R"({"version":1,"launch_id":"l-1","on_interruption":"hibernate",)"
                                  R"("notify":["https://hooks.example.com/T/secret"],"ttl_deadline":"2026-11-27T11:00:00Z"})",
                           "\"e1\""};
  };
  auto d = make();
  d->poll_once();  // discovery, then the first read fails
  d->wait_for_handlers();
  EXPECT_EQ(count("spec_read_failed"), 1);
  EXPECT_EQ(d->watching().size(), 2u);  // the file's settings hold meanwhile: no TTL
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(reads, 1);  // not before spec_retry
  advance_steady(6s);
  d->poll_once();  // read again
  d->wait_for_handlers();
  d->poll_once();  // applied between polls
  EXPECT_EQ(reads, 2);
  EXPECT_EQ(asked_region, "eu-central-1");
  EXPECT_EQ(count("spec_read"), 1);
  EXPECT_EQ(d->watching().back(), "ttl");
  auto status = nlohmann::json::parse(*util::read_file(dir.path() + "/status.json").value());
  EXPECT_EQ(status["spec"]["state"], "read");
  EXPECT_EQ(status["spec"]["launch_id"], "l-1");
  EXPECT_EQ(status.dump().find("secret"), std::string::npos);
  post_notice("2026-11-27T10:02:00Z");
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(shutdowns, 0);  // hibernate, from the spec
  EXPECT_EQ(actions->calls("webhook").size(), 1u);
}

TEST_F(DaemonTest, AnExtendedDeadlineInTheSpecIsSeenWhileRunning) {
  flags["spec"] = {"s3://b/spawn/launches/l-1/spec.json"};
  file = nlohmann::json{{"ttl_deadline", "2026-11-27T10:10:00Z"}};  // as the user-data wrote it
  std::string document = R"({"version":1,"launch_id":"l-1","ttl_deadline":"2026-11-27T10:10:00Z"})";
  std::string etag = "\"v1\"";
  std::vector<std::string> sent_etags;
  spec_fetch = [&](const std::string&, const std::string&, const std::string& if_none_match) -> aws::Result<aws::s3::Object> {
    sent_etags.push_back(if_none_match);
    if (if_none_match == etag) return aws::s3::Object{true, "", etag};
    return aws::s3::Object{false, document, etag};
  };
  auto d = make();
  d->poll_once();
  d->wait_for_handlers();
  d->poll_once();
  EXPECT_EQ(count("spec_read"), 1);
  EXPECT_EQ(count("ttl_changed"), 0);
  advance_steady(61s);
  d->poll_once();  // unchanged: a 304
  d->wait_for_handlers();
  EXPECT_EQ(sent_etags, (std::vector<std::string>{"", "\"v1\""}));
  // spawn extend i-0abc --until 12:00: its own deadline in ttl_deadlines.
  document = R"({"version":1,"launch_id":"l-1","ttl_deadline":"2026-11-27T10:10:00Z",)"
             R"("ttl_deadlines":{"i-0abc":"2026-11-27T12:00:00Z","i-0other":"2026-11-27T13:00:00Z"}})";
  etag = "\"v2\"";
  advance_steady(61s);
  d->poll_once();
  d->wait_for_handlers();
  d->poll_once();
  EXPECT_EQ(count("ttl_changed"), 1);
  wall_now = *util::parse_rfc3339("2026-11-27T10:10:00Z");  // the old deadline passes
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_TRUE(actions->calls("terminate").empty());
  wall_now = *util::parse_rfc3339("2026-11-27T12:00:00Z");
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(actions->calls("terminate").size(), 1u);
}

TEST_F(DaemonTest, ASpecOfAnotherVersionIsRefusedAndTheFileHolds) {
  flags["spec"] = {"s3://b/spec.json"};
  spec_fetch = [&](const std::string&, const std::string&, const std::string&) -> aws::Result<aws::s3::Object> {
    return aws::s3::Object{false, R"({"version":2,"launch_id":"l-1","on_interruption":"hibernate"})", "\"e1\""};
  };
  auto d = make();
  d->poll_once();
  d->wait_for_handlers();
  d->poll_once();
  EXPECT_EQ(count("spec_invalid"), 1);
  post_notice("2026-11-27T10:02:00Z");
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(shutdowns, 1);
}

TEST_F(DaemonTest, TheJobArrayIndexTaggedAfterTheStartReachesTheCheckpoint) {
  routes->set(std::string("meta-data/tags/instance/") + model::tag::k_job_array_id, "a-1");
  flags["on-interruption"] = {"checkpoint"};
  const std::string script = dir.file("ckpt.sh");
  ASSERT_TRUE(util::write_file_atomically(script, "#!/bin/bash\necho \"$SPAWN_JOB_ARRAY_INDEX\" > \"$0.out\"\n", 0700));
  flags["checkpoint-script"] = {script};
  auto d = make();
  d->poll_once();
  routes->set(std::string("meta-data/tags/instance/") + model::tag::k_job_array_index, "7");
  advance_steady(11s);
  d->poll_once();
  EXPECT_EQ(count("tags_changed"), 1);
  post_notice("2026-11-27T10:02:00Z");
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(util::read_file(script + ".out").value().value_or(""), "7\n");
}

// A member of a shared-tag launch (one RunInstances for the array) has the launch's base and its
// own ami-launch-index: its checkpoint sees their sum, and no tag read waits for an index tag.
TEST_F(DaemonTest, TheIndexOfASharedTagMemberIsItsBasePlusItsLaunchIndex) {
  routes->set(std::string("meta-data/tags/instance/") + model::tag::k_job_array_id, "a-1");
  routes->set(std::string("meta-data/tags/instance/") + model::tag::k_job_array_index_base, "1000");
  routes->set("meta-data/ami-launch-index", "7");
  flags["on-interruption"] = {"checkpoint"};
  const std::string script = dir.file("ckpt.sh");
  ASSERT_TRUE(util::write_file_atomically(script, "#!/bin/bash\necho \"$SPAWN_JOB_ARRAY_INDEX\" > \"$0.out\"\n", 0700));
  flags["checkpoint-script"] = {script};
  auto d = make();
  d->poll_once();
  advance_steady(11s);
  d->poll_once();
  EXPECT_EQ(count("tags_changed"), 0) << "the index known from the start";
  post_notice("2026-11-27T10:02:00Z");
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(util::read_file(script + ".out").value().value_or(""), "1007\n");
}

TEST_F(DaemonTest, ExactlyOnceUnderAMovingTime) {
  auto d = make();
  d->poll_once();
  post_notice("2026-11-27T10:02:00Z");
  d->poll_once();
  for (const char* t : {"2026-11-27T10:02:01Z", "2026-11-27T10:02:02Z", "2026-11-27T10:02:03Z"}) {
    post_notice(t);
    advance(1s);
    d->poll_once();
  }
  d->wait_for_handlers();
  EXPECT_EQ(count("interruption_notice"), 1);
  EXPECT_EQ(count("already_handled"), 0);  // said only for a notice latched by an earlier run
  EXPECT_EQ(shutdowns, 1);
  EXPECT_EQ(actions->calls("tags").size(), 2u);
}

TEST_F(DaemonTest, ExactlyOnceAcrossARestart) {
  post_notice("2026-11-27T10:02:00Z");
  {
    auto d = make();
    d->poll_once();
    d->poll_once();
    d->wait_for_handlers();
  }
  EXPECT_EQ(shutdowns, 1);
  post_notice("2026-11-27T10:02:05Z");
  auto again = make();  // a new agent on the same state dir
  again->poll_once();
  again->poll_once();
  again->wait_for_handlers();
  EXPECT_EQ(count("interruption_notice"), 1);
  EXPECT_EQ(count("already_handled"), 1);
  EXPECT_EQ(shutdowns, 1);
}

TEST_F(DaemonTest, MetadataErrorsAreLoggedOnceAndSurvived) {
  auto d = make();
  d->poll_once();
  routes->fail_next("meta-data/spot/instance-action", 503, 30);
  for (int i = 0; i < 5; ++i) d->poll_once();  // 5 polls x 3 attempts = 15 failures
  EXPECT_EQ(count("metadata_error"), 1);
  for (int i = 0; i < 5; ++i) d->poll_once();  // the other 15
  post_notice("2026-11-27T10:02:00Z");
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(count("metadata_recovered"), 1);
  EXPECT_EQ(count("interruption_notice"), 1);
}

TEST_F(DaemonTest, DiscoveryIsRetriedUntilTheServiceAnswers) {
  routes->fail_next("meta-data/instance-id", 0, 6);
  auto d = make();
  d->poll_once();
  d->poll_once();
  EXPECT_TRUE(d->watching().empty());
  d->poll_once();
  EXPECT_EQ(d->watching().size(), 2u);
  EXPECT_EQ(count("metadata_error"), 1);
}

TEST_F(DaemonTest, MalformedNoticeIsAnErrorThenHandledWhenReadable) {
  auto d = make();
  d->poll_once();
  routes->set("meta-data/spot/instance-action", R"({"action": "terminate", "time": "2026-11)");
  d->poll_once();
  EXPECT_EQ(count("interruption_notice"), 0);
  post_notice("2026-11-27T10:02:00Z");
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(count("interruption_notice"), 1);
}

TEST_F(DaemonTest, RebalanceThenInterruption) {
  auto d = make();
  d->poll_once();
  routes->set("meta-data/events/recommendations/rebalance", R"({"noticeTime":"2026-11-27T09:59:00Z"})");
  d->poll_once();
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(count("rebalance_recommendation"), 1);
  EXPECT_EQ(shutdowns, 0);
  post_notice("2026-11-27T10:02:00Z");
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(count("interruption_notice"), 1);
  EXPECT_EQ(shutdowns, 1);
}

TEST_F(DaemonTest, ANoticeGoneForLongIsReArmed) {
  auto d = make();
  d->poll_once();
  post_notice("2026-11-27T10:02:00Z", "stop");
  d->poll_once();
  d->wait_for_handlers();
  routes->erase("meta-data/spot/instance-action");
  d->poll_once();
  advance_steady(60s);
  d->poll_once();
  post_notice("2026-11-27T10:02:00Z", "stop");  // back within two minutes: still the same notice
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(count("interruption_notice"), 1);
  routes->erase("meta-data/spot/instance-action");
  d->poll_once();
  advance_steady(121s);
  d->poll_once();
  EXPECT_EQ(count("rearmed"), 1);
  post_notice("2026-11-28T10:02:00Z", "stop");  // after a stop and start: a new interruption
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(count("interruption_notice"), 2);
}

TEST_F(DaemonTest, TtlWarnsOnceAndTerminatesAtTheDeadlineEvenAfterARestart) {
  flags["ttl-deadline"] = {"2026-11-27T10:10:00Z"};
  {
    auto d = make();
    d->poll_once();
    EXPECT_EQ(d->watching().back(), "ttl");
    wall_now = *util::parse_rfc3339("2026-11-27T10:05:00Z");
    d->poll_once();
    d->poll_once();
    d->wait_for_handlers();
  }
  EXPECT_EQ(walls, 1);
  EXPECT_EQ(count("ttl_warning"), 1);
  auto d = make();  // restarted
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(walls, 1);
  EXPECT_TRUE(actions->calls("terminate").empty());
  wall_now = *util::parse_rfc3339("2026-11-27T10:10:00Z");
  d->poll_once();
  d->wait_for_handlers();
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(actions->calls("terminate").size(), 1u);
}

TEST_F(DaemonTest, TtlTerminationIsRetriedAfterATransientFailure) {
  flags["ttl-deadline"] = {"2026-11-27T09:00:00Z"};
  actions->terminate_error = aws::Error{503, "ServiceUnavailable", "busy", ""};
  auto d = make();
  d->poll_once();
  d->wait_for_handlers();
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(actions->calls("terminate").size(), 1u);  // not before ttl_retry
  advance_steady(31s);
  actions->terminate_error.reset();
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(actions->calls("terminate").size(), 2u);
}

TEST_F(DaemonTest, StatusReportsWhatItWatchesAndSaw) {
  auto d = make();
  d->poll_once();
  post_notice("2026-11-27T10:02:00Z");
  d->poll_once();
  d->wait_for_handlers();
  auto report = status_report(dir.path(), StatusFormat::text);
  EXPECT_EQ(report.exit_code, 0);
  EXPECT_NE(report.text.find("i-0abc in eu-west-1 (spot)"), std::string::npos) << report.text;
  EXPECT_NE(report.text.find("spot/instance-action, events/recommendations/rebalance"), std::string::npos);
  EXPECT_NE(report.text.find("interruption"), std::string::npos);
  EXPECT_NE(report.text.find("terminate at 2026-11-27T10:02:00Z"), std::string::npos);
  EXPECT_NE(report.text.find("checkpoint none"), std::string::npos);
  auto json = nlohmann::json::parse(status_report(dir.path(), StatusFormat::json).text);
  EXPECT_TRUE(json["running"].get<bool>());
  EXPECT_EQ(json["status"]["instance"]["instance_id"], "i-0abc");
  EXPECT_EQ(status_report(dir.file("nothing-here"), StatusFormat::text).exit_code, 1);
}

}  // namespace
}  // namespace spawn::agent

namespace spawn::agent {
namespace {

TEST_F(DaemonTest, SporedCompleteEndsTheInstanceOnceEvenAcrossARestart) {
  {
    auto d = make();
    d->poll_once();
    auto asked = request_completion(dir.path(), 7, wall_now);
    ASSERT_TRUE(asked) << asked.error();
    EXPECT_TRUE(asked->daemon_running);  // status.json names this (live) process
    d->poll_once();
    d->wait_for_handlers();
    d->poll_once();
    d->wait_for_handlers();
    EXPECT_EQ(actions->calls("terminate").size(), 1u);
    EXPECT_EQ(count("completion"), 1);
    auto again = request_completion(dir.path(), 9, wall_now);
    ASSERT_TRUE(again);
    EXPECT_NE(again->message.find("first status stands"), std::string::npos);
  }
  auto d = make();  // restarted
  d->poll_once();
  d->wait_for_handlers();
  d->poll_once();
  EXPECT_EQ(actions->calls("terminate").size(), 1u);
  EXPECT_EQ(actions->calls("tags").at(0).args.at(0).second, "7");
}

// Idle stop through the whole loop: warned once on the terminal and the targets, then the
// instance stopped (on demand) once, with the reason tagged; the status says what it sees.
TEST_F(DaemonTest, AnIdleOnDemandInstanceIsWarnedThenStoppedOnce) {
  test::FakeProc proc(dir.path() + "/proc");
  routes->set("meta-data/instance-life-cycle", "on-demand");
  flags["idle-timeout"] = {"20s"};
  flags["proc-root"] = {proc.root()};
  flags["notify"] = {"https://hooks.example.com/t"};
  auto d = make();
  EXPECT_EQ(d->watching(), std::vector<std::string>{});
  for (int i = 0; i < 25; ++i) {
    proc.pass(1, 0.0);
    advance(1s);
    d->poll_once();
    d->wait_for_handlers();
  }
  EXPECT_EQ(d->watching(), std::vector<std::string>{"idle"});
  EXPECT_EQ(walls, 1);
  EXPECT_EQ(count("idle_warning"), 1);
  ASSERT_EQ(actions->calls("stop").size(), 1u);
  EXPECT_EQ(actions->calls("stop")[0].args.at(0).second, "false");
  EXPECT_TRUE(actions->calls("terminate").empty());
  auto tags = actions->calls("tags");
  ASSERT_FALSE(tags.empty());
  EXPECT_EQ(tags.back().args.at(0).first, model::tag::k_idle_action);
  EXPECT_TRUE(tags.back().args.at(0).second.starts_with("stop at ")) << tags.back().args.at(0).second;
  EXPECT_EQ(actions->calls("webhook").size(), 2u);  // the warning and the stop
  auto status = nlohmann::json::parse(**util::read_file(dir.path() + "/status.json"));
  EXPECT_TRUE(status["idle"]["idle_since"].is_string());
}

TEST_F(DaemonTest, AnIdleOneTimeSpotInstanceIsTerminatedAndABusyOneNever) {
  test::FakeProc proc(dir.path() + "/proc");
  flags["idle-timeout"] = {"20s"};
  flags["proc-root"] = {proc.root()};
  flags["active-process"] = {"train.py"};
  proc.start(4242, "python3", {"python3", "train.py"});
  auto d = make();
  for (int i = 0; i < 40; ++i) {
    proc.pass(1, 0.0);
    advance(1s);
    d->poll_once();
    d->wait_for_handlers();
  }
  EXPECT_EQ(walls, 0);
  EXPECT_TRUE(actions->calls("terminate").empty());
  proc.end(4242);
  for (int i = 0; i < 25; ++i) {
    proc.pass(1, 0.0);
    advance(1s);
    d->poll_once();
    d->wait_for_handlers();
  }
  EXPECT_TRUE(actions->calls("stop").empty());
  EXPECT_EQ(actions->calls("terminate").size(), 1u);
}

}  // namespace
}  // namespace spawn::agent
