// The loop's parts, one poll at a time (poll_once), with the metadata service as a table of
// paths behind the real IMDS client and fakes for AWS, the shutdown command and the clocks.
#include "spawn/agent/daemon.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "fake_actions.hpp"
#include "../support/imds_routes.hpp"
#include "../support/temp_dir.hpp"
#include "spawn/agent/status.hpp"
#include "spawn/model/tags.hpp"

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

TEST_F(DaemonTest, TagsAreTheWeakestLayerAndABadTagIsIgnored) {
  routes->set(std::string("meta-data/tags/instance/") + model::tag::k_on_interruption, "hibernate");
  routes->set(std::string("meta-data/tags/instance/") + model::tag::k_ttl_deadline, "never");
  auto d = make();
  d->poll_once();
  EXPECT_EQ(count("config_tag_ignored"), 1);
  post_notice("2026-11-27T10:02:00Z");
  d->poll_once();
  d->wait_for_handlers();
  EXPECT_EQ(shutdowns, 0);  // hibernate from the tag
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
  routes->set(std::string("meta-data/tags/instance/") + model::tag::k_ttl_deadline, "2026-11-27T10:10:00Z");
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
