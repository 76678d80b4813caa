// The IMDSv2 client against the scripted transport (tests/unit/support): each request takes the
// next scripted outcome.
// The same client against the real loopback fake: tests/integration/test_imds_client.py.
#include "spawn/aws/imds/client.hpp"

#include "../../support/scripted_transport.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace spawn::aws::imds {
namespace {

using namespace std::chrono_literals;
using http::Headers;
using http::Request;
using http::Response;

using test::ScriptedTransport;

// The reply to a token PUT.
Response token_reply(std::string value = "tok-1", std::string ttl = "21600") {
  return Response{200, {{"X-Aws-Ec2-Metadata-Token-Ttl-Seconds", std::move(ttl)}}, std::move(value)};
}

std::string header_of(const Request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (http::header_name_equal(k, name)) return v;
  return {};
}

class ImdsClientTest : public ::testing::Test {
 protected:
  ImdsClientTest()
      : transport(std::make_shared<ScriptedTransport>()),
        client(transport, Options{.endpoint = "http://169.254.169.254/"}, [this] { return now; },
               [this](std::chrono::milliseconds d) { sleeps.push_back(d); }) {}

  ~ImdsClientTest() override { EXPECT_EQ(transport->pending(), 0u) << "scripted replies left over"; }

  int puts() const {
    int n = 0;
    for (const auto& r : transport->requests()) n += r.method == "PUT";
    return n;
  }

  std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
  std::vector<std::chrono::milliseconds> sleeps;
  std::shared_ptr<ScriptedTransport> transport;
  Client client;
};

TEST_F(ImdsClientTest, TokenThenGet) {
  transport->reply(token_reply("AQAEA-token")).reply(200, "i-0123456789abcdef0");
  auto r = client.get("meta-data/instance-id");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, "i-0123456789abcdef0");

  const auto requests = transport->requests();
  ASSERT_EQ(requests.size(), 2u);
  const Request& put = requests[0];
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(header_of(put, "X-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(header_of(put, "X-Forwarded-For"), "");
  EXPECT_EQ(put.timeout, 1000ms);
  EXPECT_EQ(put.connect_timeout, 1000ms);
  const Request& get = requests[1];
  EXPECT_EQ(get.method, "GET");
  EXPECT_EQ(get.url, "http://169.254.169.254/latest/meta-data/instance-id");
  EXPECT_EQ(header_of(get, "X-aws-ec2-metadata-token"), "AQAEA-token");
  EXPECT_EQ(get.timeout, 1000ms);
}

TEST_F(ImdsClientTest, NotFoundIsNoValue) {
  transport->reply(token_reply()).reply(404, "<html>404 - Not Found</html>");
  auto r = client.get("/meta-data/spot/instance-action");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(transport->requests()[1].url, "http://169.254.169.254/latest/meta-data/spot/instance-action");
}

TEST_F(ImdsClientTest, TokenReused) {
  transport->reply(token_reply()).reply(404).reply(404).reply(200, "spot");
  EXPECT_TRUE(client.get("meta-data/spot/instance-action"));
  now += 1h;
  EXPECT_TRUE(client.get("meta-data/spot/instance-action"));
  EXPECT_TRUE(client.get("meta-data/instance-life-cycle"));
  EXPECT_EQ(puts(), 1);
}

TEST_F(ImdsClientTest, TokenRefreshedBeforeItExpires) {
  transport->reply(token_reply("t1")).reply(200, "a");
  ASSERT_TRUE(client.get("meta-data/instance-id"));
  now += 6h - 2min;  // inside the last minute... not yet
  transport->reply(200, "b");
  ASSERT_TRUE(client.get("meta-data/instance-id"));
  now += 1min + 30s;  // 30 s before expiry: a new token first
  transport->reply(token_reply("t2")).reply(200, "c");
  ASSERT_TRUE(client.get("meta-data/instance-id"));
  EXPECT_EQ(puts(), 2);
  EXPECT_EQ(header_of(transport->requests().back(), "X-aws-ec2-metadata-token"), "t2");
}

TEST_F(ImdsClientTest, RemainingTtlOfRepliesIsUsed) {
  // The service says the token has 100 s left (it was made by someone else's clock): the client
  // refreshes 25 s before that, not 6 h later.
  transport->reply(token_reply("t1")).reply(200, "a", {{"X-Aws-Ec2-Metadata-Token-Ttl-Seconds", "100"}});
  ASSERT_TRUE(client.get("meta-data/instance-id"));
  now += 70s;
  transport->reply(200, "b");
  ASSERT_TRUE(client.get("meta-data/instance-id"));
  now += 10s;
  transport->reply(token_reply("t2")).reply(200, "c");
  ASSERT_TRUE(client.get("meta-data/instance-id"));
  EXPECT_EQ(puts(), 2);
}

TEST_F(ImdsClientTest, ShortTtlGrantedIsHonoured) {
  transport->reply(token_reply("t1", "4")).reply(200, "a");
  ASSERT_TRUE(client.get("x"));
  now += 3s + 100ms;  // margin for 4 s is 1 s
  transport->reply(token_reply("t2", "4")).reply(200, "b");
  ASSERT_TRUE(client.get("x"));
  EXPECT_EQ(puts(), 2);
}

TEST_F(ImdsClientTest, UnauthorizedFetchesNewTokenOnce) {
  transport->reply(token_reply("old")).reply(401).reply(token_reply("new")).reply(200, "ok");
  auto r = client.get("meta-data/instance-id");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(**r, "ok");
  EXPECT_EQ(puts(), 2);
  EXPECT_EQ(header_of(transport->requests()[3], "X-aws-ec2-metadata-token"), "new");
  EXPECT_TRUE(sleeps.empty());
}

TEST_F(ImdsClientTest, UnauthorizedTwiceIsAnError) {
  transport->reply(token_reply("a")).reply(401).reply(token_reply("b")).reply(401);
  auto r = client.get("meta-data/instance-id");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 401);
  EXPECT_EQ(r.error().code, "Unauthorized");
  // The token is not trusted any more: the next call starts with a PUT.
  transport->reply(token_reply("c")).reply(200, "ok");
  EXPECT_TRUE(client.get("meta-data/instance-id"));
}

TEST_F(ImdsClientTest, ServerErrorsRetriedWithBackoff) {
  transport->reply(token_reply()).reply(503).reply(500).reply(200, "ok");
  auto r = client.get("meta-data/instance-id");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(**r, "ok");
  EXPECT_EQ(sleeps, (std::vector<std::chrono::milliseconds>{100ms, 200ms}));
}

TEST_F(ImdsClientTest, ServerErrorsAfterLastAttempt) {
  transport->reply(token_reply()).reply(503).reply(503).reply(503);
  auto r = client.get("meta-data/spot/instance-action");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 503);
  EXPECT_EQ(r.error().code, "ServiceUnavailable");
  EXPECT_NE(r.error().message.find("3 attempts"), std::string::npos) << r.error().message;
  EXPECT_EQ(sleeps.size(), 2u);
}

TEST_F(ImdsClientTest, ThrottlingRetried) {
  transport->reply(token_reply()).reply(429).reply(200, "ok");
  EXPECT_TRUE(client.get("meta-data/instance-id"));
  EXPECT_EQ(sleeps.size(), 1u);
}

TEST_F(ImdsClientTest, TimeoutsAndRefusalsRetried) {
  transport->fail("NetworkError").reply(token_reply()).fail("RequestTimeout").reply(200, "ok");
  auto r = client.get("meta-data/instance-id");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(sleeps.size(), 2u);
}

TEST_F(ImdsClientTest, GetTimeoutsExhausted) {
  transport->reply(token_reply()).fail("RequestTimeout").fail("RequestTimeout").fail("RequestTimeout");
  auto r = client.get("meta-data/instance-id");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "RequestTimeout");
  EXPECT_EQ(r.error().http_status, 0);
}

TEST_F(ImdsClientTest, TokenTimeoutNamesTheHopLimit) {
  transport->fail("RequestTimeout").fail("RequestTimeout").fail("RequestTimeout");
  auto r = client.get("meta-data/instance-id");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "RequestTimeout");
  EXPECT_NE(r.error().message.find("hop limit"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("container"), std::string::npos) << r.error().message;
  // No IMDSv1 fallback: without a token, no GET was ever sent.
  for (const auto& req : transport->requests()) EXPECT_EQ(req.method, "PUT");
}

TEST_F(ImdsClientTest, TokenRefusedConnection) {
  transport->fail("NetworkError").fail("NetworkError").fail("NetworkError");
  auto r = client.get("meta-data/instance-id");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "NetworkError");
  EXPECT_NE(r.error().message.find("metadata"), std::string::npos) << r.error().message;
}

TEST_F(ImdsClientTest, TokenForbiddenNotRetried) {
  transport->reply(403);
  auto r = client.get("meta-data/instance-id");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 403);
  EXPECT_EQ(r.error().code, "Forbidden");
  EXPECT_TRUE(sleeps.empty());
}

TEST_F(ImdsClientTest, TokenBadRequestNotRetried) {
  transport->reply(400);
  auto r = client.get("meta-data/instance-id");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_TRUE(sleeps.empty());
}

TEST_F(ImdsClientTest, EmptyTokenIsInvalid) {
  transport->reply(200, "");
  auto r = client.get("meta-data/instance-id");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidReply");
}

TEST_F(ImdsClientTest, OtherStatusIsInvalidReply) {
  transport->reply(token_reply()).reply(302);
  auto r = client.get("meta-data/instance-id");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 302);
  EXPECT_EQ(r.error().code, "InvalidReply");
}

TEST_F(ImdsClientTest, InvalidateTokenForcesPut) {
  transport->reply(token_reply("t1")).reply(200, "a");
  ASSERT_TRUE(client.get("x"));
  client.invalidate_token();
  transport->reply(token_reply("t2")).reply(200, "b");
  ASSERT_TRUE(client.get("x"));
  EXPECT_EQ(puts(), 2);
}

TEST(ImdsClientOptions, TtlClampedAndAttemptsAtLeastOne) {
  auto transport = std::make_shared<ScriptedTransport>();
  std::vector<std::chrono::milliseconds> sleeps;
  Client client(transport, Options{.endpoint = "http://127.0.0.1:9", .token_ttl = 999999s, .max_attempts = 0}, {},
                [&](std::chrono::milliseconds d) { sleeps.push_back(d); });
  transport->reply(503);
  auto r = client.get("x");
  ASSERT_FALSE(r);
  EXPECT_TRUE(sleeps.empty());
  EXPECT_EQ(header_of(transport->requests()[0], "X-aws-ec2-metadata-token-ttl-seconds"), "21600");
}

// A service that always answers: tokens for PUTs, the token back for GETs.
class ServiceTransport final : public http::Transport {
 public:
  Result<Response> send(const Request& request) override {
    std::lock_guard lock(m_mutex);
    if (request.method == "PUT") {
      ++puts;
      std::this_thread::sleep_for(5ms);  // a slow PUT: other threads must wait for it, not PUT too
      return Response{200, {}, "token-" + std::to_string(puts)};
    }
    return Response{200, {}, header_of(request, "X-aws-ec2-metadata-token")};
  }
  int puts = 0;

 private:
  std::mutex m_mutex;
};

TEST(ImdsClientThreads, OneTokenForAllThreads) {
  auto transport = std::make_shared<ServiceTransport>();
  Client client(transport, Options{});
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto r = client.get("meta-data/instance-id");
        if (!r || !*r || **r != "token-1") ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(transport->puts, 1);
}

}  // namespace
}  // namespace spawn::aws::imds
