#include "spawn/aws/auth/instance_role_provider.hpp"

#include <gtest/gtest.h>

#include "../../support/scripted_transport.hpp"

using spawn::aws::auth::make_instance_role_provider;
using spawn::test::ScriptedTransport;

namespace {

const char* k_document =
    R"({"Code":"Success","LastUpdated":"2030-01-01T00:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIA",)"
    R"("SecretAccessKey":"secret","Token":"token","Expiration":"2030-01-01T06:00:00Z"})";

std::shared_ptr<spawn::aws::imds::Client> client(std::shared_ptr<ScriptedTransport> transport) {
  spawn::aws::imds::Options options;
  options.endpoint = "http://imds.test";
  options.max_attempts = 1;
  return std::make_shared<spawn::aws::imds::Client>(transport, options, spawn::aws::imds::Clock{},
                                                    [](std::chrono::milliseconds) {});
}

}  // namespace

TEST(InstanceRoleProvider, ReadsTheRoleThenItsCredentials) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->reply(200, "session-token").reply(200, "spawn-role\n").reply(200, k_document);
  auto c = make_instance_role_provider(client(transport))->get();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIA");
  EXPECT_EQ(c->secret_access_key, "secret");
  EXPECT_EQ(c->session_token, "token");
  EXPECT_TRUE(c->expiration);
  EXPECT_EQ(c->source, "instance role spawn-role");
  auto requests = transport->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");  // IMDSv2 session first
  EXPECT_EQ(requests[1].url, "http://imds.test/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(requests[2].url, "http://imds.test/latest/meta-data/iam/security-credentials/spawn-role");
}

TEST(InstanceRoleProvider, NoRoleIsNotFound) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->reply(200, "session-token").reply(404);
  auto c = make_instance_role_provider(client(transport))->get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "CredentialsNotFound");
  EXPECT_EQ(c.error().message, "instance role: this instance has no IAM role");
}

TEST(InstanceRoleProvider, UnreachableImdsIsNotFound) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->otherwise_fail("RequestTimeout", "timed out");
  auto c = make_instance_role_provider(client(transport))->get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "CredentialsNotFound");
  EXPECT_TRUE(c.error().message.starts_with("instance role: IMDS did not answer: ")) << c.error().message;
}

TEST(InstanceRoleProvider, BadDocumentOrRoleNameIsAnError) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->reply(200, "t").reply(200, "r").reply(200, R"({"Code":"Failure","Message":"no"})");
  auto c = make_instance_role_provider(client(transport))->get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "CredentialsError");
  EXPECT_NE(c.error().message.find("Code is Failure"), std::string::npos);

  auto odd = std::make_shared<ScriptedTransport>();
  odd->reply(200, "t").reply(200, "../../user-data");
  auto d = make_instance_role_provider(client(odd))->get();
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "CredentialsError");
  EXPECT_EQ(odd->requests().size(), 2u);
}
