// launcher/drill and aws/fis: the drill's role, template and the calls that start it.
#include "spawn/launcher/drill.hpp"

#include <gtest/gtest.h>

#include "../support/query_form.hpp"
#include "../support/scripted_transport.hpp"
#include "../support/static_credentials.hpp"

using namespace spawn;
using namespace spawn::launcher;
using nlohmann::json;

TEST(DrillTemplate, SelectsTheRunningInstancesWithTheDrillsTagAndGivesThemTheNoticeNow) {
  const json t = drill_template("2026-12-04T20:30:05Z 1a2b", "arn:aws:iam::123456789012:role/spawn/spawn-fis-drill");
  EXPECT_EQ(t["clientToken"], drill_token("2026-12-04T20:30:05Z 1a2b", "template"));
  EXPECT_EQ(t["roleArn"], "arn:aws:iam::123456789012:role/spawn/spawn-fis-drill");
  EXPECT_EQ(t["stopConditions"], json::parse(R"([{"source": "none"}])"));
  const json& target = t["targets"]["SpotInstances"];
  EXPECT_EQ(target["resourceType"], "aws:ec2:spot-instance");
  EXPECT_EQ(target["resourceTags"], json::parse(R"({"spawn:drill": "2026-12-04T20:30:05Z 1a2b"})"));
  EXPECT_EQ(target["selectionMode"], "ALL");
  EXPECT_EQ(target["filters"][0]["path"], "State.Name");
  EXPECT_EQ(target["filters"][0]["values"], json::array({"running"}));
  const json& action = t["actions"]["interrupt"];
  EXPECT_EQ(action["actionId"], "aws:ec2:send-spot-instance-interruptions");
  EXPECT_EQ(action["parameters"]["durationBeforeInterruption"], "PT2M");
  EXPECT_EQ(action["targets"]["SpotInstances"], "SpotInstances");
}

TEST(DrillToken, OnePerDrillAndStep) {
  EXPECT_EQ(drill_token("a 1", "template"), drill_token("a 1", "template"));
  EXPECT_NE(drill_token("a 1", "template"), drill_token("a 1", "experiment"));
  EXPECT_NE(drill_token("a 1", "template"), drill_token("a 2", "template"));
}

TEST(DrillRolePolicy, InterruptsOnlySpawnsDrilledInstances) {
  const json p = drill_role_policy("aws-cn");
  const json& interrupt = p["Statement"][0];
  EXPECT_EQ(interrupt["Action"], "ec2:SendSpotInstanceInterruptions");
  EXPECT_EQ(interrupt["Resource"], "arn:aws-cn:ec2:*:*:instance/*");
  EXPECT_EQ(interrupt["Condition"]["StringEquals"]["aws:ResourceTag/spawn:managed"], "true");
  EXPECT_EQ(interrupt["Condition"]["Null"]["aws:ResourceTag/spawn:drill"], "false");
  EXPECT_EQ(drill_trust_policy()["Statement"][0]["Principal"]["Service"], "fis.amazonaws.com");
}

TEST(FisRequests, FollowTheRestJsonModel) {
  auto create = aws::fis::create_experiment_template_request(json{{"clientToken", "t"}});
  EXPECT_EQ(create.method, "POST");
  EXPECT_EQ(create.path, "/experimentTemplates");
  EXPECT_EQ(json::parse(create.body)["clientToken"], "t");
  auto start = aws::fis::start_experiment_request("tok", "EXT123", {{"Name", "spawn-drill"}});
  EXPECT_EQ(start.path, "/experiments");
  EXPECT_EQ(json::parse(start.body), json::parse(R"({"clientToken": "tok", "experimentTemplateId": "EXT123",
                                                     "tags": {"Name": "spawn-drill"}})"));
  auto get = aws::fis::get_experiment_request("EXP1");
  EXPECT_EQ(get.method, "GET");
  EXPECT_EQ(get.path, "/experiments/EXP1");
  EXPECT_TRUE(get.body.empty());
  auto del = aws::fis::delete_experiment_template_request("EXT123");
  EXPECT_EQ(del.method, "DELETE");
  EXPECT_EQ(del.path, "/experimentTemplates/EXT123");
}

TEST(FisReplies, TheExperimentsIdAndState) {
  auto e = aws::fis::parse_experiment(
      R"({"experiment": {"id": "EXP1", "experimentTemplateId": "EXT1", "state": {"status": "failed", "reason": "no target"}}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->id, "EXP1");
  EXPECT_EQ(e->status, "failed");
  EXPECT_EQ(e->reason, "no target");
  EXPECT_FALSE(aws::fis::parse_experiment(R"({"experiment": {}})"));
  EXPECT_FALSE(aws::fis::parse_experiment("<html/>"));
  EXPECT_EQ(*aws::fis::parse_template_id(R"({"experimentTemplate": {"id": "EXT9"}})"), "EXT9");
  EXPECT_FALSE(aws::fis::parse_template_id(R"({})"));
}

// start_drill against a scripted EC2 and FIS.
namespace {

std::shared_ptr<aws::ServiceClient> service(const aws::ServiceInfo& info, std::shared_ptr<test::ScriptedTransport> t) {
  return std::make_shared<aws::ServiceClient>(
      info, "http://127.0.0.1:1", "us-east-1", std::make_shared<test::StaticCredentials>(), t,
      std::make_shared<aws::http::Retrier>(aws::http::RetryPolicy{1, {}, {}}, std::make_shared<aws::http::RetryQuota>(),
                                           [](std::chrono::milliseconds) {}));
}

struct World {
  std::shared_ptr<test::ScriptedTransport> ec2_net = std::make_shared<test::ScriptedTransport>();
  std::shared_ptr<test::ScriptedTransport> fis_net = std::make_shared<test::ScriptedTransport>();
  aws::ec2::Client ec2{service(aws::services::ec2, ec2_net)};
  aws::fis::Client fis{service(aws::services::fis, fis_net)};
  std::vector<std::string> said;
  int waits = 0;
  DrillContext ctx{ec2, fis, [this](const std::string& l) { said.push_back(l); },
                   [this](std::chrono::seconds) { ++waits; },
                   [] { return *util::parse_rfc3339("2026-12-04T20:30:05Z"); }};
  DrillRole role{"arn:aws:iam::123456789012:role/spawn/spawn-fis-drill", false, {}};

  std::string path(size_t n) const { return fis_net->requests().at(n).method + " " + fis_net->requests().at(n).url.substr(18); }
};

const char* k_tags_ok = "<CreateTagsResponse><return>true</return></CreateTagsResponse>";
std::string experiment(const char* status) {
  return std::string(R"({"experiment": {"id": "EXP1", "experimentTemplateId": "EXT1", "state": {"status": ")") + status +
         R"(", "reason": "Target resolution returned empty set"}}})";
}
aws::http::Response fis_error(int status, const char* code, const char* message) {
  return aws::http::Response{status, {{"x-amzn-ErrorType", code}}, std::string(R"({"message": ")") + message + "\"}"};
}

}  // namespace

TEST(StartDrill, TagsThenMakesStartsAndDeletesTheTemplate) {
  World w;
  w.ec2_net->reply(200, k_tags_ok);
  w.fis_net->reply(200, R"({"experimentTemplate": {"id": "EXT1"}})")
      .reply(200, experiment("running"))
      .reply(200, R"({"experimentTemplate": {"id": "EXT1"}})");
  auto d = start_drill(w.ctx, {"i-0a", "i-0b"}, w.role, "1a2b3c4d");
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ(d->tag_value, "2026-12-04T20:30:05Z 1a2b3c4d");
  EXPECT_EQ(d->experiment_id, "EXP1");
  EXPECT_EQ(d->status, "running");
  EXPECT_EQ(util::format_rfc3339(d->interruption_at), "2026-12-04T20:32:05Z");
  auto tags = test::query_form(w.ec2_net->requests().at(0).body);
  EXPECT_EQ(tags["Action"], "CreateTags");
  EXPECT_EQ(tags["ResourceId.1"], "i-0a");
  EXPECT_EQ(tags["ResourceId.2"], "i-0b");
  EXPECT_EQ(tags["Tag.1.Key"], "spawn:drill");
  EXPECT_EQ(tags["Tag.1.Value"], "2026-12-04T20:30:05Z 1a2b3c4d");
  ASSERT_EQ(w.fis_net->requests().size(), 3u);
  EXPECT_EQ(w.path(0), "POST /experimentTemplates");
  EXPECT_EQ(json::parse(w.fis_net->requests()[0].body)["roleArn"], w.role.arn);
  EXPECT_EQ(w.path(1), "POST /experiments");
  EXPECT_EQ(json::parse(w.fis_net->requests()[1].body)["experimentTemplateId"], "EXT1");
  EXPECT_EQ(json::parse(w.fis_net->requests()[1].body)["clientToken"], drill_token(d->tag_value, "experiment"));
  EXPECT_EQ(w.path(2), "DELETE /experimentTemplates/EXT1");
}

TEST(StartDrill, AStartFISRefusesLeavesNoTemplateAndTakesTheTagBack) {
  World w;
  w.ec2_net->reply(200, k_tags_ok).reply(200, "<DeleteTagsResponse><return>true</return></DeleteTagsResponse>");
  w.fis_net->reply(200, R"({"experimentTemplate": {"id": "EXT1"}})")
      .reply(fis_error(402, "ServiceQuotaExceededException", "too many experiments"))
      .reply(200, R"({"experimentTemplate": {"id": "EXT1"}})");
  auto d = start_drill(w.ctx, {"i-0a"}, w.role, "1a2b3c4d");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "ServiceQuotaExceededException");
  EXPECT_EQ(w.path(2), "DELETE /experimentTemplates/EXT1");
  auto undo = test::query_form(w.ec2_net->requests().at(1).body);
  EXPECT_EQ(undo["Action"], "DeleteTags");
  EXPECT_EQ(undo["Tag.1.Key"], "spawn:drill");
}

TEST(StartDrill, AnExperimentThatFailsToResolveItsTargetsIsReportedAndUntagged) {
  World w;
  w.ec2_net->reply(200, k_tags_ok).reply(200, "<DeleteTagsResponse><return>true</return></DeleteTagsResponse>");
  w.fis_net->reply(200, R"({"experimentTemplate": {"id": "EXT1"}})")
      .reply(200, experiment("initiating"))
      .reply(200, R"({"experimentTemplate": {"id": "EXT1"}})")
      .reply(200, experiment("failed"));
  auto d = start_drill(w.ctx, {"i-0a"}, w.role, "1a2b3c4d");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, "failed");
  EXPECT_EQ(d->reason, "Target resolution returned empty set");
  EXPECT_EQ(w.path(3), "GET /experiments/EXP1");
  EXPECT_EQ(test::query_form(w.ec2_net->requests().at(1).body)["Action"], "DeleteTags");
}

TEST(StartDrill, ARoleMadeJustNowIsWaitedForWhileFISCannotSeeIt) {
  World w;
  w.role.created = true;
  w.ec2_net->reply(200, k_tags_ok);
  w.fis_net->reply(fis_error(400, "ValidationException", "Unable to assume role"))
      .reply(200, R"({"experimentTemplate": {"id": "EXT1"}})")
      .reply(200, experiment("running"))
      .reply(200, R"({"experimentTemplate": {"id": "EXT1"}})");
  auto d = start_drill(w.ctx, {"i-0a"}, w.role, "1a2b3c4d");
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ(w.waits, 1);
  EXPECT_EQ(json::parse(w.fis_net->requests()[0].body)["clientToken"], json::parse(w.fis_net->requests()[1].body)["clientToken"]);
}
