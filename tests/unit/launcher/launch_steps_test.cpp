#include "spawn/launcher/launch_steps.hpp"

#include <gtest/gtest.h>

#include "../support/scripted_transport.hpp"
#include "spawn/util/url.hpp"

using namespace spawn;
using namespace spawn::launcher;

namespace {

class TestCredentials final : public aws::auth::CredentialsProvider {
 public:
  aws::Result<aws::auth::Credentials> get() override { return aws::auth::Credentials{"AKID", "secret", "", {}, "test"}; }
};

std::string ec2_error(const std::string& code) {
  return "<Response><Errors><Error><Code>" + code + "</Code><Message>m</Message></Error></Errors><RequestID>r</RequestID></Response>";
}

const char* k_two_instances = R"(<DescribeInstancesResponse><reservationSet><item><instancesSet>
  <item><instanceId>i-1</instanceId></item><item><instanceId>i-2</instanceId></item>
  </instancesSet></item></reservationSet></DescribeInstancesResponse>)";
const char* k_terminated = "<TerminateInstancesResponse><instancesSet/></TerminateInstancesResponse>";
const char* k_no_requests = "<DescribeSpotInstanceRequestsResponse><spotInstanceRequestSet/></DescribeSpotInstanceRequestsResponse>";
const char* k_one_request = R"(<DescribeSpotInstanceRequestsResponse><spotInstanceRequestSet><item>
  <spotInstanceRequestId>sir-9</spotInstanceRequestId><type>persistent</type><state>open</state>
  </item></spotInstanceRequestSet></DescribeSpotInstanceRequestsResponse>)";
const char* k_no_instances = "<DescribeInstancesResponse><reservationSet/></DescribeInstancesResponse>";
const char* k_cancelled = "<CancelSpotInstanceRequestsResponse/>";

struct Fixture {
  std::shared_ptr<test::ScriptedTransport> transport = std::make_shared<test::ScriptedTransport>();
  aws::ec2::Client ec2{std::make_shared<aws::ServiceClient>(
      aws::services::ec2, "http://127.0.0.1:1", "us-east-1", std::make_shared<TestCredentials>(), transport,
      std::make_shared<aws::http::Retrier>(aws::http::RetryPolicy{1, {}, {}}, std::make_shared<aws::http::RetryQuota>(),
                                           [](std::chrono::milliseconds) {}))};
  std::vector<std::string> warnings;
  std::vector<std::chrono::milliseconds> waits;
  LaunchContext ctx{ec2, [](const std::string&) {}, [this](const std::string& line) { warnings.push_back(line); },
                    [this](std::chrono::milliseconds d) { waits.push_back(d); }};

  std::string body(size_t i) const { return util::percent_decode(transport->requests().at(i).body, true); }
};

}  // namespace

TEST(LaunchSteps, OutcomeUnknownOnlyWithoutADefiniteAnswer) {
  EXPECT_TRUE(outcome_unknown(aws::Error{0, "NetworkError", "", ""}));
  EXPECT_TRUE(outcome_unknown(aws::Error{0, "RequestTimeout", "", ""}));
  EXPECT_TRUE(outcome_unknown(aws::Error{500, "InternalError", "", ""}));
  EXPECT_TRUE(outcome_unknown(aws::Error{503, "RequestLimitExceeded", "", ""}))
      << "the last attempt was not applied, but an earlier one may have been, its reply lost";
  EXPECT_FALSE(outcome_unknown(aws::Error{500, "InsufficientInstanceCapacity", "", ""}));
  EXPECT_FALSE(outcome_unknown(aws::Error{400, "InvalidParameterValue", "", ""}));
}

// The sweep reads three times (a new instance may not be listed at once) and acts on all it saw:
// here the second instance and the open persistent request show up only at the second read.
TEST(LaunchSteps, SweepReadsAgainThenCancelsRequestsAndTerminatesInstances) {
  Fixture f;
  const char* first = R"(<DescribeInstancesResponse><reservationSet><item><instancesSet>
    <item><instanceId>i-1</instanceId></item></instancesSet></item></reservationSet></DescribeInstancesResponse>)";
  f.transport->reply(200, k_no_requests).reply(200, first)
      .reply(200, k_one_request).reply(200, k_two_instances)
      .reply(200, k_one_request).reply(200, k_two_instances)
      .reply(200, k_cancelled).reply(200, k_terminated);
  auto e = sweep_launch(f.ctx, "launch-7", aws::Error{0, "NetworkError", "no reply", ""});
  ASSERT_EQ(f.transport->requests().size(), 8u);
  EXPECT_NE(f.body(0).find("Action=DescribeSpotInstanceRequests"), std::string::npos);
  EXPECT_NE(f.body(0).find("Filter.1.Name=tag:spawn:launch-id&Filter.1.Value.1=launch-7"), std::string::npos);
  EXPECT_NE(f.body(1).find("Action=DescribeInstances"), std::string::npos);
  EXPECT_NE(f.body(1).find("Filter.1.Name=tag:spawn:launch-id&Filter.1.Value.1=launch-7"), std::string::npos);
  EXPECT_NE(f.body(6).find("Action=CancelSpotInstanceRequests"), std::string::npos);
  EXPECT_NE(f.body(6).find("SpotInstanceRequestId.1=sir-9"), std::string::npos);
  EXPECT_NE(f.body(7).find("Action=TerminateInstances"), std::string::npos);
  EXPECT_NE(f.body(7).find("InstanceId.1=i-1&InstanceId.2=i-2"), std::string::npos);
  EXPECT_EQ(e.code, "NetworkError");
  EXPECT_NE(e.message.find("terminated the 2 instance(s) launched: i-1 i-2"), std::string::npos);
  EXPECT_NE(e.message.find("cancelled the spot request(s) sir-9"), std::string::npos);
  EXPECT_EQ(f.waits.size(), 2u) << "three reads, two waits";
  EXPECT_FALSE(f.warnings.empty());
}

TEST(LaunchSteps, SweepThatCannotLookSaysWhereToLook) {
  Fixture f;
  f.transport->otherwise_fail();
  for (int i = 0; i < 6; ++i) f.transport->reply(403, ec2_error("UnauthorizedOperation"));
  auto e = sweep_launch(f.ctx, "launch-8", aws::Error{0, "NetworkError", "no reply", ""});
  EXPECT_NE(e.message.find("look for the tag spawn:launch-id=launch-8"), std::string::npos);
}

TEST(LaunchSteps, RollBackCancelsPersistentRequestsBeforeTerminating) {
  Fixture f;
  f.transport->reply(200, k_cancelled).reply(200, k_terminated);
  auto e = roll_back(f.ctx, {"i-1"}, aws::Error{0, "PartialLaunch", "short", ""}, {"sir-1"});
  ASSERT_EQ(f.transport->requests().size(), 2u);
  EXPECT_NE(f.body(0).find("Action=CancelSpotInstanceRequests"), std::string::npos);
  EXPECT_NE(f.body(1).find("Action=TerminateInstances"), std::string::npos);
  EXPECT_NE(e.message.find("cancelled the spot request(s) sir-1"), std::string::npos);
}

TEST(LaunchSteps, RollBackTerminatesEvenWhenCancellingFailsAndSaysSo) {
  Fixture f;
  f.transport->reply(403, ec2_error("UnauthorizedOperation")).reply(200, k_terminated);
  auto e = roll_back(f.ctx, {"i-1"}, aws::Error{0, "PartialLaunch", "short", ""}, {"sir-1"});
  ASSERT_EQ(f.transport->requests().size(), 2u);
  EXPECT_NE(f.body(1).find("Action=TerminateInstances"), std::string::npos);
  EXPECT_NE(e.message.find("cancel these by hand or EC2 may launch new instances for them: sir-1"), std::string::npos);
}

TEST(LaunchSteps, ResendStopsAtTheFirstAnswer) {
  int sends = 0;
  std::vector<std::chrono::milliseconds> waits;
  std::vector<std::string> said;
  auto send = [&]() -> aws::Result<int> {
    ++sends;
    if (sends < 2) return unexpected(aws::Error{0, "NetworkError", "no reply", ""});
    return 42;
  };
  auto r = resend<int>(send, unexpected(aws::Error{0, "NetworkError", "no reply", ""}),
                       [&](const std::string& s) { said.push_back(s); },
                       [&](std::chrono::milliseconds d) { waits.push_back(d); });
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(sends, 2);
  EXPECT_EQ(waits.size(), 2u);
  EXPECT_EQ(said.size(), 1u);
}

TEST(LaunchSteps, ResendGivesUpAfterItsWaitsAndLeavesDefiniteErrorsAlone) {
  int sends = 0;
  auto unanswered = [&]() -> aws::Result<int> {
    ++sends;
    return unexpected(aws::Error{0, "NetworkError", "no reply", ""});
  };
  auto r = resend<int>(unanswered, unexpected(aws::Error{0, "NetworkError", "", ""}), {}, [](auto) {});
  ASSERT_FALSE(r);
  EXPECT_EQ(sends, static_cast<int>(k_resend_waits.size()));
  sends = 0;
  auto definite = resend<int>(unanswered, unexpected(aws::Error{400, "InvalidParameterValue", "", ""}), {}, [](auto) {});
  EXPECT_EQ(sends, 0) << "a definite answer is not sent again";
}

TEST(LaunchSteps, RollBackThatFailsNamesTheInstances) {
  Fixture f;
  f.transport->reply(403, ec2_error("UnauthorizedOperation"));
  auto e = roll_back(f.ctx, {"i-1", "i-2"}, aws::Error{0, "PartialLaunch", "short", ""});
  EXPECT_EQ(e.code, "PartialLaunch");
  EXPECT_NE(e.message.find("terminate these by hand: i-1 i-2"), std::string::npos);
  Fixture nothing;
  EXPECT_EQ(roll_back(nothing.ctx, {}, aws::Error{0, "X", "m", ""}).message, "m");
  EXPECT_TRUE(nothing.transport->requests().empty());
}

TEST(LaunchSteps, TagEachRetriesAnInstanceNotYetVisible) {
  Fixture f;
  f.transport->reply(400, ec2_error("InvalidInstanceID.NotFound")).reply(200, "<CreateTagsResponse/>");
  auto r = tag_each(f.ctx, {{"i-1", {{"spawn:spot", "true"}}}, {"i-2", {}}});
  EXPECT_TRUE(r) << r.error().describe();
  ASSERT_EQ(f.transport->requests().size(), 2u) << "one retry; no call for a member without tags";
  EXPECT_EQ(f.body(0), f.body(1));
}

TEST(LaunchSteps, TagEachReturnsOtherErrors) {
  Fixture f;
  f.transport->reply(403, ec2_error("UnauthorizedOperation"));
  auto r = tag_each(f.ctx, {{"i-1", {{"k", "v"}}}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "UnauthorizedOperation");
}

TEST(LaunchSteps, TagEachTagsAThrottledMemberAgainAlone) {
  Fixture f;  // no retries in the client: the throttled call fails at once
  f.transport->reply(503, ec2_error("RequestLimitExceeded")).reply(200, "<CreateTagsResponse/>");
  auto r = tag_each(f.ctx, {{"i-1", {{"spawn:job-array-index", "0"}}}});
  EXPECT_TRUE(r) << r.error().describe();
  ASSERT_EQ(f.transport->requests().size(), 2u);
  EXPECT_EQ(f.body(0), f.body(1));
}

TEST(LaunchSteps, TagEachGivesUpWhenTheSecondTryIsThrottledToo) {
  Fixture f;
  f.transport->reply(503, ec2_error("RequestLimitExceeded")).reply(503, ec2_error("RequestLimitExceeded"));
  auto r = tag_each(f.ctx, {{"i-1", {{"k", "v"}}}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "RequestLimitExceeded");
  EXPECT_EQ(f.transport->requests().size(), 2u);
}

TEST(LaunchSteps, DescribeNewKeepsTheOrderAsked) {
  Fixture f;
  f.transport->reply(400, ec2_error("InvalidInstanceID.NotFound")).reply(200, k_two_instances);
  auto r = describe_new(f.ctx, {"i-2", "i-1"});
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].instance_id, "i-2");
  EXPECT_EQ((*r)[1].instance_id, "i-1");
}
