#include "spawn/model/launch_options.hpp"

#include <gtest/gtest.h>

using namespace spawn::model;

namespace {
LaunchOptions valid() {
  LaunchOptions o;
  o.instance_type = "m7i.large";
  return o;
}
}  // namespace

TEST(LaunchOptions, ParseTag) {
  auto t = parse_tag("team=ml=x");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->first, "team");
  EXPECT_EQ(t->second, "ml=x");
  EXPECT_TRUE(parse_tag("empty="));
  for (const char* bad : {"novalue", "=v", "", "aws:x=1", "spawn:managed=false"}) {
    auto r = parse_tag(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("--tag"), std::string::npos);
  }
  EXPECT_FALSE(parse_tag(std::string(129, 'k') + "=v"));
}

TEST(LaunchOptions, TagLimitsAreEc2s) {
  // Characters, not bytes: 256 rockets are 1024 bytes and a valid value.
  std::string rockets;
  for (int i = 0; i < 256; ++i) rockets += "\xf0\x9f\x9a\x80";
  EXPECT_TRUE(parse_tag("k=" + rockets));
  EXPECT_FALSE(parse_tag("k=" + rockets + "x"));
  EXPECT_TRUE(parse_tag("a.b-c_d:e@f+g,h=it's $(x) `y`"));
  // Instance tags are in the metadata service: EC2 then refuses keys with other characters.
  for (const char* bad : {"my key=v", "a/b=v", ".=v", "..=v", "_index=v", "k\n=v", "caf\xc3\xa9=v"}) {
    auto r = parse_tag(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("a key of letters"), std::string::npos) << r.error().message;
  }
}

TEST(LaunchOptions, Validate) {
  EXPECT_TRUE(validate(valid()));
  auto o = valid();
  o.instance_type = "";
  EXPECT_NE(validate(o).error().message.find("--instance-type"), std::string::npos);
  o = valid();
  o.count = 0;
  EXPECT_NE(validate(o).error().message.find("--count"), std::string::npos);
  o.count = -3;
  EXPECT_FALSE(validate(o));
  o = valid();
  o.ami = "ubuntu";
  EXPECT_NE(validate(o).error().message.find("--ami"), std::string::npos);
  o = valid();
  o.user_data = std::string(k_user_data_limit + 1, 'x');
  EXPECT_NE(validate(o).error().message.find("16 KB"), std::string::npos);
}

TEST(LaunchOptions, EmptyKeyNameOrProfileIsBadUsage) {
  auto o = valid();
  o.key_name = "";
  EXPECT_NE(validate(o).error().message.find("--key-name"), std::string::npos);
  o.key_name = std::string(256, 'k');
  EXPECT_FALSE(validate(o));
  o.key_name = "my-key";
  EXPECT_TRUE(validate(o));
  o.iam_instance_profile = "";
  EXPECT_NE(validate(o).error().message.find("--iam-instance-profile"), std::string::npos);
  o.iam_instance_profile = "spawn-spored";
  EXPECT_TRUE(validate(o));
}

TEST(LaunchOptions, UserDataFromFileOrText) {
  EXPECT_EQ(*read_user_data("echo hi"), "echo hi");
  auto missing = read_user_data("@/nonexistent/spawn-test-file");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot read"), std::string::npos);
}

TEST(LaunchOptions, JobArray) {
  auto o = valid();
  EXPECT_FALSE(o.job_array());
  o.count = 2;
  EXPECT_TRUE(o.job_array());
  o.count = 1;
  o.job_array_name = "solo";
  EXPECT_TRUE(o.job_array());
}

TEST(LaunchOptions, OnCompleteStopNeedsAnInstanceEc2CanStop) {
  LaunchOptions o;
  o.instance_type = "m7i.large";
  o.on_complete = OnComplete::stop;
  EXPECT_TRUE(validate(o)) << "on demand stops";
  o.spot.enabled = true;
  auto one_time = validate(o);
  ASSERT_FALSE(one_time);
  EXPECT_NE(one_time.error().message.find("cannot stop a one-time spot instance"), std::string::npos);
  o.spot.on_interruption = OnInterruption::hibernate;
  EXPECT_TRUE(validate(o)) << "a persistent request's instance stops";
  o.on_complete = OnComplete::hibernate;
  EXPECT_TRUE(validate(o));
  o.spot = {};
  EXPECT_FALSE(validate(o)) << "hibernate needs a hibernation-capable launch";
  o.on_complete = OnComplete::terminate;
  o.spot.enabled = true;
  EXPECT_TRUE(validate(o));
  EXPECT_EQ(parse_on_complete("stop").value(), OnComplete::stop);
  EXPECT_FALSE(parse_on_complete("Stop"));
  EXPECT_FALSE(parse_on_complete(""));
}

TEST(LaunchOptions, RelaunchRules) {
  EXPECT_EQ(parse_relaunch("3").value(), 3);
  for (const char* bad : {"0", "-1", "11", "3x", "", " 3", "1e1"})
    EXPECT_NE(parse_relaunch(bad).error().message.find("--relaunch"), std::string::npos) << bad;
  EXPECT_EQ(parse_rebalance("move").value(), Rebalance::move);
  EXPECT_FALSE(parse_rebalance("Move"));

  auto o = valid();
  o.relaunch.max = 2;
  EXPECT_NE(validate(o).error().message.find("--relaunch needs --spot"), std::string::npos);
  o.spot.enabled = true;
  EXPECT_TRUE(validate(o));
  o.relaunch.rebalance = Rebalance::move;
  EXPECT_TRUE(validate(o));
  o.relaunch.max.reset();
  EXPECT_NE(validate(o).error().message.find("--rebalance move needs --relaunch"), std::string::npos);
  o.relaunch.rebalance = Rebalance::checkpoint;
  EXPECT_NE(validate(o).error().message.find("--on-interruption checkpoint"), std::string::npos);
  o = valid();
  o.spot.enabled = true;
  o.spot.on_interruption = OnInterruption::hibernate;
  o.relaunch.max = 1;
  EXPECT_NE(validate(o).error().message.find("hibernate"), std::string::npos);
}
