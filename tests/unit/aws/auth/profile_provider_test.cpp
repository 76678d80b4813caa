#include "spawn/aws/auth/profile_provider.hpp"

#include <gtest/gtest.h>

#include "../../support/shared_files_from_text.hpp"

using spawn::aws::auth::make_profile_provider;
using spawn::aws::auth::ProfileFile;
using spawn::test::shared_files;

TEST(ProfileProvider, CredentialsFileSection) {
  auto files = shared_files("", "[default]\naws_access_key_id = AKIA\naws_secret_access_key = s\naws_session_token = t\n");
  auto c = make_profile_provider(files, "default", ProfileFile::credentials)->get();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIA");
  EXPECT_EQ(c->secret_access_key, "s");
  EXPECT_EQ(c->session_token, "t");
  EXPECT_FALSE(c->expiration);
  EXPECT_EQ(c->source, "shared credentials file (/test/credentials), profile default");
}

TEST(ProfileProvider, ConfigFileSectionNeedsTheProfilePrefix) {
  auto files = shared_files("[profile dev]\naws_access_key_id = A1\naws_secret_access_key = s1\n"
                            "[prod]\naws_access_key_id = A2\naws_secret_access_key = s2\n");
  auto dev = make_profile_provider(files, "dev", ProfileFile::config)->get();
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->access_key_id, "A1");
  EXPECT_EQ(dev->source, "config file (/test/config), profile dev");
  auto prod = make_profile_provider(files, "prod", ProfileFile::config)->get();
  ASSERT_FALSE(prod);
  EXPECT_EQ(prod.error().code, "CredentialsNotFound");
  EXPECT_EQ(prod.error().message, "config file (/test/config): no profile prod");
  // Each provider reads its own file only.
  EXPECT_FALSE(make_profile_provider(files, "dev", ProfileFile::credentials)->get());
}

TEST(ProfileProvider, LegacyTokenNameAndPreference) {
  auto files = shared_files("", "[a]\naws_access_key_id = A\naws_secret_access_key = s\naws_security_token = old\n"
                                "[b]\naws_access_key_id = A\naws_secret_access_key = s\naws_security_token = old\n"
                                "aws_session_token = new\n");
  EXPECT_EQ(make_profile_provider(files, "a", ProfileFile::credentials)->get()->session_token, "old");
  EXPECT_EQ(make_profile_provider(files, "b", ProfileFile::credentials)->get()->session_token, "new");
}

TEST(ProfileProvider, ProfileWithoutKeysIsNotFound) {
  auto files = shared_files("", "[default]\nregion = us-east-1\n");
  auto c = make_profile_provider(files, "default", ProfileFile::credentials)->get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "CredentialsNotFound");
  EXPECT_NE(c.error().message.find("no aws_access_key_id"), std::string::npos);
  EXPECT_FALSE(make_profile_provider(nullptr, "default", ProfileFile::config)->get());
}

TEST(ProfileProvider, KeyWithoutSecretIsAnError) {
  auto files = shared_files("", "[a]\naws_access_key_id = AKIA\n[b]\naws_access_key_id =\naws_secret_access_key = s\n"
                                "[c]\naws_access_key_id = AKIA\naws_secret_access_key =\n");
  for (const char* name : {"a", "b", "c"}) {
    auto r = make_profile_provider(files, name, ProfileFile::credentials)->get();
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, "CredentialsError") << name;
  }
}
