// launcher/relaunch_spec and launcher/relaunch: what a replacement's request is, and how it is sent.
#include "spawn/launcher/relaunch.hpp"

#include <gtest/gtest.h>

#include "../support/query_form.hpp"
#include "../support/scripted_transport.hpp"
#include "../support/static_credentials.hpp"
#include "spawn/util/encoding.hpp"
#include "spawn/util/time.hpp"

using namespace spawn::launcher;

namespace {

RelaunchSpec spec() {
  RelaunchSpec s;
  s.max = 3;
  s.launch_id = "launch-1";
  s.job_array_id = "ja-0011223344556677";
  s.name = "train";
  s.instance_types = {"g5.xlarge", "g6.xlarge"};
  s.subnet_ids = {"subnet-a", "subnet-b"};
  return s;
}

Outgoing member(int index = 3, int generation = 0) {
  Outgoing o;
  o.instance_id = "i-0old";
  o.instance_type = "g5.xlarge";
  o.availability_zone = "us-east-1a";
  o.subnet_id = "subnet-a";
  o.index = index;
  o.generation = generation;
  return o;
}

}  // namespace

TEST(RelaunchSpec, RoundTripsThroughTheConfigObject) {
  RelaunchSpec s = spec();
  s.max_price = "0.5";
  s.fallback = true;
  s.move = true;
  auto back = relaunch_spec_from_json(to_json(s));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(to_json(*back), to_json(s));
  EXPECT_EQ(back->subnet_ids, s.subnet_ids);
  EXPECT_TRUE(back->move);
}

TEST(RelaunchSpec, BadObjectsNameTheMember) {
  auto bad = [](nlohmann::json j) {
    auto r = relaunch_spec_from_json(j);
    return r ? std::string() : r.error();
  };
  nlohmann::json good = to_json(spec());
  EXPECT_EQ(bad(good), "");
  EXPECT_NE(bad(nlohmann::json::array()).find("expected an object"), std::string::npos);
  for (const char* key : {"max", "launch_id", "instance_types"}) {
    nlohmann::json j = good;
    j.erase(key);
    EXPECT_NE(bad(j).find(std::string("relaunch.") + key), std::string::npos) << key;
  }
  nlohmann::json j = good;
  j["max"] = 0;
  EXPECT_NE(bad(j).find("relaunch.max"), std::string::npos);
  j = good;
  j["fallback"] = "yes";
  EXPECT_NE(bad(j).find("relaunch.fallback"), std::string::npos);
  j = good;
  j["instance_types"] = {"g5.xlarge", 7};
  EXPECT_NE(bad(j).find("relaunch.instance_types"), std::string::npos);
}

TEST(RelaunchSpec, TemplateNameIsTheLaunchs) {
  EXPECT_EQ(relaunch_template_name("launch-1"), "spawn-relaunch-launch-1");
  EXPECT_EQ(launch_of_relaunch_template("spawn-relaunch-launch-1"), "launch-1");
  EXPECT_EQ(launch_of_relaunch_template("spawn-launch-1"), "");
}

TEST(ReplacementPools, LeaveOutThePoolJustInterruptedWhenAnotherExists) {
  auto pools = replacement_pools(spec(), member(), true);
  ASSERT_EQ(pools.size(), 3u) << "2 types x 2 subnets, less g5.xlarge in subnet-a";
  for (const auto& p : pools) EXPECT_FALSE(p.instance_type == "g5.xlarge" && p.subnet_id == "subnet-a");
  EXPECT_EQ(pools.front().instance_type, "g5.xlarge");
  EXPECT_EQ(*pools.front().subnet_id, "subnet-b");

  RelaunchSpec one = spec();
  one.instance_types = {"g5.xlarge"};
  one.subnet_ids = {"subnet-a"};
  auto only = replacement_pools(one, member(), true);
  ASSERT_EQ(only.size(), 1u) << "the only pool there is stays";

  RelaunchSpec anywhere = spec();
  anywhere.subnet_ids.clear();
  auto types = replacement_pools(anywhere, member(), true);
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(types.front().instance_type, "g6.xlarge");
  EXPECT_FALSE(types.front().subnet_id);
}

TEST(ReplacementPools, MaxPriceOnSpotPoolsOnly) {
  RelaunchSpec s = spec();
  s.max_price = "0.4";
  for (const auto& p : replacement_pools(s, member(), true)) EXPECT_EQ(p.max_price, "0.4");
  for (const auto& p : replacement_pools(s, member(), false)) EXPECT_FALSE(p.max_price);
}

TEST(ReplacementToken, SameForTheSameGenerationOnlyAndWithinEc2sLimit) {
  const std::string t = replacement_token(spec(), member(3, 0), "spot");
  EXPECT_EQ(t, replacement_token(spec(), member(3, 0), "spot")) << "a retry, a restart, spawn relaunch";
  EXPECT_NE(t, replacement_token(spec(), member(3, 1), "spot")) << "the next generation is a new launch";
  EXPECT_NE(t, replacement_token(spec(), member(4, 0), "spot"));
  EXPECT_NE(t, replacement_token(spec(), member(3, 0), "on-demand"));
  RelaunchSpec other = spec();
  other.job_array_id = "ja-ffffffffffffffff";
  EXPECT_NE(t, replacement_token(other, member(3, 0), "spot"));
  EXPECT_LE(t.size(), 64u);
  EXPECT_EQ(t.rfind("spawn-rl-", 0), 0u);
}

TEST(RelaunchRefusal, TheBoundAndTheTtl) {
  const auto now = *spawn::util::parse_rfc3339("2026-12-04T12:00:00Z");
  EXPECT_FALSE(relaunch_refusal(spec(), member(3, 2), now)) << "generation 2 of at most 3";
  auto bound = relaunch_refusal(spec(), member(3, 3), now);
  ASSERT_TRUE(bound);
  EXPECT_NE(bound->find("the most --relaunch allows"), std::string::npos);
  Outgoing late = member();
  late.ttl_deadline = "2026-12-04T12:00:30Z";
  ASSERT_TRUE(relaunch_refusal(spec(), late, now));
  late.ttl_deadline = "2026-12-04T13:00:00Z";
  EXPECT_FALSE(relaunch_refusal(spec(), late, now));
}

TEST(ReplacementTags, SameIndexAndNameNextGenerationAndTheDeadline) {
  Outgoing o = member(5, 1);
  o.ttl_deadline = "2026-12-05T00:00:00Z";
  auto tags = replacement_tags(spec(), o, true, false);
  EXPECT_EQ(tags.at("spawn:job-array-index"), "5");
  EXPECT_EQ(tags.at("Name"), "train-5");
  EXPECT_EQ(tags.at("spawn:generation"), "2");
  EXPECT_EQ(tags.at("spawn:replaces"), "i-0old");
  EXPECT_EQ(tags.at("spawn:ttl-deadline"), "2026-12-05T00:00:00Z");
  EXPECT_EQ(tags.at("spawn:launch-id"), "launch-1");
  EXPECT_EQ(tags.at("spawn:spot"), "true");
  EXPECT_FALSE(tags.contains("spawn:spot-fallback"));
  auto od = replacement_tags(spec(), o, false, true);
  EXPECT_EQ(od.at("spawn:spot"), "false");
  EXPECT_EQ(od.at("spawn:spot-fallback"), "true");
}

// The request, against a scripted EC2.
namespace {

struct Ec2 {
  std::shared_ptr<spawn::test::ScriptedTransport> transport = std::make_shared<spawn::test::ScriptedTransport>();
  spawn::aws::ec2::Client ec2{std::make_shared<spawn::aws::ServiceClient>(
      spawn::aws::services::ec2, "http://127.0.0.1:1", "us-east-1", std::make_shared<spawn::test::StaticCredentials>(),
      transport,
      std::make_shared<spawn::aws::http::Retrier>(spawn::aws::http::RetryPolicy{1, {}, {}},
                                                  std::make_shared<spawn::aws::http::RetryQuota>(),
                                                  [](std::chrono::milliseconds) {}))};
  std::vector<std::string> warnings;
  LaunchContext ctx{ec2, [](const std::string&) {}, [this](const std::string& l) { warnings.push_back(l); },
                    [](std::chrono::milliseconds) {}};

  std::map<std::string, std::string> form(size_t n) const { return spawn::test::query_form(transport->requests().at(n).body); }
};

std::string launched(const std::string& lifecycle, const std::string& id) {
  return "<CreateFleetResponse><requestId>req-1</requestId><fleetId>fleet-1</fleetId><fleetInstanceSet><item>"
         "<launchTemplateAndOverrides><overrides><instanceType>g6.xlarge</instanceType><availabilityZone>us-east-1b"
         "</availabilityZone></overrides></launchTemplateAndOverrides><lifecycle>" + lifecycle +
         "</lifecycle><instanceIds><item>" + id + "</item></instanceIds></item></fleetInstanceSet></CreateFleetResponse>";
}

const char* k_no_spot =
    "<CreateFleetResponse><requestId>req-2</requestId><fleetId>fleet-2</fleetId><errorSet><item><lifecycle>spot</lifecycle>"
    "<errorCode>InsufficientInstanceCapacity</errorCode><errorMessage>none left</errorMessage></item></errorSet>"
    "<fleetInstanceSet/></CreateFleetResponse>";

}  // namespace

TEST(RequestReplacement, OneSpotFleetFromTheLaunchsTemplateWithItsTokenAndTags) {
  Ec2 w;
  w.transport->reply(200, launched("spot", "i-0new"));
  auto r = request_replacement(w.ctx, spec(), member());
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->instance_id, "i-0new");
  EXPECT_TRUE(r->spot);
  EXPECT_EQ(r->generation, 1);
  auto f = w.form(0);
  EXPECT_EQ(f["Action"], "CreateFleet");
  EXPECT_EQ(f["Type"], "instant");
  EXPECT_EQ(f["LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName"], "spawn-relaunch-launch-1");
  EXPECT_FALSE(f.contains("LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId"));
  EXPECT_EQ(f["TargetCapacitySpecification.TotalTargetCapacity"], "1");
  EXPECT_EQ(f["TargetCapacitySpecification.SpotTargetCapacity"], "1");
  EXPECT_EQ(f["ClientToken"], replacement_token(spec(), member(), "spot"));
  EXPECT_EQ(f["TagSpecification.1.ResourceType"], "instance");
  EXPECT_EQ(f["TagSpecification.2.ResourceType"], "fleet");
  bool replaces = false;
  for (const auto& [k, v] : f) replaces = replaces || (v == "spawn:replaces");
  EXPECT_TRUE(replaces);
}

TEST(RequestReplacement, NoSpotCapacityWithFallbackAsksOnDemandWithAnotherToken) {
  Ec2 w;
  RelaunchSpec s = spec();
  s.fallback = true;
  w.transport->reply(200, k_no_spot).reply(200, launched("on-demand", "i-0od"));
  auto r = request_replacement(w.ctx, s, member());
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_FALSE(r->spot);
  EXPECT_EQ(w.form(1)["TargetCapacitySpecification.OnDemandTargetCapacity"], "1");
  EXPECT_NE(w.form(0)["ClientToken"], w.form(1)["ClientToken"]);
  EXPECT_EQ(w.warnings.size(), 1u);
}

TEST(RequestReplacement, NoSpotCapacityWithoutFallbackIsTheCapacityError) {
  Ec2 w;
  w.transport->reply(200, k_no_spot);
  auto r = request_replacement(w.ctx, spec(), member());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InsufficientInstanceCapacity");
  EXPECT_EQ(r.error().request_id, "req-2");
  EXPECT_EQ(w.transport->requests().size(), 1u);
}

TEST(RequestReplacement, AnUnansweredCallIsSentAgainWithTheSameToken) {
  Ec2 w;
  w.transport->fail("NetworkError", "connection reset").reply(200, launched("spot", "i-0new"));
  auto r = request_replacement(w.ctx, spec(), member());
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(w.transport->requests().size(), 2u);
  EXPECT_EQ(w.form(0)["ClientToken"], w.form(1)["ClientToken"]);
}

TEST(RequestReplacement, AGoneTemplateSaysTheArrayEnded) {
  Ec2 w;
  w.transport->reply(400, "<Response><Errors><Error><Code>InvalidLaunchTemplateName.NotFoundException</Code><Message>"
                          "gone</Message></Error></Errors><RequestID>r</RequestID></Response>");
  auto r = request_replacement(w.ctx, spec(), member());
  ASSERT_FALSE(r);
  EXPECT_TRUE(is_template_gone(r.error()));
}

TEST(RelaunchSpec, ReadBackFromTheUserDataSpawnWrote) {
  // spawn's script as user_data.cpp writes it: the config is one printf line, shell-quoted.
  nlohmann::json config{{"spot", nullptr}, {"relaunch", to_json(spec())}, {"note", "it's quoted"}};
  std::string quoted = "'";
  for (char c : config.dump()) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  const std::string script = "#!/bin/bash\nset -euo pipefail\nprintf '%s\\n' " + quoted +
                             " | spawn_write 0600 \"$spawn_root/etc/spawn/spot-config.json\"\n";
  auto back = relaunch_spec_from_user_data(spawn::util::base64_encode(script));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(to_json(*back), to_json(spec()));
  // Inside a MIME multipart (a --user-data of the user's own after it), the same.
  auto mime = relaunch_spec_from_user_data(spawn::util::base64_encode(
      "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/x-shellscript\n\n" + script +
      "\n--b\nContent-Type: text/x-not-multipart\n\n#!/bin/sh\necho job\n--b--\n"));
  ASSERT_TRUE(mime) << mime.error();
  EXPECT_FALSE(relaunch_spec_from_user_data(spawn::util::base64_encode("#!/bin/sh\necho hi\n")));
  EXPECT_FALSE(relaunch_spec_from_user_data("%%%"));
}
