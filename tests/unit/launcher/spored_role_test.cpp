#include "spawn/launcher/spored_role.hpp"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "../support/query_form.hpp"
#include "../support/scripted_transport.hpp"
#include "spawn/util/url.hpp"

using namespace spawn;
using namespace spawn::launcher;
using nlohmann::json;

namespace {

const std::string k_topic = "arn:aws:sns:us-east-1:123456789012:alerts";
const std::string k_topic2 = "arn:aws:sns:eu-west-1:123456789012:other";

// A small IAM behind the transport: roles (with path and inline policies) and instance profiles,
// answering as IAM does (percent-encoded documents, NoSuchEntity 404, EntityAlreadyExists 409,
// LimitExceeded 409 for a second role in a profile). Every action is counted.
class FakeIam {
 public:
  struct Role {
    std::string path, trust;
    std::map<std::string, std::string> policies;
  };
  std::map<std::string, Role> roles;
  std::map<std::string, std::vector<std::string>> profiles;  // name -> its roles
  std::vector<std::string> actions;
  std::string created_path;  // the Path of the last CreateRole / CreateInstanceProfile

  std::shared_ptr<test::ScriptedTransport> transport() {
    auto t = std::make_shared<test::ScriptedTransport>();
    t->otherwise_fail();
    for (int i = 0; i < 50; ++i) t->respond([this](const aws::http::Request& r) { return answer(r); });
    return t;
  }

 private:
  static aws::http::Response ok(const std::string& action, const std::string& inner) {
    return {200, {}, "<" + action + "Response><" + action + "Result>" + inner + "</" + action + "Result></" + action + "Response>"};
  }
  static aws::http::Response error(int status, const std::string& code) {
    return {status, {}, "<ErrorResponse><Error><Code>" + code + "</Code><Message>" + code + "</Message></Error></ErrorResponse>"};
  }
  std::string profile_xml(const std::string& name) const {
    std::string xml;
    for (const auto& r : profiles.at(name)) xml += "<member><RoleName>" + r + "</RoleName></member>";
    return "<InstanceProfile><InstanceProfileName>" + name + "</InstanceProfileName><Arn>arn:aws:iam::1:instance-profile/" +
           name + "</Arn><Roles>" + xml + "</Roles></InstanceProfile>";
  }
  aws::Result<aws::http::Response> answer(const aws::http::Request& r) {
    auto p = test::query_form(r.body);
    const std::string a = p["Action"];
    actions.push_back(a);
    const std::string role = p["RoleName"];
    const std::string profile = p["InstanceProfileName"];
    if (a == "CreateRole") {
      if (roles.count(role)) return error(409, "EntityAlreadyExists");
      roles[role] = {p["Path"], p["AssumeRolePolicyDocument"], {}};
      created_path = p["Path"];
      return ok(a, "<Role><RoleName>" + role + "</RoleName><Path>" + p["Path"] + "</Path></Role>");
    }
    if (a == "PutRolePolicy") {
      if (!roles.count(role)) return error(404, "NoSuchEntity");
      roles[role].policies[p["PolicyName"]] = p["PolicyDocument"];
      return ok(a, "");
    }
    if (a == "GetInstanceProfile") return profiles.count(profile) ? ok(a, profile_xml(profile)) : error(404, "NoSuchEntity");
    if (a == "CreateInstanceProfile") {
      if (profiles.count(profile)) return error(409, "EntityAlreadyExists");
      profiles[profile] = {};
      created_path = p["Path"];
      return ok(a, profile_xml(profile));
    }
    if (a == "AddRoleToInstanceProfile") {
      if (!profiles.count(profile) || !roles.count(role)) return error(404, "NoSuchEntity");
      if (!profiles[profile].empty()) return error(409, "LimitExceeded");
      profiles[profile].push_back(role);
      return ok(a, "");
    }
    if (a == "RemoveRoleFromInstanceProfile") {
      if (!profiles.count(profile) || profiles[profile].empty()) return error(404, "NoSuchEntity");
      profiles[profile].clear();
      return ok(a, "");
    }
    if (a == "DeleteInstanceProfile") {
      if (!profiles.count(profile)) return error(404, "NoSuchEntity");
      if (!profiles[profile].empty()) return error(409, "DeleteConflict");
      profiles.erase(profile);
      return ok(a, "");
    }
    if (a == "DeleteRolePolicy") {
      if (!roles.count(role) || !roles[role].policies.erase(p["PolicyName"])) return error(404, "NoSuchEntity");
      return ok(a, "");
    }
    if (a == "DeleteRole") {
      if (!roles.count(role)) return error(404, "NoSuchEntity");
      if (!roles[role].policies.empty()) return error(409, "DeleteConflict");
      roles.erase(role);
      return ok(a, "");
    }
    if (a == "ListRoles") {
      std::string members;
      for (const auto& [name, r] : roles)
        if (r.path.starts_with(p["PathPrefix"]))
          members += "<member><RoleName>" + name + "</RoleName><Path>" + r.path +
                     "</Path><CreateDate>2026-12-01T10:00:00Z</CreateDate></member>";
      return ok(a, "<Roles>" + members + "</Roles><IsTruncated>false</IsTruncated>");
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

const std::string k_launch = "sl-0123456789abcdef";

SporedGrants grants(std::vector<std::string> topics, std::vector<std::string> objects) {
  SporedGrants g;
  g.launch_id = k_launch;
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
  SporedGrants g = grants({k_topic}, {"ckpt-bucket/jobs/save.sh"});
  g.bucket = "spawn-bucket";
  g.agent_keys = {"spawn/agent/abc/x86_64/spored"};
  const json doc = spored_policy(g);
  const json self = {{"StringEquals", {{"aws:ResourceTag/spawn:managed", "true"}}},
                     {"ArnLike", {{"ec2:SourceInstanceARN", "arn:aws:ec2:*:*:instance/${ec2:InstanceID}"}}}};
  json tag_condition = self;
  tag_condition["ForAllValues:StringEquals"] = {
      {"aws:TagKeys", {"spawn:interruption-notice", "spawn:interruption-action", "spawn:checkpoint-status",
                       "spawn:completion-status", "spawn:idle-action"}}};
  const json want = {
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Sid", "TagItself"}, {"Effect", "Allow"}, {"Action", "ec2:CreateTags"}, {"Resource", "arn:aws:ec2:*:*:instance/*"},
         {"Condition", tag_condition}},
        {{"Sid", "TerminateItself"}, {"Effect", "Allow"}, {"Action", "ec2:TerminateInstances"},
         {"Resource", "arn:aws:ec2:*:*:instance/*"}, {"Condition", self}},
        {{"Sid", "NotifyTopics"}, {"Effect", "Allow"}, {"Action", "sns:Publish"}, {"Resource", {k_topic}}},
        {{"Sid", "ReadCheckpointScripts"}, {"Effect", "Allow"}, {"Action", "s3:GetObject"},
         {"Resource", {"arn:aws:s3:::ckpt-bucket/jobs/save.sh"}}},
        {{"Sid", "ReadLaunchSpec"}, {"Effect", "Allow"}, {"Action", "s3:GetObject"},
         {"Resource", "arn:aws:s3:::spawn-bucket/spawn/launches/" + k_launch + "/*"}},
        {{"Sid", "WriteEventLog"}, {"Effect", "Allow"}, {"Action", "s3:PutObject"},
         {"Resource", "arn:aws:s3:::spawn-bucket/spawn/events/region=*/day=*/" + k_launch + "/*"}},
        {{"Sid", "ReadAgent"}, {"Effect", "Allow"}, {"Action", "s3:GetObject"},
         {"Resource", {"arn:aws:s3:::spawn-bucket/spawn/agent/abc/x86_64/spored"}}}}}};
  EXPECT_EQ(doc, want) << doc.dump(2);
  // Nothing with a wildcard action, nothing on "*".
  for (const auto& s : doc["Statement"]) {
    EXPECT_EQ(s["Action"].get<std::string>().find('*'), std::string::npos);
    EXPECT_NE(s["Resource"], "*");
  }
}

TEST(SporedRole, HibernationMayCancelOnlyItsOwnRequest) {
  SporedGrants g = grants({}, {});
  g.cancel_own_spot_request = true;
  const json doc = spored_policy(g);
  ASSERT_EQ(doc["Statement"].size(), 4u);
  const json cancel = doc["Statement"][2];
  EXPECT_EQ(cancel["Action"], "ec2:CancelSpotInstanceRequests");
  EXPECT_EQ(cancel["Resource"], "arn:aws:ec2:*:*:spot-instances-request/*");
  EXPECT_EQ(cancel["Condition"], json::parse(R"({"StringEquals": {"aws:ResourceTag/spawn:instance-arn": "${ec2:SourceInstanceARN}"}})"));
  EXPECT_EQ(doc["Statement"][3]["Action"], "ec2:DescribeInstances") << "it finds its request id";
}

TEST(SporedRole, NoTopicsNoScriptsNoEmptyStatements) {
  SporedGrants g;
  g.partition = "aws-cn";
  const json doc = spored_policy(g);
  ASSERT_EQ(doc["Statement"].size(), 2u);
  EXPECT_EQ(doc["Statement"][0]["Resource"], "arn:aws-cn:ec2:*:*:instance/*");
}

TEST(SporedRole, NamesArePerLaunch) {
  EXPECT_EQ(launch_role_name(k_launch), "spawn-spored-" + k_launch);
  EXPECT_EQ(launch_of_role("spawn-spored-" + k_launch), k_launch);
  EXPECT_EQ(launch_of_role("spawn-spored"), "") << "the old shared role is not a launch's";
  EXPECT_EQ(launch_of_role("spawn-spored-"), "");
  EXPECT_EQ(launch_of_role("my-role"), "");
}

TEST(SporedRole, EachLaunchGetsItsOwnRoleAndProfile) {
  FakeIam iam;
  auto out = ensure_spored_profile(client(iam.transport()), grants({k_topic}, {}), Apply::yes);
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_TRUE(out->exists);
  EXPECT_EQ(out->name, "spawn-spored-" + k_launch);
  EXPECT_EQ(iam.actions, (std::vector<std::string>{"CreateRole", "PutRolePolicy", "CreateInstanceProfile",
                                                   "AddRoleToInstanceProfile"}));
  EXPECT_EQ(iam.created_path, "/spawn/");
  const auto& role = iam.roles.at(out->name);
  EXPECT_EQ(role.path, "/spawn/");
  EXPECT_EQ(json::parse(role.trust), spored_trust_policy());
  EXPECT_EQ(json::parse(role.policies.at("spored")), spored_policy(grants({k_topic}, {})));
  EXPECT_EQ(iam.profiles.at(out->name), std::vector<std::string>{out->name});
  EXPECT_EQ(out->changes.size(), 3u);

  SporedGrants other = grants({k_topic2}, {});
  other.launch_id = "sl-fedcba9876543210";
  ASSERT_TRUE(ensure_spored_profile(client(iam.transport()), other, Apply::yes));
  EXPECT_EQ(iam.roles.size(), 2u) << "a second launch never widens the first one's role";
  EXPECT_EQ(json::parse(iam.roles.at(out->name).policies.at("spored")), spored_policy(grants({k_topic}, {})));
}

TEST(SporedRole, ResendAfterALostReplyCarriesOn) {
  FakeIam iam;
  ASSERT_TRUE(ensure_spored_profile(client(iam.transport()), grants({k_topic}, {}), Apply::yes));
  iam.actions.clear();
  auto again = ensure_spored_profile(client(iam.transport()), grants({k_topic}, {}), Apply::yes);
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_EQ(iam.actions, (std::vector<std::string>{"CreateRole", "PutRolePolicy", "CreateInstanceProfile",
                                                   "GetInstanceProfile"}))
      << "EntityAlreadyExists is fine; the role already in the profile is not added twice";
  EXPECT_EQ(iam.profiles.at(again->name).size(), 1u);
}

TEST(SporedRole, DryRunSendsNothing) {
  FakeIam iam;
  auto out = ensure_spored_profile(client(iam.transport()), grants({}, {}), Apply::no);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->exists);
  EXPECT_TRUE(iam.actions.empty());
  ASSERT_EQ(out->changes.size(), 3u);
  EXPECT_EQ(out->changes[0], "create the IAM role /spawn/spawn-spored-" + k_launch +
                                 " (EC2 may give it to this launch's instances)");
  EXPECT_EQ(out->policy, spored_policy(grants({}, {}))) << "what --dry-run prints: the policy it would write";
}

TEST(SporedRole, DeleteRemovesEverythingAndToleratesWhatIsGone) {
  FakeIam iam;
  ASSERT_TRUE(ensure_spored_profile(client(iam.transport()), grants({k_topic}, {}), Apply::yes));
  iam.actions.clear();
  auto gone = delete_spored_profile(client(iam.transport()), k_launch);
  ASSERT_TRUE(gone) << gone.error().describe();
  EXPECT_EQ(iam.actions, (std::vector<std::string>{"RemoveRoleFromInstanceProfile", "DeleteInstanceProfile",
                                                   "DeleteRolePolicy", "DeleteRole"}));
  EXPECT_TRUE(iam.roles.empty());
  EXPECT_TRUE(iam.profiles.empty());
  EXPECT_TRUE(delete_spored_profile(client(iam.transport()), k_launch)) << "a second delete finds nothing and is fine";
}

TEST(SporedRole, ListsOnlyLaunchRolesUnderItsPath) {
  FakeIam iam;
  ASSERT_TRUE(ensure_spored_profile(client(iam.transport()), grants({}, {}), Apply::yes));
  iam.roles["someone-elses"] = {"/spawn/", "{}", {}};
  iam.roles["spawn-spored-sl-elsewhere"] = {"/", "{}", {}};
  auto listed = list_launch_roles(client(iam.transport()));
  ASSERT_TRUE(listed) << listed.error().describe();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].launch_id, k_launch);
  EXPECT_EQ((*listed)[0].create_date, "2026-12-01T10:00:00Z");
}

TEST(SporedRole, GrantsReadFromJsonByMemberName) {
  const SporedGrants g = json::parse(R"({"sns_topics": [")" + std::string(k_topic) + R"("]})").get<SporedGrants>();
  EXPECT_EQ(g.partition, "aws") << "a member absent keeps its default";
  EXPECT_EQ(g.sns_topics, std::vector<std::string>{k_topic});
  EXPECT_TRUE(g.s3_objects.empty());
  EXPECT_FALSE(g.cancel_own_spot_request);
  const json back = grants({k_topic}, {"b/k"});
  EXPECT_EQ(back["launch_id"], k_launch);
  EXPECT_EQ(back["s3_objects"], json::array({"b/k"}));
}

TEST(SporedRole, ProfileHoldingAnotherRoleIsAnError) {
  FakeIam iam;
  iam.profiles["spawn-spored-" + k_launch] = {"someone-elses"};
  auto out = ensure_spored_profile(client(iam.transport()), grants({}, {}), Apply::yes);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "LimitExceeded");
}

TEST(SporedRole, PolicyTooLargeIsRefusedBeforeWriting) {
  FakeIam iam;
  std::vector<std::string> topics;
  for (int i = 0; i < 300; ++i) topics.push_back("arn:aws:sns:us-east-1:123456789012:topic-number-" + std::to_string(i));
  auto out = ensure_spored_profile(client(iam.transport()), grants(topics, {}), Apply::yes);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "PolicyTooLarge");
  EXPECT_TRUE(iam.roles.empty()) << "nothing made";
}

TEST(SporedRole, UnknownProfileErrors) {
  EXPECT_TRUE(is_unknown_profile_error(aws::Error{400, "InvalidParameterValue",
      "Value (spawn-spored-x) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name", ""}));
  EXPECT_FALSE(is_unknown_profile_error(aws::Error{400, "InvalidParameterValue", "Invalid value for MaxCount", ""}));
  EXPECT_FALSE(is_unknown_profile_error(aws::Error{500, "InsufficientInstanceCapacity", "instance profile", ""}));
}

TEST(SporedRole, LaunchIsRetriedWhileTheNewProfilePropagates) {
  int calls = 0;
  std::vector<std::chrono::seconds> waited;
  std::vector<std::string> said;
  const aws::Error refused{400, "InvalidParameterValue", "Value (spawn-spored-x) for parameter iamInstanceProfile.name is invalid", ""};
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
