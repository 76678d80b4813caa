#include "spawn/util/subprocess.hpp"

#include <gtest/gtest.h>

#include <chrono>

using spawn::util::ChildStdin;
using spawn::util::run_process;
using spawn::util::RunOptions;

TEST(Subprocess, CapturesStdoutStderrAndExitStatus) {
  auto r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->signal, 0);
  EXPECT_FALSE(r->succeeded());
}

TEST(Subprocess, ArgumentsAreNotInterpretedByAShell) {
  auto r = run_process({"printf", "%s|", "a b", "$HOME", "; echo injected"});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->out, "a b|$HOME|; echo injected|");
  EXPECT_TRUE(r->succeeded());
}

TEST(Subprocess, ReadsLargeOutputOnBothStreams) {
  // More than a pipe buffer on each stream: both must be drained while the child runs.
  auto r = run_process({"sh", "-c", "head -c 200000 /dev/zero; head -c 200000 /dev/zero >&2"});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->out.size(), 200000u);
  EXPECT_EQ(r->err.size(), 200000u);
}

TEST(Subprocess, MissingProgramIsAnError) {
  auto r = run_process({"/nonexistent/spawn-test-helper"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("/nonexistent/spawn-test-helper"), std::string::npos);
  EXPECT_FALSE(run_process({}));
}

TEST(Subprocess, TimeoutKillsTheChild) {
  RunOptions options;
  options.timeout = std::chrono::milliseconds(200);
  auto start = std::chrono::steady_clock::now();
  auto r = run_process({"sleep", "10"}, options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("did not finish"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Subprocess, TooMuchOutputIsAnError) {
  RunOptions options;
  options.max_output = 1000;
  auto r = run_process({"sh", "-c", "head -c 5000 /dev/zero"}, options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("more than 1000 bytes"), std::string::npos);
}

TEST(Subprocess, SignalIsReported) {
  auto r = run_process({"sh", "-c", "kill -TERM $$"});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->signal, 15);
  EXPECT_FALSE(r->succeeded());
}

TEST(Subprocess, NullStdinReadsNothing) {
  RunOptions options;
  options.child_stdin = ChildStdin::null;
  auto r = run_process({"sh", "-c", "cat; echo done"}, options);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->out, "done\n");
}
