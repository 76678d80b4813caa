#include "spawn/aws/auth/default_chain.hpp"

#include <gtest/gtest.h>
#include <strings.h>

#include <filesystem>

#include "../../support/scripted_transport.hpp"
#include "../../support/shared_files_from_text.hpp"
#include "../../support/temp_dir.hpp"
#include "spawn/aws/service_client.hpp"
#include "spawn/util/sha1.hpp"
#include "spawn/util/url.hpp"

using spawn::aws::auth::DefaultChainInputs;
using spawn::aws::auth::make_default_chain;
using spawn::aws::auth::ProfileFlag;
using spawn::aws::config::fixed_environment;
using spawn::test::ScriptedTransport;
using spawn::test::shared_files;
using spawn::test::TempDir;

namespace {

using Vars = std::map<std::string, std::string>;

const std::map<std::string, std::string> k_env_keys = {{"AWS_ACCESS_KEY_ID", "ENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}};
const char* k_metadata_document =
    R"({"Code":"Success","AccessKeyId":"%s","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T00:00:00Z"})";

std::string document(const std::string& key) {
  std::string d = k_metadata_document;
  return d.replace(d.find("%s"), 2, key);
}

struct Chain {
  DefaultChainInputs inputs;
  std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();

  Chain(std::map<std::string, std::string> env, std::string config = {}, std::string credentials = {}) {
    inputs.env = fixed_environment(std::move(env));
    inputs.files = shared_files(config, credentials);
    inputs.transport = transport;
    inputs.container.retry_delay = std::chrono::milliseconds(0);
  }
  // STS and the SSO portal at https://<prefix>.test through the scripted transport, one attempt.
  void reach_aws() {
    inputs.services = [t = transport](const spawn::aws::ServiceInfo& info, const std::string& region,
                                      std::shared_ptr<spawn::aws::auth::CredentialsProvider> credentials) {
      spawn::aws::http::RetryPolicy once;
      once.max_attempts = 1;
      return std::make_shared<spawn::aws::ServiceClient>(
          info, "https://" + std::string(info.endpoint_prefix) + ".test", region, std::move(credentials), t,
          std::make_shared<spawn::aws::http::Retrier>(once, nullptr));
    };
    inputs.sts_region = "eu-west-1";
    inputs.clock = [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1800000000)); };
  }
  // The winning access key id, or "error: <code>: <message>".
  std::string key() {
    auto chain = make_default_chain(inputs);
    if (!chain) return "error: " + chain.error().code + ": " + chain.error().message;
    auto c = (*chain)->get();
    return c ? c->access_key_id : "error: " + c.error().code + ": " + c.error().message;
  }
};

std::string sts_reply(const std::string& action, const std::string& key) {
  return "<" + action + "Response><" + action + "Result><Credentials><AccessKeyId>" + key +
         "</AccessKeyId><SecretAccessKey>secret-" + key + "</SecretAccessKey><SessionToken>token-" + key +
         "</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></" + action + "Result></" +
         action + "Response>";
}

std::string header(const spawn::aws::http::Request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (strcasecmp(k.c_str(), std::string(name).c_str()) == 0) return v;
  return {};
}

// The form fields of a request body, decoded.
std::map<std::string, std::string> form(const spawn::aws::http::Request& r) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= r.body.size()) {
    size_t amp = r.body.find('&', start);
    std::string pair = r.body.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    size_t eq = pair.find('=');
    if (eq != std::string::npos)
      out[spawn::util::percent_decode(pair.substr(0, eq), true)] = spawn::util::percent_decode(pair.substr(eq + 1), true);
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

}  // namespace

TEST(DefaultChain, EnvironmentKeysWinOverTheProfileNamedByAwsProfile) {
  // botocore: AWS_PROFILE (or the implicit default profile) does not remove the environment
  // provider, so explicit keys in the environment come first.
  Chain chain(k_env_keys, "", "[dev]\naws_access_key_id = FILE\naws_secret_access_key = s\n");
  chain.inputs.profile = "dev";
  EXPECT_EQ(chain.key(), "ENV");
}

TEST(DefaultChain, ProfileGivenWithTheFlagSkipsEnvironmentKeys) {
  Chain chain(k_env_keys, "", "[dev]\naws_access_key_id = FILE\naws_secret_access_key = s\n");
  chain.inputs.profile = "dev";
  chain.inputs.profile_flag = ProfileFlag::given;
  EXPECT_EQ(chain.key(), "FILE");
}

TEST(DefaultChain, CredentialsFileThenProcessThenConfigFile) {
  TempDir dir;
  std::string helper = dir.write(
      "helper.sh", "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"PROCESS\",\"SecretAccessKey\":\"s\"}'\n", 0755);
  const std::string config = "[default]\naws_access_key_id = CONFIG\naws_secret_access_key = s\n"
                             "credential_process = sh " + helper + "\n";
  EXPECT_EQ(Chain({}, config, "[default]\naws_access_key_id = CREDS\naws_secret_access_key = s\n").key(), "CREDS");
  EXPECT_EQ(Chain({}, config, "").key(), "PROCESS");
  EXPECT_EQ(Chain({}, "[default]\naws_access_key_id = CONFIG\naws_secret_access_key = s\n").key(), "CONFIG");
}

TEST(DefaultChain, BrokenSourceStopsTheChain) {
  // A key without a secret in the credentials file: botocore raises rather than using the
  // config file's keys or the instance role.
  Chain chain({}, "[default]\naws_access_key_id = CONFIG\naws_secret_access_key = s\n", "[default]\naws_access_key_id = A\n");
  auto key = chain.key();
  EXPECT_TRUE(key.starts_with("error: CredentialsError: shared credentials file")) << key;
  EXPECT_TRUE(chain.transport->requests().empty());
}

TEST(DefaultChain, ContainerComesBeforeTheInstanceRole) {
  Chain chain(Vars{{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"}});
  chain.transport->reply(200, document("CONTAINER"));
  EXPECT_EQ(chain.key(), "CONTAINER");
  EXPECT_EQ(chain.transport->requests().size(), 1u);
}

TEST(DefaultChain, InstanceRoleLastAtTheConfiguredEndpoint) {
  Chain chain(Vars{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/"}});
  chain.transport->reply(200, "imds-token").reply(200, "role").reply(200, document("IMDS"));
  EXPECT_EQ(chain.key(), "IMDS");
  auto requests = chain.transport->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].url, "http://127.0.0.1:1338/latest/api/token");
  EXPECT_EQ(requests[0].timeout, std::chrono::seconds(1));  // botocore's metadata_service_timeout
}

TEST(DefaultChain, ImdsSettingsFromTheProfile) {
  Chain chain({}, "[default]\nec2_metadata_service_endpoint_mode = IPv6\nmetadata_service_timeout = 3\n");
  chain.transport->reply(200, "imds-token").reply(200, "role").reply(200, document("IMDS"));
  EXPECT_EQ(chain.key(), "IMDS");
  EXPECT_EQ(chain.transport->requests()[0].url, "http://[fd00:ec2::254]/latest/api/token");
  EXPECT_EQ(chain.transport->requests()[0].timeout, std::chrono::seconds(3));
}

TEST(DefaultChain, NothingFoundListsEverySourceInOrder) {
  Chain chain({});
  chain.transport->otherwise_fail("RequestTimeout", "timed out");
  auto key = chain.key();
  const char* in_order[] = {"environment:", "assume role:", "web identity:", "SSO:", "shared credentials file",
                            "credential_process:", "config file", "container:", "instance role:"};
  size_t at = 0;
  for (const char* part : in_order) {
    auto found = key.find(part, at);
    EXPECT_NE(found, std::string::npos) << part << " missing or out of order in: " << key;
    if (found != std::string::npos) at = found;
  }
  EXPECT_TRUE(key.starts_with("error: CredentialsError: no AWS credentials found")) << key;
}

TEST(DefaultChain, MetadataDisabledLeavesImdsAlone) {
  Chain chain(Vars{{"AWS_EC2_METADATA_DISABLED", "TRUE"}});
  auto key = chain.key();
  EXPECT_NE(key.find("instance role: AWS_EC2_METADATA_DISABLED is true"), std::string::npos) << key;
  EXPECT_TRUE(chain.transport->requests().empty());
}

TEST(DefaultChain, WithoutATransportOnlyLocalSources) {
  Chain chain({});
  chain.inputs.transport = nullptr;
  EXPECT_TRUE(chain.key().starts_with("error: CredentialsError"));
}

TEST(DefaultChain, MalformedImdsSettingsAreInvalidConfig) {
  EXPECT_TRUE(Chain(Vars{{"AWS_METADATA_SERVICE_TIMEOUT", "soon"}}).key().starts_with("error: InvalidConfig: AWS_METADATA_SERVICE_TIMEOUT"));
  EXPECT_TRUE(Chain(Vars{{"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "0"}}).key().starts_with("error: InvalidConfig: AWS_METADATA_SERVICE_NUM_ATTEMPTS"));
  EXPECT_TRUE(Chain(Vars{{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"}}).key().starts_with("error: InvalidConfig: AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"));
  EXPECT_TRUE(Chain({}, "[default]\nec2_metadata_service_endpoint = 169.254.169.254\n").key().starts_with(
      "error: InvalidConfig: ec2_metadata_service_endpoint in profile default"));
}

TEST(DefaultChain, AssumeRoleWithTheSourceProfilesKeys) {
  Chain chain({}, "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n"
                  "external_id = ext-1\nduration_seconds = 1200\nrole_session_name = me\n",
              "[base]\naws_access_key_id = BASE\naws_secret_access_key = s\n");
  chain.inputs.profile = "dev";
  chain.reach_aws();
  chain.transport->reply(200, sts_reply("AssumeRole", "ASSUMED"));
  EXPECT_EQ(chain.key(), "ASSUMED");
  auto sent = chain.transport->requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "https://sts.test/");
  auto f = form(sent[0]);
  EXPECT_EQ(f["Action"], "AssumeRole");
  EXPECT_EQ(f["RoleArn"], "arn:aws:iam::123456789012:role/dev");
  EXPECT_EQ(f["ExternalId"], "ext-1");
  EXPECT_EQ(f["DurationSeconds"], "1200");
  EXPECT_EQ(f["RoleSessionName"], "me");
  EXPECT_EQ(f.count("SerialNumber"), 0u);
  EXPECT_NE(header(sent[0], "Authorization").find("Credential=BASE/"), std::string::npos);
  EXPECT_NE(header(sent[0], "Authorization").find("/eu-west-1/sts/aws4_request"), std::string::npos);
}

TEST(DefaultChain, RoleChainSignsEachCallWithThePreviousRole) {
  Chain chain({}, "[profile top]\nrole_arn = arn:top\nsource_profile = mid\n"
                  "[profile mid]\nrole_arn = arn:mid\nsource_profile = base\n",
              "[base]\naws_access_key_id = BASE\naws_secret_access_key = s\n");
  chain.inputs.profile = "top";
  chain.reach_aws();
  chain.transport->reply(200, sts_reply("AssumeRole", "MID")).reply(200, sts_reply("AssumeRole", "TOP"));
  EXPECT_EQ(chain.key(), "TOP");
  auto sent = chain.transport->requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(form(sent[0])["RoleArn"], "arn:mid");
  EXPECT_NE(header(sent[0], "Authorization").find("Credential=BASE/"), std::string::npos);
  EXPECT_EQ(form(sent[1])["RoleArn"], "arn:top");
  EXPECT_NE(header(sent[1], "Authorization").find("Credential=MID/"), std::string::npos);
  EXPECT_EQ(header(sent[1], "X-Amz-Security-Token"), "token-MID");
  // The default session name, as botocore's "botocore-session-<unix time>".
  EXPECT_EQ(form(sent[1])["RoleSessionName"], "spawn-session-1800000000");
}

TEST(DefaultChain, ALoopIsRefusedBeforeAnythingIsSent) {
  Chain chain({}, "[profile a]\nrole_arn = arn:a\nsource_profile = b\n[profile b]\nrole_arn = arn:b\nsource_profile = a\n");
  chain.inputs.profile = "a";
  chain.reach_aws();
  EXPECT_EQ(chain.key(), "error: InvalidConfig: the source_profile chain of profile a loops: a -> b -> a");
  EXPECT_TRUE(chain.transport->requests().empty());
}

TEST(DefaultChain, MfaCodeIsAskedAndSent) {
  Chain chain({}, "[default]\nrole_arn = arn:r\ncredential_source = Environment\nmfa_serial = arn:aws:iam::1:mfa/me\n");
  chain.inputs.env = fixed_environment(k_env_keys);
  chain.inputs.profile_flag = ProfileFlag::given;  // so that the environment's keys are only the role's source
  chain.reach_aws();
  std::string asked;
  chain.inputs.mfa_prompt = [&](const std::string& prompt) -> spawn::expected<std::string, std::string> {
    asked = prompt;
    return std::string("123456");
  };
  chain.transport->reply(200, sts_reply("AssumeRole", "MFA"));
  EXPECT_EQ(chain.key(), "MFA");
  EXPECT_EQ(asked, "Enter MFA code for arn:aws:iam::1:mfa/me: ");
  auto f = form(chain.transport->requests().at(0));
  EXPECT_EQ(f["SerialNumber"], "arn:aws:iam::1:mfa/me");
  EXPECT_EQ(f["TokenCode"], "123456");
  EXPECT_NE(header(chain.transport->requests()[0], "Authorization").find("Credential=ENV/"), std::string::npos);

  chain.inputs.mfa_prompt = [](const std::string&) -> spawn::expected<std::string, std::string> {
    return spawn::unexpected(std::string("there is no terminal to ask on"));
  };
  auto key = chain.key();
  EXPECT_EQ(key, "error: MFACodeRequired: assuming role arn:r (profile default) needs an MFA code (mfa_serial "
                 "arn:aws:iam::1:mfa/me), but there is no terminal to ask on");
  EXPECT_EQ(chain.transport->requests().size(), 1u);
}

TEST(DefaultChain, StsErrorsKeepTheirCodeAndRequestId) {
  Chain chain({}, "[default]\nrole_arn = arn:r\ncredential_source = Environment\n");
  chain.inputs.env = fixed_environment(k_env_keys);
  chain.inputs.profile_flag = ProfileFlag::given;
  chain.reach_aws();
  chain.transport->reply(403, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed"
                              "</Message></Error><RequestId>req-1</RequestId></ErrorResponse>");
  auto chain_provider = make_default_chain(chain.inputs);
  ASSERT_TRUE(chain_provider);
  auto c = (*chain_provider)->get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "AccessDenied");
  EXPECT_EQ(c.error().request_id, "req-1");
  EXPECT_EQ(c.error().message, "cannot assume role arn:r (profile default): not allowed");
}

TEST(DefaultChain, WebIdentityFromTheEnvironmentIsUnsigned) {
  TempDir dir;
  std::string token = dir.write("token", "eyJ.web.token\n");
  Chain chain(Vars{{"AWS_WEB_IDENTITY_TOKEN_FILE", token}, {"AWS_ROLE_ARN", "arn:aws:iam::1:role/web"},
                   {"AWS_ROLE_SESSION_NAME", "ci"}});
  chain.reach_aws();
  chain.transport->reply(200, sts_reply("AssumeRoleWithWebIdentity", "WEB"));
  EXPECT_EQ(chain.key(), "WEB");
  auto sent = chain.transport->requests().at(0);
  EXPECT_EQ(header(sent, "Authorization"), "");
  auto f = form(sent);
  EXPECT_EQ(f["Action"], "AssumeRoleWithWebIdentity");
  EXPECT_EQ(f["WebIdentityToken"], "eyJ.web.token");
  EXPECT_EQ(f["RoleSessionName"], "ci");
  // With --profile the environment's web identity is not used (botocore's disable_env_vars).
  Chain flagged(Vars{{"AWS_WEB_IDENTITY_TOKEN_FILE", token}, {"AWS_ROLE_ARN", "arn:r"},
                     {"AWS_EC2_METADATA_DISABLED", "true"}},
                "[profile p]\nregion = x\n");
  flagged.inputs.profile = "p";
  flagged.inputs.profile_flag = ProfileFlag::given;
  flagged.reach_aws();
  EXPECT_TRUE(flagged.key().starts_with("error: CredentialsError: no AWS credentials found")) << flagged.key();
  // A token file without a role is a configuration error.
  Chain no_role(Vars{{"AWS_WEB_IDENTITY_TOKEN_FILE", token}});
  EXPECT_TRUE(no_role.key().starts_with("error: InvalidConfig: AWS_WEB_IDENTITY_TOKEN_FILE asks for web identity"))
      << no_role.key();
}

TEST(DefaultChain, SsoProfileReadsTheTokenCacheAndCallsThePortal) {
  TempDir home;
  std::filesystem::create_directories(home.path() + "/.aws/sso/cache");
  home.write(".aws/sso/cache/" + spawn::util::sha1_hex("corp") + ".json",
             R"({"accessToken":"SSO-ACCESS-TOKEN","expiresAt":"2030-01-01T00:00:00Z"})");
  const std::string config = "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n"
                             "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = ap-south-1\n";
  Chain chain(Vars{{"HOME", home.path()}}, config);
  chain.inputs.profile = "dev";
  chain.reach_aws();
  chain.transport->reply(200, R"({"roleCredentials":{"accessKeyId":"SSOKEY","secretAccessKey":"s","sessionToken":"t",)"
                              R"("expiration":1893456000000}})");
  EXPECT_EQ(chain.key(), "SSOKEY");
  auto sent = chain.transport->requests().at(0);
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.url, "https://portal.sso.test/federation/credentials?role_name=Dev&account_id=111122223333");
  EXPECT_EQ(header(sent, "x-amz-sso_bearer_token"), "SSO-ACCESS-TOKEN");
  EXPECT_EQ(header(sent, "Authorization"), "");

  // Expired: one error naming the login command, nothing sent.
  home.write(".aws/sso/cache/" + spawn::util::sha1_hex("corp") + ".json",
             R"({"accessToken":"SSO-ACCESS-TOKEN","expiresAt":"2020-01-01T00:00:00Z"})");
  auto key = chain.key();
  EXPECT_EQ(key, "error: SSOLoginRequired: profile dev has an SSO login that expired at 2020-01-01T00:00:00Z; run "
                 "`aws sso login --profile dev` (or `aws sso login --sso-session corp`), then spawn again");
  EXPECT_EQ(chain.transport->requests().size(), 1u);
  // The portal refusing the token says the same.
  home.write(".aws/sso/cache/" + spawn::util::sha1_hex("corp") + ".json",
             R"({"accessToken":"SSO-ACCESS-TOKEN","expiresAt":"2030-01-01T00:00:00Z"})");
  chain.transport->reply(401, R"({"message":"Session token not found or invalid"})",
                         {{"x-amzn-ErrorType", "UnauthorizedException"}, {"x-amzn-RequestId", "rid"}});
  key = chain.key();
  EXPECT_NE(key.find("UnauthorizedException: profile dev: the SSO portal no longer accepts its login; run `aws sso "
                     "login --profile dev`"),
            std::string::npos)
      << key;
  EXPECT_EQ(key.find("SSO-ACCESS-TOKEN"), std::string::npos);
}

TEST(DefaultChain, SsoWithoutALoginOrWithABrokenCache) {
  TempDir home;
  const std::string config = "[profile old]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
                             "sso_account_id = 1\nsso_role_name = R\n";
  Chain chain(Vars{{"HOME", home.path()}}, config);
  chain.inputs.profile = "old";
  chain.reach_aws();
  auto key = chain.key();
  EXPECT_TRUE(key.starts_with("error: SSOLoginRequired: profile old has no SSO login (no token in " + home.path() +
                              "/.aws/sso/cache/" + spawn::util::sha1_hex("https://x.awsapps.com/start") + ".json)"))
      << key;
  std::filesystem::create_directories(home.path() + "/.aws/sso/cache");
  home.write(".aws/sso/cache/" + spawn::util::sha1_hex("https://x.awsapps.com/start") + ".json", "{broken");
  key = chain.key();
  EXPECT_TRUE(key.starts_with("error: InvalidConfig: the SSO token cache ")) << key;
  EXPECT_TRUE(chain.transport->requests().empty());
}

TEST(DefaultChain, CredentialSourceEc2InstanceMetadata) {
  // The instance role is the role's source even where AWS_EC2_METADATA_DISABLED leaves it out of the chain.
  Chain chain(Vars{{"AWS_EC2_METADATA_DISABLED", "true"}},
              "[default]\nrole_arn = arn:aws:iam::1:role/up\ncredential_source = Ec2InstanceMetadata\n");
  chain.reach_aws();
  chain.transport->reply(200, "imds-token").reply(200, "role").reply(200, document("IMDS"));
  chain.transport->reply(200, sts_reply("AssumeRole", "UP"));
  EXPECT_EQ(chain.key(), "UP");
  auto sent = chain.transport->requests();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[0].url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(form(sent[3])["RoleArn"], "arn:aws:iam::1:role/up");
  EXPECT_NE(header(sent[3], "Authorization").find("Credential=IMDS/"), std::string::npos);
}

TEST(DefaultChain, EmptyCredentialSourceIsAnErrorNotTheNextProvider) {
  // credential_source = Environment with no keys there: botocore's CredentialRetrievalError, no fall through.
  Chain chain(Vars{{"AWS_EC2_METADATA_DISABLED", "true"}},
              "[default]\nrole_arn = arn:r\ncredential_source = Environment\n",
              "[default]\naws_access_key_id = FILE\naws_secret_access_key = s\n");
  chain.reach_aws();
  auto key = chain.key();
  EXPECT_TRUE(key.starts_with("error: CredentialsError: no credentials to assume role arn:r (profile default) with: "
                              "environment: AWS_ACCESS_KEY_ID is not set"))
      << key;
  EXPECT_TRUE(chain.transport->requests().empty());
}
