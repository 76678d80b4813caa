#include "spawn/aws/ec2/maintain_fleet.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace spawn::aws::ec2;

namespace {
std::map<std::string, std::string> as_map(const Params& p) {
  std::map<std::string, std::string> m;
  for (const auto& [k, v] : p) EXPECT_TRUE(m.emplace(k, v).second) << "parameter sent twice: " << k;
  return m;
}
}  // namespace

TEST(Ec2MaintainFleet, CreateIsAMaintainFleetWithRebalancingAndBothParts) {
  MaintainFleetInput in;
  in.launch_template = {"lt-1", "spawn-pool-ci", "1"};
  in.overrides = {{"m7i.large", std::string("subnet-1"), std::string("0.05")}, {"m6i.large", std::nullopt, std::nullopt}};
  in.total_capacity = 5;
  in.spot_capacity = 3;
  in.termination_delay_seconds = 300;
  in.fleet_tags = {{"spawn:pool", "ci"}};
  in.client_token = "tok";
  auto p = as_map(create_maintain_fleet_params(in));
  EXPECT_EQ(p["Type"], "maintain");
  EXPECT_EQ(p["ClientToken"], "tok");
  EXPECT_EQ(p["LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId"], "lt-1");
  EXPECT_EQ(p["LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version"], "1");
  EXPECT_EQ(p["LaunchTemplateConfigs.1.Overrides.1.SubnetId"], "subnet-1");
  EXPECT_EQ(p["LaunchTemplateConfigs.1.Overrides.1.MaxPrice"], "0.05");
  EXPECT_EQ(p["LaunchTemplateConfigs.1.Overrides.2.InstanceType"], "m6i.large");
  EXPECT_FALSE(p.count("LaunchTemplateConfigs.1.Overrides.2.SubnetId"));
  EXPECT_EQ(p["TargetCapacitySpecification.TotalTargetCapacity"], "5");
  EXPECT_EQ(p["TargetCapacitySpecification.SpotTargetCapacity"], "3");
  EXPECT_EQ(p["TargetCapacitySpecification.OnDemandTargetCapacity"], "2");
  EXPECT_EQ(p["TargetCapacitySpecification.DefaultTargetCapacityType"], "spot");
  EXPECT_EQ(p["SpotOptions.AllocationStrategy"], "price-capacity-optimized");
  EXPECT_EQ(p["SpotOptions.MaintenanceStrategies.CapacityRebalance.ReplacementStrategy"], "launch-before-terminate");
  EXPECT_EQ(p["SpotOptions.MaintenanceStrategies.CapacityRebalance.TerminationDelay"], "300");
  EXPECT_EQ(p["TagSpecification.1.ResourceType"], "fleet");
  EXPECT_EQ(p["TagSpecification.1.Tag.1.Key"], "spawn:pool");
  EXPECT_EQ(p["TagSpecification.1.Tag.1.Value"], "ci");
}

TEST(Ec2MaintainFleet, ModifyNamesEveryPart) {
  auto p = as_map(modify_fleet_params("fleet-1", 4, 1));
  EXPECT_EQ(p["FleetId"], "fleet-1");
  EXPECT_EQ(p["TargetCapacitySpecification.TotalTargetCapacity"], "4");
  EXPECT_EQ(p["TargetCapacitySpecification.SpotTargetCapacity"], "1");
  EXPECT_EQ(p["TargetCapacitySpecification.OnDemandTargetCapacity"], "3");
  EXPECT_TRUE(parse_modify_fleet(R"(<ModifyFleetResponse><requestId>r</requestId><return>true</return></ModifyFleetResponse>)"));
  auto refused = parse_modify_fleet(R"(<ModifyFleetResponse><return>false</return></ModifyFleetResponse>)");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "InvalidReply");
}

TEST(Ec2MaintainFleet, DeleteReadsBothSets) {
  auto p = as_map(delete_fleets_params({"fleet-1"}, true));
  EXPECT_EQ(p["FleetId.1"], "fleet-1");
  EXPECT_EQ(p["TerminateInstances"], "true");
  auto d = parse_delete_fleets(R"(<DeleteFleetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <successfulFleetDeletionSet><item><currentFleetState>deleted_terminating</currentFleetState>
      <previousFleetState>active</previousFleetState><fleetId>fleet-1</fleetId></item></successfulFleetDeletionSet>
    <unsuccessfulFleetDeletionSet><item><error><code>fleetIdDoesNotExist</code><message>gone</message></error>
      <fleetId>fleet-2</fleetId></item></unsuccessfulFleetDeletionSet></DeleteFleetsResponse>)");
  ASSERT_TRUE(d);
  ASSERT_EQ(d->size(), 2u);
  EXPECT_TRUE((*d)[0].deleted);
  EXPECT_EQ((*d)[0].current_state, "deleted_terminating");
  EXPECT_FALSE((*d)[1].deleted);
  EXPECT_EQ((*d)[1].fleet_id, "fleet-2");
  EXPECT_EQ((*d)[1].error_code, "fleetIdDoesNotExist");
}

TEST(Ec2MaintainFleet, DescribeFleetsReadsTargetsFulfilmentAndTags) {
  auto page = parse_describe_fleets(R"(<DescribeFleetsResponse><requestId>r</requestId><fleetSet><item>
    <activityStatus>fulfilled</activityStatus><createTime>2026-12-04T09:00:00.000Z</createTime>
    <fleetId>fleet-1</fleetId><fleetState>active</fleetState><fulfilledCapacity>3.0</fulfilledCapacity>
    <fulfilledOnDemandCapacity>1.0</fulfilledOnDemandCapacity>
    <launchTemplateConfigs><item><launchTemplateSpecification><launchTemplateId>lt-9</launchTemplateId>
      <version>1</version></launchTemplateSpecification></item></launchTemplateConfigs>
    <targetCapacitySpecification><totalTargetCapacity>3</totalTargetCapacity><onDemandTargetCapacity>1</onDemandTargetCapacity>
      <spotTargetCapacity>2</spotTargetCapacity><defaultTargetCapacityType>spot</defaultTargetCapacityType></targetCapacitySpecification>
    <type>maintain</type><tagSet><item><key>spawn:pool</key><value>ci</value></item></tagSet>
    </item></fleetSet><nextToken>n2</nextToken></DescribeFleetsResponse>)");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->next_token, "n2");
  ASSERT_EQ(page->fleets.size(), 1u);
  const auto& f = page->fleets[0];
  EXPECT_EQ(f.fleet_id, "fleet-1");
  EXPECT_EQ(f.state, "active");
  EXPECT_EQ(f.type, "maintain");
  EXPECT_EQ(f.activity_status, "fulfilled");
  EXPECT_EQ(f.spot_target, 2);
  EXPECT_EQ(f.total_target, 3);
  EXPECT_EQ(f.on_demand_target, 1);
  EXPECT_DOUBLE_EQ(f.fulfilled, 3.0);
  EXPECT_EQ(f.launch_template_ids, std::vector<std::string>{"lt-9"});
  EXPECT_EQ(f.tags.at("spawn:pool"), "ci");
  EXPECT_FALSE(f.deleted());
  FleetDescription gone;
  gone.state = "deleted_terminating";
  EXPECT_TRUE(gone.deleted());
}

TEST(Ec2MaintainFleet, FleetInstancesAndHistory) {
  auto members = parse_describe_fleet_instances(R"(<DescribeFleetInstancesResponse><activeInstanceSet>
    <item><instanceId>i-1</instanceId><instanceType>m7i.large</instanceType><spotInstanceRequestId>sir-1</spotInstanceRequestId>
      <instanceHealth>healthy</instanceHealth></item>
    <item><instanceId>i-2</instanceId><instanceType>m6i.large</instanceType></item>
    </activeInstanceSet><fleetId>fleet-1</fleetId></DescribeFleetInstancesResponse>)");
  ASSERT_TRUE(members);
  ASSERT_EQ(members->instances.size(), 2u);
  EXPECT_EQ(members->instances[0].spot_request_id, "sir-1");
  EXPECT_EQ(members->instances[1].spot_request_id, "");

  auto p = as_map(describe_fleet_history_params("fleet-1", "2026-12-04T09:00:00Z", "t"));
  EXPECT_EQ(p["FleetId"], "fleet-1");
  EXPECT_EQ(p["StartTime"], "2026-12-04T09:00:00Z");
  EXPECT_EQ(p["NextToken"], "t");
  auto history = parse_describe_fleet_history(R"(<DescribeFleetHistoryResponse><historyRecordSet>
    <item><eventInformation><eventSubType>active</eventSubType></eventInformation><eventType>fleet-change</eventType>
      <timestamp>2026-12-04T09:00:00.000Z</timestamp></item>
    <item><eventInformation><eventSubType>terminated</eventSubType><instanceId>i-1</instanceId>
      <eventDescription>why</eventDescription></eventInformation><eventType>instance-change</eventType>
      <timestamp>2026-12-04T09:05:00.000Z</timestamp></item>
    </historyRecordSet><fleetId>fleet-1</fleetId></DescribeFleetHistoryResponse>)");
  ASSERT_TRUE(history);
  ASSERT_EQ(history->records.size(), 2u);
  EXPECT_EQ(history->records[0].event_type, "fleet-change");
  EXPECT_EQ(history->records[1].sub_type, "terminated");
  EXPECT_EQ(history->records[1].instance_id, "i-1");
  EXPECT_EQ(history->records[1].description, "why");
  EXPECT_EQ(history->next_token, "");
}
