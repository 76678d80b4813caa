#include "spawn/aws/auth/credentials_document.hpp"

#include <gtest/gtest.h>

#include "spawn/util/time.hpp"

using spawn::aws::auth::DocumentKind;
using spawn::aws::auth::parse_credentials_document;

TEST(CredentialsDocument, MetadataDocument) {
  auto c = parse_credentials_document(
      R"({"Code":"Success","LastUpdated":"2024-05-01T11:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAEXAMPLE",)"
      R"("SecretAccessKey":"secret","Token":"token","Expiration":"2024-05-01T17:00:00Z"})",
      DocumentKind::metadata, "instance role r");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(c->secret_access_key, "secret");
  EXPECT_EQ(c->session_token, "token");
  EXPECT_EQ(c->source, "instance role r");
  ASSERT_TRUE(c->expiration);
  EXPECT_EQ(spawn::util::format_rfc3339(*c->expiration), "2024-05-01T17:00:00Z");
}

TEST(CredentialsDocument, ProcessDocument) {
  auto c = parse_credentials_document(
      R"({"Version":1,"AccessKeyId":"AKIA","SecretAccessKey":"s","SessionToken":"t","Expiration":"2024-05-01T17:00:00.000+02:00"})",
      DocumentKind::process, "credential_process (profile p)");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->session_token, "t");
  EXPECT_EQ(spawn::util::format_rfc3339(*c->expiration), "2024-05-01T15:00:00Z");
  auto static_keys =
      parse_credentials_document(R"({"Version":1,"AccessKeyId":"AKIA","SecretAccessKey":"s"})", DocumentKind::process, "p");
  ASSERT_TRUE(static_keys);
  EXPECT_FALSE(static_keys->expiration);
  EXPECT_EQ(static_keys->session_token, "");
}

TEST(CredentialsDocument, BadDocumentsNameTheFieldButNeverAValue) {
  struct Case {
    const char* body;
    DocumentKind kind;
    const char* expected;
  };
  const Case cases[] = {
      {"not json", DocumentKind::metadata, "not a JSON object"},
      {"[1,2]", DocumentKind::metadata, "not a JSON object"},
      {R"({"AccessKeyId":"AKIA","SecretAccessKey":"s"})", DocumentKind::process, "no Version"},
      {R"({"Version":2,"AccessKeyId":"AKIA","SecretAccessKey":"s"})", DocumentKind::process, "unsupported Version 2"},
      {R"({"Version":"1","AccessKeyId":"AKIA","SecretAccessKey":"s"})", DocumentKind::process, "unsupported Version"},
      {R"({"Version":1,"SecretAccessKey":"hunter2"})", DocumentKind::process, "AccessKeyId is missing"},
      {R"({"Version":1,"AccessKeyId":"AKIA"})", DocumentKind::process, "SecretAccessKey is missing"},
      {R"({"Version":1,"AccessKeyId":"AKIA","SecretAccessKey":"hunter2","Expiration":"tomorrow"})",
       DocumentKind::process, "Expiration 'tomorrow'"},
      {R"({"AccessKeyId":42,"SecretAccessKey":"hunter2"})", DocumentKind::metadata, "AccessKeyId is not a string"},
      {R"({"Code":"AssumeRoleUnauthorizedAccess","AccessKeyId":"A","SecretAccessKey":"hunter2"})",
       DocumentKind::metadata, "Code is AssumeRoleUnauthorizedAccess"},
  };
  for (const auto& c : cases) {
    auto r = parse_credentials_document(c.body, c.kind, "src");
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.error().code, "CredentialsError");
    EXPECT_NE(r.error().message.find(c.expected), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos) << r.error().message;
    EXPECT_TRUE(r.error().message.starts_with("src: "));
  }
}
