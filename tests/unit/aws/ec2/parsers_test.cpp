#include "spawn/aws/ec2/parsers.hpp"

#include <gtest/gtest.h>

using namespace spawn::aws::ec2;

namespace {
const char* k_describe = R"(<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
  <reservationSet>
    <item><reservationId>r-1</reservationId><instancesSet>
      <item><instanceId>i-0aaa</instanceId><imageId>ami-1</imageId><instanceState><code>16</code><name>running</name></instanceState>
        <instanceType>m7i.large</instanceType><launchTime>2026-11-27T10:00:00.000Z</launchTime>
        <placement><availabilityZone>us-east-1a</availabilityZone></placement><amiLaunchIndex>0</amiLaunchIndex>
        <instanceLifecycle>spot</instanceLifecycle><spotInstanceRequestId>sir-1</spotInstanceRequestId>
        <tagSet><item><key>Name</key><value>a &amp; b</value></item><item><key>spawn:managed</key><value>true</value></item></tagSet>
      </item>
    </instancesSet></item>
    <item><reservationId>r-2</reservationId><instancesSet>
      <item><instanceId>i-0bbb</instanceId><instanceState><name>pending</name></instanceState><instanceType>t3.micro</instanceType></item>
    </instancesSet></item>
  </reservationSet>
  <nextToken>tok2</nextToken>
</DescribeInstancesResponse>)";
}  // namespace

TEST(Ec2Parsers, DescribeInstancesAllReservationsAndToken) {
  auto page = parse_describe_instances(k_describe);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->instances.size(), 2u);
  const auto& a = page->instances[0];
  EXPECT_EQ(a.instance_id, "i-0aaa");
  EXPECT_EQ(a.state, "running");
  EXPECT_EQ(a.availability_zone, "us-east-1a");
  EXPECT_EQ(a.lifecycle, "spot");
  EXPECT_TRUE(a.spot());
  EXPECT_EQ(a.tags.at("Name"), "a & b");
  EXPECT_EQ(page->instances[1].lifecycle, "on-demand");
  EXPECT_FALSE(page->instances[1].spot());
  EXPECT_EQ(page->next_token, "tok2");
}

TEST(Ec2Parsers, DescribeInstancesInPlaceReadsTheSame) {
  std::string xml = k_describe;
  auto copied = parse_describe_instances(xml);
  auto in_place = parse_describe_instances_in_place(xml);
  ASSERT_TRUE(copied);
  ASSERT_TRUE(in_place);
  ASSERT_EQ(in_place->instances.size(), copied->instances.size());
  for (size_t i = 0; i < copied->instances.size(); ++i) {
    EXPECT_EQ(in_place->instances[i].instance_id, copied->instances[i].instance_id);
    EXPECT_EQ(in_place->instances[i].tags, copied->instances[i].tags);  // "a &amp; b" unescaped in place
  }
  EXPECT_EQ(in_place->next_token, "tok2");
  std::string garbage = "not xml <";
  EXPECT_EQ(parse_describe_instances_in_place(garbage).error().code, "InvalidReply");
  // A truncated last tag is an error in place too (it once passed: found by fuzz/ec2_parsers).
  using namespace std::string_literals;
  std::string truncated = "<DescribeInstancesResponse></DescribeInstancesResponse\0>"s;
  EXPECT_FALSE(parse_describe_instances(truncated));
  EXPECT_FALSE(parse_describe_instances_in_place(truncated));
}

TEST(Ec2Parsers, RunInstancesSortedByLaunchIndex) {
  auto r = parse_run_instances(R"(<RunInstancesResponse><reservationId>r-9</reservationId><instancesSet>
    <item><instanceId>i-2</instanceId><amiLaunchIndex>1</amiLaunchIndex></item>
    <item><instanceId>i-1</instanceId><amiLaunchIndex>0</amiLaunchIndex></item></instancesSet></RunInstancesResponse>)");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reservation_id, "r-9");
  EXPECT_EQ(r->instances[0].instance_id, "i-1");
}

TEST(Ec2Parsers, GarbageIsInvalidReply) {
  EXPECT_EQ(parse_describe_instances("not xml <").error().code, "InvalidReply");
  EXPECT_EQ(parse_describe_instances("<Other/>").error().code, "InvalidReply");
  EXPECT_EQ(parse_terminate_instances("").error().code, "InvalidReply");
}

TEST(Ec2Parsers, InstanceTypes) {
  auto r = parse_describe_instance_types(R"(<DescribeInstanceTypesResponse><instanceTypeSet><item>
    <instanceType>c7g.large</instanceType><processorInfo><supportedArchitectures><item>arm64</item></supportedArchitectures></processorInfo>
    <vCpuInfo><defaultVCpus>2</defaultVCpus></vCpuInfo><memoryInfo><sizeInMiB>4096</sizeInMiB></memoryInfo>
    <hibernationSupported>true</hibernationSupported></item></instanceTypeSet></DescribeInstanceTypesResponse>)");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->first.size(), 1u);
  EXPECT_EQ(r->first[0].architectures, std::vector<std::string>{"arm64"});
  EXPECT_EQ(r->first[0].memory_mib, 4096);
  EXPECT_TRUE(r->first[0].hibernation_supported);
  EXPECT_EQ(r->second, "");
}

TEST(Ec2Parsers, SpotInstanceRequestsWithTypeStateAndTags) {
  const char* xml = R"(<DescribeSpotInstanceRequestsResponse><requestId>r</requestId><spotInstanceRequestSet>
    <item><spotInstanceRequestId>sir-1</spotInstanceRequestId><type>persistent</type><state>active</state>
      <instanceId>i-1</instanceId><validUntil>2026-12-03T18:00:00.000Z</validUntil>
      <tagSet><item><key>spawn:launch-id</key><value>L1</value></item></tagSet></item>
    <item><spotInstanceRequestId>sir-2</spotInstanceRequestId><type>one-time</type><state>closed</state></item>
  </spotInstanceRequestSet><nextToken>n2</nextToken></DescribeSpotInstanceRequestsResponse>)";
  auto page = parse_describe_spot_instance_requests(xml);
  ASSERT_TRUE(page) << page.error().describe();
  ASSERT_EQ(page->first.size(), 2u);
  EXPECT_EQ(page->first[0].request_id, "sir-1");
  EXPECT_EQ(page->first[0].instance_id, "i-1");
  EXPECT_EQ(page->first[0].tags.at("spawn:launch-id"), "L1");
  EXPECT_TRUE(page->first[0].can_launch_again());
  EXPECT_FALSE(page->first[1].can_launch_again());
  EXPECT_EQ(page->second, "n2");
}

TEST(Ec2Parsers, StopAndStartAnswerStateChanges) {
  auto stop = parse_state_changes(R"(<StopInstancesResponse><instancesSet><item><instanceId>i-1</instanceId>
    <currentState><code>64</code><name>stopping</name></currentState><previousState><code>16</code><name>running</name>
    </previousState></item></instancesSet></StopInstancesResponse>)", "StopInstancesResponse");
  ASSERT_TRUE(stop);
  ASSERT_EQ(stop->size(), 1u);
  EXPECT_EQ((*stop)[0].instance_id, "i-1");
  EXPECT_EQ((*stop)[0].previous_state, "running");
  EXPECT_EQ((*stop)[0].current_state, "stopping");
  EXPECT_FALSE(parse_state_changes("<TerminateInstancesResponse/>", "StopInstancesResponse"));
}
