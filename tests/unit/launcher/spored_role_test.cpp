#include "spawn/launcher/spored_role.hpp"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "../support/scripted_transport.hpp"
#include "spawn/util/url.hpp"

using namespace spawn;
using namespace spawn::launcher;
using nlohmann::json;

namespace {

const std::string k_topic = "arn:aws:sns:us-east-1:123456789012:alerts";
const std::string k_topic2 = "arn:aws:sns:eu-west-1:123456789012:other";

// A small IAM behind the transport: roles, inline policies and instance profiles, answering
// as IAM does (percent-encoded documents, NoSuchEntity 404, EntityAlreadyExists 409). Every
// action is counted.
class FakeIam {
 public:
  std::optional<std::string> trust;                 // the role, when it exists
  std::optional<std::string> policy;                // its inline policy "spored"
  std::optional<std::vector<std::string>> profile;  // the profile's roles, when it exists
  std::vector<std::string> actions;

  std::shared_ptr<test::ScriptedTransport> transport() {
    auto t = std::make_shared<test::ScriptedTransport>();
    t->otherwise_fail();
    for (int i = 0; i < 50; ++i) t->respond([this](const aws::http::Request& r) { return answer(r); });
    return t;
  }

 private:
  static std::map<std::string, std::string> form(const std::string& body) {
    std::map<std::string, std::string> out;
    size_t start = 0;
    while (start <= body.size()) {
      size_t amp = body.find('&', start);
      std::string pair = body.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      auto eq = pair.find('=');
      out[util::percent_decode(pair.substr(0, eq), true)] = util::percent_decode(pair.substr(eq + 1), true);
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
    return out;
  }
  static aws::http::Response ok(const std::string& action, const std::string& inner) {
    return {200, {}, "<" + action + "Response><" + action + "Result>" + inner + "</" + action + "Result></" + action + "Response>"};
  }
  static aws::http::Response error(int status, const std::string& code) {
    return {status, {}, "<ErrorResponse><Error><Code>" + code + "</Code><Message>" + code + "</Message></Error></ErrorResponse>"};
  }
  std::string profile_xml() const {
    std::string roles;
    for (const auto& r : *profile) roles += "<member><RoleName>" + r + "</RoleName></member>";
    return "<InstanceProfile><InstanceProfileName>spawn-spored</InstanceProfileName><Arn>arn:aws:iam::1:instance-profile/"
           "spawn-spored</Arn><Roles>" + roles + "</Roles></InstanceProfile>";
  }
  aws::Result<aws::http::Response> answer(const aws::http::Request& r) {
    auto p = form(r.body);
    const std::string a = p["Action"];
    actions.push_back(a);
    const std::string role_xml = trust ? "<Role><RoleName>spawn-spored</RoleName><Arn>arn:aws:iam::1:role/spawn-spored</Arn>"
                                         "<AssumeRolePolicyDocument>" + util::percent_encode(*trust) +
                                             "</AssumeRolePolicyDocument></Role>"
                                       : "";
    if (a == "GetRole") return trust ? ok(a, role_xml) : error(404, "NoSuchEntity");
    if (a == "CreateRole") {
      if (trust) return error(409, "EntityAlreadyExists");
      trust = p["AssumeRolePolicyDocument"];
      return ok(a, "<Role><RoleName>spawn-spored</RoleName><AssumeRolePolicyDocument>x</AssumeRolePolicyDocument></Role>");
    }
    if (a == "UpdateAssumeRolePolicy") {
      trust = p["PolicyDocument"];
      return ok(a, "");
    }
    if (a == "GetRolePolicy")
      return policy ? ok(a, "<PolicyDocument>" + util::percent_encode(*policy) + "</PolicyDocument>") : error(404, "NoSuchEntity");
    if (a == "PutRolePolicy") {
      policy = p["PolicyDocument"];
      return ok(a, "");
    }
    if (a == "GetInstanceProfile") return profile ? ok(a, profile_xml()) : error(404, "NoSuchEntity");
    if (a == "CreateInstanceProfile") {
      if (profile) return error(409, "EntityAlreadyExists");
      profile = std::vector<std::string>{};
      return ok(a, profile_xml());
    }
    if (a == "AddRoleToInstanceProfile") {
      if (!profile->empty()) return error(409, "LimitExceeded");
      profile->push_back(p["RoleName"]);
      return ok(a, "");
    }
    return error(400, "InvalidAction");
  }
};

aws::iam::Client client(std::shared_ptr<aws::http::Transport> t) {
  class Creds final : public aws::auth::CredentialsProvider {
   public:
    aws::Result<aws::auth::Credentials> get() override { return aws::auth::Credentials{"AKID", "secret", "", {}, "test"}; }
  };
  return aws::iam::Client(std::make_shared<aws::ServiceClient>(aws::services::iam, "https://iam.amazonaws.com", "us-east-1",
                                                               std::make_shared<Creds>(), std::move(t), nullptr));
}

SporedGrants grants(std::vector<std::string> topics, std::vector<std::string> objects) {
  SporedGrants g;
  g.sns_topics = std::move(topics);
  g.s3_objects = std::move(objects);
  return g;
}

}  // namespace

TEST(SporedRole, TrustPolicyIsEc2Only) {
  EXPECT_EQ(spored_trust_policy().dump(),
            R"({"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"}}],)"
            R"("Version":"2012-10-17"})");
}

TEST(SporedRole, PolicyDocumentIsLeastPrivilege) {
  const json doc = spored_policy(grants({k_topic}, {"ckpt-bucket/jobs/save.sh"}));
  const json self = {{"StringEquals", {{"aws:ResourceTag/spawn:managed", "true"}}},
                     {"ArnLike", {{"ec2:SourceInstanceARN", "arn:aws:ec2:*:*:instance/${ec2:InstanceID}"}}}};
  json tag_condition = self;
  tag_condition["ForAllValues:StringEquals"] = {
      {"aws:TagKeys", {"spawn:interruption-notice", "spawn:interruption-action", "spawn:checkpoint-status"}}};
  const json want = {
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Sid", "TagItself"}, {"Effect", "Allow"}, {"Action", "ec2:CreateTags"}, {"Resource", "arn:aws:ec2:*:*:instance/*"},
         {"Condition", tag_condition}},
        {{"Sid", "TerminateItself"}, {"Effect", "Allow"}, {"Action", "ec2:TerminateInstances"},
         {"Resource", "arn:aws:ec2:*:*:instance/*"}, {"Condition", self}},
        {{"Sid", "NotifyTopics"}, {"Effect", "Allow"}, {"Action", "sns:Publish"}, {"Resource", {k_topic}}},
        {{"Sid", "ReadCheckpointScripts"}, {"Effect", "Allow"}, {"Action", "s3:GetObject"},
         {"Resource", {"arn:aws:s3:::ckpt-bucket/jobs/save.sh"}}}}}};
  EXPECT_EQ(doc, want) << doc.dump(2);
  // Nothing with a wildcard action, nothing on "*".
  for (const auto& s : doc["Statement"]) {
    EXPECT_EQ(s["Action"].get<std::string>().find('*'), std::string::npos);
    EXPECT_NE(s["Resource"], "*");
  }
}

TEST(SporedRole, NoTopicsNoScriptsNoEmptyStatements) {
  SporedGrants g;
  g.partition = "aws-cn";
  const json doc = spored_policy(g);
  ASSERT_EQ(doc["Statement"].size(), 2u);
  EXPECT_EQ(doc["Statement"][0]["Resource"], "arn:aws-cn:ec2:*:*:instance/*");
}

TEST(SporedRole, MergeKeepsWhatEarlierLaunchesWereGiven) {
  const std::string existing = spored_policy(grants({k_topic}, {"b/old.sh"})).dump();
  SporedGrants merged = merge_grants(grants({k_topic2, k_topic}, {"b/new.sh"}), existing);
  EXPECT_EQ(merged.sns_topics, (std::vector<std::string>{k_topic, k_topic2}));
  EXPECT_EQ(merged.s3_objects, (std::vector<std::string>{"b/old.sh", "b/new.sh"}));
  EXPECT_EQ(merge_grants(grants({k_topic}, {}), "not json {").sns_topics, std::vector<std::string>{k_topic});
  // A statement of another Sid (edited by hand) is not taken over.
  const std::string foreign = R"({"Statement":[{"Sid":"Mine","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:1:x"}]})";
  EXPECT_TRUE(merge_grants(grants({}, {}), foreign).sns_topics.empty());
}

TEST(SporedRole, FirstLaunchCreatesEverythingOnce) {
  FakeIam iam;
  auto out = ensure_spored_profile(client(iam.transport()), grants({k_topic}, {}), Apply::yes);
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_TRUE(out->profile_created);
  EXPECT_TRUE(out->exists);
  EXPECT_EQ(out->name, "spawn-spored");
  EXPECT_EQ(iam.actions, (std::vector<std::string>{"GetRole", "CreateRole", "PutRolePolicy", "GetInstanceProfile",
                                                   "CreateInstanceProfile", "AddRoleToInstanceProfile"}));
  EXPECT_EQ(json::parse(*iam.trust), spored_trust_policy());
  EXPECT_EQ(json::parse(*iam.policy), spored_policy(grants({k_topic}, {})));
  EXPECT_EQ(*iam.profile, std::vector<std::string>{"spawn-spored"});
  EXPECT_EQ(out->changes.size(), 4u);
}

TEST(SporedRole, SecondLaunchOnlyReads) {
  FakeIam iam;
  ASSERT_TRUE(ensure_spored_profile(client(iam.transport()), grants({k_topic}, {}), Apply::yes));
  iam.actions.clear();
  auto again = ensure_spored_profile(client(iam.transport()), grants({k_topic}, {}), Apply::yes);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->profile_created);
  EXPECT_TRUE(again->changes.empty());
  EXPECT_EQ(iam.actions, (std::vector<std::string>{"GetRole", "GetRolePolicy", "GetInstanceProfile"}));
}

TEST(SporedRole, WrongPoliciesAreRewrittenAndGrantsOnlyGrow) {
  FakeIam iam;
  iam.trust = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]})";
  iam.policy = R"({"Version":"2012-10-17","Statement":[{"Sid":"NotifyTopics","Effect":"Allow","Action":"sns:*","Resource":")" +
               k_topic + R"("}]})";
  iam.profile = std::vector<std::string>{"spawn-spored"};
  auto out = ensure_spored_profile(client(iam.transport()), grants({k_topic2}, {"b/k"}), Apply::yes);
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_FALSE(out->profile_created);
  EXPECT_EQ(iam.actions, (std::vector<std::string>{"GetRole", "UpdateAssumeRolePolicy", "GetRolePolicy", "PutRolePolicy",
                                                   "GetInstanceProfile"}));
  EXPECT_EQ(json::parse(*iam.trust), spored_trust_policy());
  EXPECT_EQ(json::parse(*iam.policy), spored_policy(grants({k_topic, k_topic2}, {"b/k"})))
      << "the old topic stays, the wildcard action does not";
  EXPECT_EQ(out->policy, json::parse(*iam.policy)) << "the policy said is the one written";
}

TEST(SporedRole, DryRunOnlyReads) {
  FakeIam iam;
  auto out = ensure_spored_profile(client(iam.transport()), grants({}, {}), Apply::no);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->exists);
  EXPECT_EQ(iam.actions, (std::vector<std::string>{"GetRole", "GetInstanceProfile"}));
  ASSERT_EQ(out->changes.size(), 4u);
  EXPECT_EQ(out->changes[0], "create the IAM role spawn-spored (EC2 may give it to instances)");
  EXPECT_FALSE(iam.trust || iam.policy || iam.profile);
  EXPECT_EQ(out->policy, spored_policy(grants({}, {}))) << "what --dry-run prints: the policy it would write";
}

TEST(SporedRole, GrantsReadFromJsonByMemberName) {
  const SporedGrants g = json::parse(R"({"sns_topics": [")" + std::string(k_topic) + R"("]})").get<SporedGrants>();
  EXPECT_EQ(g.partition, "aws") << "a member absent keeps its default";
  EXPECT_EQ(g.sns_topics, std::vector<std::string>{k_topic});
  EXPECT_TRUE(g.s3_objects.empty());
  const json back = grants({k_topic}, {"b/k"});
  EXPECT_EQ(back, json::parse(R"({"partition": "aws", "sns_topics": [")" + std::string(k_topic) +
                              R"("], "s3_objects": ["b/k"]})"));
}

TEST(SporedRole, ProfileHoldingAnotherRoleIsAnError) {
  FakeIam iam;
  iam.profile = std::vector<std::string>{"someone-elses"};
  auto out = ensure_spored_profile(client(iam.transport()), grants({}, {}), Apply::yes);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "ProfileInUse");
  EXPECT_NE(out.error().message.find("someone-elses"), std::string::npos);
}

TEST(SporedRole, PolicyTooLargeIsRefusedBeforeWriting) {
  FakeIam iam;
  std::vector<std::string> topics;
  for (int i = 0; i < 300; ++i) topics.push_back("arn:aws:sns:us-east-1:123456789012:topic-number-" + std::to_string(i));
  auto out = ensure_spored_profile(client(iam.transport()), grants(topics, {}), Apply::yes);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "PolicyTooLarge");
  EXPECT_FALSE(iam.policy);
}

TEST(SporedRole, UnknownProfileErrors) {
  EXPECT_TRUE(is_unknown_profile_error(aws::Error{400, "InvalidParameterValue",
      "Value (spawn-spored) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name", ""}));
  EXPECT_FALSE(is_unknown_profile_error(aws::Error{400, "InvalidParameterValue", "Invalid value for MaxCount", ""}));
  EXPECT_FALSE(is_unknown_profile_error(aws::Error{500, "InsufficientInstanceCapacity", "instance profile", ""}));
}

TEST(SporedRole, LaunchIsRetriedWhileTheNewProfilePropagates) {
  int calls = 0;
  std::vector<std::chrono::seconds> waited;
  std::vector<std::string> said;
  const aws::Error refused{400, "InvalidParameterValue", "Value (spawn-spored) for parameter iamInstanceProfile.name is invalid", ""};
  auto result = retry_while_profile_propagates<int>(
      [&]() -> aws::Result<int> {
        if (++calls < 3) return unexpected(refused);
        return 42;
      },
      [&](const std::string& line) { said.push_back(line); }, [&](std::chrono::seconds s) { waited.push_back(s); });
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(waited, (std::vector<std::chrono::seconds>{std::chrono::seconds(2), std::chrono::seconds(4)}));
  EXPECT_EQ(said.size(), 2u);

  // Bounded: the last refusal is returned after every wait; other errors at once.
  calls = 0;
  waited.clear();
  auto never = retry_while_profile_propagates<int>([&]() -> aws::Result<int> { ++calls; return unexpected(refused); },
                                                   [](const std::string&) {}, [&](std::chrono::seconds s) { waited.push_back(s); });
  ASSERT_FALSE(never);
  EXPECT_EQ(calls, static_cast<int>(k_profile_propagation_waits.size()) + 1);
  EXPECT_EQ(waited, k_profile_propagation_waits);
  calls = 0;
  auto other = retry_while_profile_propagates<int>(
      [&]() -> aws::Result<int> { ++calls; return unexpected(aws::Error{500, "InsufficientInstanceCapacity", "none", ""}); },
      [](const std::string&) {}, [](std::chrono::seconds) { FAIL() << "no wait"; });
  EXPECT_EQ(calls, 1);
}
