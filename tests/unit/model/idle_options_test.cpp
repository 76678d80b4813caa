// The idle-stop flags: their parsing, and the rules a launch checks before any request.
#include "spawn/model/idle_options.hpp"

#include <gtest/gtest.h>

#include "spawn/model/launch_options.hpp"

namespace spawn::model {
namespace {

using namespace std::chrono_literals;

TEST(IdleOptions, TimeoutNeedsAUnitAndTenMinutes) {
  EXPECT_EQ(*parse_idle_timeout("1h"), 3600s);
  EXPECT_EQ(*parse_idle_timeout("10m"), 600s);
  EXPECT_EQ(*parse_idle_timeout("1h30m"), 5400s);
  EXPECT_FALSE(parse_idle_timeout("60"));  // minutes or seconds?
  EXPECT_FALSE(parse_idle_timeout("9m"));
  EXPECT_FALSE(parse_idle_timeout("599s"));
  EXPECT_FALSE(parse_idle_timeout("0h"));
  EXPECT_FALSE(parse_idle_timeout(""));
  EXPECT_NE(parse_idle_timeout("5m").error().message.find("at least 10m"), std::string::npos);
}

TEST(IdleOptions, ActionCpuAndProcessNames) {
  EXPECT_EQ(*parse_on_idle("hibernate"), OnIdle::hibernate);
  EXPECT_FALSE(parse_on_idle("pause"));
  EXPECT_DOUBLE_EQ(*parse_idle_cpu("12.5"), 12.5);
  for (const char* bad : {"0", "100", "-1", "5%", "x", "", "nan"}) EXPECT_FALSE(parse_idle_cpu(bad)) << bad;
  EXPECT_TRUE(check_process_name("python3"));
  EXPECT_TRUE(check_process_name("train.py"));
  for (const char* bad : {"", "/usr/bin/python3", "my job", "a\tb"}) EXPECT_FALSE(check_process_name(bad)) << bad;
  EXPECT_FALSE(check_process_name(std::string(65, 'a')));
}

LaunchOptions idle_launch(std::optional<OnIdle> action) {
  LaunchOptions o;
  o.instance_type = "m7i.large";
  o.idle.timeout = 1h;
  o.idle.action = action;
  return o;
}

TEST(IdleOptions, TheDefaultActionFollowsTheMarket) {
  auto o = idle_launch(std::nullopt);
  EXPECT_EQ(o.idle_action(), OnIdle::stop);
  o.spot.enabled = true;
  EXPECT_EQ(o.idle_action(), OnIdle::terminate);  // one-time spot cannot be stopped
  o.spot.on_interruption = OnInterruption::hibernate;
  EXPECT_EQ(o.idle_action(), OnIdle::stop);       // a persistent request can
  EXPECT_TRUE(validate(o));
}

TEST(IdleOptions, LaunchRules) {
  EXPECT_TRUE(validate(idle_launch(OnIdle::stop)));
  EXPECT_TRUE(validate(idle_launch(OnIdle::terminate)));
  auto hibernate = validate(idle_launch(OnIdle::hibernate));
  ASSERT_FALSE(hibernate);
  EXPECT_NE(hibernate.error().message.find("hibernation-capable"), std::string::npos);
  auto spot_stop = idle_launch(OnIdle::stop);
  spot_stop.spot.enabled = true;
  ASSERT_FALSE(validate(spot_stop));
  EXPECT_NE(validate(spot_stop).error().message.find("one-time spot"), std::string::npos);
  LaunchOptions no_timeout;
  no_timeout.instance_type = "m7i.large";
  no_timeout.idle.action = OnIdle::stop;
  EXPECT_EQ(validate(no_timeout).error().message, "--on-idle needs --idle-timeout (how long idle before acting)");
  no_timeout.idle.action.reset();
  no_timeout.idle.active_processes = {"python3"};
  EXPECT_FALSE(validate(no_timeout));
  auto bad_name = idle_launch(std::nullopt);
  bad_name.idle.active_processes = {"python3", "/bin/sh"};
  EXPECT_FALSE(validate(bad_name));
  auto many = idle_launch(std::nullopt);
  many.idle.active_processes.assign(21, "p");
  EXPECT_FALSE(validate(many));
}

}  // namespace
}  // namespace spawn::model

namespace spawn::model {
namespace {

TEST(NotifyTargets, AnyInstanceWithSporedMayNotify) {
  LaunchOptions o;
  o.instance_type = "m7i.large";
  o.spot.notify = {"arn:aws:sns:us-east-1:123456789012:alerts"};
  ASSERT_FALSE(validate(o));
  EXPECT_EQ(validate(o).error().message,
            "--notify needs --spot, --ttl, --on-complete or --idle-timeout (the events spored tells about)");
  o.ttl = std::chrono::hours(8);
  EXPECT_TRUE(validate(o));  // the TTL warning and end reach the targets
  o.ttl.reset();
  o.idle.timeout = std::chrono::hours(1);
  EXPECT_TRUE(validate(o));
}

TEST(InstanceType, SeveralPointToInstanceTypes) {
  LaunchOptions o;
  o.instance_type = "m7i.large,m6i.large";
  ASSERT_FALSE(validate(o));
  EXPECT_EQ(validate(o).error().message, "--instance-type takes one type; for several, --instance-types m7i.large,m6i.large");
}

}  // namespace
}  // namespace spawn::model
