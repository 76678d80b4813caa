#include "spawn/aws/auth/sso_profile.hpp"

#include <gtest/gtest.h>

#include "../../support/shared_files_from_text.hpp"

using namespace spawn::aws::auth;
using spawn::test::shared_files;

namespace {

spawn::aws::Result<std::optional<SsoProfile>> resolve(const std::string& config, const std::string& profile) {
  return resolve_sso_profile(*shared_files(config, ""), profile);
}

}  // namespace

TEST(SsoProfile, SessionProfileTakesUrlAndRegionFromItsSection) {
  auto p = resolve("[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n"
                   "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
                   "sso_registration_scopes = sso:account:access\n",
                   "dev");
  ASSERT_TRUE(p && *p);
  EXPECT_EQ((*p)->session_name, "corp");
  EXPECT_EQ((*p)->cache_key(), "corp");
  EXPECT_EQ((*p)->start_url, "https://corp.awsapps.com/start");
  EXPECT_EQ((*p)->region, "eu-west-1");
  EXPECT_EQ((*p)->account_id, "111122223333");
  EXPECT_EQ((*p)->role_name, "Dev");
  EXPECT_EQ((*p)->login_command(), "aws sso login --profile dev");
}

TEST(SsoProfile, LegacyProfileIsKeyedByItsStartUrl) {
  auto p = resolve("[profile old]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
                   "sso_account_id = 1\nsso_role_name = R\n",
                   "old");
  ASSERT_TRUE(p && *p);
  EXPECT_EQ((*p)->session_name, "");
  EXPECT_EQ((*p)->cache_key(), "https://x.awsapps.com/start");
}

TEST(SsoProfile, NotAnSsoProfile) {
  auto p = resolve("[profile dev]\nregion = eu-west-1\nsso_start_url = https://x\n", "dev");
  ASSERT_TRUE(p);
  EXPECT_FALSE(*p);  // botocore: only sso_account_id / sso_role_name make it one
}

TEST(SsoProfile, SetUpWrong) {
  auto missing = resolve("[profile dev]\nsso_account_id = 1\n", "dev");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "InvalidConfig");
  EXPECT_EQ(missing.error().message,
            "profile dev is set up for IAM Identity Center (SSO) but lacks sso_start_url, sso_region, sso_role_name");
  auto no_section = resolve("[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n", "dev");
  ASSERT_FALSE(no_section);
  EXPECT_NE(no_section.error().message.find("names [sso-session corp], which"), std::string::npos);
  auto differs = resolve("[profile dev]\nsso_session = c\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n"
                         "[sso-session c]\nsso_start_url = https://x\nsso_region = eu-west-1\n",
                         "dev");
  ASSERT_FALSE(differs);
  EXPECT_EQ(differs.error().message, "the value of sso_region differs between profile dev and [sso-session c]");
}
