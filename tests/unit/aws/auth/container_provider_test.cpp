#include "spawn/aws/auth/container_provider.hpp"

#include <gtest/gtest.h>

#include "../../support/scripted_transport.hpp"
#include "../../support/temp_dir.hpp"

using spawn::aws::auth::ContainerOptions;
using spawn::aws::auth::make_container_provider;
using spawn::aws::config::fixed_environment;
using spawn::test::ScriptedTransport;
using spawn::test::TempDir;

namespace {

const char* k_document =
    R"({"AccessKeyId":"ASIA","SecretAccessKey":"secret","Token":"token","Expiration":"2030-01-01T00:00:00Z"})";

ContainerOptions no_wait() {
  ContainerOptions o;
  o.retry_delay = std::chrono::milliseconds(0);
  return o;
}

std::string header(const spawn::aws::http::Request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (spawn::aws::http::header_name_equal(k, name)) return v;
  return "<absent>";
}

}  // namespace

TEST(ContainerProvider, RelativeUriGoesToTheEcsHost) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->reply(200, k_document);
  auto p = make_container_provider(fixed_environment({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"},
                                                      {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/ignored"}}),
                                   transport, no_wait());
  auto c = p->get();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIA");
  EXPECT_EQ(c->session_token, "token");
  EXPECT_TRUE(c->expiration);
  EXPECT_EQ(c->source, "container (http://169.254.170.2)");
  auto requests = transport->requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "http://169.254.170.2/v2/credentials/abc");
  EXPECT_EQ(header(r, "Accept"), "application/json");
  EXPECT_EQ(header(r, "Authorization"), "<absent>");
}

TEST(ContainerProvider, FullUriWithTokenFromTheEnvironment) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->reply(200, k_document);
  auto p = make_container_provider(fixed_environment({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:8080/creds"},
                                                      {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic abc"}}),
                                   transport, no_wait());
  ASSERT_TRUE(p->get());
  EXPECT_EQ(transport->requests()[0].url, "http://localhost:8080/creds");
  EXPECT_EQ(header(transport->requests()[0], "Authorization"), "Basic abc");
}

TEST(ContainerProvider, TokenFileWinsAndIsReadAtEachGet) {
  TempDir dir;
  std::string token = dir.write("token", "first-token\n");
  auto transport = std::make_shared<ScriptedTransport>();
  transport->reply(200, k_document).reply(200, k_document);
  auto p = make_container_provider(fixed_environment({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
                                                      {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token},
                                                      {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-env"}}),
                                   transport, no_wait());
  ASSERT_TRUE(p->get());
  dir.write("token", "second-token");
  ASSERT_TRUE(p->get());
  EXPECT_EQ(header(transport->requests()[0], "Authorization"), "first-token");
  EXPECT_EQ(header(transport->requests()[1], "Authorization"), "second-token");
}

TEST(ContainerProvider, FullUriHostsAllowedOverHttp) {
  for (const char* url : {"http://127.0.0.1:9911/c", "http://127.2.3.4/c", "http://[::1]:80/c", "http://localhost/c",
                          "http://LOCALHOST/c", "http://169.254.170.2/c", "http://169.254.170.23/c",
                          "http://[fd00:ec2::23]/c", "https://creds.example.com/c"}) {
    auto transport = std::make_shared<ScriptedTransport>();
    transport->reply(200, k_document);
    auto c = make_container_provider(fixed_environment({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", url}}), transport, no_wait())->get();
    EXPECT_TRUE(c) << url << ": " << (c ? "" : c.error().message);
  }
}

TEST(ContainerProvider, OtherHostsOverHttpAreRefusedBeforeAnyRequest) {
  for (const char* url : {"http://creds.example.com/c", "http://10.0.0.1/c", "http://127.0.0.1.evil.example/c",
                          "http://169.254.169.254/latest/meta-data/", "ftp://127.0.0.1/c", "not a url"}) {
    auto transport = std::make_shared<ScriptedTransport>();
    auto c = make_container_provider(fixed_environment({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", url}}), transport, no_wait())->get();
    ASSERT_FALSE(c) << url;
    EXPECT_EQ(c.error().code, "CredentialsError") << url;
    EXPECT_NE(c.error().message.find("AWS_CONTAINER_CREDENTIALS_FULL_URI"), std::string::npos) << url;
    EXPECT_TRUE(transport->requests().empty()) << url;
  }
}

TEST(ContainerProvider, NotFoundWithoutEitherVariable) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto c = make_container_provider(fixed_environment({{"AWS_CONTAINER_AUTHORIZATION_TOKEN", "x"}}), transport)->get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "CredentialsNotFound");
  EXPECT_TRUE(transport->requests().empty());
}

TEST(ContainerProvider, RetriesNoReplyAndServerErrorsThenGivesUp) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->fail().reply(500).reply(200, k_document);
  auto env = fixed_environment({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"}});
  EXPECT_TRUE(make_container_provider(env, transport, no_wait())->get());
  EXPECT_EQ(transport->requests().size(), 3u);

  auto down = std::make_shared<ScriptedTransport>();
  down->otherwise_fail("RequestTimeout", "timed out");
  auto c = make_container_provider(env, down, no_wait())->get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "CredentialsError");
  EXPECT_NE(c.error().message.find("timed out"), std::string::npos);
  EXPECT_EQ(down->requests().size(), 3u);
  EXPECT_EQ(c.error().message.find("/creds"), std::string::npos);  // the path identifies the task's role
}

TEST(ContainerProvider, ClientErrorsAreNotRetried) {
  auto transport = std::make_shared<ScriptedTransport>();
  transport->reply(403, R"({"code":"AccessDenied"})");
  auto c = make_container_provider(fixed_environment({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"}}), transport,
                                   no_wait())->get();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("HTTP 403"), std::string::npos);
  EXPECT_EQ(transport->requests().size(), 1u);
}

TEST(ContainerProvider, BadTokensAndRelativeUrisAreErrors) {
  TempDir dir;
  auto transport = std::make_shared<ScriptedTransport>();
  auto run = [&](std::map<std::string, std::string> vars) {
    return make_container_provider(fixed_environment(std::move(vars)), transport, no_wait())->get();
  };
  auto injected = run({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"}, {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nX-Evil: 1"}});
  ASSERT_FALSE(injected);
  EXPECT_NE(injected.error().message.find("line break"), std::string::npos);
  auto missing_file = run({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c"},
                           {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", dir.file("absent")}});
  ASSERT_FALSE(missing_file);
  EXPECT_NE(missing_file.error().message.find("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"), std::string::npos);
  auto relative = run({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "@evil.example/c"}});
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error().code, "CredentialsError");
  EXPECT_TRUE(transport->requests().empty());
}
