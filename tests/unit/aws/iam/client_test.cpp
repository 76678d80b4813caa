#include "spawn/aws/iam/client.hpp"

#include <gtest/gtest.h>

#include "../../support/scripted_transport.hpp"
#include "../../support/static_credentials.hpp"

namespace spawn::aws::iam {
namespace {

Client client(std::shared_ptr<http::Transport> t) {
  return Client(std::make_shared<ServiceClient>(services::iam, "https://iam.amazonaws.com", "us-east-1",
                                                std::make_shared<test::StaticCredentials>(), std::move(t), nullptr));
}

// What IAM sends (percent-encoded documents, the 2010-05-08 namespace).
const char* k_get_role = R"(<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role>
<Path>/</Path><RoleName>spawn-spored</RoleName><RoleId>AROA1</RoleId><Arn>arn:aws:iam::123456789012:role/spawn-spored</Arn>
<AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D</AssumeRolePolicyDocument>
</Role></GetRoleResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetRoleResponse>)";

}  // namespace

TEST(Iam, Builders) {
  auto p = create_role_params("r", "{\"a\": 1}", "desc", {{"spawn:managed", "true"}, {"a", "b"}});
  std::vector<std::pair<std::string, std::string>> want = {
      {"Action", "CreateRole"}, {"Version", "2010-05-08"}, {"RoleName", "r"}, {"AssumeRolePolicyDocument", "{\"a\": 1}"},
      {"Description", "desc"}, {"Tags.member.1.Key", "a"}, {"Tags.member.1.Value", "b"},
      {"Tags.member.2.Key", "spawn:managed"}, {"Tags.member.2.Value", "true"}};
  EXPECT_EQ(p, want);
  EXPECT_EQ(put_role_policy_params("r", "p", "{}").at(0).second, "PutRolePolicy");
  EXPECT_EQ(add_role_to_instance_profile_params("ip", "r").back(), (std::pair<std::string, std::string>{"RoleName", "r"}));
  EXPECT_EQ(update_assume_role_policy_params("r", "{}").at(3).first, "PolicyDocument");
}

TEST(Iam, ParsersDecodePolicyDocuments) {
  auto role = parse_role_response(k_get_role);
  ASSERT_TRUE(role) << role.error().describe();
  EXPECT_EQ(role->name, "spawn-spored");
  EXPECT_EQ(role->arn, "arn:aws:iam::123456789012:role/spawn-spored");
  EXPECT_EQ(role->assume_role_policy, R"({"Version":"2012-10-17","Statement":[]})");

  auto doc = parse_role_policy_response(
      R"(<GetRolePolicyResponse><GetRolePolicyResult><RoleName>r</RoleName><PolicyName>p</PolicyName>)"
      R"(<PolicyDocument>%7B%22a%22%3A%20%22b%2Bc%22%7D</PolicyDocument></GetRolePolicyResult></GetRolePolicyResponse>)");
  ASSERT_TRUE(doc);
  EXPECT_EQ(*doc, R"({"a": "b+c"})") << "percent-decoded, '+' kept";

  auto profile = parse_instance_profile_response(
      R"(<CreateInstanceProfileResponse><CreateInstanceProfileResult><InstanceProfile><InstanceProfileName>ip</InstanceProfileName>)"
      R"(<Arn>arn:aws:iam::1:instance-profile/ip</Arn><Roles><member><RoleName>r1</RoleName></member></Roles>)"
      R"(</InstanceProfile></CreateInstanceProfileResult></CreateInstanceProfileResponse>)");
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->name, "ip");
  EXPECT_EQ(profile->role_names, std::vector<std::string>{"r1"});

  EXPECT_EQ(parse_role_response("<nope/>").error().code, "InvalidReply");
  EXPECT_EQ(parse_role_policy_response("not xml <").error().code, "InvalidReply");
  EXPECT_EQ(parse_instance_profile_response("<GetInstanceProfileResponse/>").error().code, "InvalidReply");
}

TEST(Iam, CallIsASignedFormPostForUsEast1) {
  auto transport = std::make_shared<test::ScriptedTransport>();
  transport->reply(200, k_get_role)
      .reply(404, R"(<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>Role x not found</Message></Error><RequestId>r2</RequestId></ErrorResponse>)");
  auto iam = client(transport);
  ASSERT_TRUE(iam.get_role("spawn-spored"));
  auto r = transport->requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://iam.amazonaws.com/");
  EXPECT_EQ(r.body, "Action=GetRole&Version=2010-05-08&RoleName=spawn-spored");
  EXPECT_NE(test::header_of(r, "Authorization").find("/us-east-1/iam/aws4_request"), std::string::npos);
  auto missing = iam.get_role("x");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(is_no_such_entity(missing.error()));
  EXPECT_EQ(missing.error().request_id, "r2");
}

}  // namespace spawn::aws::iam
