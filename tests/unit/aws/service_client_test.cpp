#include "spawn/aws/service_client.hpp"

#include <gtest/gtest.h>

#include "spawn/aws/ec2/client.hpp"
#include "../support/scripted_transport.hpp"
#include "../support/static_credentials.hpp"

using namespace spawn::aws;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  std::shared_ptr<spawn::test::ScriptedTransport> transport = std::make_shared<spawn::test::ScriptedTransport>();
  std::vector<std::chrono::milliseconds> sleeps;
  std::shared_ptr<ServiceClient> client(const std::string& endpoint = "http://127.0.0.1:4566") {
    auto retrier = std::make_shared<http::Retrier>(
        http::RetryPolicy{3, 1000ms, 20000ms}, std::make_shared<http::RetryQuota>(),
        [this](std::chrono::milliseconds d) { sleeps.push_back(d); }, [] { return 0.5; });
    return std::make_shared<ServiceClient>(services::ec2, endpoint, "us-east-1", std::make_shared<spawn::test::StaticCredentials>("token-1"),
                                           transport, retrier, [] { return std::chrono::system_clock::time_point(1700000000s); });
  }
};

const char* k_capacity = "<Response><Errors><Error><Code>InsufficientInstanceCapacity</Code><Message>none</Message></Error></Errors><RequestID>req-1</RequestID></Response>";
const char* k_throttled = "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>req-2</RequestID></Response>";

}  // namespace

TEST(ServiceClient, SignsAndPostsTheEc2Form) {
  Fixture f;
  f.transport->reply(200, "<TerminateInstancesResponse><instancesSet/></TerminateInstancesResponse>");
  ec2::Client ec2(f.client("http://127.0.0.1:4566/base"));
  ASSERT_TRUE(ec2.terminate_instances({"i-0abc"}));
  const auto requests = f.transport->requests();  // a copy: keep it alive while r refers into it
  const auto& r = requests.at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:4566/base");
  EXPECT_EQ(r.body, "Action=TerminateInstances&Version=2016-11-15&InstanceId.1=i-0abc");
  std::string auth;
  bool token = false;
  for (const auto& [k, v] : r.headers) {
    if (k == "Authorization") auth = v;
    if (k == "X-Amz-Security-Token") token = v == "token-1";
  }
  EXPECT_TRUE(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/ec2/aws4_request"));
  EXPECT_TRUE(token);
  for (const auto& [k, v] : r.headers) EXPECT_EQ(v.find("secret"), std::string::npos) << k;
}

TEST(ServiceClient, ThrottlingRetriedThenSucceeds) {
  Fixture f;
  f.transport->reply(503, k_throttled).reply(503, k_throttled).reply(200, "<CreateTagsResponse/>");
  ec2::Client ec2(f.client());
  ASSERT_TRUE(ec2.create_tags({"i-1"}, {{"a", "b"}}));
  ASSERT_EQ(f.transport->requests().size(), 3u);
  EXPECT_EQ(f.transport->requests()[0].body, f.transport->requests()[2].body);
  EXPECT_EQ(f.sleeps, (std::vector<std::chrono::milliseconds>{500ms, 1000ms}));
}

TEST(ServiceClient, LostReplyRetriedWithTheSameClientToken) {
  Fixture f;
  f.transport->fail("NetworkError", "Empty reply from server")
      .reply(200, "<RunInstancesResponse><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-1</instanceId></item></instancesSet></RunInstancesResponse>");
  ec2::Client ec2(f.client());
  ec2::RunInstancesInput in;
  in.image_id = "ami-12345678";
  in.instance_type = "m7i.large";
  in.client_token = "launch-token-1";
  auto r = ec2.run_instances(in);
  ASSERT_TRUE(r);
  ASSERT_EQ(f.transport->requests().size(), 2u);
  EXPECT_NE(f.transport->requests()[1].body.find("ClientToken=launch-token-1"), std::string::npos);
  EXPECT_EQ(f.transport->requests()[0].body, f.transport->requests()[1].body);
}

TEST(ServiceClient, CapacityErrorReachesTheCallerAtOnce) {
  Fixture f;
  f.transport->reply(500, k_capacity);
  ec2::Client ec2(f.client());
  auto r = ec2.run_instances(ec2::RunInstancesInput{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InsufficientInstanceCapacity");
  EXPECT_EQ(r.error().http_status, 500);
  EXPECT_EQ(r.error().request_id, "req-1");
  EXPECT_EQ(f.transport->requests().size(), 1u);
  EXPECT_TRUE(f.sleeps.empty());
}

TEST(ServiceClient, ClientErrorNotRetried) {
  Fixture f;
  f.transport->reply(400, "<Response><Errors><Error><Code>InvalidAMIID.Malformed</Code><Message>bad</Message></Error></Errors><RequestID>r</RequestID></Response>");
  ec2::Client ec2(f.client());
  auto r = ec2.describe_instances({});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidAMIID.Malformed");
  EXPECT_EQ(f.transport->requests().size(), 1u);
}

TEST(ServiceClient, DescribeInstancesFollowsEveryPage) {
  Fixture f;
  auto page = [](const std::string& id, const std::string& token) {
    return "<DescribeInstancesResponse><reservationSet><item><instancesSet><item><instanceId>" + id +
           "</instanceId></item></instancesSet></item></reservationSet>" +
           (token.empty() ? "" : "<nextToken>" + token + "</nextToken>") + "</DescribeInstancesResponse>";
  };
  f.transport->reply(200, page("i-1", "t2")).reply(200, page("i-2", "t3")).reply(200, page("i-3", ""));
  ec2::Client ec2(f.client());
  auto r = ec2.describe_instances({{"tag:spawn:managed", {"true"}}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[2].instance_id, "i-3");
  EXPECT_NE(f.transport->requests()[1].body.find("NextToken=t2"), std::string::npos);
  EXPECT_NE(f.transport->requests()[0].body.find("MaxResults=1000"), std::string::npos);
}
