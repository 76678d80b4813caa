#include "spawn/launcher/pool.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace spawn::launcher;
using spawn::aws::ec2::FleetDescription;
using spawn::aws::ec2::FleetHistoryRecord;
using spawn::aws::ec2::Instance;

namespace {
FleetDescription fleet(const std::string& id, const std::string& pool, const std::string& state = "active") {
  FleetDescription f;
  f.fleet_id = id;
  f.state = state;
  if (!pool.empty()) f.tags = {{"spawn:pool", pool}, {"spawn:launch-id", "launch-" + pool}};
  return f;
}
FleetHistoryRecord change(const std::string& sub, const std::string& id) { return {"t", "instance-change", sub, id, ""}; }
}  // namespace

TEST(Pool, PoolsAreLiveFleetsTaggedWithAName) {
  auto pools = pools_of({fleet("fleet-b", "web"), fleet("fleet-x", ""), fleet("fleet-a", "ci"),
                         fleet("fleet-d", "old", "deleted"), fleet("fleet-t", "going", "deleted_terminating")});
  ASSERT_EQ(pools.size(), 2u);
  EXPECT_EQ(pools[0].name, "ci");
  EXPECT_EQ(pools[0].fleet.fleet_id, "fleet-a");
  EXPECT_EQ(pools[0].launch_id, "launch-ci");
  EXPECT_EQ(pools[1].name, "web");
  EXPECT_EQ(pool_template_name("ci"), "spawn-pool-ci");
}

TEST(Pool, ActivityTellsInterruptionsFromTerminationsAndCountsReplacements) {
  Instance interrupted;
  interrupted.instance_id = "i-2";
  interrupted.state_reason_code = "Server.SpotInstanceTermination";
  Instance ended;
  ended.instance_id = "i-3";
  ended.state_reason_code = "Client.UserInitiatedShutdown";
  const std::vector<FleetHistoryRecord> records{
      {"t0", "fleet-change", "active", "", ""},
      change("launched", "i-1"), change("launched", "i-2"), change("launched", "i-3"),
      change("terminated", "i-2"), change("launched", "i-4"),   // interrupted, replaced
      change("terminated", "i-3"), change("launched", "i-5"),   // terminated, replaced
      change("launched", "i-6"), change("terminated", "i-1"),   // rebalance: the replacement first
      change("launched", "i-7"),                                // a scale-up: no replacement
      change("termination_notified", "i-7"),                    // a scale-down: not an end
  };
  auto a = pool_activity(records, {interrupted, ended});
  EXPECT_EQ(a.interruptions, 1);
  EXPECT_EQ(a.terminations, 2);
  EXPECT_EQ(a.replacements, 3);
  ASSERT_EQ(a.events.size(), records.size());
  EXPECT_EQ(a.events[0].what, "fleet active");
  EXPECT_EQ(a.events[4].what, "interrupted");
  EXPECT_EQ(a.events[6].what, "terminated");
  EXPECT_EQ(a.events.back().what, "scaled-down");
}

TEST(Pool, AnEndNotYetReplacedIsNoReplacement) {
  auto a = pool_activity({change("launched", "i-1"), change("terminated", "i-1")}, {});
  EXPECT_EQ(a.terminations, 1);
  EXPECT_EQ(a.replacements, 0) << "an instance does not replace itself";
  a = pool_activity({change("terminated", "i-1")}, {});
  EXPECT_EQ(a.replacements, 0);
}

// delete_pool against a scripted EC2: what it makes of DeleteFleets' answers.
#include "../support/query_form.hpp"
#include "../support/scripted_transport.hpp"
#include "../support/static_credentials.hpp"

namespace {

struct Ec2 {
  std::shared_ptr<spawn::test::ScriptedTransport> transport = std::make_shared<spawn::test::ScriptedTransport>();
  spawn::aws::ec2::Client ec2{std::make_shared<spawn::aws::ServiceClient>(
      spawn::aws::services::ec2, "http://127.0.0.1:1", "us-east-1", std::make_shared<spawn::test::StaticCredentials>(),
      transport,
      std::make_shared<spawn::aws::http::Retrier>(spawn::aws::http::RetryPolicy{1, {}, {}},
                                                  std::make_shared<spawn::aws::http::RetryQuota>(),
                                                  [](std::chrono::milliseconds) {}))};
  LaunchContext ctx{ec2, [](const std::string&) {}, [](const std::string&) {}, [](std::chrono::milliseconds) {}};

  std::vector<std::string> actions() const {
    std::vector<std::string> out;
    for (const auto& r : transport->requests()) out.push_back(spawn::test::query_form(r.body)["Action"]);
    return out;
  }
};

Pool pool_ci() {
  Pool p;
  p.name = "ci";
  p.fleet = fleet("fleet-1", "ci");
  p.fleet.launch_template_ids = {"lt-1"};
  return p;
}

std::string described(const std::string& state) {
  return "<DescribeFleetsResponse><fleetSet><item><fleetId>fleet-1</fleetId><fleetState>" + state +
         "</fleetState></item></fleetSet></DescribeFleetsResponse>";
}
const char* k_no_instances = "<DescribeInstancesResponse><reservationSet/></DescribeInstancesResponse>";
const char* k_template_deleted = "<DeleteLaunchTemplateResponse><launchTemplate/></DeleteLaunchTemplateResponse>";

}  // namespace

TEST(PoolDelete, AFleetNotDeletableBecauseAlreadyDeletedIsSuccess) {
  Ec2 e;
  e.transport->reply(200, "<DeleteFleetsResponse><unsuccessfulFleetDeletionSet><item><error><code>fleetNotInDeletableState"
                          "</code><message>deleted</message></error><fleetId>fleet-1</fleetId></item>"
                          "</unsuccessfulFleetDeletionSet></DeleteFleetsResponse>")
      .reply(200, described("deleted"))
      .reply(200, k_no_instances)
      .reply(200, k_template_deleted);
  auto r = delete_pool(e.ctx, pool_ci());
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(e.actions(), (std::vector<std::string>{"DeleteFleets", "DescribeFleets", "DescribeInstances",
                                                   "DeleteLaunchTemplate"}));
  EXPECT_EQ(spawn::test::query_form(e.transport->requests()[0].body)["TerminateInstances"], "true");
}

TEST(PoolDelete, NoReplyIsCheckedAndAFleetStillActiveIsAnError) {
  Ec2 e;
  e.transport->fail().reply(200, described("active"));
  auto r = delete_pool(e.ctx, pool_ci());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("the fleet fleet-1 is still active"), std::string::npos) << r.error().message;
  EXPECT_EQ(e.actions(), (std::vector<std::string>{"DeleteFleets", "DescribeFleets"}));
}

TEST(PoolDelete, NoReplyButDeletedGoesOnAndEndsWhatIsLeft) {
  Ec2 e;
  e.transport->fail()
      .reply(200, described("deleted_terminating"))
      .reply(200, "<DescribeInstancesResponse><reservationSet><item><instancesSet><item><instanceId>i-left</instanceId>"
                  "<instanceState><name>running</name></instanceState></item></instancesSet></item></reservationSet>"
                  "</DescribeInstancesResponse>")
      .reply(200, "<TerminateInstancesResponse><instancesSet><item><instanceId>i-left</instanceId></item></instancesSet>"
                  "</TerminateInstancesResponse>")
      .reply(200, k_template_deleted);
  ASSERT_TRUE(delete_pool(e.ctx, pool_ci()));
  EXPECT_EQ(e.actions(), (std::vector<std::string>{"DeleteFleets", "DescribeFleets", "DescribeInstances",
                                                   "TerminateInstances", "DeleteLaunchTemplate"}));
}

namespace {

PoolCreateInput create_input() {
  PoolCreateInput in;
  in.name = "ci";
  in.launch_template.image_id = "ami-12345678";
  in.overrides = {{"m7i.large", std::nullopt, std::nullopt}};
  in.capacity = 2;
  in.spot_count = 2;
  return in;
}
const char* k_made_template = R"(<CreateLaunchTemplateResponse><launchTemplate><launchTemplateId>lt-1</launchTemplateId>
  <latestVersionNumber>1</latestVersionNumber></launchTemplate></CreateLaunchTemplateResponse>)";

}  // namespace

TEST(PoolCreate, AnUnansweredCreateFleetIsResentWithItsTokenThenLookedFor) {
  Ec2 e;
  e.transport->reply(200, k_made_template);
  for (size_t i = 0; i <= k_resend_waits.size(); ++i) e.transport->fail();
  e.transport->reply(200, "<DescribeFleetsResponse><fleetSet><item><fleetId>fleet-made</fleetId><fleetState>active"
                          "</fleetState><tagSet><item><key>spawn:pool</key><value>ci</value></item></tagSet></item>"
                          "</fleetSet></DescribeFleetsResponse>");
  auto made = create_pool(e.ctx, create_input());
  ASSERT_TRUE(made) << made.error().describe();
  EXPECT_EQ(made->fleet_id, "fleet-made");
  std::set<std::string> tokens;
  for (const auto& r : e.transport->requests()) {
    auto form = spawn::test::query_form(r.body);
    if (form["Action"] == "CreateFleet") tokens.insert(form["ClientToken"]);
  }
  EXPECT_EQ(tokens.size(), 1u) << "every resend carries the first call's ClientToken";
  EXPECT_EQ(e.actions().back(), "DescribeFleets");
}

TEST(PoolCreate, AFleetThatWasNotMadeLeavesNoTemplate) {
  Ec2 e;
  e.transport->reply(200, k_made_template)
      .reply(400, "<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>bad</Message></Error></Errors>"
                  "<RequestID>r-1</RequestID></Response>")
      .reply(200, k_template_deleted);
  auto made = create_pool(e.ctx, create_input());
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, "InvalidParameterValue");
  EXPECT_EQ(e.actions(), (std::vector<std::string>{"CreateLaunchTemplate", "CreateFleet", "DeleteLaunchTemplate"}));
  auto form = spawn::test::query_form(e.transport->requests()[0].body);
  EXPECT_EQ(form["LaunchTemplateName"], "spawn-pool-ci");
  EXPECT_EQ(form["VersionDescription"], "spawn pool ci (deleted with the pool)");
}
