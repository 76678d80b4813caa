#include "spawn/agent/notices.hpp"

#include <gtest/gtest.h>

namespace spawn::agent {
namespace {

TEST(Notices, InstanceActionAsEc2WritesIt) {
  auto e = parse_instance_action(R"({"action": "terminate", "time": "2026-11-27T10:02:00Z"})");
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->kind, EventKind::interruption);
  EXPECT_EQ(e->action, "terminate");
  EXPECT_EQ(e->time_text, "2026-11-27T10:02:00Z");
  ASSERT_TRUE(e->time);
  EXPECT_EQ(util::format_rfc3339(*e->time), "2026-11-27T10:02:00Z");
}

TEST(Notices, StopAndHibernateActionsAndUnknownOnesAreKept) {
  EXPECT_EQ(parse_instance_action(R"({"action":"stop","time":"2026-11-27T10:02:00Z"})")->action, "stop");
  EXPECT_EQ(parse_instance_action(R"({"action":"hibernate","time":"2026-11-27T10:02:00Z"})")->action, "hibernate");
  EXPECT_EQ(parse_instance_action(R"({"action":"reboot","time":"2026-11-27T10:02:00Z"})")->action, "reboot");
}

TEST(Notices, AnUnparseableTimeIsStillANotice) {
  auto e = parse_instance_action(R"({"action": "terminate", "time": "soon"})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->time_text, "soon");
  EXPECT_FALSE(e->time);
  auto no_time = parse_instance_action(R"({"action": "terminate"})");
  ASSERT_TRUE(no_time);
  EXPECT_FALSE(no_time->time);
}

TEST(Notices, MalformedBodiesAreErrors) {
  for (const char* body : {"", "{", R"({"action": "terminate", "time": "2026-11-27)", "[]", R"({"time":"x"})",
                           R"({"action": ""})", R"({"action": 3})", "<html>404 - Not Found</html>"}) {
    auto e = parse_instance_action(body);
    EXPECT_FALSE(e) << body;
    if (!e) {
      EXPECT_NE(e.error().find("instance-action"), std::string::npos);
    }
  }
}

TEST(Notices, Rebalance) {
  auto e = parse_rebalance(R"({"noticeTime": "2026-11-27T09:58:00Z"})");
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->kind, EventKind::rebalance);
  EXPECT_EQ(e->time_text, "2026-11-27T09:58:00Z");
  EXPECT_TRUE(e->time);
  EXPECT_FALSE(parse_rebalance("{}"));
  EXPECT_FALSE(parse_rebalance("not json"));
}

TEST(Notices, LatchKeysIgnoreTheTimeOfNoticesButNotOfDeadlines) {
  Event a{EventKind::interruption, "terminate", "2026-11-27T10:02:00Z", {}};
  Event b{EventKind::interruption, "terminate", "2026-11-27T10:02:07Z", {}};
  EXPECT_EQ(latch_key(a), latch_key(b));
  EXPECT_EQ(latch_key(a), "interruption");
  Event r{EventKind::rebalance, "", "2026-11-27T10:00:00Z", {}};
  EXPECT_EQ(latch_key(r), "rebalance");
  Event w1{EventKind::ttl_warning, "", "2026-11-27T18:00:00Z", {}};
  Event w2{EventKind::ttl_warning, "", "2026-11-27T20:00:00Z", {}};
  EXPECT_NE(latch_key(w1), latch_key(w2));
}

}  // namespace
}  // namespace spawn::agent
