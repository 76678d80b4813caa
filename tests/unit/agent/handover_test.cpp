// agent/handover: when a replacement's job may start.
#include "spawn/agent/handover.hpp"

#include <gtest/gtest.h>

namespace spawn::agent {
namespace {

aws::ec2::Instance replaced(std::string state, std::map<std::string, std::string> tags = {}) {
  aws::ec2::Instance i;
  i.instance_id = "i-0old";
  i.state = std::move(state);
  i.tags = std::move(tags);
  return i;
}

struct Gate {
  std::vector<std::string> lines;
  std::shared_ptr<Logger> log = std::make_shared<Logger>(LogFormat::json, [this](std::string_view l) {
    lines.push_back(nlohmann::json::parse(l)["event"]);
  });
  SteadyTime now{};
  int describes = 0;
  HandoverSteps steps(std::optional<std::string> replaces, std::function<aws::ec2::Instance(int)> seen) {
    HandoverSteps s;
    s.replaces = [replaces] { return aws::Result<std::optional<std::string>>(replaces); };
    s.describe = [this, seen](const std::string&) {
      return aws::Result<std::optional<aws::ec2::Instance>>(seen(describes++));
    };
    s.sleep = [this](std::chrono::seconds d) { now += d; };
    s.steady = [this] { return now; };
    return s;
  }
};

TEST(Handover, CheckpointStatusOrGoneEndsTheWait) {
  EXPECT_FALSE(handed_over(replaced("running")));
  EXPECT_FALSE(handed_over(replaced("running", {{"spawn:interruption-notice", "2026-12-04T12:00:00Z"}})));
  EXPECT_EQ(handed_over(replaced("running", {{"spawn:checkpoint-status", "ok"}})), "checkpoint ok");
  EXPECT_EQ(handed_over(replaced("running", {{"spawn:checkpoint-status", "timeout"}})), "checkpoint timeout");
  EXPECT_EQ(handed_over(replaced("terminated")), "terminated");
  EXPECT_EQ(handed_over(replaced("shutting-down")), "shutting-down");
  EXPECT_EQ(handed_over(std::nullopt), "unknown to EC2");
}

TEST(Handover, TheFirstGenerationPassesAtOnce) {
  Gate r;
  auto out = wait_for_handover(*r.log, r.steps(std::nullopt, [](int) { return replaced("running"); }),
                               std::chrono::seconds(60));
  EXPECT_EQ(out.state, "first generation");
  EXPECT_EQ(r.describes, 0);
}

TEST(Handover, WaitsForTheCheckpoint) {
  Gate r;
  auto out = wait_for_handover(*r.log, r.steps("i-0old", [](int n) {
    return n < 3 ? replaced("running") : replaced("running", {{"spawn:checkpoint-status", "ok"}});
  }), std::chrono::seconds(600));
  EXPECT_EQ(out.state, "handed over");
  EXPECT_EQ(out.why, "checkpoint ok");
  EXPECT_EQ(out.waited_seconds, 15.0);
  EXPECT_EQ(r.lines, (std::vector<std::string>{"handover_waiting", "handover_done"}));
}

TEST(Handover, BoundedByTheTimeout) {
  Gate r;
  auto out = wait_for_handover(*r.log, r.steps("i-0old", [](int) { return replaced("running"); }),
                               std::chrono::seconds(30));
  EXPECT_EQ(out.state, "timeout");
  EXPECT_LE(out.waited_seconds, 30.0);
  EXPECT_EQ(r.lines.back(), "handover_timeout");
}

}  // namespace
}  // namespace spawn::agent
