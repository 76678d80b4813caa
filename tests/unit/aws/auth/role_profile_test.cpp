#include "spawn/aws/auth/role_profile.hpp"

#include <gtest/gtest.h>

#include "../../support/shared_files_from_text.hpp"

using namespace spawn::aws::auth;
using spawn::test::shared_files;

namespace {

// The plan as text: "<source>: role1 (profile) > role2 (profile)", or "none", or "error: <message>".
std::string plan_of(const std::string& config, const std::string& profile, const std::string& credentials = {}) {
  auto files = shared_files(config, credentials);
  auto plan = resolve_role_plan(*files, profile);
  if (!plan) return "error: " + plan.error().code + ": " + plan.error().message;
  if (!*plan) return "none";
  const char* kinds[] = {"profile", "Environment", "Ec2InstanceMetadata", "EcsContainer"};
  std::string out = std::string(kinds[static_cast<int>((*plan)->source)]);
  if ((*plan)->source == RoleSource::profile) out += " " + (*plan)->source_profile;
  out += ":";
  for (const auto& r : (*plan)->roles) out += " " + r.role_arn + " (" + r.profile + ")";
  return out;
}

}  // namespace

TEST(RoleProfile, NotARoleProfile) {
  EXPECT_EQ(plan_of("[profile dev]\nregion = eu-west-1\n", "dev"), "none");
  // role_arn with a web identity token file is a web identity profile.
  EXPECT_EQ(plan_of("[profile w]\nrole_arn = arn:r\nweb_identity_token_file = /t\n", "w"), "none");
}

TEST(RoleProfile, SourceProfileWithStaticKeys) {
  auto files = shared_files("[profile dev]\nrole_arn = arn:aws:iam::1:role/dev\nsource_profile = base\n"
                            "external_id = ext\nmfa_serial = arn:aws:iam::1:mfa/me\nduration_seconds = 1800\n"
                            "role_session_name = me\n",
                            "[base]\naws_access_key_id = A\naws_secret_access_key = s\n");
  auto plan = resolve_role_plan(*files, "dev");
  ASSERT_TRUE(plan && *plan);
  EXPECT_EQ((*plan)->source, RoleSource::profile);
  EXPECT_EQ((*plan)->source_profile, "base");
  ASSERT_EQ((*plan)->roles.size(), 1u);
  const RoleStep& r = (*plan)->roles[0];
  EXPECT_EQ(r.role_arn, "arn:aws:iam::1:role/dev");
  EXPECT_EQ(r.external_id, "ext");
  EXPECT_EQ(r.mfa_serial, "arn:aws:iam::1:mfa/me");
  EXPECT_EQ(r.role_session_name, "me");
  EXPECT_EQ(r.duration_seconds, 1800);
}

TEST(RoleProfile, ChainsAreAssumedInnermostFirst) {
  const std::string config =
      "[profile top]\nrole_arn = arn:top\nsource_profile = middle\n"
      "[profile middle]\nrole_arn = arn:middle\nsource_profile = base\n"
      "[profile base]\nrole_arn = arn:base\ncredential_source = Ec2InstanceMetadata\n";
  EXPECT_EQ(plan_of(config, "top"), "Ec2InstanceMetadata: arn:base (base) arn:middle (middle) arn:top (top)");
  EXPECT_EQ(plan_of(config, "middle"), "Ec2InstanceMetadata: arn:base (base) arn:middle (middle)");
}

TEST(RoleProfile, StaticKeysOfASourceProfileWinOverItsRole) {
  // botocore: a source profile with keys is where the chain starts, even if it has role_arn.
  EXPECT_EQ(plan_of("[profile top]\nrole_arn = arn:top\nsource_profile = base\n"
                    "[profile base]\nrole_arn = arn:base\nsource_profile = other\n",
                    "top", "[base]\naws_access_key_id = A\naws_secret_access_key = s\n"),
            "profile base: arn:top (top)");
  // A source profile with SSO, a process or web identity, but no role: its own providers.
  EXPECT_EQ(plan_of("[profile top]\nrole_arn = arn:top\nsource_profile = sso\n"
                    "[profile sso]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n", "top"),
            "profile sso: arn:top (top)");
}

TEST(RoleProfile, CredentialSources) {
  EXPECT_EQ(plan_of("[default]\nrole_arn = arn:r\ncredential_source = Environment\n", "default"), "Environment: arn:r (default)");
  EXPECT_EQ(plan_of("[default]\nrole_arn = arn:r\ncredential_source = EcsContainer\n", "default"), "EcsContainer: arn:r (default)");
  EXPECT_EQ(plan_of("[default]\nrole_arn = arn:r\ncredential_source = Laptop\n", "default").substr(0, 60),
            "error: InvalidConfig: credential_source in profile default (");
  EXPECT_NE(plan_of("[default]\nrole_arn = arn:r\ncredential_source = Laptop\n", "default")
                .find("must be Environment, Ec2InstanceMetadata or EcsContainer"),
            std::string::npos);
}

TEST(RoleProfile, ALoopIsOneClearError) {
  EXPECT_EQ(plan_of("[profile a]\nrole_arn = arn:a\nsource_profile = b\n"
                    "[profile b]\nrole_arn = arn:b\nsource_profile = a\n", "a"),
            "error: InvalidConfig: the source_profile chain of profile a loops: a -> b -> a");
  EXPECT_EQ(plan_of("[profile a]\nrole_arn = arn:a\nsource_profile = b\n"
                    "[profile b]\nrole_arn = arn:b\nsource_profile = c\n"
                    "[profile c]\nrole_arn = arn:c\nsource_profile = b\n", "a"),
            "error: InvalidConfig: the source_profile chain of profile a loops: a -> b -> c -> b");
  // Naming itself without keys is a loop too...
  EXPECT_EQ(plan_of("[profile a]\nrole_arn = arn:a\nsource_profile = a\n", "a"),
            "error: InvalidConfig: the source_profile chain of profile a loops: a -> a");
  // ...but with its own static keys it is botocore's allowed self-reference.
  EXPECT_EQ(plan_of("[profile a]\nrole_arn = arn:a\nsource_profile = a\n", "a",
                    "[a]\naws_access_key_id = A\naws_secret_access_key = s\n"),
            "profile a: arn:a (a)");
}

TEST(RoleProfile, SetUpWrong) {
  EXPECT_EQ(plan_of("[default]\nrole_arn = arn:r\n", "default"),
            "error: InvalidConfig: profile default has role_arn but neither source_profile nor credential_source, so "
            "spawn does not know which credentials assume the role");
  EXPECT_EQ(plan_of("[default]\nrole_arn = arn:r\nsource_profile = x\ncredential_source = Environment\n", "default"),
            "error: InvalidConfig: profile default has both source_profile and credential_source: keep one");
  EXPECT_EQ(plan_of("[default]\nrole_arn = arn:r\nsource_profile = nowhere\n", "default"),
            "error: InvalidConfig: the source_profile nowhere named in profile default does not exist");
  auto bad = plan_of("[default]\nrole_arn = arn:r\ncredential_source = Environment\nduration_seconds = 1h\n", "default");
  EXPECT_NE(bad.find("duration_seconds in profile default"), std::string::npos) << bad;
  EXPECT_NE(bad.find("must be a positive integer"), std::string::npos) << bad;
}
