#include "spawn/launcher/fleet_launch.hpp"

#include <gtest/gtest.h>

using namespace spawn::launcher;
using spawn::aws::ec2::CreateFleetResult;
using spawn::aws::ec2::FleetError;

namespace {
CreateFleetResult reply(int spot, int on_demand, std::vector<FleetError> errors = {}) {
  CreateFleetResult r;
  spawn::aws::ec2::FleetInstances s{"spot", "m7i.large", "", "", {}};
  for (int i = 0; i < spot; ++i) s.instance_ids.push_back("i-s" + std::to_string(i));
  spawn::aws::ec2::FleetInstances o{"on-demand", "m7i.large", "", "", {}};
  for (int i = 0; i < on_demand; ++i) o.instance_ids.push_back("i-o" + std::to_string(i));
  r.instances = {s, o};
  r.errors = std::move(errors);
  return r;
}
FleetError error(std::string lifecycle, std::string code, std::string type = "m7i.large") {
  return {std::move(lifecycle), std::move(type), "", "", std::move(code), "no capacity"};
}
}  // namespace

TEST(FleetTally, CountsEachMarketAgainstWhatWasAsked) {
  auto t = tally_fleet(reply(4, 2, {error("spot", "InsufficientInstanceCapacity")}), 6, 2);
  EXPECT_EQ(t.spot_got, 4);
  EXPECT_EQ(t.spot_missing(), 2);
  EXPECT_EQ(t.on_demand_missing(), 0);
  EXPECT_TRUE(t.spot_short_of_capacity_only());
  EXPECT_EQ(t.spot_code(), "InsufficientInstanceCapacity");
  ASSERT_EQ(t.spot_errors.size(), 1u);
  EXPECT_TRUE(t.on_demand_errors.empty());
}

TEST(FleetTally, OnlyCapacityErrorsAllowAFallback) {
  for (const char* code : {"InsufficientInstanceCapacity", "InsufficientCapacity", "SpotMaxPriceTooLow",
                           "MaxSpotInstanceCountExceeded", "Unsupported", "UnfulfillableCapacity"})
    EXPECT_TRUE(tally_fleet(reply(0, 0, {error("spot", code)}), 1, 0).spot_short_of_capacity_only()) << code;
  auto t = tally_fleet(reply(0, 0, {error("spot", "InsufficientInstanceCapacity"), error("spot", "InvalidSubnetID.NotFound")}), 2, 0);
  EXPECT_FALSE(t.spot_short_of_capacity_only());
  auto silent = tally_fleet(reply(1, 0), 2, 0);
  EXPECT_EQ(silent.spot_code(), "UnfulfillableCapacity") << "short without a reason EC2 named";
}

TEST(FleetTally, ReportNamesThePartAndWhy) {
  EXPECT_EQ(describe_part("on-demand", 2, 2, {}), "on-demand 2 of 2");
  EXPECT_EQ(describe_part("spot", 4, 6, {error("spot", "InsufficientInstanceCapacity")}),
            "spot 4 of 6 (m7i.large: InsufficientInstanceCapacity: no capacity)");
  EXPECT_EQ(describe_part("spot", 0, 1, {}), "spot 0 of 1 (EC2 gave no reason)");
  std::vector<FleetError> many(5, error("spot", "InsufficientInstanceCapacity"));
  auto text = describe_part("spot", 0, 5, many);
  EXPECT_NE(text.find("and 2 more"), std::string::npos);
}

// The workflow against a scripted EC2: what is decided from the reply.
#include "../support/scripted_transport.hpp"
#include "spawn/util/url.hpp"

namespace {

class TestCredentials final : public spawn::aws::auth::CredentialsProvider {
 public:
  spawn::aws::Result<spawn::aws::auth::Credentials> get() override {
    return spawn::aws::auth::Credentials{"AKID", "secret", "", {}, "test"};
  }
};

const char* k_template = R"(<CreateLaunchTemplateResponse><launchTemplate><launchTemplateId>lt-1</launchTemplateId>
  <latestVersionNumber>1</latestVersionNumber></launchTemplate></CreateLaunchTemplateResponse>)";

std::string fleet_reply(const std::string& spot_ids, const std::string& error_code) {
  std::string errors = error_code.empty() ? "" :
      "<errorSet><item><launchTemplateAndOverrides><overrides><instanceType>m7i.large</instanceType></overrides>"
      "</launchTemplateAndOverrides><lifecycle>spot</lifecycle><errorCode>" + error_code +
      "</errorCode><errorMessage>why</errorMessage></item></errorSet>";
  return "<CreateFleetResponse><requestId>req-9</requestId><fleetId>fleet-1</fleetId>" + errors +
         "<fleetInstanceSet><item><lifecycle>spot</lifecycle><instanceType>m7i.large</instanceType><instanceIds>" +
         spot_ids + "</instanceIds></item></fleetInstanceSet></CreateFleetResponse>";
}

struct Workflow {
  std::shared_ptr<spawn::test::ScriptedTransport> transport = std::make_shared<spawn::test::ScriptedTransport>();
  spawn::aws::ec2::Client ec2{std::make_shared<spawn::aws::ServiceClient>(
      spawn::aws::services::ec2, "http://127.0.0.1:1", "us-east-1", std::make_shared<TestCredentials>(), transport,
      std::make_shared<spawn::aws::http::Retrier>(spawn::aws::http::RetryPolicy{1, {}, {}},
                                                  std::make_shared<spawn::aws::http::RetryQuota>(),
                                                  [](std::chrono::milliseconds) {}))};
  std::vector<std::string> warnings;
  LaunchContext ctx{ec2, [](const std::string&) {}, [this](const std::string& l) { warnings.push_back(l); }};

  FleetLaunchInput input(bool fallback) const {
    FleetLaunchInput in;
    in.launch_template.image_id = "ami-12345678";
    in.overrides = {{"m7i.large", std::nullopt, std::nullopt}};
    in.fallback_overrides = in.overrides;
    in.spot_count = 2;
    in.fallback = fallback;
    in.type_order = {"m7i.large"};
    in.launch_id = "launch-1";
    return in;
  }
  std::vector<std::string> actions() const {
    std::vector<std::string> out;
    for (const auto& r : transport->requests()) {
      auto body = spawn::util::percent_decode(r.body, true);
      auto start = body.find("Action=") + 7;
      out.push_back(body.substr(start, body.find('&', start) - start));
    }
    return out;
  }
};

}  // namespace

TEST(FleetWorkflow, NonCapacityErrorsDoNotFallBack) {
  Workflow w;
  w.transport->reply(200, k_template)
      .reply(200, fleet_reply("<item>i-1</item>", "InvalidSubnetID.NotFound"))
      .reply(200, "<TerminateInstancesResponse/>")
      .reply(200, "<DeleteLaunchTemplateResponse/>");
  auto r = fleet_launch(w.ctx, w.input(true));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidSubnetID.NotFound");
  EXPECT_EQ(r.error().request_id, "req-9");
  EXPECT_NE(r.error().message.find("could not launch all 2 instances: spot 1 of 2"), std::string::npos);
  EXPECT_EQ(w.actions(), (std::vector<std::string>{"CreateLaunchTemplate", "CreateFleet", "TerminateInstances",
                                                   "DeleteLaunchTemplate"}));
}

TEST(FleetWorkflow, CapacityShortfallFallsBackForExactlyWhatIsMissing) {
  Workflow w;
  w.transport->reply(200, k_template)
      .reply(200, fleet_reply("<item>i-1</item>", "InsufficientInstanceCapacity"))
      .respond([](const spawn::aws::http::Request& req) -> spawn::aws::Result<spawn::aws::http::Response> {
        auto body = spawn::util::percent_decode(req.body, true);
        EXPECT_NE(body.find("TargetCapacitySpecification.OnDemandTargetCapacity=1"), std::string::npos) << body;
        EXPECT_NE(body.find("TargetCapacitySpecification.SpotTargetCapacity=0"), std::string::npos) << body;
        return spawn::aws::http::Response{200, {}, R"(<CreateFleetResponse><fleetInstanceSet><item><lifecycle>on-demand</lifecycle>
          <instanceType>m7i.large</instanceType><instanceIds><item>i-2</item></instanceIds></item></fleetInstanceSet></CreateFleetResponse>)"};
      })
      .reply(200, R"(<DescribeInstancesResponse><reservationSet><item><instancesSet>
        <item><instanceId>i-1</instanceId><instanceLifecycle>spot</instanceLifecycle></item>
        <item><instanceId>i-2</instanceId></item></instancesSet></item></reservationSet></DescribeInstancesResponse>)")
      .reply(200, "<DeleteLaunchTemplateResponse/>");
  auto r = fleet_launch(w.ctx, w.input(true));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->fell_back);
  EXPECT_EQ(r->fallback_code, "InsufficientInstanceCapacity");
  ASSERT_EQ(r->members.size(), 2u);
  EXPECT_TRUE(r->members[0].spot);
  EXPECT_TRUE(r->members[1].fell_back);
  EXPECT_EQ(w.warnings, std::vector<std::string>{"Spot unavailable (InsufficientInstanceCapacity), falling back to on-demand..."});
  EXPECT_EQ(w.actions(), (std::vector<std::string>{"CreateLaunchTemplate", "CreateFleet", "CreateFleet",
                                                   "DescribeInstances", "DeleteLaunchTemplate"}));
}
