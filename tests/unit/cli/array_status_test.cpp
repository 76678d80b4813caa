// spawn status's grouping: per array, per index the current instance and its history.
#include "spawn/cli/array_status.hpp"

#include <gtest/gtest.h>

namespace spawn::cli {
namespace {

aws::ec2::Instance member(std::string id, int index, std::string state, std::map<std::string, std::string> extra = {},
                          std::string launched = "2026-12-04T10:00:00.000Z") {
  aws::ec2::Instance i;
  i.instance_id = std::move(id);
  i.state = std::move(state);
  i.instance_type = "g5.xlarge";
  i.availability_zone = "us-east-1a";
  i.lifecycle = "spot";
  i.launch_time = std::move(launched);
  i.tags = {{"spawn:job-array-id", "ja-1"}, {"spawn:job-array-name", "train"}, {"spawn:job-array-size", "4"},
            {"spawn:job-array-index", std::to_string(index)}};
  for (auto& [k, v] : extra) i.tags[k] = v;
  return i;
}

TEST(ArrayStatus, EachIndexWithItsCurrentInstanceAndHistory) {
  std::vector<aws::ec2::Instance> instances = {
      member("i-a0", 0, "running"),
      member("i-a1", 1, "terminated", {{"spawn:interruption-notice", "2026-12-04T11:00:00Z"}, {"spawn:checkpoint-status", "ok"}}),
      member("i-b1", 1, "running", {{"spawn:generation", "1"}, {"spawn:replaces", "i-a1"}}, "2026-12-04T11:00:30.000Z"),
      member("i-a2", 2, "terminated", {{"spawn:completion-status", "0"}}),
  };
  instances[0].lifecycle = "on-demand";
  auto arrays = array_statuses(instances);
  ASSERT_EQ(arrays.size(), 1u);
  const ArrayStatus& a = arrays[0];
  EXPECT_EQ(a.job_array_name, "train");
  EXPECT_EQ(a.size, 4);
  ASSERT_EQ(a.members.size(), 4u);
  EXPECT_EQ(a.members[0].current->instance_id, "i-a0");
  EXPECT_EQ(a.members[1].current->instance_id, "i-b1");
  EXPECT_EQ(a.members[1].generation, 1);
  EXPECT_EQ(a.members[1].interruptions, 1);
  EXPECT_EQ(a.members[1].checkpoint_status, "ok");
  EXPECT_EQ(a.members[1].replaces, "i-a1");
  EXPECT_EQ(a.members[1].earlier, std::vector<std::string>{"i-a1"});
  EXPECT_EQ(a.members[2].outcome(), "done (status 0)");
  EXPECT_EQ(a.members[3].outcome(), "missing");
  EXPECT_EQ(a.running(), 2);
  EXPECT_EQ(a.spot(), 1);
  EXPECT_EQ(a.on_demand(), 1);
  EXPECT_EQ(a.done(), 1);
  auto json = to_json(a);
  EXPECT_EQ(json["members"][1]["instance_id"], "i-b1");
  EXPECT_EQ(json["members"][1]["replaces"], "i-a1");
  EXPECT_EQ(json["members"][2]["completion_status"], 0);
  EXPECT_TRUE(json["members"][3]["instance_id"].is_null());
  EXPECT_EQ(json["members"][3]["state"], "missing");
  EXPECT_TRUE(json["members"][0]["relaunch_status"].is_null());
}

TEST(ArrayStatus, AnInterruptedMemberAndSingleInstances) {
  auto gone = member("i-a0", 0, "terminated", {{"spawn:interruption-notice", "2026-12-04T11:00:00Z"}});
  gone.tags["spawn:job-array-size"] = "1";
  aws::ec2::Instance single;
  single.instance_id = "i-s";
  single.state = "stopped";
  single.tags = {{"Name", "dev"}, {"spawn:idle-action", "stop at 2026-12-04T12:00:00Z: idle since ..."}};
  auto arrays = array_statuses({single, gone});
  ASSERT_EQ(arrays.size(), 2u);
  EXPECT_EQ(arrays[0].job_array_name, "dev");
  EXPECT_EQ(arrays[0].members[0].outcome(), "idle: stop");
  EXPECT_TRUE(to_json(arrays[0])["job_array_id"].is_null());
  EXPECT_EQ(arrays[1].members[0].outcome(), "interrupted");
}

TEST(ArrayStatus, AMemberNotIndexedYetIsShownFirst) {
  auto fresh = member("i-new", 0, "pending");
  fresh.tags.erase("spawn:job-array-index");
  auto arrays = array_statuses({fresh});
  ASSERT_EQ(arrays[0].members.size(), 5u);
  EXPECT_EQ(arrays[0].members[0].index, -1);
  EXPECT_TRUE(to_json(arrays[0])["members"][0]["index"].is_null());
}

}  // namespace
}  // namespace spawn::cli
