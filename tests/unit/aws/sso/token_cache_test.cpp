#include "spawn/aws/sso/token_cache.hpp"

#include <gtest/gtest.h>

#include "spawn/aws/sso/client.hpp"
#include "spawn/util/sha1.hpp"
#include "spawn/util/time.hpp"
#include "../../support/temp_dir.hpp"

using namespace spawn::aws::sso;

TEST(SsoTokenCache, PathIsTheSha1OfTheKeyAsTheAwsCliWritesIt) {
  // hashlib.sha1(b"my-sso").hexdigest(), and of a start URL for legacy profiles.
  EXPECT_EQ(token_cache_path("/home/me", "my-sso"), "/home/me/.aws/sso/cache/" + spawn::util::sha1_hex("my-sso") + ".json");
  EXPECT_EQ(spawn::util::sha1_hex("my-sso"), "0ad374308c5a4e22f723adf10145eafad7c4031c");
  EXPECT_EQ(token_cache_path("/h/", "https://d-123.awsapps.com/start"),
            "/h/.aws/sso/cache/" + spawn::util::sha1_hex("https://d-123.awsapps.com/start") + ".json");
}

TEST(SsoTokenCache, ParsesTheTokenAndItsExpiry) {
  auto t = parse_token_cache(R"({"startUrl":"https://x","region":"eu-west-1","accessToken":"SECRET-TOKEN",)"
                             R"("expiresAt":"2030-01-01T00:00:00Z","clientId":"c"})",
                             "/p.json");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->access_token, "SECRET-TOKEN");
  EXPECT_EQ(t->expires_at, spawn::util::parse_rfc3339("2030-01-01T00:00:00Z"));
}

TEST(SsoTokenCache, MalformedCachesAreOneClearErrorWithoutTheToken) {
  for (const char* text : {"not json", "[]", R"({"expiresAt":"2030-01-01T00:00:00Z"})",
                           R"({"accessToken":"SECRET-TOKEN"})", R"({"accessToken":"SECRET-TOKEN","expiresAt":"soon"})",
                           R"({"accessToken":7,"expiresAt":"2030-01-01T00:00:00Z"})"}) {
    auto t = parse_token_cache(text, "/c/x.json");
    ASSERT_FALSE(t) << text;
    EXPECT_EQ(t.error().code, "InvalidConfig") << text;
    EXPECT_NE(t.error().message.find("the SSO token cache /c/x.json "), std::string::npos) << t.error().message;
    EXPECT_EQ(t.error().message.find("SECRET-TOKEN"), std::string::npos) << t.error().message;
  }
}

TEST(SsoTokenCache, MissingFileIsNoLoginAndUnreadableOneIsAnError) {
  spawn::test::TempDir dir;
  auto none = read_token_cache(dir.file("absent.json"));
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto directory = read_token_cache(dir.path());  // exists, cannot be read as a file
  ASSERT_FALSE(directory);
  EXPECT_EQ(directory.error().code, "InvalidConfig");
  auto ok = read_token_cache(dir.write("t.json", R"({"accessToken":"a","expiresAt":"2030-01-01T00:00:00Z"})"));
  ASSERT_TRUE(ok && *ok);
  EXPECT_EQ((*ok)->access_token, "a");
}

TEST(SsoPortal, GetRoleCredentialsRequestAndReply) {
  auto req = get_role_credentials_request("Dev", "111122223333", "tok");
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.path, "/federation/credentials");
  EXPECT_EQ(req.signing, spawn::aws::Signing::none);
  ASSERT_EQ(req.query.size(), 2u);
  EXPECT_EQ(req.query[0], (std::pair<std::string, std::string>{"role_name", "Dev"}));
  EXPECT_EQ(req.query[1], (std::pair<std::string, std::string>{"account_id", "111122223333"}));
  ASSERT_EQ(req.headers.size(), 1u);
  EXPECT_EQ(req.headers[0], (std::pair<std::string, std::string>{"x-amz-sso_bearer_token", "tok"}));

  auto c = parse_role_credentials(R"({"roleCredentials":{"accessKeyId":"ASIA1","secretAccessKey":"s",)"
                                  R"("sessionToken":"t","expiration":1893456000000}})",
                                  "sso");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key_id, "ASIA1");
  EXPECT_EQ(c->session_token, "t");
  EXPECT_EQ(c->expiration, spawn::util::parse_rfc3339("2030-01-01T00:00:00Z"));
  for (const char* bad : {"{}", R"({"roleCredentials":{"accessKeyId":"A"}})",
                          R"({"roleCredentials":{"accessKeyId":"A","secretAccessKey":"s","sessionToken":"t","expiration":"x"}})"}) {
    auto r = parse_role_credentials(bad, "sso");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "InvalidReply");
  }
}
