// spawn history's numbers from the event log's objects: hours, rates, medians, drills apart.
#include "spawn/model/history.hpp"

#include <gtest/gtest.h>

namespace spawn::model {
namespace {

using namespace std::chrono_literals;

util::SystemTime t0() { return *util::parse_rfc3339("2026-12-01T00:00:00Z"); }

struct Builder {
  std::vector<LoggedEvent> events;
  EventSource source;
  Builder& instance(const std::string& id, const std::string& type = "m7i.large", const std::string& az = "us-east-1a",
                    const std::string& array = "") {
    source = {};
    source.instance_id = id;
    source.launch_id = "sl-1";
    source.region = az.substr(0, az.size() - 1);
    source.availability_zone = az;
    source.instance_type = type;
    source.lifecycle = "spot";
    source.job_array_name = array;
    return *this;
  }
  LoggedEvent& add(EventType type, std::chrono::minutes at) {
    LoggedEvent e;
    e.type = type;
    e.time = t0() + at;
    e.source = source;
    events.push_back(e);
    return events.back();
  }
  Builder& launch(std::chrono::minutes at) {
    add(EventType::launch, at).launch_time = t0() + at;
    return *this;
  }
  Builder& interruption(std::chrono::minutes at, bool drill = false) {
    auto& e = add(EventType::interruption, at);
    e.drill = drill;
    e.notice_time = util::format_rfc3339(e.time + 2min);
    e.action = "terminate";
    return *this;
  }
  Builder& checkpoint(std::chrono::minutes at, const char* status) {
    add(EventType::checkpoint, at).status = status;
    return *this;
  }
  Builder& stopped(std::chrono::minutes at) {
    add(EventType::stopped, at);
    return *this;
  }
};

HistoryQuery query(HistoryGrouping by = HistoryGrouping::type) {
  HistoryQuery q;
  q.by = by;
  q.now = t0() + 100h;
  return q;
}

TEST(History, HoursRunFromLaunchToTheEndingEvent) {
  Builder b;
  b.instance("i-1").launch(0min).interruption(600min).checkpoint(601min, "ok").add(EventType::shutdown, 602min);
  b.stopped(603min);
  b.instance("i-2").launch(0min).stopped(240min);
  auto groups = aggregate_history(b.events, query());
  ASSERT_EQ(groups.size(), 1u);
  const auto& g = groups[0];
  EXPECT_EQ(g.region, "us-east-1");
  EXPECT_EQ(g.instance_type, "m7i.large");
  EXPECT_EQ(g.availability_zone, "");  // not grouped by zone
  EXPECT_EQ(g.instances, 2);
  EXPECT_EQ(g.interruptions, 1);
  EXPECT_NEAR(g.instance_hours, 10.05 + 4.0, 1e-9);
  EXPECT_NEAR(*g.interruptions_per_100_hours, 100.0 / 14.05, 1e-9);
  EXPECT_NEAR(*g.median_hours_to_interruption, 10.0, 1e-9);
  EXPECT_EQ(g.checkpoints, 1);
  EXPECT_EQ(g.checkpoints_ok, 1);
  EXPECT_EQ(g.still_running, 0);
}

TEST(History, AnInstanceWithoutAnEndingCountsUntilNow) {
  Builder b;
  b.instance("i-1").launch(0min).add(EventType::rebalance, 60min).notice_time = "x";
  auto groups = aggregate_history(b.events, query());
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_NEAR(groups[0].instance_hours, 100.0, 1e-9);
  EXPECT_EQ(groups[0].still_running, 1);
  EXPECT_EQ(groups[0].rebalances, 1);
  EXPECT_EQ(groups[0].interruptions, 0);
  EXPECT_EQ(*groups[0].interruptions_per_100_hours, 0.0);
  EXPECT_FALSE(groups[0].median_hours_to_interruption);
}

// Each instance writes its own clock's times: one 7 minutes ahead of the machine reading the log
// (its last events look like the future), one 5 minutes behind. Both count, each measured on its
// own clock.
TEST(History, InstancesWhoseClocksDisagreeEachCountOnTheirOwnClock) {
  Builder b;
  b.instance("i-ahead").launch(100h - 3h + 7min).interruption(100h + 7min - 60min).stopped(100h + 6min);
  b.instance("i-behind").launch(-5min).interruption(595min).stopped(596min);
  b.instance("i-running-ahead").launch(100h - 1h + 7min).add(EventType::rebalance, 100h + 2min).notice_time = "n";
  auto groups = aggregate_history(b.events, query());
  ASSERT_EQ(groups.size(), 1u);
  const auto& g = groups[0];
  EXPECT_EQ(g.instances, 3);
  EXPECT_EQ(g.interruptions, 2) << "an interruption written by a clock ahead of ours is not dropped";
  EXPECT_EQ(g.rebalances, 1);
  EXPECT_NEAR(g.instance_hours, (3.0 - 1.0 / 60) + (601.0 / 60) + (55.0 / 60), 1e-9)
      << "ended: launch to end on the instance's clock; running: until its latest event when that is past now";
  EXPECT_NEAR(*g.median_hours_to_interruption, (2.0 + 600.0 / 60) / 2, 1e-9);
  for (const auto& group : aggregate_history(b.events, query(HistoryGrouping::az)))
    EXPECT_GE(group.instance_hours, 0.0);
}

TEST(History, DrillsAreCountedApartAndEndNothing) {
  Builder b;
  b.instance("i-1").launch(0min).interruption(60min, /*drill=*/true).checkpoint(61min, "ok");
  auto groups = aggregate_history(b.events, query());
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].interruptions, 0);
  EXPECT_EQ(groups[0].drills, 1);
  EXPECT_FALSE(groups[0].median_hours_to_interruption);
  EXPECT_EQ(groups[0].still_running, 1);  // a drill is no ending
}

TEST(History, ANoticeWrittenTwiceCountsOnce) {
  Builder b;
  b.instance("i-1").launch(0min).interruption(60min);
  b.events.push_back(b.events.back());  // a restarted spored wrote it again
  b.events.back().time += 1s;
  auto groups = aggregate_history(b.events, query());
  EXPECT_EQ(groups[0].interruptions, 1);
}

TEST(History, MedianOfSeveralInterruptions) {
  Builder b;
  b.instance("i-1").launch(0min).interruption(60min);
  b.instance("i-2").launch(0min).interruption(180min);
  b.instance("i-3").launch(0min).interruption(600min);
  b.instance("i-4").launch(0min).interruption(660min);
  auto g = aggregate_history(b.events, query())[0];
  EXPECT_EQ(g.interruptions, 4);
  EXPECT_NEAR(*g.median_hours_to_interruption, (3.0 + 10.0) / 2, 1e-9);
}

TEST(History, GroupingByZoneTypeRegionAndArray) {
  Builder b;
  b.instance("i-1", "m7i.large", "us-east-1a", "train").launch(0min).interruption(60min);
  b.instance("i-2", "m7i.large", "us-east-1b", "train").launch(0min).stopped(60min);
  b.instance("i-3", "c7i.large", "us-east-1a").launch(0min).stopped(60min);
  b.instance("i-4", "c7i.large", "eu-west-1a").launch(0min).stopped(60min);

  auto by_az = aggregate_history(b.events, query(HistoryGrouping::az));
  ASSERT_EQ(by_az.size(), 4u);
  EXPECT_EQ(by_az[0].region, "eu-west-1");
  EXPECT_EQ(by_az[1].availability_zone, "us-east-1a");
  EXPECT_EQ(by_az[1].instance_type, "c7i.large");
  EXPECT_EQ(by_az[2].availability_zone, "us-east-1a");
  EXPECT_EQ(by_az[2].instance_type, "m7i.large");
  EXPECT_EQ(by_az[2].interruptions, 1);

  auto by_type = aggregate_history(b.events, query(HistoryGrouping::type));
  ASSERT_EQ(by_type.size(), 3u);  // eu-west-1 c7i, us-east-1 c7i, us-east-1 m7i
  EXPECT_EQ(by_type[2].instances, 2);

  auto by_region = aggregate_history(b.events, query(HistoryGrouping::region));
  ASSERT_EQ(by_region.size(), 2u);
  EXPECT_EQ(by_region[1].region, "us-east-1");
  EXPECT_EQ(by_region[1].instance_type, "");  // two types: none shown
  EXPECT_EQ(by_region[0].instance_type, "c7i.large");  // one type: shown

  auto by_array = aggregate_history(b.events, query(HistoryGrouping::array));
  ASSERT_EQ(by_array.size(), 2u);
  EXPECT_EQ(by_array[0].job_array_name, "-");
  EXPECT_EQ(by_array[0].instances, 2);
  EXPECT_EQ(by_array[1].job_array_name, "train");
  EXPECT_EQ(by_array[1].instance_type, "m7i.large");
}

TEST(History, FiltersByTypeAndArray) {
  Builder b;
  b.instance("i-1", "m7i.large", "us-east-1a", "train").launch(0min).interruption(60min);
  b.instance("i-2", "c7i.large", "us-east-1a", "eval").launch(0min).stopped(60min);
  auto q = query();
  q.instance_type = "c7i.large";
  auto groups = aggregate_history(b.events, q);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].instance_type, "c7i.large");
  q = query();
  q.job_array_name = "train";
  groups = aggregate_history(b.events, q);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].interruptions, 1);
}

TEST(History, SinceClipsHoursAndLeavesOutOlderEvents) {
  Builder b;
  b.instance("i-1").launch(0min).interruption(60min);            // all before the window
  b.instance("i-2").launch(0min).interruption(50h);              // launched before, interrupted inside
  b.instance("i-3").add(EventType::checkpoint, 60h).status = "failed";  // launch record not read
  auto q = query();
  q.since = t0() + 40h;
  auto groups = aggregate_history(b.events, q);
  ASSERT_EQ(groups.size(), 1u);
  const auto& g = groups[0];
  EXPECT_EQ(g.instances, 2);
  EXPECT_EQ(g.interruptions, 1);
  EXPECT_NEAR(g.instance_hours, 10.0 + 60.0, 1e-9);  // i-2: 40h..50h; i-3: 40h..now
  EXPECT_NEAR(*g.median_hours_to_interruption, 50.0, 1e-9);  // from its real launch
  EXPECT_EQ(g.checkpoints, 1);
  EXPECT_EQ(g.checkpoints_ok, 0);
}

TEST(History, RelaunchesAndTheirSuccess) {
  Builder b;
  b.instance("i-1").launch(0min).interruption(60min);
  b.add(EventType::relaunch, 61min).status = "requested";
  b.instance("i-2").launch(0min).interruption(60min);
  b.add(EventType::relaunch, 61min).status = "failed";
  b.instance("i-3").launch(0min).interruption(60min);
  b.add(EventType::relaunch, 61min).status = "none";  // refused: not an attempt
  auto g = aggregate_history(b.events, query())[0];
  EXPECT_EQ(g.relaunches, 2);
  EXPECT_EQ(g.relaunches_ok, 1);
}

TEST(History, NothingGivesNoGroup) {
  EXPECT_TRUE(aggregate_history({}, query()).empty());
}

TEST(History, GroupingWords) {
  for (auto g : {HistoryGrouping::type, HistoryGrouping::az, HistoryGrouping::region, HistoryGrouping::array})
    EXPECT_EQ(parse_history_grouping(to_string(g)), g);
  EXPECT_FALSE(parse_history_grouping("pool"));
}

}  // namespace
}  // namespace spawn::model
