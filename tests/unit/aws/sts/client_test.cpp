#include "spawn/aws/sts/client.hpp"

#include <gtest/gtest.h>

#include "spawn/util/time.hpp"

using namespace spawn::aws::sts;

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

const char* k_reply =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>)"
    R"(<AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>sec</SecretAccessKey><SessionToken>tok</SessionToken>)"
    R"(<Expiration>2030-01-01T00:00:00.000Z</Expiration></Credentials><AssumedRoleUser><Arn>a</Arn></AssumedRoleUser>)"
    R"(</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>)";

}  // namespace

TEST(Sts, AssumeRoleParamsOnlyWhatIsSet) {
  AssumeRoleInput in;
  in.role_arn = "arn:aws:iam::1:role/r";
  in.role_session_name = "spawn-session-1";
  EXPECT_EQ(assume_role_params(in), (Params{{"Action", "AssumeRole"}, {"Version", "2011-06-15"},
                                            {"RoleArn", "arn:aws:iam::1:role/r"}, {"RoleSessionName", "spawn-session-1"}}));
  in.external_id = "ext";
  in.duration_seconds = 3600;
  in.serial_number = "arn:aws:iam::1:mfa/me";
  in.token_code = "123456";
  EXPECT_EQ(assume_role_params(in),
            (Params{{"Action", "AssumeRole"}, {"Version", "2011-06-15"}, {"RoleArn", "arn:aws:iam::1:role/r"},
                    {"RoleSessionName", "spawn-session-1"}, {"DurationSeconds", "3600"}, {"ExternalId", "ext"},
                    {"SerialNumber", "arn:aws:iam::1:mfa/me"}, {"TokenCode", "123456"}}));
}

TEST(Sts, WebIdentityParams) {
  EXPECT_EQ(assume_role_with_web_identity_params({"arn:r", "s", "jwt"}),
            (Params{{"Action", "AssumeRoleWithWebIdentity"}, {"Version", "2011-06-15"}, {"RoleArn", "arn:r"},
                    {"RoleSessionName", "s"}, {"WebIdentityToken", "jwt"}}));
}

TEST(Sts, ParsesCredentials) {
  auto c = parse_credentials_reply(k_reply, "AssumeRole", "assumed role");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key_id, "ASIAX");
  EXPECT_EQ(c->secret_access_key, "sec");
  EXPECT_EQ(c->session_token, "tok");
  EXPECT_EQ(c->expiration, spawn::util::parse_rfc3339("2030-01-01T00:00:00Z"));
  EXPECT_EQ(c->source, "assumed role");
  // The reply of the other action is not this one's.
  EXPECT_FALSE(parse_credentials_reply(k_reply, "AssumeRoleWithWebIdentity", "x"));
}

TEST(Sts, RefusesIncompleteRepliesWithoutQuotingThem) {
  std::string no_secret = k_reply;
  no_secret.replace(no_secret.find("<SecretAccessKey>sec</SecretAccessKey>"), 38, "");
  std::string bad_time = k_reply;
  bad_time.replace(bad_time.find("2030-01-01T00:00:00.000Z"), 24, "tomorrow");
  for (const std::string& body : {std::string("nope"), no_secret, bad_time}) {
    auto c = parse_credentials_reply(body, "AssumeRole", "x");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, "InvalidReply");
    EXPECT_EQ(c.error().message.find("ASIAX"), std::string::npos);
    EXPECT_EQ(c.error().message.find("tok"), std::string::npos);
  }
}
