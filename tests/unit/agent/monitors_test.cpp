// Each monitor checks once, through the real IMDS client, against a scripted transport.
#include "spawn/agent/monitors.hpp"

#include <gtest/gtest.h>

#include "../support/scripted_transport.hpp"

namespace spawn::agent {
namespace {

using namespace std::chrono_literals;
using test::ScriptedTransport;

const aws::http::Headers k_ttl = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};

class MonitorTest : public ::testing::Test {
 protected:
  MonitorTest()
      : transport(std::make_shared<ScriptedTransport>()),
        imds(std::make_shared<aws::imds::Client>(transport, aws::imds::Options{.endpoint = "http://169.254.169.254"},
                                                 aws::imds::Clock{}, [](std::chrono::milliseconds) {})) {
    transport->reply(200, "token-1", k_ttl);
  }
  ~MonitorTest() override { EXPECT_EQ(transport->pending(), 0u); }

  std::shared_ptr<ScriptedTransport> transport;
  std::shared_ptr<aws::imds::Client> imds;
};

TEST_F(MonitorTest, NoNoticeIsNothing) {
  transport->reply(404, "<html>404 - Not Found</html>");
  auto monitor = make_spot_notice_monitor(imds);
  auto r = monitor->check_once();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_FALSE(*r);
  EXPECT_EQ(monitor->name(), "spot/instance-action");
  auto requests = transport->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].url, "http://169.254.169.254/latest/meta-data/spot/instance-action");
  EXPECT_EQ(requests[1].timeout, 1000ms);
}

TEST_F(MonitorTest, ANoticeIsOneEvent) {
  transport->reply(200, R"({"action":"stop","time":"2026-11-27T10:02:00Z"})", k_ttl);
  auto r = make_spot_notice_monitor(imds)->check_once();
  ASSERT_TRUE(r);
  ASSERT_TRUE(*r);
  EXPECT_EQ((*r)->kind, EventKind::interruption);
  EXPECT_EQ((*r)->action, "stop");
}

TEST_F(MonitorTest, AMalformedNoticeIsAnErrorNotAnEvent) {
  transport->reply(200, R"({"action": "terminate", "time": "2026-11)", k_ttl);
  auto r = make_spot_notice_monitor(imds)->check_once();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidReply");
}

TEST_F(MonitorTest, ServiceErrorsAreErrorsAfterTheClientRetries) {
  transport->reply(503).reply(503).reply(503);
  auto r = make_spot_notice_monitor(imds)->check_once();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 503);
}

TEST_F(MonitorTest, ATimeoutIsAnError) {
  transport->fail("RequestTimeout", "timed out").fail("RequestTimeout", "timed out").fail("RequestTimeout", "timed out");
  auto r = make_rebalance_monitor(imds)->check_once();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "RequestTimeout");
}

TEST_F(MonitorTest, Rebalance) {
  transport->reply(200, R"({"noticeTime": "2026-11-27T09:58:00Z"})", k_ttl);
  auto monitor = make_rebalance_monitor(imds);
  EXPECT_EQ(monitor->name(), "events/recommendations/rebalance");
  auto r = monitor->check_once();
  ASSERT_TRUE(r);
  ASSERT_TRUE(*r);
  EXPECT_EQ((*r)->kind, EventKind::rebalance);
  EXPECT_EQ(transport->requests()[1].url, "http://169.254.169.254/latest/meta-data/events/recommendations/rebalance");
}

TEST(TtlMonitor, StagesFollowTheInjectedClock) {
  auto deadline = *util::parse_rfc3339("2026-11-27T18:00:00Z");
  util::SystemTime now = deadline - 10min;
  auto monitor = make_ttl_monitor(deadline, [&] { return now; });
  EXPECT_FALSE(*monitor->check_once());
  now = deadline - 5min;
  auto warning = monitor->check_once();
  ASSERT_TRUE(*warning);
  EXPECT_EQ((*warning)->kind, EventKind::ttl_warning);
  EXPECT_EQ((*warning)->time_text, "2026-11-27T18:00:00Z");
  now = deadline;
  EXPECT_EQ((**monitor->check_once()).kind, EventKind::ttl_deadline);
  now = deadline + 1h;
  EXPECT_EQ((**monitor->check_once()).kind, EventKind::ttl_deadline);
}

}  // namespace
}  // namespace spawn::agent
