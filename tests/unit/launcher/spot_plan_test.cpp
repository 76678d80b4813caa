#include "spawn/launcher/spot_plan.hpp"

#include <gtest/gtest.h>

#include "spawn/model/tags.hpp"

using namespace spawn::launcher;
using spawn::model::LaunchOptions;
using spawn::model::OnInterruption;

namespace {
LaunchOptions spot(int count = 1) {
  LaunchOptions o;
  o.instance_type = "m7i.large";
  o.count = count;
  o.spot.enabled = true;
  return o;
}
const LaunchIds k_ids{"launch-1", "ja-0123456789abcdef"};
}  // namespace

TEST(SpotPlan, Routes) {
  LaunchOptions od;
  od.instance_type = "m7i.large";
  od.count = 3;
  auto p = plan_launch(od);
  EXPECT_EQ(p.route, Route::run_instances);
  EXPECT_EQ(p.spot_count, 0);
  EXPECT_EQ(p.on_demand_count, 3);

  p = plan_launch(spot(8));
  EXPECT_EQ(p.route, Route::run_instances) << "a spot array of one type is one RunInstances";
  EXPECT_EQ(p.spot_count, 8);
  EXPECT_FALSE(p.mixed());

  auto mixed = spot(8);
  mixed.spot.spot_count = 6;
  p = plan_launch(mixed);
  EXPECT_EQ(p.route, Route::fleet);
  EXPECT_EQ(p.spot_count, 6);
  EXPECT_EQ(p.on_demand_count, 2);
  EXPECT_TRUE(p.mixed());

  auto all_spot = spot(8);
  all_spot.spot.spot_count = 8;
  EXPECT_EQ(plan_launch(all_spot).route, Route::run_instances);

  auto types = spot(2);
  types.instance_types = {"m6i.large"};
  p = plan_launch(types);
  EXPECT_EQ(p.route, Route::fleet);
  EXPECT_EQ(p.instance_types, (std::vector<std::string>{"m7i.large", "m6i.large"}));

  auto subnets = spot();
  subnets.subnet_ids = {"subnet-0abc1234", "subnet-0abc5678"};
  EXPECT_EQ(plan_launch(subnets).route, Route::fleet);

  od.instance_types = {"m6i.large"};
  EXPECT_EQ(plan_launch(od).route, Route::fleet) << "several types on demand use a fleet too";
}

TEST(SpotPlan, OnDemandLaunchKeepsTheUsersUserData) {
  LaunchOptions od;
  od.instance_type = "m7i.large";
  od.user_data = "#!/bin/sh\necho hi\n";
  auto p = prepare_launch(od, {}, k_ids, std::nullopt);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user_data, od.user_data);
  EXPECT_FALSE(p->spot_user_data);
  EXPECT_EQ(p->job_array_id, "");
}

TEST(SpotPlan, OnDemandWithTtlInstallsSpored) {
  LaunchOptions od;
  od.instance_type = "m7i.large";
  od.ttl = std::chrono::hours(8);
  od.user_data = "#!/bin/sh\necho hi\n";
  AgentSetup agent;
  agent.install = "echo install-spored";
  agent.architectures = {"x86_64"};
  auto p = prepare_launch(od, agent, k_ids, "2026-12-03T20:00:00Z");
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->user_data);
  EXPECT_NE(p->user_data->find(R"({"spot":false,)"), std::string::npos) << "spored knows it is on demand";
  EXPECT_NE(p->user_data->find("2026-12-03T20:00:00Z"), std::string::npos) << "the deadline it enforces";
  EXPECT_NE(p->user_data->find("echo install-spored"), std::string::npos);
  EXPECT_NE(p->user_data->find("echo hi"), std::string::npos) << "the user's part follows";
  EXPECT_TRUE(p->agent_installed);
  EXPECT_EQ(p->agent_architectures, std::vector<std::string>{"x86_64"});
  EXPECT_EQ(p->ttl_deadline, "2026-12-03T20:00:00Z");
}

TEST(SpotPlan, UserDataVariantsPerRoute) {
  auto o = spot(4);
  o.job_array_name = "sim";
  auto p = prepare_launch(o, {}, k_ids, std::nullopt);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->job_array_id, "ja-0123456789abcdef");
  EXPECT_EQ(p->job_array_name, "sim");
  ASSERT_TRUE(p->spot_user_data);
  EXPECT_NE(p->spot_user_data->find(R"({"spot":true,)"), std::string::npos);
  EXPECT_EQ(p->spot_user_data->find("export SPAWN_"), std::string::npos) << "nothing exported: no later process saw it";
  EXPECT_FALSE(p->on_demand_user_data) << "no fallback, no on-demand variant";

  o.spot.fallback = true;
  p = prepare_launch(o, {}, k_ids, std::nullopt);
  ASSERT_TRUE(p->on_demand_user_data);
  EXPECT_NE(p->on_demand_user_data->find(R"({"spot":false,)"), std::string::npos);

  o.instance_types = {"m6i.large"};
  p = prepare_launch(o, {}, k_ids, std::nullopt);
  ASSERT_TRUE(p->fleet_user_data);
  EXPECT_NE(p->fleet_user_data->find(R"({"spot":null,)"), std::string::npos)
      << "with fallback a fleet may hold both markets";
  o.spot.fallback = false;
  p = prepare_launch(o, {}, k_ids, std::nullopt);
  EXPECT_NE(p->fleet_user_data->find(R"({"spot":true,)"), std::string::npos);
}

TEST(SpotPlan, OversizedUserDataIsAUsageError) {
  auto o = spot();
  o.user_data = "#!/bin/sh\n" + std::string(16300, '#') + "\n";
  auto p = prepare_launch(o, {}, k_ids, std::nullopt);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("16384"), std::string::npos);
}

TEST(SpotPlan, Tags) {
  auto o = spot();
  EXPECT_EQ(launch_spot_tags(o.spot),
            (spawn::aws::ec2::Tags{{"spawn:spot-max-price", "on-demand"}, {"spawn:on-interruption", "terminate"}}));
  o.spot.max_price = "0.05";
  o.spot.on_interruption = OnInterruption::checkpoint;
  spawn::model::CheckpointScript script;
  script.kind = spawn::model::CheckpointScript::Kind::local_file;
  script.sha256 = "ab12";
  o.spot.checkpoint_script = script;
  auto t = launch_spot_tags(o.spot);
  EXPECT_EQ(t["spawn:spot-max-price"], "0.05");
  EXPECT_EQ(t["spawn:on-interruption"], "checkpoint");
  EXPECT_EQ(t["spawn:checkpoint-script"], "embedded:ab12");
  EXPECT_TRUE(launch_spot_tags(spawn::model::SpotOptions{}).empty());
  EXPECT_EQ(member_spot_tags(true, false), (spawn::aws::ec2::Tags{{"spawn:spot", "true"}}));
  EXPECT_EQ(member_spot_tags(false, false), (spawn::aws::ec2::Tags{{"spawn:spot", "false"}}));
  EXPECT_EQ(member_spot_tags(false, true),
            (spawn::aws::ec2::Tags{{"spawn:spot", "false"}, {"spawn:spot-fallback", "true"}}));
}

TEST(SpotPlan, FleetOverridesAreTypesTimesSubnets) {
  auto o = spot();
  o.instance_types = {"m6i.large"};
  o.subnet_ids = {"subnet-0aaa1111", "subnet-0bbb2222"};
  o.spot.max_price = "0.04";
  auto ov = fleet_overrides(o, true);
  ASSERT_EQ(ov.size(), 4u);
  EXPECT_EQ(ov[0].instance_type, "m7i.large");
  EXPECT_EQ(ov[0].subnet_id, "subnet-0aaa1111");
  EXPECT_EQ(ov[1].subnet_id, "subnet-0bbb2222");
  EXPECT_EQ(ov[2].instance_type, "m6i.large");
  EXPECT_EQ(ov[3].max_price, "0.04");
  auto od = fleet_overrides(o, false);
  EXPECT_FALSE(od[0].max_price) << "MaxPrice is for spot pools only";
  o.subnet_ids.clear();
  ov = fleet_overrides(o, true);
  ASSERT_EQ(ov.size(), 2u);
  EXPECT_FALSE(ov[0].subnet_id);
}

TEST(SpotPlan, IndicesSpotFirstThenOnDemandThenFallback) {
  std::vector<Member> members = {
      {"i-9", "m6i.large", false, true}, {"i-5", "m7i.large", false, false}, {"i-3", "m6i.large", true, false},
      {"i-7", "m7i.large", true, false}, {"i-1", "m7i.large", true, false},  {"i-2", "m7i.large", false, true},
  };
  auto ordered = order_members(members, {"m7i.large", "m6i.large"});
  std::vector<std::string> ids;
  for (const auto& m : ordered) ids.push_back(m.instance_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"i-1", "i-7", "i-3", "i-5", "i-2", "i-9"}));
  std::reverse(members.begin(), members.end());
  auto again = order_members(members, {"m7i.large", "m6i.large"});
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].instance_id, ids[i]) << "whatever the reply order";
}

TEST(SpotPlan, ARelaunchingLaunchIsAFleetWhoseConfigCarriesTheRelaunch) {
  auto o = spot(4);
  o.job_array_name = "train";
  o.instance_types = {"m6i.large"};
  o.subnet_ids = {"subnet-0abc1234"};
  o.spot.fallback = true;
  o.relaunch.max = 2;
  o.relaunch.rebalance = spawn::model::Rebalance::move;
  auto single = spot();
  single.relaunch.max = 1;
  EXPECT_EQ(plan_launch(single).route, Route::fleet) << "its template stays for the replacements";

  AgentSetup agent;
  agent.install = "echo install";
  auto p = prepare_launch(o, agent, k_ids, std::nullopt);
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->fleet_user_data);
  const auto& text = *p->fleet_user_data;
  const auto at = text.find("\"relaunch\":");
  ASSERT_NE(at, std::string::npos) << text;
  auto r = relaunch_spec(o, k_ids.launch_id, k_ids.job_array_id, "train");
  EXPECT_EQ(r.max, 2);
  EXPECT_EQ(r.name, "train");
  EXPECT_EQ(r.instance_types, (std::vector<std::string>{"m7i.large", "m6i.large"}));
  EXPECT_EQ(r.subnet_ids, o.subnet_ids);
  EXPECT_TRUE(r.fallback);
  EXPECT_TRUE(r.move);
  EXPECT_EQ(r.job_array_id, k_ids.job_array_id);
}
