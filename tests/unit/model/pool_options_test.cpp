#include "spawn/model/pool_options.hpp"

#include <gtest/gtest.h>

using namespace spawn::model;

namespace {
PoolOptions valid() {
  PoolOptions o;
  o.name = "ci";
  o.launch.instance_type = "m7i.large";
  o.capacity = 3;
  return o;
}
std::string message_of(const PoolOptions& o) {
  auto r = validate(o);
  return r ? std::string() : r.error().message;
}
}  // namespace

TEST(PoolOptions, ValidPool) {
  EXPECT_TRUE(validate(valid()));
  auto o = valid();
  o.spot_count = 0;  // all on demand: allowed in a pool
  EXPECT_TRUE(validate(o));
  EXPECT_EQ(o.spot(), 0);
  EXPECT_EQ(valid().spot(), 3);
}

TEST(PoolOptions, Names) {
  for (const char* good : {"ci", "render-nodes", "a", "Q_1.x"}) EXPECT_TRUE(validate_pool_name(good)) << good;
  for (const char* bad : {"", "-x", "has space", "a/b", "spawn:pool"}) EXPECT_FALSE(validate_pool_name(bad)) << bad;
  EXPECT_FALSE(validate_pool_name(std::string(65, 'a')));
  EXPECT_TRUE(validate_pool_name(std::string(64, 'a')));
}

TEST(PoolOptions, Capacity) {
  auto o = valid();
  o.capacity = 0;
  EXPECT_NE(message_of(o).find("--capacity"), std::string::npos);
  o.capacity = 101;
  auto r = validate(o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().hint.find("--yes"), std::string::npos);
  o.yes = true;
  EXPECT_TRUE(validate(o));
  o.capacity = k_pool_capacity_limit + 1;
  EXPECT_FALSE(validate(o));
}

TEST(PoolOptions, SpotCountWithinCapacity) {
  auto o = valid();
  o.spot_count = 4;
  EXPECT_NE(message_of(o).find("--spot-count: expected 0 to 3"), std::string::npos);
  o.spot_count = -1;
  EXPECT_FALSE(validate(o));
  EXPECT_FALSE(validate_pool_capacity(2, 3, false));
  EXPECT_TRUE(validate_pool_capacity(2, 2, false));
}

TEST(PoolOptions, LaunchRulesApplyAndHibernationDoesNot) {
  auto o = valid();
  o.launch.instance_type.clear();
  EXPECT_NE(message_of(o).find("--instance-type"), std::string::npos);
  o = valid();
  o.launch.spot.on_interruption = OnInterruption::checkpoint;
  EXPECT_NE(message_of(o).find("--checkpoint-script"), std::string::npos);
  o = valid();
  o.launch.spot.on_interruption = OnInterruption::hibernate;
  EXPECT_NE(message_of(o).find("not in a pool"), std::string::npos);
}
