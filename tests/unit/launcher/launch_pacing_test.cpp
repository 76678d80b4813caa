#include "spawn/launcher/launch_pacing.hpp"

#include <gtest/gtest.h>

namespace spawn::launcher {
namespace {

TEST(LaunchPacing, AtMostTheBucketPerCall) {
  EXPECT_EQ(launch_chunks(1), std::vector<int>{1});
  EXPECT_EQ(launch_chunks(500), std::vector<int>{500});
  EXPECT_EQ(launch_chunks(1000), std::vector<int>{1000});
  EXPECT_EQ(launch_chunks(1001), (std::vector<int>{1000, 1}));
  EXPECT_EQ(launch_chunks(5000), (std::vector<int>{1000, 1000, 1000, 1000, 1000}));
  EXPECT_EQ(launch_chunks(2500), (std::vector<int>{1000, 1000, 500}));
}

TEST(LaunchPacing, WaitsForTheRefillOfTheNextCall) {
  EXPECT_EQ(refill_wait(1000), std::chrono::seconds(501));  // 2 instances a second
  EXPECT_EQ(refill_wait(200), std::chrono::seconds(101));
  EXPECT_EQ(refill_wait(1), std::chrono::seconds(2));
}

}  // namespace
}  // namespace spawn::launcher

// Terminations in calls of at most 1,000 against a scripted EC2, paced by the bucket's refill.
#include "../support/scripted_transport.hpp"
#include "../support/static_credentials.hpp"
#include "spawn/util/url.hpp"

namespace spawn::launcher {
namespace {

std::string terminate_reply(size_t n) {
  std::string items;
  for (size_t i = 0; i < n; ++i)
    items += "<item><instanceId>i-x</instanceId><currentState><name>shutting-down</name></currentState>"
             "<previousState><name>running</name></previousState></item>";
  return "<TerminateInstancesResponse><instancesSet>" + items + "</instancesSet></TerminateInstancesResponse>";
}

struct ScriptedEc2 {
  std::shared_ptr<test::ScriptedTransport> transport = std::make_shared<test::ScriptedTransport>();
  aws::ec2::Client ec2{std::make_shared<aws::ServiceClient>(
      aws::services::ec2, "http://127.0.0.1:1", "us-east-1", std::make_shared<test::StaticCredentials>(), transport,
      std::make_shared<aws::http::Retrier>(aws::http::RetryPolicy{1, {}, {}}, std::make_shared<aws::http::RetryQuota>(),
                                           [](std::chrono::milliseconds) {}))};
  // The number of InstanceId.N of each request.
  std::vector<int> named() const {
    std::vector<int> out;
    for (const auto& r : transport->requests()) {
      const std::string body = util::percent_decode(r.body, true);
      int n = 0;
      for (size_t at = body.find("InstanceId."); at != std::string::npos; at = body.find("InstanceId.", at + 1)) ++n;
      out.push_back(n);
    }
    return out;
  }
};

std::vector<std::string> ids(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("i-" + std::to_string(100000 + i));
  return out;
}

TEST(TerminateInBatches, AtMostTheBucketPerCallEachAfterItsRefill) {
  ScriptedEc2 s;
  s.transport->reply(200, terminate_reply(1000)).reply(200, terminate_reply(1000)).reply(200, terminate_reply(500));
  std::vector<std::string> said;
  std::vector<std::chrono::milliseconds> waited;
  auto r = terminate_in_batches(s.ec2, ids(2500), [&](const std::string& l) { said.push_back(l); },
                                [&](std::chrono::milliseconds d) { waited.push_back(d); });
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->size(), 2500u);
  EXPECT_EQ(s.named(), (std::vector<int>{1000, 1000, 500}));
  EXPECT_EQ(waited, (std::vector<std::chrono::milliseconds>{std::chrono::seconds(51), std::chrono::seconds(26)}));
  ASSERT_EQ(said.size(), 2u);
  EXPECT_EQ(said[1], "EC2 terminates at most 1000 instances at once, then 20 a second: terminating 500 more in 26 s "
                     "(2000 of 2500 done)");
}

TEST(TerminateInBatches, FewInstancesAreOneCallWithoutWaiting) {
  ScriptedEc2 s;
  s.transport->reply(200, terminate_reply(3));
  bool waited = false;
  auto r = terminate_in_batches(s.ec2, ids(3), {}, [&](std::chrono::milliseconds) { waited = true; });
  ASSERT_TRUE(r);
  EXPECT_EQ(s.named(), std::vector<int>{3});
  EXPECT_FALSE(waited);
}

TEST(TerminateInBatches, AFailureSaysHowManyWereTerminatedBefore) {
  ScriptedEc2 s;
  s.transport->reply(200, terminate_reply(1000))
      .reply(400, "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message></Error></Errors>"
                  "<RequestID>req-2</RequestID></Response>");
  auto r = terminate_in_batches(s.ec2, ids(1500), {}, [](std::chrono::milliseconds) {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "UnauthorizedOperation");
  EXPECT_NE(r.error().message.find("after 1000 of the 1500 instances were terminated"), std::string::npos);
}

}  // namespace
}  // namespace spawn::launcher
