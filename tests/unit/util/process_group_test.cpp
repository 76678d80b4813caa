// run_in_new_session and the child subreaper with real processes: which children this process
// reaps, and that the ones it waits for itself keep their exit status. (The checkpoint runner's
// tests in tests/unit/agent/checkpoint_test.cpp cover the deadline and the group's stop.)
#include "spawn/util/process_group.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "spawn/util/subprocess.hpp"
#include "../support/temp_dir.hpp"

namespace spawn::util {
namespace {

using namespace std::chrono_literals;

// The state letter of /proc/<pid>/stat ('Z' for a zombie) and the parent's pid; state 0 once the
// process is gone (reaped).
struct ProcState {
  char state = 0;
  pid_t parent = 0;
};

ProcState proc_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto close = text.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(text.substr(close + 1));
  ProcState s;
  rest >> s.state >> s.parent;
  return s;
}

// Waits (bounded, generously) until pred() holds; false when it never did.
template <typename Pred>
bool eventually(Pred pred, std::chrono::seconds bound = 20s) {
  for (auto until = std::chrono::steady_clock::now() + bound; std::chrono::steady_clock::now() < until;) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

GroupRunOptions quick_options() {
  GroupRunOptions options;
  options.environment = environment_with({});
  options.kill_grace = 300ms;
  return options;
}

// A process that made a session of its own escapes the group's stop; once its parent is gone it is
// the subreaper's child, and when it ends the subreaper must reap it, or it stays a zombie for as
// long as the subreaper lives (spored: the life of the instance).
TEST(ChildSubreaper, AnEscapedProcessIsReapedWhenItEnds) {
  ASSERT_TRUE(become_child_subreaper());
  test::TempDir dir;
  auto pid_file = dir.file("pid");
  // The script waits until its child is in its own session (it writes its pid from there): the
  // script's end stops what is left in its group.
  auto r = run_in_new_session({"bash", "-c",
                               "setsid bash -c 'echo $$ > " + pid_file + "; exec sleep 1' </dev/null >/dev/null 2>&1 &\n"
                               "while [ ! -s " + pid_file + " ]; do sleep 0.01; done\nexit 0\n"},
                              quick_options());
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->succeeded());
  pid_t pid = 0;
  std::ifstream(pid_file) >> pid;
  ASSERT_GT(pid, 0);
  auto adopted = proc_state(pid);
  ASSERT_NE(adopted.state, 0) << "it outlives the script";
  EXPECT_EQ(adopted.parent, ::getpid()) << "adopted by this process, the subreaper";

  EXPECT_TRUE(eventually([&] { return proc_state(pid).state == 0; }))
      << "pid " << pid << " is still there, state " << proc_state(pid).state;
}

// The same, one level deeper (a double fork whose middle process exits at once), while the
// subreaper keeps running programs of its own whose exit status must not be taken from them.
TEST(ChildSubreaper, ReapingOrphansNeverTakesTheStatusOfAChildSomeoneWaitsFor) {
  ASSERT_TRUE(become_child_subreaper());
  test::TempDir dir;
  auto pid_file = dir.file("pid");
  auto r = run_in_new_session({"bash", "-c",
                               "( setsid bash -c 'echo $$ > " + pid_file + "; sleep 0.5; exit 9' </dev/null >/dev/null 2>&1 & )\n"
                               "while [ ! -s " + pid_file + " ]; do sleep 0.01; done\nexit 0\n"},
                              quick_options());
  ASSERT_TRUE(r) << r.error();
  pid_t pid = 0;
  std::ifstream(pid_file) >> pid;
  ASSERT_GT(pid, 0);
  ASSERT_EQ(proc_state(pid).parent, ::getpid()) << "adopted by this process, the subreaper";

  // Many short children of our own while the orphan ends and is reaped.
  for (int i = 0; i < 40; ++i) {
    int code = 1 + i % 5;
    auto p = run_process({"sh", "-c", "exit " + std::to_string(code)});
    ASSERT_TRUE(p) << p.error();
    EXPECT_EQ(p->exit_code, code) << "run " << i;
    auto g = run_in_new_session({"sh", "-c", "exit " + std::to_string(code + 10)}, quick_options());
    ASSERT_TRUE(g) << g.error();
    EXPECT_EQ(g->exit_code, code + 10) << "run " << i;
  }
  EXPECT_TRUE(eventually([&] { return proc_state(pid).state == 0; }))
      << "pid " << pid << " is still there, state " << proc_state(pid).state;
}

// Children started from several threads at once while the reaper runs: each caller still gets
// its own child's status (the reaper settles a child that ends before its spawn returned).
TEST(ChildSubreaper, ChildrenOfConcurrentCallersKeepTheirStatus) {
  ASSERT_TRUE(become_child_subreaper());
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 25; ++i) {
        int code = 1 + (t * 25 + i) % 100;
        auto p = run_process({"sh", "-c", "exit " + std::to_string(code)});
        if (!p || p->exit_code != code) ++wrong;
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace spawn::util
