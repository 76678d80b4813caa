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
