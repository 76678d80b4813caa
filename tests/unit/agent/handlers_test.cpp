// The handlers with a fake AWS, a fake shutdown command and real (tiny) checkpoint scripts.
#include "spawn/agent/handlers.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <fstream>

#include "fake_actions.hpp"
#include "spawn/model/tags.hpp"
#include "../support/temp_dir.hpp"

namespace spawn::agent {
namespace {

using namespace std::chrono_literals;
namespace tag = model::tag;

struct Captured {
  std::mutex mutex;
  std::vector<nlohmann::json> records;
  std::vector<std::string> events() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (auto& r : records) out.push_back(r["event"]);
    return out;
  }
  std::optional<nlohmann::json> first(const std::string& event) {
    std::lock_guard lock(mutex);
    for (auto& r : records)
      if (r["event"] == event) return r;
    return std::nullopt;
  }
};

class HandlersTest : public ::testing::Test {
 protected:
  HandlersTest() {
    // The notifier's threads may outlive the handler (and this test) when a call is slower than
    // notify_wait: they hold the log, and the log holds what it writes to.
    log = std::make_shared<Logger>(LogFormat::json, [records = captured](std::string_view line) {
      std::lock_guard lock(records->mutex);
      records->records.push_back(nlohmann::json::parse(line));
    });
    store.emplace(EventStore::open(dir.file("events.json"), warnings));
    runner = std::make_unique<CheckpointRunner>(*log, 200ms);
    config.notify = {"arn:aws:sns:us-east-1:123456789012:alerts", "https://hooks.example.com/T/B/secret"};
    instance.instance_id = "i-0abc";
    instance.region = "us-east-1";
    instance.lifecycle = "spot";
  }

  Handlers make(std::string script_body = {}) {
    std::string source;
    if (!script_body.empty()) source = dir.write("ckpt.sh", script_body);
    scripts = std::make_unique<ScriptCache>(dir.file("checkpoint"), source, ScriptFetch());
    HandlerContext ctx;
    ctx.log = log;
    ctx.store = &*store;
    ctx.config = config;
    ctx.instance = instance;
    ctx.actions = actions;
    ctx.runner = runner.get();
    ctx.scripts = scripts.get();
    ctx.shutdown = [this]() -> expected<void, std::string> {
      shutdown_at = std::chrono::steady_clock::now();
      ++shutdowns;
      return {};
    };
    ctx.clocks = {[this] { return wall_now; }, [] { return std::chrono::steady_clock::now(); }};
    ctx.notify_wait = 2s;
    ctx.drill_tag = drill_tag;
    ctx.events = events;
    ctx.wall = [this](const std::string& text) -> expected<void, std::string> {
      walls.push_back(text);
      return {};
    };
    return Handlers(std::move(ctx));
  }

  Detection detect(const Event& e) {
    EXPECT_TRUE(store->latch(e, wall_now).first);
    return {wall_now, std::chrono::steady_clock::now()};
  }

  test::TempDir dir;
  std::vector<std::string> warnings;
  std::shared_ptr<Captured> captured = std::make_shared<Captured>();
  std::shared_ptr<Logger> log;
  std::optional<EventStore> store;
  std::unique_ptr<CheckpointRunner> runner;
  std::unique_ptr<ScriptCache> scripts;
  std::shared_ptr<test::FakeActions> actions = std::make_shared<test::FakeActions>();
  AgentConfig config;
  InstanceFacts instance;
  util::SystemTime wall_now = *util::parse_rfc3339("2026-11-27T10:00:00Z");
  std::optional<std::chrono::steady_clock::time_point> shutdown_at;
  int shutdowns = 0;
  std::vector<std::string> walls;
  std::function<std::optional<std::string>()> drill_tag;  // the metadata's spawn:drill tag; empty: not exposed
  EventRecorder events;                                    // the event log: off unless a test logs
  // Turns the event log on, into `logged` (type of each object, in order), and returns it.
  std::shared_ptr<EventLog> log_events() {
    auto log_to = std::make_shared<EventLog>(
        [this](const std::string&, const std::string& body) -> aws::Result<void> {
          std::lock_guard lock(logged_mutex);
          logged.push_back(nlohmann::json::parse(body));
          return {};
        },
        log);
    model::EventSource source;
    source.instance_id = "i-0abc";
    source.launch_id = "launch-1";
    source.region = "us-east-1";
    events = EventRecorder(log_to, source, [this] { return wall_now; });
    return log_to;
  }
  std::mutex logged_mutex;
  std::vector<nlohmann::json> logged;
};

Event notice(const char* action = "terminate", const char* time = "2026-11-27T10:02:00Z") {
  return Event{EventKind::interruption, action, time, util::parse_rfc3339(time)};
}

TEST_F(HandlersTest, InterruptionInOrderNotifyCheckpointShutdown) {
  config.on_interruption = OnInterruption::checkpoint;
  auto marker = dir.file("env");
  auto h = make("env | grep -E '^(INTERRUPTION|SPAWN)_' | sort > " + marker + "\nexit 0\n");
  auto e = notice();
  h.interruption(e, detect(e));

  // Tags with the notice and action first, SNS and the webhook, then the checkpoint status tag.
  auto tags = actions->calls("tags");
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].args, (std::vector<std::pair<std::string, std::string>>{
                              {tag::k_interruption_notice, "2026-11-27T10:02:00Z"}, {tag::k_interruption_action, "terminate"}}));
  EXPECT_EQ(tags[1].args, (std::vector<std::pair<std::string, std::string>>{{tag::k_checkpoint_status, "ok"}}));
  ASSERT_EQ(actions->calls("publish").size(), 1u);
  EXPECT_EQ(actions->calls("publish")[0].args[0].second, "arn:aws:sns:us-east-1:123456789012:alerts");
  auto message = nlohmann::json::parse(actions->calls("publish")[0].args[2].second);
  EXPECT_EQ(message["event"], "spot_interruption");
  EXPECT_EQ(message["instance_id"], "i-0abc");
  ASSERT_EQ(actions->calls("webhook").size(), 1u);
  EXPECT_EQ(shutdowns, 1);
  for (const auto& c : actions->calls()) EXPECT_LT(c.at, *shutdown_at) << c.what;

  // The script saw its variables; the deadline is detection + 90 s (the notice is 120 s away).
  std::ifstream in(marker);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(all.find("INTERRUPTION_TIME=2026-11-27T10:02:00Z"), std::string::npos);
  EXPECT_NE(all.find("INTERRUPTION_ACTION=terminate"), std::string::npos);
  EXPECT_NE(all.find("SPAWN_CHECKPOINT_DEADLINE=2026-11-27T10:01:30Z"), std::string::npos);
  EXPECT_NE(all.find("SPAWN_ON_INTERRUPTION=checkpoint"), std::string::npos);
  EXPECT_NE(all.find("SPAWN_INSTANCE_ID=i-0abc"), std::string::npos);

  auto events = captured->events();
  auto pos = [&](const std::string& name) { return std::find(events.begin(), events.end(), name) - events.begin(); };
  EXPECT_LT(pos("interruption_notice"), pos("checkpoint_started"));
  EXPECT_LT(pos("checkpoint_started"), pos("checkpoint_finished"));
  EXPECT_LT(pos("checkpoint_finished"), pos("shutdown"));
  EXPECT_EQ((*captured->first("checkpoint_finished"))["status"], "ok");
  EXPECT_EQ(store->snapshot()["latched"]["interruption"]["checkpoint_status"], "ok");
  // No secret in the log: the webhook appears only as its origin.
  std::lock_guard lock(captured->mutex);
  for (const auto& r : captured->records) EXPECT_EQ(r.dump().find("secret"), std::string::npos) << r.dump();
}

TEST_F(HandlersTest, ANoticeSoonAfterASpawnInterruptTagIsRecordedAsADrill) {
  drill_tag = [] { return std::optional<std::string>("2026-11-27T09:59:50Z 1a2b3c4d"); };
  auto h = make();
  auto e = notice();
  h.interruption(e, detect(e));
  auto message = nlohmann::json::parse(actions->calls("publish").at(0).args[2].second);
  EXPECT_EQ(message["drill"], true);
  EXPECT_NE(actions->calls("publish")[0].args[1].second.find("spot interruption drill of i-0abc"), std::string::npos);
  EXPECT_EQ((*captured->first("interruption_notice"))["drill"], true);
  EXPECT_EQ(store->snapshot()["latched"]["interruption"]["drill"], true);
  EXPECT_EQ(shutdowns, 1);  // the whole path, as on a real interruption
}

TEST_F(HandlersTest, AnOldDrillTagOrNoneLeavesARealInterruptionReal) {
  drill_tag = [] { return std::optional<std::string>("2026-11-26T09:00:00Z 1a2b3c4d"); };
  auto h = make();
  auto e = notice();
  h.interruption(e, detect(e));
  auto message = nlohmann::json::parse(actions->calls("publish").at(0).args[2].second);
  EXPECT_EQ(message["drill"], false);
  EXPECT_EQ((*captured->first("interruption_notice"))["drill"], false);
  EXPECT_FALSE(store->snapshot()["latched"]["interruption"].contains("drill"));
}

TEST_F(HandlersTest, ASlowMetadataServiceDoesNotHoldTheNoticeUpForTheDrillTag) {
  drill_tag = [] {
    std::this_thread::sleep_for(3s);
    return std::optional<std::string>("2026-11-27T09:59:50Z 1a2b3c4d");
  };
  auto h = make();
  auto e = notice();
  const auto detected = detect(e);
  h.interruption(e, detected);
  ASSERT_FALSE(actions->calls("tags").empty());
  EXPECT_LT(actions->calls("tags")[0].at - detected.steady, 2500ms);  // not the reader's 3 s
  EXPECT_EQ((*captured->first("interruption_notice"))["drill"], false);
  EXPECT_TRUE(captured->first("drill_tag_unread"));
}

TEST_F(HandlersTest, SlowNotificationsNeverDelayTheCheckpoint) {
  actions->delay = 1500ms;
  auto started = dir.file("started");
  auto h = make("touch " + started + "\n");
  auto e = notice();
  auto d = detect(e);
  h.interruption(e, d);
  // The script started long before any slow call could have returned (they run in parallel).
  auto record = captured->first("checkpoint_started");
  ASSERT_TRUE(record);
  EXPECT_LT((*record)["seconds_since_detection"].get<double>(), 1.0);
  EXPECT_EQ(shutdowns, 1);
}

TEST_F(HandlersTest, TagCallsReachAwsInTheOrderTheyWereMade) {
  // The script ends long before the slow notice tag returns; the checkpoint status must still not
  // overtake it (CI once saw the status tag first when the notice tag waited for credentials).
  actions->delay = 300ms;
  auto h = make("exit 0\n");
  auto e = notice();
  h.interruption(e, detect(e));
  auto tags = actions->calls("tags");
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].args[0].first, tag::k_interruption_notice);
  EXPECT_EQ(tags[1].args[0].first, tag::k_checkpoint_status);
  EXPECT_GE(tags[1].at - tags[0].at, 300ms);
  EXPECT_EQ(shutdowns, 1);
}

TEST_F(HandlersTest, AFailingScriptIsStillFollowedByNotificationAndShutdown) {
  auto h = make("echo broken >&2\nexit 3\n");
  auto e = notice();
  h.interruption(e, detect(e));
  EXPECT_EQ((*captured->first("checkpoint_finished"))["status"], "failed");
  EXPECT_EQ(actions->calls("tags").back().args[0].second, "failed");
  EXPECT_EQ(actions->calls("publish").size(), 1u);
  EXPECT_EQ(shutdowns, 1);
}

TEST_F(HandlersTest, UnreachableNotificationsDoNotStopTheShutdown) {
  actions->fail = true;
  auto h = make();
  auto e = notice();
  h.interruption(e, detect(e));
  EXPECT_EQ(shutdowns, 1);
  EXPECT_TRUE(captured->first("notification_failed"));
}

TEST_F(HandlersTest, NoScriptMeansStatusNone) {
  auto h = make();
  auto e = notice();
  h.interruption(e, detect(e));
  EXPECT_EQ(actions->calls("tags").back().args[0], (std::pair<std::string, std::string>{tag::k_checkpoint_status, "none"}));
}

TEST_F(HandlersTest, HibernateDoesNotShutDown) {
  auto h = make();
  auto e = notice("hibernate");
  h.interruption(e, detect(e));
  EXPECT_EQ(shutdowns, 0);
  EXPECT_EQ((*captured->first("shutdown"))["skipped"], true);
  // With no shutdown to hold back, the handler does not wait for its notifier threads: wait for
  // the tag call here (it raced the assertion and crashed when read from an empty list).
  for (int i = 0; i < 500 && actions->calls("tags").empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto tags = actions->calls("tags");
  ASSERT_FALSE(tags.empty());
  EXPECT_EQ(tags[0].args[1].second, "hibernate");
}

TEST_F(HandlersTest, HibernateFromTheConfigIsEnough) {
  config.on_interruption = OnInterruption::hibernate;
  auto h = make();
  auto e = notice("terminate");
  h.interruption(e, detect(e));
  EXPECT_EQ(shutdowns, 0);
}

TEST_F(HandlersTest, StopShutsDown) {
  auto h = make();
  auto e = notice("stop");
  h.interruption(e, detect(e));
  EXPECT_EQ(shutdowns, 1);
}

TEST_F(HandlersTest, ALateNoticeLeavesNoTimeForTheScript) {
  auto marker = dir.file("ran");
  auto h = make("touch " + marker + "\n");
  auto e = notice("terminate", "2026-11-27T10:00:20Z");  // 20 s away: the deadline (-30 s) is gone
  h.interruption(e, detect(e));
  EXPECT_EQ((*captured->first("checkpoint_finished"))["status"], "timeout");
  EXPECT_FALSE(std::ifstream(marker).good());
  EXPECT_EQ(shutdowns, 1);
}

TEST_F(HandlersTest, RebalanceCheckpointsEarlyWithCheckpointAndDoesNotShutDown) {
  config.on_interruption = OnInterruption::checkpoint;
  auto marker = dir.file("reason");
  auto h = make("echo $SPAWN_CHECKPOINT_REASON $INTERRUPTION_ACTION > " + marker + "\n");
  Event e{EventKind::rebalance, "", "2026-11-27T09:59:00Z", util::parse_rfc3339("2026-11-27T09:59:00Z")};
  h.rebalance(e, detect(e));
  std::ifstream in(marker);
  std::string reason;
  std::getline(in, reason);
  EXPECT_EQ(reason, "rebalance rebalance");
  EXPECT_EQ(actions->calls("publish").size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(actions->calls("publish")[0].args[2].second)["event"], "rebalance_recommendation");
  EXPECT_TRUE(actions->calls("tags").empty());
  EXPECT_EQ(shutdowns, 0);
}

// A rebalance checkpoint still at work when the interruption notice comes: the interruption's
// own run gets the time left until its deadline and reports how it went; the log says what became
// of the rebalance run.
TEST_F(HandlersTest, AnInterruptionDuringARebalanceCheckpointStillGetsItsOwnRun) {
  config.on_interruption = OnInterruption::checkpoint;
  auto runs = dir.file("runs");
  // The rebalance run is long (still saving when the notice comes); the interruption's is quick.
  auto h = make("echo \"$SPAWN_CHECKPOINT_REASON start\" >> " + runs + "\n" +
                "if [ \"$SPAWN_CHECKPOINT_REASON\" = rebalance ]; then sleep 60; fi\n" +
                "echo \"$SPAWN_CHECKPOINT_REASON done\" >> " + runs + "\n");
  Event r{EventKind::rebalance, "", "2026-11-27T09:59:00Z", util::parse_rfc3339("2026-11-27T09:59:00Z")};
  auto rebalance_detected = detect(r);
  std::thread rebalance([&] { h.rebalance(r, rebalance_detected); });
  auto read_runs = [&] {
    std::ifstream in(runs);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  };
  for (int i = 0; i < 1000 && read_runs().empty(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(read_runs(), "rebalance start\n");

  // The notice's time is 40 s away: its checkpoint deadline is 10 s after detection.
  auto e = notice("terminate", "2026-11-27T10:00:40Z");
  h.interruption(e, detect(e));
  rebalance.join();

  EXPECT_EQ(read_runs(), "rebalance start\ninterruption start\ninterruption done\n");
  std::optional<nlohmann::json> rebalance_finished, interruption_finished, interruption_started;
  {
    std::lock_guard lock(captured->mutex);
    for (const auto& record : captured->records) {
      if (record["event"] == "checkpoint_finished" && record["reason"] == "rebalance") rebalance_finished = record;
      if (record["event"] == "checkpoint_finished" && record["reason"] == "interruption") interruption_finished = record;
      if (record["event"] == "checkpoint_started" && record["reason"] == "interruption") interruption_started = record;
    }
  }
  ASSERT_TRUE(interruption_finished);
  EXPECT_EQ((*interruption_finished)["status"], "ok") << interruption_finished->dump();
  EXPECT_EQ(actions->calls("tags").back().args[0], (std::pair<std::string, std::string>{tag::k_checkpoint_status, "ok"}));
  EXPECT_EQ(store->snapshot()["latched"]["interruption"]["checkpoint_status"], "ok");
  ASSERT_TRUE(interruption_started);
  EXPECT_GT((*interruption_started)["seconds_available"].get<double>(), 0.0) << interruption_started->dump();
  ASSERT_TRUE(rebalance_finished);
  EXPECT_EQ((*rebalance_finished)["status"], "stopped") << rebalance_finished->dump();
  EXPECT_EQ((*rebalance_finished)["stopped_for"], "interruption") << rebalance_finished->dump();
  EXPECT_EQ(store->snapshot()["latched"]["rebalance"]["checkpoint_status"], "stopped");
  EXPECT_EQ(shutdowns, 1);
  // In the log, the rebalance run ends before the interruption's starts.
  auto events = captured->events();
  auto started = std::find(events.begin(), events.end(), "checkpoint_started");
  ASSERT_NE(started, events.end());
  auto second_start = std::find(started + 1, events.end(), "checkpoint_started");
  auto first_finish = std::find(events.begin(), events.end(), "checkpoint_finished");
  EXPECT_LT(first_finish, second_start);
}

TEST_F(HandlersTest, RebalanceWithoutCheckpointOnlyNotifies) {
  auto marker = dir.file("ran");
  auto h = make("touch " + marker + "\n");
  Event e{EventKind::rebalance, "", "2026-11-27T09:59:00Z", {}};
  h.rebalance(e, detect(e));
  EXPECT_FALSE(std::ifstream(marker).good());
  EXPECT_EQ(actions->calls("publish").size(), 1u);
}

launcher::RelaunchSpec moving_spec() {
  launcher::RelaunchSpec r;
  r.max = 2;
  r.launch_id = "launch-1";
  r.instance_types = {"m7i.large", "m6i.large"};
  r.move = true;
  return r;
}

TEST_F(HandlersTest, RebalanceMoveEndsTheMemberOnceItsReplacementRuns) {
  config.relaunch = moving_spec();
  auto h = make();
  Event e{EventKind::rebalance, "", "2026-11-27T09:59:00Z", {}};
  h.rebalance(e, detect(e));
  ASSERT_EQ(actions->calls("relaunch").size(), 1u);
  ASSERT_EQ(actions->calls("describe").size(), 1u);
  EXPECT_EQ(actions->calls("describe")[0].args[0].second, "i-0replacement000001");
  ASSERT_EQ(actions->calls("terminate").size(), 1u);
  // The checkpoint status is tagged before the member ends: the replacement's gate waits for it.
  EXPECT_LT(actions->calls("tags").back().at, actions->calls("terminate")[0].at);
  EXPECT_EQ(actions->calls("tags").back().args[0].first, "spawn:checkpoint-status");
  EXPECT_EQ(store->record_of("rebalance")["move"], "terminating");
}

TEST_F(HandlersTest, TheEventLogGetsTheRelaunchAndTheMembersOwnEnd) {
  config.relaunch = moving_spec();
  auto written = log_events();
  auto h = make();
  Event e{EventKind::rebalance, "", "2026-11-27T09:59:00Z", util::parse_rfc3339("2026-11-27T09:59:00Z")};
  h.rebalance(e, detect(e));
  written->close(5s);
  std::lock_guard lock(logged_mutex);
  std::vector<std::string> types;
  for (const auto& o : logged) types.push_back(o["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"rebalance", "relaunch", "end"}));
  ASSERT_EQ(logged.size(), 3u);
  EXPECT_EQ(logged[0]["notice_time"], "2026-11-27T09:59:00Z");
  EXPECT_EQ(logged[1]["status"], "requested");
  EXPECT_EQ(logged[1]["replacement"], "i-0replacement000001");
  EXPECT_EQ(logged[2]["reason"], "rebalance_move");
  EXPECT_EQ(logged[2]["action"], "terminate");
}

TEST_F(HandlersTest, TheEventLogSaysATtlEnd) {
  auto written = log_events();
  auto h = make();
  Event e{EventKind::ttl_deadline, "", "2026-11-27T10:00:00Z", util::parse_rfc3339("2026-11-27T10:00:00Z")};
  EXPECT_TRUE(h.ttl_deadline(e));
  written->close(5s);
  std::lock_guard lock(logged_mutex);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0]["type"], "end");
  EXPECT_EQ(logged[0]["reason"], "ttl");
  EXPECT_EQ(logged[0]["action"], "terminate");
}

TEST_F(HandlersTest, RebalanceMoveKeepsTheMemberWhenTheReplacementDoesNotRun) {
  config.relaunch = moving_spec();
  actions->described_state = "terminated";
  auto h = make();
  Event e{EventKind::rebalance, "", "2026-11-27T09:59:00Z", {}};
  h.rebalance(e, detect(e));
  EXPECT_EQ(actions->calls("relaunch").size(), 1u);
  EXPECT_TRUE(actions->calls("terminate").empty());
  EXPECT_TRUE(captured->first("move_abandoned"));
}

TEST_F(HandlersTest, TtlWarningLogsAndWalls) {
  auto h = make();
  wall_now = *util::parse_rfc3339("2026-11-27T17:56:00Z");
  h.ttl_warning(Event{EventKind::ttl_warning, "", "2026-11-27T18:00:00Z", util::parse_rfc3339("2026-11-27T18:00:00Z")});
  ASSERT_EQ(walls.size(), 1u);
  EXPECT_NE(walls[0].find("i-0abc"), std::string::npos);
  EXPECT_NE(walls[0].find("2026-11-27T18:00:00Z"), std::string::npos);
  EXPECT_EQ((*captured->first("ttl_warning"))["seconds_left"], 240);
  // The owner hears too, through every --notify target.
  auto published = actions->calls("publish");
  ASSERT_EQ(published.size(), 1u);
  EXPECT_NE(nlohmann::json(published[0].args).dump().find("ttl_warning"), std::string::npos);
  EXPECT_EQ(actions->calls("webhook").size(), 1u);
}

TEST_F(HandlersTest, TtlDeadlineTerminatesItself) {
  auto h = make();
  EXPECT_TRUE(h.ttl_deadline(Event{EventKind::ttl_deadline, "", "2026-11-27T18:00:00Z", {}}));
  EXPECT_EQ(actions->calls("terminate").size(), 1u);
  EXPECT_EQ(shutdowns, 0);
  auto calls = actions->calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls.back().what, "terminate") << "the owner is told before the end";
  EXPECT_NE(nlohmann::json(actions->calls("webhook").at(0).args).dump().find("ttl_expired"), std::string::npos);
}

TEST_F(HandlersTest, TtlDeadlineOfAHibernatingSpotInstanceCancelsItsRequestFirst) {
  config.on_interruption = OnInterruption::hibernate;
  auto h = make();
  EXPECT_TRUE(h.ttl_deadline(Event{EventKind::ttl_deadline, "", "2026-11-27T18:00:00Z", {}}));
  std::vector<test::FakeActions::Call> calls;
  for (const auto& c : actions->calls())
    if (c.what == "cancel_spot_request" || c.what == "terminate") calls.push_back(c);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].what, "cancel_spot_request") << "before the termination: a persistent request would relaunch";
  EXPECT_EQ(calls[1].what, "terminate");
}

TEST_F(HandlersTest, TtlDeadlineTerminatesEvenWhenTheRequestCannotBeCancelled) {
  config.on_interruption = OnInterruption::hibernate;
  actions->cancel_error = aws::Error{403, "UnauthorizedOperation", "not allowed", "r-2"};
  auto h = make();
  EXPECT_TRUE(h.ttl_deadline(Event{EventKind::ttl_deadline, "", "2026-11-27T18:00:00Z", {}}));
  EXPECT_EQ(actions->calls("terminate").size(), 1u);
  EXPECT_TRUE(captured->first("spot_request_cancel_failed"));
}

TEST_F(HandlersTest, TtlDeadlineOfAOneTimeRequestCancelsNothing) {
  auto h = make();
  EXPECT_TRUE(h.ttl_deadline(Event{EventKind::ttl_deadline, "", "2026-11-27T18:00:00Z", {}}));
  EXPECT_TRUE(actions->calls("cancel_spot_request").empty());
}

TEST_F(HandlersTest, TtlDeadlineFallsBackToShutdownWhenRefusedForGood) {
  actions->terminate_error = aws::Error{403, "UnauthorizedOperation", "not allowed", "r-1"};
  auto h = make();
  EXPECT_TRUE(h.ttl_deadline(Event{EventKind::ttl_deadline, "", "2026-11-27T18:00:00Z", {}}));
  EXPECT_EQ(shutdowns, 1);
}

TEST_F(HandlersTest, TtlDeadlineRetriesLaterOnATransientError) {
  actions->terminate_error = aws::Error{503, "ServiceUnavailable", "busy", ""};
  auto h = make();
  EXPECT_FALSE(h.ttl_deadline(Event{EventKind::ttl_deadline, "", "2026-11-27T18:00:00Z", {}}));
  EXPECT_EQ(shutdowns, 0);
  EXPECT_FALSE(h.ttl_deadline(Event{EventKind::ttl_deadline, "", "2026-11-27T18:00:00Z", {}}));
  EXPECT_EQ(actions->calls("publish").size(), 1u) << "a retried termination is not notified again";
}

TEST(ShutdownCommand, SplitLikeAShellButNeverRunByOne) {
  EXPECT_FALSE(make_shutdown_command(""));
  auto ok = make_shutdown_command("true ignored; rm -rf /nonexistent-spawn-test");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok());  // `true` got the rest as arguments: nothing else ran
  auto failing = make_shutdown_command("false");
  ASSERT_TRUE(failing);
  EXPECT_FALSE(failing());
}

}  // namespace
}  // namespace spawn::agent

namespace spawn::agent {
namespace {

TEST_F(HandlersTest, CompletionTagsNotifiesThenTerminates) {
  auto h = make();
  EXPECT_TRUE(h.complete(Event{EventKind::completion, "", "2026-11-27T12:00:00Z", {}}, 3));
  auto calls = actions->calls();
  ASSERT_EQ(calls.back().what, "terminate") << "told first, then ended";
  auto tags = actions->calls("tags");
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].args, (std::vector<std::pair<std::string, std::string>>{{"spawn:completion-status", "3"}}));
  EXPECT_EQ(actions->calls("publish").size(), 1u);
  EXPECT_EQ(actions->calls("webhook").size(), 1u);
  EXPECT_TRUE(actions->calls("stop").empty());
}

TEST_F(HandlersTest, CompletionStopsOrHibernatesWhenAskedAndNeverPowersOff) {
  config.on_complete = model::OnComplete::hibernate;
  auto h = make();
  EXPECT_TRUE(h.complete(Event{EventKind::completion, "", "2026-11-27T12:00:00Z", {}}, 0));
  auto stops = actions->calls("stop");
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_EQ(stops[0].args.at(0).second, "true");
  EXPECT_TRUE(actions->calls("terminate").empty());

  config.on_complete = model::OnComplete::stop;
  actions->stop_error = aws::Error{403, "UnauthorizedOperation", "no", "r-1"};
  auto refused = make();
  EXPECT_FALSE(refused.complete(Event{EventKind::completion, "", "2026-11-27T12:00:00Z", {}}, 0));
  EXPECT_EQ(shutdowns, 0) << "a power-off would terminate (the shutdown behaviour), not stop";
  EXPECT_TRUE(captured->first("completion_stop_failed"));
  EXPECT_FALSE(refused.complete(Event{EventKind::completion, "", "2026-11-27T12:00:00Z", {}}, 0));
  EXPECT_EQ(actions->calls("publish").size(), 2u) << "one per handler: a retried end is not told again";
}

}  // namespace
}  // namespace spawn::agent

namespace spawn::agent {
namespace {

TEST_F(HandlersTest, MessagesNameTheJobArrayMemberAndFollowRereadTags) {
  instance.tags = {{"spawn:job-array-name", "render"}, {"spawn:job-array-id", "ja-1"}, {"Name", "render-3"}};
  auto h = make();
  Event e{EventKind::interruption, "terminate", "2026-11-27T10:02:00Z", {}};
  const auto seen = detect(e);
  auto body = nlohmann::json::parse(h.message_for(e, seen).body);
  EXPECT_EQ(body["job_array"], (nlohmann::json{{"name", "render"}, {"id", "ja-1"}}));
  h.set_tags({{"spawn:job-array-name", "render"}, {"spawn:job-array-id", "ja-1"}, {"spawn:job-array-index", "3"}});
  body = nlohmann::json::parse(h.message_for(e, seen).body);
  EXPECT_EQ(body["job_array"]["index"], "3") << "the index tagged after the launch";
  instance.tags.clear();
  auto lone = make();
  EXPECT_FALSE(nlohmann::json::parse(lone.message_for(e, seen).body).contains("job_array"));
}

}  // namespace
}  // namespace spawn::agent
