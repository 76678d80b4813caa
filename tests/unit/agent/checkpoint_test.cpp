// The checkpoint runner with real bash scripts and short deadlines (behaviour, not speed: the
// margins are wide so a loaded machine passes too).
#include "spawn/agent/checkpoint.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "spawn/model/tags.hpp"
#include "spawn/util/process_group.hpp"
#include "../support/temp_dir.hpp"

namespace spawn::agent {
namespace {

using namespace std::chrono_literals;

struct Captured {
  std::mutex mutex;
  std::vector<std::string> lines;
};

std::shared_ptr<Logger> capture_log(Captured& c) {
  return std::make_shared<Logger>(LogFormat::json, [&c](std::string_view line) {
    std::lock_guard lock(c.mutex);
    c.lines.emplace_back(line);
  });
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CheckpointEnvironment, Variables) {
  Event e{EventKind::interruption, "stop", "2026-11-27T10:02:00Z", util::parse_rfc3339("2026-11-27T10:02:00Z")};
  InstanceFacts i;
  i.instance_id = "i-0abc";
  i.region = "eu-west-1";
  i.tags = {{model::tag::k_job_array_id, "arr-1"}, {model::tag::k_job_array_index, "3"}};
  auto deadline = *util::parse_rfc3339("2026-11-27T10:01:30Z") + 700ms;
  auto env = checkpoint_environment(e, OnInterruption::checkpoint, deadline, i);
  std::map<std::string, std::string> m(env.begin(), env.end());
  EXPECT_EQ(m["INTERRUPTION_TIME"], "2026-11-27T10:02:00Z");
  EXPECT_EQ(m["INTERRUPTION_ACTION"], "stop");
  EXPECT_EQ(m["SPAWN_ON_INTERRUPTION"], "checkpoint");
  EXPECT_EQ(m["SPAWN_CHECKPOINT_DEADLINE"], "2026-11-27T10:01:30Z");  // never later than the real one
  EXPECT_EQ(m["SPAWN_CHECKPOINT_REASON"], "interruption");
  EXPECT_EQ(m["SPAWN_INSTANCE_ID"], "i-0abc");
  EXPECT_EQ(m["SPAWN_JOB_ARRAY_ID"], "arr-1");
  EXPECT_EQ(m["SPAWN_JOB_ARRAY_INDEX"], "3");
  EXPECT_FALSE(m.contains("SPAWN_JOB_ARRAY_SIZE"));

  Event r{EventKind::rebalance, "", "2026-11-27T09:58:00Z", {}};
  auto renv = checkpoint_environment(r, OnInterruption::checkpoint, deadline, i);
  std::map<std::string, std::string> rm(renv.begin(), renv.end());
  EXPECT_EQ(rm["INTERRUPTION_ACTION"], "rebalance");
  EXPECT_EQ(rm["SPAWN_CHECKPOINT_REASON"], "rebalance");
}

TEST(CheckpointRunner, OkSeesItsVariablesAndItsOutputIsLogged) {
  test::TempDir dir;
  Captured c;
  auto log = capture_log(c);
  CheckpointRunner runner(*log, 1s);
  auto script = dir.write("ckpt.sh", "echo \"saving for $SPAWN_INSTANCE_ID\"\necho oops >&2\nprintf 'no newline'\n");
  auto r = runner.run({script, {{"SPAWN_INSTANCE_ID", "i-0abc"}}, std::chrono::steady_clock::now() + 30s, "interruption"});
  EXPECT_EQ(r.status, CheckpointStatus::ok);
  EXPECT_EQ(r.exit_code, 0);
  std::string all;
  for (const auto& l : c.lines) all += l;
  EXPECT_NE(all.find("saving for i-0abc"), std::string::npos);
  EXPECT_NE(all.find("oops"), std::string::npos);
  EXPECT_NE(all.find("no newline"), std::string::npos);
  EXPECT_NE(all.find("checkpoint_output"), std::string::npos);
}

TEST(CheckpointRunner, ANonZeroExitIsFailed) {
  test::TempDir dir;
  Captured c;
  auto log = capture_log(c);
  CheckpointRunner runner(*log, 1s);
  auto r = runner.run({dir.write("ckpt.sh", "exit 7\n"), {}, std::chrono::steady_clock::now() + 30s, "interruption"});
  EXPECT_EQ(r.status, CheckpointStatus::failed);
  EXPECT_EQ(r.exit_code, 7);
  auto missing = runner.run({dir.file("absent.sh"), {}, std::chrono::steady_clock::now() + 30s, "interruption"});
  EXPECT_EQ(missing.status, CheckpointStatus::failed);  // bash exits 127
}

TEST(CheckpointRunner, APassedDeadlineDoesNotStartTheScript) {
  test::TempDir dir;
  Captured c;
  auto log = capture_log(c);
  CheckpointRunner runner(*log, 1s);
  auto marker = dir.file("ran");
  auto r = runner.run({dir.write("ckpt.sh", "touch " + marker + "\n"), {}, std::chrono::steady_clock::now() - 1s,
                       "interruption"});
  EXPECT_EQ(r.status, CheckpointStatus::timeout);
  EXPECT_NE(r.error, "");
  EXPECT_FALSE(std::ifstream(marker).good());
}

// The script ignores SIGTERM and leaves children that ignore it too: at the deadline the whole
// group gets SIGTERM, and SIGKILL after the grace; nothing of it is left running.
TEST(CheckpointRunner, DeadlineTermThenKillOfTheWholeGroup) {
  ASSERT_TRUE(util::become_child_subreaper());  // so this test process reaps the orphans, as spored does
  test::TempDir dir;
  Captured c;
  auto log = capture_log(c);
  CheckpointRunner runner(*log, 300ms);
  auto pids = dir.file("pids");
  auto script = dir.write("ckpt.sh",
                          "trap 'echo got TERM' TERM\n"
                          "( trap '' TERM; sleep 60 ) &\n"
                          "echo $! >> " + pids + "\n"
                          "( trap '' TERM; sleep 60 & echo $! >> " + pids + "; wait ) &\n"
                          "echo $$ >> " + pids + "\n"
                          "while true; do sleep 0.05; done\n");
  auto start = std::chrono::steady_clock::now();
  auto r = runner.run({script, {}, start + 500ms, "interruption"});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, CheckpointStatus::timeout);
  EXPECT_TRUE(r.killed);
  EXPECT_GE(took, 800ms);  // deadline + grace: SIGKILL waited for the grace
  EXPECT_LT(took, 20s);    // and came (a generous bound for a loaded machine)
  std::istringstream ids(read(pids));
  int n = 0;
  for (pid_t pid; ids >> pid; ++n) EXPECT_FALSE(util::process_exists(pid)) << "pid " << pid << " still exists";
  EXPECT_GE(n, 3);
}

TEST(CheckpointRunner, ChildrenLeftBehindByAFinishedScriptAreStopped) {
  ASSERT_TRUE(util::become_child_subreaper());
  test::TempDir dir;
  Captured c;
  auto log = capture_log(c);
  CheckpointRunner runner(*log, 300ms);
  auto pids = dir.file("pids");
  auto r = runner.run({dir.write("ckpt.sh", "sleep 60 &\necho $! > " + pids + "\nexit 0\n"), {},
                       std::chrono::steady_clock::now() + 30s, "interruption"});
  EXPECT_EQ(r.status, CheckpointStatus::ok);
  pid_t pid = 0;
  std::ifstream(pids) >> pid;
  ASSERT_GT(pid, 0);
  EXPECT_FALSE(util::process_exists(pid));
}

// An interruption's run (Priority::preempts) stops the rebalance run in progress at once and then
// runs with its own deadline; the rebalance run says it was stopped, and for what.
TEST(CheckpointRunner, APreemptingRunStopsTheRunInProgressAndThenRuns) {
  test::TempDir dir;
  Captured c;
  auto log = capture_log(c);
  CheckpointRunner runner(*log, 200ms);
  auto started = dir.file("started");
  auto script = dir.write("ckpt.sh", "touch " + started + "\nsleep 30\n");
  CheckpointResult early;
  std::thread rebalance([&] {
    early = runner.run({script, {}, std::chrono::steady_clock::now() + 60s, "rebalance"});
  });
  for (int i = 0; i < 1000 && !std::ifstream(started).good(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(std::ifstream(started).good());

  bool announced = false;
  CheckpointRun urgent{dir.write("ok.sh", "exit 0\n"), {}, std::chrono::steady_clock::now() + 30s, "interruption",
                       Priority::preempts, [&] { announced = true; }};
  auto r = runner.run(urgent);
  rebalance.join();
  EXPECT_EQ(r.status, CheckpointStatus::ok);
  EXPECT_TRUE(announced);
  EXPECT_EQ(early.status, CheckpointStatus::stopped);
  EXPECT_EQ(early.stopped_for, "interruption");
  EXPECT_EQ(early.signal, SIGTERM);
  EXPECT_LT(early.seconds, 20.0);

  // A normal run asked for after the preempting one is not affected.
  EXPECT_EQ(runner.run({dir.write("ok2.sh", "exit 0\n"), {}, std::chrono::steady_clock::now() + 30s, "rebalance"}).status,
            CheckpointStatus::ok);
}

// A preempting run never stops another preempting run: it waits for it, as normal runs do.
TEST(CheckpointRunner, APreemptingRunWaitsForAnotherPreemptingRun) {
  test::TempDir dir;
  Captured c;
  auto log = capture_log(c);
  CheckpointRunner runner(*log, 200ms);
  auto started = dir.file("started");
  auto script = dir.write("ckpt.sh", "touch " + started + "\nsleep 0.5\nexit 0\n");
  CheckpointResult first;
  std::thread one([&] {
    first = runner.run({script, {}, std::chrono::steady_clock::now() + 30s, "interruption", Priority::preempts});
  });
  for (int i = 0; i < 1000 && !std::ifstream(started).good(); ++i) std::this_thread::sleep_for(10ms);
  auto second = runner.run({dir.write("ok.sh", "exit 0\n"), {}, std::chrono::steady_clock::now() + 30s,
                            "interruption", Priority::preempts});
  one.join();
  EXPECT_EQ(first.status, CheckpointStatus::ok);
  EXPECT_EQ(second.status, CheckpointStatus::ok);
}

TEST(CheckpointRunner, OutputIsBounded) {
  test::TempDir dir;
  Captured c;
  auto log = capture_log(c);
  CheckpointRunner runner(*log, 1s);
  auto r = runner.run({dir.write("ckpt.sh", "head -c 300000 /dev/zero | tr '\\0' 'x'\n"), {},
                       std::chrono::steady_clock::now() + 30s, "interruption"});
  EXPECT_EQ(r.status, CheckpointStatus::ok);
  size_t bytes = 0;
  bool truncated = false;
  for (const auto& l : c.lines) {
    bytes += l.size();
    truncated |= l.find("checkpoint_output_truncated") != std::string::npos;
  }
  EXPECT_TRUE(truncated);
  EXPECT_LT(bytes, 100000u);
}

// Short lines cost a log record each: the lines are bounded too, and the end of the output (where
// a script says what went wrong) is kept, after a record saying how much was dropped.
TEST(CheckpointRunner, ManyShortLinesKeepTheHeadAndTheTail) {
  test::TempDir dir;
  Captured c;
  auto log = capture_log(c);
  CheckpointRunner runner(*log, 1s);
  // seq 1 200000 writes 1288895 bytes.
  auto r = runner.run({dir.write("ckpt.sh", "seq 1 200000\necho the-end >&2\n"), {},
                       std::chrono::steady_clock::now() + 30s, "interruption"});
  EXPECT_EQ(r.status, CheckpointStatus::ok);
  size_t bytes = 0, outputs = 0, delivered = 0, dropped = 0;
  std::vector<std::string> order;
  for (const auto& l : c.lines) {
    bytes += l.size();
    auto record = nlohmann::json::parse(l);
    if (record["event"] == "checkpoint_output") {
      ++outputs;
      delivered += record["line"].get<std::string>().size() + 1;
      order.push_back(record["line"]);
    } else if (record["event"] == "checkpoint_output_truncated") {
      order.push_back("<truncated>");
      dropped += record["dropped_bytes"].get<size_t>();
    }
  }
  EXPECT_EQ(delivered + dropped, 1288895u + 8u) << "every byte is either logged or counted as dropped";
  EXPECT_LT(bytes, 100000u);
  EXPECT_LE(outputs, 512u);
  ASSERT_GE(order.size(), 3u);
  EXPECT_EQ(order.front(), "1");
  EXPECT_EQ(order.back(), "the-end");
  EXPECT_EQ(order[order.size() - 2], "200000");
  auto cut = std::find(order.begin(), order.end(), "<truncated>");
  ASSERT_NE(cut, order.end());
  EXPECT_EQ(std::count(order.begin(), order.end(), "<truncated>"), 1);
}

}  // namespace
}  // namespace spawn::agent
