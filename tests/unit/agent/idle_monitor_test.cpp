// Idle detection on a fake clock and a fake /proc: the window, the warning, what counts as busy.
#include "spawn/agent/idle_monitor.hpp"

#include <gtest/gtest.h>

#include "../support/fake_proc.hpp"
#include "../support/temp_dir.hpp"

namespace spawn::agent {
namespace {

using namespace std::chrono_literals;

class IdleMonitorTest : public ::testing::Test {
 protected:
  IdleMonitorTest() : proc(dir.path() + "/proc") {}

  std::unique_ptr<IdleMonitor> make(IdleSettings s = {}) {
    if (s.timeout == 3600s) s.timeout = 10min;
    Clocks clocks{[this] { return wall; }, [this] { return steady; }};
    return std::make_unique<IdleMonitor>(std::move(s), ProcReader(proc.root()), clocks);
  }

  // Time passes in steps of `step` with `busy_cpus` of CPU; the events seen on the way.
  std::vector<Event> run(IdleMonitor& m, std::chrono::seconds for_how_long, double busy_cpus,
                         std::chrono::seconds step = 20s) {
    std::vector<Event> events;
    for (auto t = 0s; t < for_how_long; t += step) {
      proc.pass(static_cast<double>(step.count()), busy_cpus);
      wall += step;
      steady += step;
      auto e = m.check_once();
      EXPECT_TRUE(e);
      if (e && *e) events.push_back(**e);
    }
    return events;
  }

  test::TempDir dir;
  test::FakeProc proc;
  util::SystemTime wall = *util::parse_rfc3339("2026-12-04T10:00:00Z");
  SteadyTime steady = SteadyTime(100h);
};

TEST(IdleTiming, WarningLeadAndSamplePeriod) {
  EXPECT_EQ(idle_warning_lead(1h), 5min);
  EXPECT_EQ(idle_warning_lead(10min), 5min);
  EXPECT_EQ(idle_warning_lead(4s), 2s);
  EXPECT_EQ(idle_sample_period(1h), 10s);
  EXPECT_EQ(idle_sample_period(10min), 10s);
  EXPECT_EQ(idle_sample_period(3s), 1s);
}

TEST_F(IdleMonitorTest, IdleForTheWholeWindowWarnsThenActs) {
  auto m = make();
  ASSERT_FALSE(*m->check_once());  // the first look starts the clock (10:00:00)
  auto events = run(*m, 4min + 40s, 0.01);
  EXPECT_TRUE(events.empty());
  events = run(*m, 20s, 0.01);  // 10:05:00: five minutes before the end of the window
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::idle_warning);
  EXPECT_EQ(events[0].time_text, "2026-12-04T10:10:00Z");
  EXPECT_EQ(events[0].action, "stop");
  EXPECT_NE(events[0].detail.find("idle since 2026-12-04T10:00:00Z"), std::string::npos) << events[0].detail;
  EXPECT_EQ(m->state().act_at, "2026-12-04T10:10:00Z");
  events = run(*m, 4min + 40s, 0.01);
  EXPECT_TRUE(events.empty());  // warned once
  events = run(*m, 20s, 0.01);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::idle);
  EXPECT_EQ(events[0].action, "stop");
  EXPECT_NE(events[0].detail.find("CPU at most 1.0% of one CPU (threshold 5%)"), std::string::npos) << events[0].detail;
  EXPECT_NE(events[0].detail.find("no session open"), std::string::npos);
}

TEST_F(IdleMonitorTest, BusyAfterTheWarningCancelsAndStartsAgain) {
  IdleSettings s;
  s.action = model::OnIdle::terminate;
  auto m = make(s);
  m->check_once();
  auto events = run(*m, 6min, 0.0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::idle_warning);
  events = run(*m, 20s, 0.5);  // half a CPU: 50% of one, above 5%
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::idle_cancelled);
  EXPECT_EQ(events[0].detail, "CPU at 50.0% of one CPU (above 5%)");
  EXPECT_EQ(m->state().idle_since, "");
  events = run(*m, 9min, 0.0);  // a new window: not yet over
  for (const auto& e : events) EXPECT_NE(e.kind, EventKind::idle);
  events = run(*m, 2min, 0.0);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, EventKind::idle);
  EXPECT_EQ(events.back().action, "terminate");
}

TEST_F(IdleMonitorTest, SteadyCpuAboveTheThresholdIsNeverIdle) {
  auto m = make();
  m->check_once();
  EXPECT_TRUE(run(*m, 30min, 0.06).empty());  // 6% of one CPU on a 4-CPU machine
  EXPECT_EQ(m->state().last_activity, "CPU at 6.0% of one CPU (above 5%)");
  IdleSettings s;
  s.cpu_percent = 10;
  auto lenient = make(s);
  lenient->check_once();
  EXPECT_FALSE(run(*lenient, 11min, 0.06).empty());
}

TEST_F(IdleMonitorTest, AnSshSessionKeepsItBusy) {
  proc.start(812, "sshd", {"sshd: alice@pts/0"});
  auto m = make();
  m->check_once();
  EXPECT_TRUE(run(*m, 30min, 0.0).empty());
  EXPECT_EQ(m->state().last_activity, "1 SSH or SSM session open");
  proc.end(812);
  EXPECT_FALSE(run(*m, 11min, 0.0).empty());
}

TEST_F(IdleMonitorTest, ANamedProcessKeepsItBusy) {
  proc.start(900, "python3", {"python3", "-u", "train.py"});
  IdleSettings s;
  s.active_processes = {"blender", "train.py"};
  auto m = make(s);
  m->check_once();
  EXPECT_TRUE(run(*m, 30min, 0.0).empty());
  EXPECT_EQ(m->state().last_activity, "train.py running");
  proc.end(900);
  auto events = run(*m, 11min, 0.0);
  ASSERT_FALSE(events.empty());
  EXPECT_NE(events.back().detail.find("none of blender, train.py running"), std::string::npos) << events.back().detail;
}

TEST_F(IdleMonitorTest, AProcThatCannotBeReadIsBusy) {
  proc.remove_stat();
  auto m = make();
  m->check_once();
  EXPECT_TRUE(run(*m, 30min, 0.0).empty());
  EXPECT_NE(m->state().last_activity.find("cannot read the CPU time"), std::string::npos);
}

TEST_F(IdleMonitorTest, ProcIsReadOncePerSamplePeriodNotEveryPoll) {
  auto m = make();  // 10 min: a look every 10 s
  m->check_once();
  // Busy only between two looks' CPU readings... is still seen: the counters are cumulative.
  proc.pass(1, 2.0);
  for (int i = 0; i < 9; ++i) {
    steady += 1s;
    wall += 1s;
    m->check_once();
  }
  EXPECT_EQ(m->state().last_activity, "");
  steady += 1s;
  wall += 1s;
  m->check_once();
  EXPECT_NE(m->state().last_activity.find("CPU at"), std::string::npos);
}

}  // namespace
}  // namespace spawn::agent
