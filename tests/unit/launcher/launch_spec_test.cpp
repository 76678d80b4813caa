// launcher/launch_spec: the deadlines `spawn extend` writes into a launch's spec.
#include "spawn/launcher/launch_spec.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace spawn::launcher;

TEST(SpecWithDeadlines, InstancesIndicesAndTheLaunchsOwn) {
  const std::string doc = R"({"version":1,"launch_id":"l","ttl_deadline":"2026-12-04T10:00:00Z","notify":["x"]})";
  auto changed = spec_with_deadlines(doc, {{"i-0aaa", "2026-12-04T12:00:00Z"},
                                           {std::string(k_deadline_index_prefix) + "3", "2026-12-04T12:00:00Z"}});
  ASSERT_TRUE(changed) << changed.error();
  auto j = nlohmann::json::parse(*changed);
  EXPECT_EQ(j["ttl_deadlines"]["i-0aaa"], "2026-12-04T12:00:00Z");
  EXPECT_EQ(j["ttl_deadlines"]["index:3"], "2026-12-04T12:00:00Z");
  EXPECT_EQ(j["ttl_deadline"], "2026-12-04T10:00:00Z") << "an array's own deadline stays";
  EXPECT_EQ(j["notify"], nlohmann::json::array({"x"})) << "everything else kept";
  // A single instance that relaunches: the launch's own deadline moves with it.
  auto single = spec_with_deadlines(doc, {{"i-0bbb", "2026-12-04T08:00:00Z"}, {k_deadline_of_launch, "2026-12-04T08:00:00Z"}});
  ASSERT_TRUE(single);
  EXPECT_EQ(nlohmann::json::parse(*single)["ttl_deadline"], "2026-12-04T08:00:00Z");
  EXPECT_FALSE(nlohmann::json::parse(*single)["ttl_deadlines"].contains("ttl_deadline"));
  EXPECT_FALSE(spec_with_deadlines(R"({"version":2})", {}));
}
