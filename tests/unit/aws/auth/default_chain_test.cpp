#include "spawn/aws/auth/default_chain.hpp"

#include <gtest/gtest.h>

#include "../../support/scripted_transport.hpp"
#include "../../support/shared_files_from_text.hpp"
#include "../../support/temp_dir.hpp"

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
  // The winning access key id, or "error: <code>: <message>".
  std::string key() {
    auto chain = make_default_chain(inputs);
    if (!chain) return "error: " + chain.error().code + ": " + chain.error().message;
    auto c = (*chain)->get();
    return c ? c->access_key_id : "error: " + c.error().code + ": " + c.error().message;
  }
};

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

TEST(DefaultChain, AssumeRoleProfilesAreRefusedNotSkipped) {
  Chain chain({}, "[default]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Ec2InstanceMetadata\n");
  auto key = chain.key();
  EXPECT_TRUE(key.starts_with("error: CredentialsError: role_arn in profile default")) << key;
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
  const char* in_order[] = {"environment:", "assume role, web identity, SSO:", "shared credentials file",
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
