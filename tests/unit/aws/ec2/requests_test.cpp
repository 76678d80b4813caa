#include "spawn/aws/ec2/requests.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace spawn::aws::ec2;

namespace {
std::map<std::string, std::string> as_map(const Params& p) { return {p.begin(), p.end()}; }
}  // namespace

TEST(Ec2Requests, RunInstancesOnDemandRequiresImdsV2AndTagsBoth) {
  RunInstancesInput in;
  in.image_id = "ami-12345678";
  in.instance_type = "m7i.large";
  in.count = 4;
  in.client_token = "tok-1";
  in.tags = {{"Name", "x"}, {"spawn:managed", "true"}};
  auto p = as_map(run_instances_params(in));
  EXPECT_EQ(p["MinCount"], "4");
  EXPECT_EQ(p["MaxCount"], "4");
  EXPECT_EQ(p["ClientToken"], "tok-1");
  EXPECT_EQ(p["MetadataOptions.HttpTokens"], "required");
  EXPECT_EQ(p["MetadataOptions.HttpPutResponseHopLimit"], "2");
  EXPECT_EQ(p["MetadataOptions.InstanceMetadataTags"], "enabled");
  EXPECT_EQ(p["TagSpecification.1.ResourceType"], "instance");
  EXPECT_EQ(p["TagSpecification.2.ResourceType"], "volume");
  EXPECT_EQ(p["TagSpecification.1.Tag.1.Key"], "Name");
  EXPECT_EQ(p["TagSpecification.1.Tag.2.Value"], "true");
  EXPECT_EQ(p.count("InstanceMarketOptions.MarketType"), 0u);
  EXPECT_EQ(p.count("DryRun"), 0u);
}

TEST(Ec2Requests, RunInstancesSpotSendsMaxPriceOnlyWhenGiven) {
  RunInstancesInput in;
  in.image_id = "ami-12345678";
  in.instance_type = "m7i.large";
  in.spot = RunInstancesInput::Spot{};
  auto p = as_map(run_instances_params(in));
  EXPECT_EQ(p["InstanceMarketOptions.MarketType"], "spot");
  EXPECT_EQ(p["InstanceMarketOptions.SpotOptions.SpotInstanceType"], "one-time");
  EXPECT_EQ(p["InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior"], "terminate");
  EXPECT_EQ(p.count("InstanceMarketOptions.SpotOptions.MaxPrice"), 0u);
  in.spot->max_price = "0.05";
  EXPECT_EQ(as_map(run_instances_params(in))["InstanceMarketOptions.SpotOptions.MaxPrice"], "0.05");
}

TEST(Ec2Requests, FiltersAndLists) {
  Params p;
  append_filters(p, {{"tag:spawn:managed", {"true"}}, {"instance-state-name", {"running", "pending"}}});
  append_list(p, "InstanceId", {"i-1", "i-2"});
  auto m = as_map(p);
  EXPECT_EQ(m["Filter.1.Name"], "tag:spawn:managed");
  EXPECT_EQ(m["Filter.1.Value.1"], "true");
  EXPECT_EQ(m["Filter.2.Value.2"], "pending");
  EXPECT_EQ(m["InstanceId.2"], "i-2");
}

TEST(Ec2Requests, IamProfileByNameOrArn) {
  RunInstancesInput in;
  in.iam_instance_profile = "spawn-spored";
  EXPECT_EQ(as_map(run_instances_params(in))["IamInstanceProfile.Name"], "spawn-spored");
  in.iam_instance_profile = "arn:aws:iam::123456789012:instance-profile/x";
  EXPECT_EQ(as_map(run_instances_params(in)).count("IamInstanceProfile.Arn"), 1u);
}

TEST(Ec2Requests, RunInstancesShutdownBehaviourOnlyWhenSet) {
  RunInstancesInput in;
  in.image_id = "ami-12345678";
  in.instance_type = "m7i.large";
  EXPECT_EQ(as_map(run_instances_params(in)).count("InstanceInitiatedShutdownBehavior"), 0u);
  in.shutdown_behavior = "terminate";
  EXPECT_EQ(as_map(run_instances_params(in))["InstanceInitiatedShutdownBehavior"], "terminate");
}

TEST(Ec2Requests, PersistentSpotRequestEndsAndIsTaggedAfterTheInstanceSpecifications) {
  RunInstancesInput in;
  in.image_id = "ami-12345678";
  in.instance_type = "m7i.large";
  in.tags = {{"spawn:managed", "true"}};
  in.spot = RunInstancesInput::Spot{};
  in.spot->request_type = "persistent";
  in.spot->interruption_behavior = "hibernate";
  in.spot->valid_until = "2026-12-03T18:00:00Z";
  in.spot->request_tags = {{"spawn:launch-id", "L1"}};
  auto p = as_map(run_instances_params(in));
  EXPECT_EQ(p["InstanceMarketOptions.SpotOptions.SpotInstanceType"], "persistent");
  EXPECT_EQ(p["InstanceMarketOptions.SpotOptions.ValidUntil"], "2026-12-03T18:00:00Z");
  EXPECT_EQ(p["TagSpecification.1.ResourceType"], "instance");
  EXPECT_EQ(p["TagSpecification.2.ResourceType"], "volume");
  EXPECT_EQ(p["TagSpecification.3.ResourceType"], "spot-instances-request");
  EXPECT_EQ(p["TagSpecification.3.Tag.1.Key"], "spawn:launch-id");
  EXPECT_EQ(p["TagSpecification.3.Tag.1.Value"], "L1");
}

TEST(Ec2Requests, DescribeSpotInstanceRequestsByIdOrFilter) {
  auto p = as_map(describe_spot_instance_requests_params({"sir-1", "sir-2"}, {{"state", {"open", "active"}}}));
  EXPECT_EQ(p["SpotInstanceRequestId.1"], "sir-1");
  EXPECT_EQ(p["SpotInstanceRequestId.2"], "sir-2");
  EXPECT_EQ(p["Filter.1.Name"], "state");
  EXPECT_EQ(p["Filter.1.Value.2"], "active");
}
