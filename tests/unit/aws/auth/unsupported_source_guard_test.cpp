#include "spawn/aws/auth/unsupported_source_guard.hpp"

#include <gtest/gtest.h>

#include "../../support/shared_files_from_text.hpp"

using spawn::aws::auth::make_unsupported_source_guard;
using spawn::aws::auth::ProfileFlag;
using spawn::aws::config::fixed_environment;
using spawn::test::shared_files;

TEST(UnsupportedSourceGuard, PlainProfilesPass) {
  auto files = shared_files("[default]\nregion = us-east-1\n");
  auto c = make_unsupported_source_guard(fixed_environment({}), files, "default", ProfileFlag::absent)->get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "CredentialsNotFound");
}

TEST(UnsupportedSourceGuard, RolesAndSsoStopTheChain) {
  auto files = shared_files(
      "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n"
      "[profile web]\nrole_arn = arn:aws:iam::1:role/r\nweb_identity_token_file = /t\n"
      "[profile sso]\nsso_session = corp\nsso_account_id = 1\n");
  struct Case {
    const char* profile;
    const char* expected;
  };
  for (Case c : {Case{"role", "role_arn in profile role (/test/config) asks for an assumed role"},
                 Case{"web", "asks for web identity federation"},
                 Case{"sso", "asks for IAM Identity Center (SSO)"}}) {
    auto r = make_unsupported_source_guard(fixed_environment({}), files, c.profile, ProfileFlag::absent)->get();
    ASSERT_FALSE(r) << c.profile;
    EXPECT_EQ(r.error().code, "CredentialsError");
    EXPECT_NE(r.error().message.find(c.expected), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("aws configure export-credentials --profile " + std::string(c.profile)),
              std::string::npos);
  }
}

TEST(UnsupportedSourceGuard, WebIdentityFromTheEnvironmentUnlessTheProfileWasGiven) {
  auto files = shared_files("[default]\n");
  auto env = fixed_environment({{"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"}, {"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}});
  auto absent = make_unsupported_source_guard(env, files, "default", ProfileFlag::absent)->get();
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, "CredentialsError");
  auto given = make_unsupported_source_guard(env, files, "default", ProfileFlag::given)->get();
  ASSERT_FALSE(given);
  EXPECT_EQ(given.error().code, "CredentialsNotFound");
}
