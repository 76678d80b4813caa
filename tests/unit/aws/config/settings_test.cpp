#include "spawn/aws/config/settings.hpp"

#include <gtest/gtest.h>

#include "../../support/scripted_transport.hpp"
#include "../../support/temp_dir.hpp"

using spawn::aws::Result;
using spawn::aws::config::default_endpoint;
using spawn::aws::config::fixed_environment;
using spawn::aws::config::Overrides;
using spawn::aws::config::RetryMode;
using spawn::aws::config::Settings;
using spawn::test::ScriptedTransport;
using spawn::test::TempDir;

namespace {

// Settings from files written to a fresh directory (HOME points there too, so the real ~/.aws
// is never read) and the given variables.
struct World {
  TempDir dir;
  std::map<std::string, std::string> env;
  Overrides overrides;
  std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();

  explicit World(std::string config = {}, std::string credentials = {}) {
    env["HOME"] = dir.path();
    env["AWS_CONFIG_FILE"] = dir.write("config", config);
    env["AWS_SHARED_CREDENTIALS_FILE"] = dir.write("credentials", credentials);
    env["AWS_EC2_METADATA_DISABLED"] = "true";
  }
  Result<Settings> load() const { return Settings::load(overrides, fixed_environment(env), transport,
                                                   spawn::aws::auth::make_default_chain); }
  Settings loaded() const {
    auto s = load();
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return s ? *s : Settings("", "", nullptr);
  }
  std::string error() const {
    auto s = load();
    EXPECT_FALSE(s);
    if (s) return {};
    EXPECT_EQ(s.error().code, "InvalidConfig");
    return s.error().message;
  }
};

}  // namespace

TEST(Settings, RegionPrecedence) {
  World w("[default]\nregion = from-profile-1\n");
  EXPECT_EQ(w.loaded().region(), "from-profile-1");
  w.env["AWS_DEFAULT_REGION"] = "default-region-1";
  EXPECT_EQ(w.loaded().region(), "default-region-1");
  w.env["AWS_REGION"] = "aws-region-1";
  EXPECT_EQ(w.loaded().region(), "aws-region-1");
  w.overrides.region = "flag-region-1";
  EXPECT_EQ(w.loaded().region(), "flag-region-1");
}

TEST(Settings, MissingRegionSaysHowToSetOne) {
  World w("[default]\noutput = json\n");
  auto message = w.error();
  EXPECT_NE(message.find("no AWS region"), std::string::npos);
  EXPECT_NE(message.find("--region"), std::string::npos);
  EXPECT_NE(message.find("AWS_REGION"), std::string::npos);
  EXPECT_NE(message.find(w.env["AWS_CONFIG_FILE"]), std::string::npos);
}

TEST(Settings, MalformedRegionIsRefused) {
  World w;
  w.env["AWS_REGION"] = "us-east-1.evil.example/";
  EXPECT_NE(w.error().find("AWS_REGION is not a valid region name"), std::string::npos);
}

TEST(Settings, ProfilePrecedence) {
  World w("[default]\nregion = r-default\n[profile a]\nregion = r-a\n[profile b]\nregion = r-b\n[profile c]\nregion = r-c\n");
  EXPECT_EQ(w.loaded().profile(), "default");
  w.env["AWS_DEFAULT_PROFILE"] = "c";
  EXPECT_EQ(w.loaded().region(), "r-c");
  w.env["AWS_PROFILE"] = "b";
  EXPECT_EQ(w.loaded().profile(), "b");
  EXPECT_EQ(w.loaded().region(), "r-b");
  w.overrides.profile = "a";
  EXPECT_EQ(w.loaded().profile(), "a");
  EXPECT_EQ(w.loaded().region(), "r-a");
}

TEST(Settings, NamedProfileMustExistButTheImplicitDefaultNeedNot) {
  World w("", "[ci]\naws_access_key_id = A\naws_secret_access_key = s\n");
  w.env["AWS_REGION"] = "us-east-1";
  EXPECT_EQ(w.loaded().profile(), "default");
  w.env["AWS_PROFILE"] = "ci";  // only in the credentials file: fine
  EXPECT_EQ(w.loaded().profile(), "ci");
  w.env["AWS_PROFILE"] = "nope";
  EXPECT_NE(w.error().find("the config profile (nope) given by AWS_PROFILE could not be found"), std::string::npos);
  w.overrides.profile = "default";  // named explicitly: must exist too, as in botocore
  EXPECT_NE(w.error().find("given by --profile"), std::string::npos);
}

TEST(Settings, DefaultEndpoints) {
  EXPECT_EQ(default_endpoint("EC2", "ec2", "eu-west-1"), "https://ec2.eu-west-1.amazonaws.com");
  EXPECT_EQ(default_endpoint("SSM", "ssm", "cn-north-1"), "https://ssm.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(default_endpoint("Pricing", "api.pricing", "eu-west-1"), "https://api.pricing.us-east-1.amazonaws.com");
  EXPECT_EQ(default_endpoint("Pricing", "api.pricing", "cn-north-1"), "https://api.pricing.cn-northwest-1.amazonaws.com.cn");
  EXPECT_EQ(default_endpoint("IAM", "iam", "ap-south-1"), "https://iam.amazonaws.com");
  EXPECT_EQ(default_endpoint("IAM", "iam", "us-gov-east-1"), "https://iam.us-gov.amazonaws.com");
  EXPECT_EQ(default_endpoint("EC2", "ec2", "us-gov-west-1"), "https://ec2.us-gov-west-1.amazonaws.com");
  EXPECT_EQ(default_endpoint("STS", "sts", "ap-south-1"), "https://sts.ap-south-1.amazonaws.com");
  World w("[default]\nregion = sa-east-1\n");
  EXPECT_EQ(w.loaded().endpoint("S3", "s3"), "https://s3.sa-east-1.amazonaws.com");
  Settings direct("us-west-2", "default", nullptr);
  EXPECT_EQ(direct.endpoint("SNS", "sns"), "https://sns.us-west-2.amazonaws.com");
  EXPECT_EQ(direct.max_attempts(), 3);
  EXPECT_EQ(direct.retry_mode(), RetryMode::standard);
}

TEST(Settings, EndpointPrecedence) {
  World w("[default]\nregion = us-east-1\nendpoint_url = http://profile-global\nservices = local\n"
          "[services local]\nec2 =\n  endpoint_url = http://services-ec2\n"
          "cost_explorer =\n  endpoint_url = http://services-ce\n");
  auto ec2 = [&] { return w.loaded().endpoint("EC2", "ec2"); };
  EXPECT_EQ(ec2(), "http://services-ec2");
  EXPECT_EQ(w.loaded().endpoint("SSM", "ssm"), "http://profile-global");
  EXPECT_EQ(w.loaded().endpoint("Cost Explorer", "ce"), "http://services-ce");
  w.env["AWS_ENDPOINT_URL"] = "http://env-global";
  EXPECT_EQ(ec2(), "http://env-global");
  w.env["AWS_ENDPOINT_URL_EC2"] = "http://env-ec2";
  EXPECT_EQ(ec2(), "http://env-ec2");
  EXPECT_EQ(w.loaded().endpoint("SSM", "ssm"), "http://env-global");
  w.env["AWS_ENDPOINT_URL_COST_EXPLORER"] = "http://env-ce";
  EXPECT_EQ(w.loaded().endpoint("Cost Explorer", "ce"), "http://env-ce");
  w.overrides.endpoint_url = "http://flag";
  EXPECT_EQ(ec2(), "http://flag");
  EXPECT_EQ(w.loaded().endpoint("Pricing", "api.pricing"), "http://flag");
}

TEST(Settings, IgnoreConfiguredEndpointUrls) {
  World w("[default]\nregion = us-east-1\nendpoint_url = http://profile-global\n");
  w.env["AWS_ENDPOINT_URL_EC2"] = "http://env-ec2";
  w.env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
  EXPECT_EQ(w.loaded().endpoint("EC2", "ec2"), "https://ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(w.loaded().endpoint("SSM", "ssm"), "https://ssm.us-east-1.amazonaws.com");
  w.overrides.endpoint_url = "http://flag";
  EXPECT_EQ(w.loaded().endpoint("EC2", "ec2"), "http://flag");

  World p("[default]\nregion = us-east-1\nendpoint_url = http://profile-global\nignore_configured_endpoint_urls = TRUE\n");
  EXPECT_EQ(p.loaded().endpoint("EC2", "ec2"), "https://ec2.us-east-1.amazonaws.com");
  p.env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "false";  // the environment wins over the profile
  EXPECT_EQ(p.loaded().endpoint("EC2", "ec2"), "http://profile-global");
}

TEST(Settings, MalformedEndpointsAreInvalidConfig) {
  World w("[default]\nregion = us-east-1\n");
  w.env["AWS_ENDPOINT_URL_SSM"] = "localhost:4566";
  EXPECT_NE(w.error().find("AWS_ENDPOINT_URL_SSM must be an http:// or https:// URL"), std::string::npos);
  w.env.erase("AWS_ENDPOINT_URL_SSM");
  w.overrides.endpoint_url = "ftp://x";
  EXPECT_NE(w.error().find("--endpoint-url"), std::string::npos);

  World missing("[default]\nregion = us-east-1\nservices = nowhere\n");
  EXPECT_NE(missing.error().find("[services nowhere]"), std::string::npos);
  World flat("[default]\nregion = us-east-1\nservices = s\n[services s]\nec2 = http://x\n");
  EXPECT_NE(flat.error().find("must be a block"), std::string::npos);
  World bad("[default]\nregion = us-east-1\nservices = s\n[services s]\nec2 =\n  endpoint_url = nope\n");
  EXPECT_NE(bad.error().find("endpoint_url in [services s] ec2"), std::string::npos);
}

TEST(Settings, RetrySettings) {
  World w("[default]\nregion = us-east-1\nmax_attempts = 5\nretry_mode = adaptive\n");
  EXPECT_EQ(w.loaded().max_attempts(), 5);
  EXPECT_EQ(w.loaded().retry_mode(), RetryMode::adaptive);
  w.env["AWS_MAX_ATTEMPTS"] = "2";
  w.env["AWS_RETRY_MODE"] = "legacy";
  EXPECT_EQ(w.loaded().max_attempts(), 2);
  EXPECT_EQ(w.loaded().retry_mode(), RetryMode::legacy);
  w.env["AWS_MAX_ATTEMPTS"] = "0";
  EXPECT_NE(w.error().find("AWS_MAX_ATTEMPTS must be a positive integer, not '0'"), std::string::npos);
  w.env["AWS_MAX_ATTEMPTS"] = "4";
  w.env["AWS_RETRY_MODE"] = "Standard";
  EXPECT_NE(w.error().find("AWS_RETRY_MODE must be standard, legacy or adaptive"), std::string::npos);
  World p("[default]\nregion = us-east-1\nmax_attempts = lots\n");
  EXPECT_NE(p.error().find("max_attempts in profile default (" + p.env["AWS_CONFIG_FILE"] + ")"), std::string::npos);
}

TEST(Settings, CaBundleFromEnvironmentOrProfile) {
  World none("[default]\nregion = us-east-1\n");
  EXPECT_EQ(none.loaded().ca_bundle(), "");
  World w("[default]\nregion = us-east-1\nca_bundle = " + std::string("/nonexistent/profile.pem") + "\n");
  EXPECT_NE(w.error().find("ca_bundle in profile default"), std::string::npos);
  EXPECT_NE(w.error().find("/nonexistent/profile.pem, which cannot be read"), std::string::npos);
  const std::string pem = w.dir.write("corp.pem", "-----BEGIN CERTIFICATE-----\n");
  w.env["AWS_CA_BUNDLE"] = pem;
  EXPECT_EQ(w.loaded().ca_bundle(), pem) << "the environment wins over the profile";
}

TEST(Settings, ParseErrorsInTheFilesAreInvalidConfig) {
  World w("region = us-east-1\n");
  EXPECT_NE(w.error().find(w.env["AWS_CONFIG_FILE"] + ", line 1"), std::string::npos);
}

TEST(Settings, CredentialsComeFromTheCachedDefaultChain) {
  World w("[default]\nregion = us-east-1\n", "[default]\naws_access_key_id = FILE\naws_secret_access_key = s\n");
  auto settings = w.loaded();
  ASSERT_NE(settings.credentials(), nullptr);
  EXPECT_EQ(settings.credentials()->get()->access_key_id, "FILE");

  w.env["AWS_ACCESS_KEY_ID"] = "ENV";
  w.env["AWS_SECRET_ACCESS_KEY"] = "s";
  EXPECT_EQ(w.loaded().credentials()->get()->access_key_id, "ENV");
  w.overrides.profile = "default";  // --profile: environment keys are left out
  EXPECT_EQ(w.loaded().credentials()->get()->access_key_id, "FILE");
}

TEST(Settings, CredentialsAloneNeedNoRegion) {
  World w("", "[default]\naws_access_key_id = FILE\naws_secret_access_key = s\n");
  auto provider = Settings::load_credentials(w.overrides, fixed_environment(w.env), w.transport,
                                             spawn::aws::auth::make_default_chain);
  ASSERT_TRUE(provider) << provider.error().message;
  EXPECT_EQ((*provider)->get()->access_key_id, "FILE");
  w.overrides.profile = "nope";
  EXPECT_FALSE(Settings::load_credentials(w.overrides, fixed_environment(w.env), w.transport,
                                             spawn::aws::auth::make_default_chain));
}

// The partition table is only the default: every configured endpoint still wins over it, in
// GovCloud and China as anywhere.
TEST(Settings, ConfiguredEndpointsWinOverThePartitionTable) {
  World w("[default]\nregion = us-gov-west-1\n");
  EXPECT_EQ(w.loaded().endpoint("IAM", "iam"), "https://iam.us-gov.amazonaws.com");
  w.env["AWS_ENDPOINT_URL_IAM"] = "http://127.0.0.1:5000";
  w.env["AWS_ENDPOINT_URL_PRICING"] = "http://127.0.0.1:5001";
  EXPECT_EQ(w.loaded().endpoint("IAM", "iam"), "http://127.0.0.1:5000");
  EXPECT_EQ(w.loaded().endpoint("Pricing", "api.pricing"), "http://127.0.0.1:5001");
  w.env["AWS_REGION"] = "cn-north-1";
  w.env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:5002";
  EXPECT_EQ(w.loaded().endpoint("EC2", "ec2"), "http://127.0.0.1:5002");
  EXPECT_EQ(w.loaded().endpoint("IAM", "iam"), "http://127.0.0.1:5000");
  w.overrides.endpoint_url = "http://127.0.0.1:5003";
  EXPECT_EQ(w.loaded().endpoint("Pricing", "api.pricing"), "http://127.0.0.1:5003");
}
