#include "spawn/aws/ec2/fleet.hpp"

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

TEST(Ec2Fleet, LaunchTemplateCarriesEverythingButTypeSubnetAndMarket) {
  LaunchTemplateInput in;
  in.name = "spawn-abc";
  in.client_token = "tok";
  in.image_id = "ami-12345678";
  in.key_name = "key";
  in.security_group_ids = {"sg-1", "sg-2"};
  in.user_data_base64 = "ZWNobw==";
  in.iam_instance_profile = "arn:aws:iam::1:instance-profile/p";
  in.instance_tags = {{"Name", "x"}, {"spawn:managed", "true"}};
  in.template_tags = {{"spawn:managed", "true"}};
  auto p = as_map(create_launch_template_params(in));
  EXPECT_EQ(p["LaunchTemplateName"], "spawn-abc");
  EXPECT_EQ(p["ClientToken"], "tok");
  EXPECT_EQ(p["LaunchTemplateData.ImageId"], "ami-12345678");
  EXPECT_EQ(p["LaunchTemplateData.KeyName"], "key");
  EXPECT_EQ(p["LaunchTemplateData.SecurityGroupId.2"], "sg-2");
  EXPECT_EQ(p["LaunchTemplateData.UserData"], "ZWNobw==");
  EXPECT_EQ(p["LaunchTemplateData.IamInstanceProfile.Arn"], "arn:aws:iam::1:instance-profile/p");
  EXPECT_EQ(p["LaunchTemplateData.MetadataOptions.HttpTokens"], "required");
  EXPECT_EQ(p["LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit"], "2");
  EXPECT_EQ(p["LaunchTemplateData.MetadataOptions.InstanceMetadataTags"], "enabled");
  EXPECT_EQ(p["LaunchTemplateData.TagSpecification.1.ResourceType"], "instance");
  EXPECT_EQ(p["LaunchTemplateData.TagSpecification.2.ResourceType"], "volume");
  EXPECT_EQ(p["LaunchTemplateData.TagSpecification.1.Tag.1.Key"], "Name");
  EXPECT_EQ(p["TagSpecification.1.ResourceType"], "launch-template");
  EXPECT_EQ(p["TagSpecification.1.Tag.1.Value"], "true");
  for (const auto& [k, v] : p) {
    EXPECT_EQ(k.find("InstanceMarketOptions"), std::string::npos) << k;
    EXPECT_EQ(k.find("InstanceType"), std::string::npos) << k;
  }
  EXPECT_EQ(p.count("DryRun"), 0u);
}

TEST(Ec2Fleet, MixedFleetNamesBothPartsAndTheStrategy) {
  CreateFleetInput in;
  in.launch_template = {"lt-0abc", "spawn-x", "1"};
  in.overrides = {{"m7i.large", "subnet-1", "0.05"}, {"m6i.large", std::nullopt, std::nullopt}};
  in.spot_capacity = 6;
  in.on_demand_capacity = 2;
  in.spot_allocation_strategy = "capacity-optimized";
  in.client_token = "tok-9";
  auto p = as_map(create_fleet_params(in));
  EXPECT_EQ(p["Type"], "instant");
  EXPECT_EQ(p["ClientToken"], "tok-9");
  EXPECT_EQ(p["LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId"], "lt-0abc");
  EXPECT_EQ(p["LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version"], "1");
  EXPECT_EQ(p["LaunchTemplateConfigs.1.Overrides.1.InstanceType"], "m7i.large");
  EXPECT_EQ(p["LaunchTemplateConfigs.1.Overrides.1.SubnetId"], "subnet-1");
  EXPECT_EQ(p["LaunchTemplateConfigs.1.Overrides.1.MaxPrice"], "0.05");
  EXPECT_EQ(p["LaunchTemplateConfigs.1.Overrides.2.InstanceType"], "m6i.large");
  EXPECT_EQ(p.count("LaunchTemplateConfigs.1.Overrides.2.SubnetId"), 0u);
  EXPECT_EQ(p.count("LaunchTemplateConfigs.1.Overrides.2.MaxPrice"), 0u);
  EXPECT_EQ(p["TargetCapacitySpecification.TotalTargetCapacity"], "8");
  EXPECT_EQ(p["TargetCapacitySpecification.SpotTargetCapacity"], "6");
  EXPECT_EQ(p["TargetCapacitySpecification.OnDemandTargetCapacity"], "2");
  EXPECT_EQ(p["TargetCapacitySpecification.DefaultTargetCapacityType"], "spot");
  EXPECT_EQ(p["SpotOptions.AllocationStrategy"], "capacity-optimized");
  EXPECT_EQ(p["SpotOptions.InstanceInterruptionBehavior"], "terminate");
  EXPECT_EQ(p["OnDemandOptions.AllocationStrategy"], "lowest-price");
}

TEST(Ec2Fleet, OnDemandOnlyFleetSendsNoSpotOptions) {
  CreateFleetInput in;
  in.launch_template = {"lt-0abc", "", "3"};
  in.overrides = {{"m7i.large", std::nullopt, std::nullopt}};
  in.on_demand_capacity = 2;
  in.dry_run = true;
  auto p = as_map(create_fleet_params(in));
  EXPECT_EQ(p["TargetCapacitySpecification.SpotTargetCapacity"], "0");
  EXPECT_EQ(p["TargetCapacitySpecification.DefaultTargetCapacityType"], "on-demand");
  EXPECT_EQ(p.count("SpotOptions.AllocationStrategy"), 0u);
  EXPECT_EQ(p["DryRun"], "true");
  EXPECT_EQ(p.count("ClientToken"), 0u) << "no token given, none sent";
}

TEST(Ec2Fleet, ParsesInstancesAndErrorsOfAPartialFleet) {
  // The shape EC2 (and the local AWS) sends: one Instances entry per pool, Errors per short pool.
  auto r = parse_create_fleet(R"(<?xml version="1.0" encoding="UTF-8"?>
<CreateFleetResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>req-1</requestId><fleetId>fleet-1</fleetId>
  <errorSet><item>
    <launchTemplateAndOverrides><launchTemplateSpecification><launchTemplateId>lt-1</launchTemplateId><version>1</version></launchTemplateSpecification>
      <overrides><instanceType>m7i.large</instanceType><subnetId>subnet-a</subnetId></overrides></launchTemplateAndOverrides>
    <lifecycle>spot</lifecycle><errorCode>InsufficientInstanceCapacity</errorCode><errorMessage>no m7i</errorMessage>
  </item></errorSet>
  <fleetInstanceSet>
    <item><launchTemplateAndOverrides><overrides><instanceType>m6i.large</instanceType></overrides></launchTemplateAndOverrides>
      <lifecycle>spot</lifecycle><instanceIds><item>i-1</item><item>i-2</item></instanceIds><instanceType>m6i.large</instanceType></item>
    <item><lifecycle>on-demand</lifecycle><instanceIds><item>i-3</item></instanceIds><instanceType>m7i.large</instanceType></item>
  </fleetInstanceSet>
</CreateFleetResponse>)");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->fleet_id, "fleet-1");
  EXPECT_EQ(r->request_id, "req-1");
  ASSERT_EQ(r->instances.size(), 2u);
  EXPECT_EQ(r->instances[0].instance_type, "m6i.large");
  EXPECT_EQ(r->instance_ids("spot"), (std::vector<std::string>{"i-1", "i-2"}));
  EXPECT_EQ(r->instance_ids("on-demand"), (std::vector<std::string>{"i-3"}));
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].lifecycle, "spot");
  EXPECT_EQ(r->errors[0].instance_type, "m7i.large");
  EXPECT_EQ(r->errors[0].subnet_id, "subnet-a");
  EXPECT_EQ(r->errors[0].code, "InsufficientInstanceCapacity");
  EXPECT_EQ(r->errors[0].message, "no m7i");
}

TEST(Ec2Fleet, EmptyFleetAndGarbage) {
  auto r = parse_create_fleet("<CreateFleetResponse><fleetId>fleet-2</fleetId></CreateFleetResponse>");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->instances.empty());
  EXPECT_TRUE(r->errors.empty());
  EXPECT_EQ(parse_create_fleet("<html>").error().code, "InvalidReply");
}

TEST(Ec2Fleet, CreateLaunchTemplateReply) {
  auto t = parse_create_launch_template(R"(<CreateLaunchTemplateResponse><launchTemplate>
    <launchTemplateId>lt-0abc</launchTemplateId><launchTemplateName>spawn-x</launchTemplateName>
    <latestVersionNumber>1</latestVersionNumber></launchTemplate></CreateLaunchTemplateResponse>)");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->id, "lt-0abc");
  EXPECT_EQ(t->name, "spawn-x");
  EXPECT_EQ(t->version, "1");
  EXPECT_EQ(parse_create_launch_template("<CreateLaunchTemplateResponse/>").error().code, "InvalidReply");
}
