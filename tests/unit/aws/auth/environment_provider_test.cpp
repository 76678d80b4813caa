#include "spawn/aws/auth/environment_provider.hpp"

#include <gtest/gtest.h>

using spawn::aws::auth::make_environment_provider;
using spawn::aws::config::fixed_environment;

TEST(EnvironmentProvider, KeysTokenAndExpiration) {
  auto p = make_environment_provider(fixed_environment({{"AWS_ACCESS_KEY_ID", "AKIA"},
                                                        {"AWS_SECRET_ACCESS_KEY", "secret"},
                                                        {"AWS_SESSION_TOKEN", "token"},
                                                        {"AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z"}}));
  auto c = p->get();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIA");
  EXPECT_EQ(c->secret_access_key, "secret");
  EXPECT_EQ(c->session_token, "token");
  EXPECT_TRUE(c->expiration);
  EXPECT_EQ(c->source, "environment");
}

TEST(EnvironmentProvider, LongTermKeysAndTheLegacyTokenName) {
  auto plain = make_environment_provider(fixed_environment({{"AWS_ACCESS_KEY_ID", "AKIA"}, {"AWS_SECRET_ACCESS_KEY", "s"}}))->get();
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->session_token, "");
  EXPECT_FALSE(plain->expiration);
  auto legacy = make_environment_provider(fixed_environment(
      {{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"AWS_SECURITY_TOKEN", "old"}}))->get();
  EXPECT_EQ(legacy->session_token, "old");
  auto both = make_environment_provider(fixed_environment({{"AWS_ACCESS_KEY_ID", "A"},
                                                           {"AWS_SECRET_ACCESS_KEY", "s"},
                                                           {"AWS_SECURITY_TOKEN", "old"},
                                                           {"AWS_SESSION_TOKEN", "new"}}))->get();
  EXPECT_EQ(both->session_token, "new");
}

TEST(EnvironmentProvider, NotFoundWithoutTheAccessKey) {
  for (auto env : {fixed_environment({}), fixed_environment({{"AWS_SECRET_ACCESS_KEY", "s"}}),
                   fixed_environment({{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", "s"}})}) {
    auto c = make_environment_provider(env)->get();
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, "CredentialsNotFound");
    EXPECT_EQ(c.error().message, "environment: AWS_ACCESS_KEY_ID is not set");
  }
}

TEST(EnvironmentProvider, PartialOrMalformedIsAnError) {
  auto partial = make_environment_provider(fixed_environment({{"AWS_ACCESS_KEY_ID", "AKIA"}}))->get();
  ASSERT_FALSE(partial);
  EXPECT_EQ(partial.error().code, "CredentialsError");
  EXPECT_NE(partial.error().message.find("AWS_SECRET_ACCESS_KEY is not"), std::string::npos);
  auto bad_time = make_environment_provider(fixed_environment(
      {{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"AWS_CREDENTIAL_EXPIRATION", "soon"}}))->get();
  ASSERT_FALSE(bad_time);
  EXPECT_EQ(bad_time.error().code, "CredentialsError");
  EXPECT_NE(bad_time.error().message.find("AWS_CREDENTIAL_EXPIRATION"), std::string::npos);
}

TEST(EnvironmentProvider, ReadsTheEnvironmentAtEachGet) {
  std::map<std::string, std::string> vars{{"AWS_ACCESS_KEY_ID", "first"}, {"AWS_SECRET_ACCESS_KEY", "s"}};
  auto p = make_environment_provider([&vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
  EXPECT_EQ(p->get()->access_key_id, "first");
  vars["AWS_ACCESS_KEY_ID"] = "second";
  EXPECT_EQ(p->get()->access_key_id, "second");
}
