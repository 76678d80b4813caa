// Reading activity from /proc: the CPU line, sessions and processes by name.
#include "spawn/agent/proc_activity.hpp"

#include <gtest/gtest.h>

#include "../support/fake_proc.hpp"
#include "../support/temp_dir.hpp"

namespace spawn::agent {
namespace {

TEST(ProcStat, BusyIsUserNiceSystemIrqSoftirq) {
  auto t = parse_proc_stat("cpu  10 20 30 400 50 6 7 8 99 99\ncpu0 1 2 3 4 5 6 7 8 0 0\ncpu1 1 2 3 4 5 6 7 8 0 0\nintr 5\n");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->busy, 10u + 20 + 30 + 6 + 7);
  EXPECT_EQ(t->total, 10u + 20 + 30 + 6 + 7 + 400 + 50 + 8);  // guest time is inside user already
  EXPECT_EQ(t->cpus, 2);
}

TEST(ProcStat, OldKernelsWithFewerFieldsAndGarbage) {
  auto t = parse_proc_stat("cpu 1 2 3 4\n");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->busy, 6u);
  EXPECT_EQ(t->total, 10u);
  EXPECT_EQ(t->cpus, 1);
  EXPECT_FALSE(parse_proc_stat(""));
  EXPECT_FALSE(parse_proc_stat("cpu 1 2\n"));
  EXPECT_FALSE(parse_proc_stat("cpu x y z w\n"));
  EXPECT_FALSE(parse_proc_stat("cpu0 1 2 3 4\n"));
}

TEST(ProcStat, PercentIsOfOneCpuLikeTop) {
  CpuTimes a{100, 1000, 8}, b{200, 2000, 8};  // 10% of all 8 CPUs = 80% of one
  EXPECT_DOUBLE_EQ(*cpu_percent_between(a, b), 80.0);
  EXPECT_FALSE(cpu_percent_between(b, a));  // counters went back (a reboot between readings)
  EXPECT_FALSE(cpu_percent_between(a, a));  // no time passed
}

TEST(Sessions, SshSessionsAndSsmWorkersCountOnce) {
  EXPECT_TRUE(is_session_process({"sshd", {"sshd: alice@pts/0"}}));
  EXPECT_TRUE(is_session_process({"sshd", {"sshd: ci@notty"}}));
  EXPECT_TRUE(is_session_process({"sshd-session", {"sshd-session: alice@pts/1"}}));
  EXPECT_TRUE(is_session_process({"ssm-session-wor", {"/usr/bin/ssm-session-worker", "alice-0abc"}}));
  EXPECT_FALSE(is_session_process({"sshd", {"sshd: alice [priv]"}}));  // the other half of the same session
  EXPECT_FALSE(is_session_process({"sshd", {"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"}}));
  EXPECT_FALSE(is_session_process({"bash", {"-bash"}}));
  EXPECT_FALSE(is_session_process({"kworker/0:1", {}}));
}

TEST(Processes, MatchByCommProgramOrScript) {
  ProcessInfo python{"python3", {"/usr/bin/python3", "-u", "/home/me/train.py", "--epochs", "3"}};
  EXPECT_TRUE(process_matches(python, "python3"));
  EXPECT_TRUE(process_matches(python, "train.py"));
  EXPECT_FALSE(process_matches(python, "train"));
  EXPECT_FALSE(process_matches(python, "--epochs"));
  EXPECT_FALSE(process_matches(python, "3"));
  ProcessInfo longname{"render-worker-n", {"./render-worker-node", "-j8"}};
  EXPECT_TRUE(process_matches(longname, "render-worker-node"));  // comm holds 15 characters
  EXPECT_FALSE(process_matches(longname, ""));
  ProcessInfo kernel{"kthreadd", {}};
  EXPECT_TRUE(process_matches(kernel, "kthreadd"));
  EXPECT_FALSE(process_matches(kernel, "python3"));
}

TEST(ProcReader, ScansAFolderLaidOutLikeProc) {
  test::TempDir dir;
  test::FakeProc proc(dir.path() + "/proc");
  proc.start(1, "systemd", {"/sbin/init"});
  proc.start(812, "sshd", {"sshd: alice@pts/0"});
  proc.start(813, "python3", {"python3", "train.py"});
  std::filesystem::create_directories(dir.path() + "/proc/self");
  ProcReader reader(proc.root());
  auto scan = reader.scan({"train.py", "blender"});
  ASSERT_TRUE(scan) << scan.error();
  EXPECT_EQ(scan->sessions, 1);
  EXPECT_EQ(scan->active, std::vector<std::string>{"train.py"});
  proc.end(812);
  proc.end(813);
  scan = reader.scan({"train.py"});
  EXPECT_EQ(scan->sessions, 0);
  EXPECT_TRUE(scan->active.empty());
  EXPECT_TRUE(reader.cpu_times());
  EXPECT_FALSE(ProcReader(dir.path() + "/nothing").scan({}));
  EXPECT_FALSE(ProcReader(dir.path() + "/nothing").cpu_times());
}

}  // namespace
}  // namespace spawn::agent
