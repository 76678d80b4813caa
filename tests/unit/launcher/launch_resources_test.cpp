#include "spawn/launcher/launch_resources.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "../support/query_form.hpp"
#include "../support/scripted_transport.hpp"
#include "../support/static_credentials.hpp"
#include "spawn/util/time.hpp"
#include "spawn/util/url.hpp"

using namespace spawn;
using namespace spawn::launcher;

namespace {


// A small account behind one transport: spawn's launch roles (name -> creation time) in IAM, the
// launches that still have instances in EC2, objects in spawn's bucket. Every call is recorded as
// "IAM DeleteRole spawn-spored-b", "EC2 DescribeInstances", "S3 DELETE /bucket/key".
class Account {
 public:
  std::map<std::string, std::string> roles;  // role name -> CreateDate
  std::set<std::string> alive;               // launch ids with a running instance
  std::set<std::string> pools;               // launch ids of live pools (maintain fleets tagged spawn:pool)
  std::vector<std::string> calls;
  bool list_fails = false;

  std::shared_ptr<test::ScriptedTransport> transport() {
    auto t = std::make_shared<test::ScriptedTransport>();
    t->otherwise_fail();
    for (int i = 0; i < 60; ++i) t->respond([this](const aws::http::Request& r) { return answer(r); });
    return t;
  }

 private:
  aws::Result<aws::http::Response> answer(const aws::http::Request& r) {
    if (r.method == "DELETE") {
      calls.push_back("S3 DELETE " + r.url.substr(r.url.find('/', 8)));
      return aws::http::Response{204, {}, ""};
    }
    auto p = test::query_form(r.body);
    const std::string a = p["Action"];
    if (a == "DescribeInstances") {
      calls.push_back("EC2 DescribeInstances");
      std::string items;
      for (const auto& [k, v] : p)
        if (k.starts_with("Filter.1.Value.") && alive.count(v))
          items += "<item><instanceId>i-" + v + "</instanceId><instanceState><name>running</name></instanceState>"
                   "<tagSet><item><key>spawn:launch-id</key><value>" + v + "</value></item></tagSet></item>";
      return aws::http::Response{200, {}, "<DescribeInstancesResponse><reservationSet><item><instancesSet>" + items +
                                              "</instancesSet></item></reservationSet></DescribeInstancesResponse>"};
    }
    if (a == "DescribeFleets") {
      calls.push_back("EC2 DescribeFleets");
      std::string items;
      for (const auto& id : pools)
        items += "<item><fleetId>fleet-" + id + "</fleetId><fleetState>active</fleetState><tagSet>"
                 "<item><key>spawn:pool</key><value>p</value></item><item><key>spawn:launch-id</key><value>" + id +
                 "</value></item></tagSet></item>";
      return aws::http::Response{200, {}, "<DescribeFleetsResponse><fleetSet>" + items + "</fleetSet></DescribeFleetsResponse>"};
    }
    if (a == "DeleteLaunchTemplate") {  // a launch without --relaunch has no template: EC2 says so
      calls.push_back("EC2 DeleteLaunchTemplate " + p["LaunchTemplateName"]);
      return aws::http::Response{400, {}, "<Response><Errors><Error><Code>InvalidLaunchTemplateName.NotFoundException"
                                          "</Code><Message>no such template</Message></Error></Errors></Response>"};
    }
    const std::string role = p.count("RoleName") ? p["RoleName"] : p["InstanceProfileName"];
    calls.push_back("IAM " + a + (role.empty() ? "" : " " + role));
    if (a == "ListRoles") {
      if (list_fails)
        return aws::http::Response{403, {}, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>"};
      std::string members;
      for (const auto& [name, created] : roles)
        members += "<member><RoleName>" + name + "</RoleName><Path>/spawn/</Path><CreateDate>" + created +
                   "</CreateDate></member>";
      members += "<member><RoleName>not-a-launch-role</RoleName><Path>/spawn/</Path><CreateDate>2020-01-01T00:00:00Z"
                 "</CreateDate></member>";
      return aws::http::Response{200, {}, "<ListRolesResponse><ListRolesResult><Roles>" + members +
                                              "</Roles><IsTruncated>false</IsTruncated></ListRolesResult></ListRolesResponse>"};
    }
    if (a == "DeleteRole") roles.erase(role);
    return aws::http::Response{200, {}, "<" + a + "Response/>"};
  }
};

std::shared_ptr<aws::ServiceClient> service(aws::ServiceInfo info, const std::string& endpoint,
                                            std::shared_ptr<aws::http::Transport> t) {
  return std::make_shared<aws::ServiceClient>(
      info, endpoint, "us-east-1", std::make_shared<test::StaticCredentials>(), std::move(t),
      std::make_shared<aws::http::Retrier>(aws::http::RetryPolicy{1, {}, {}}, std::make_shared<aws::http::RetryQuota>(),
                                           [](std::chrono::milliseconds) {}));
}

const auto k_now = util::parse_rfc3339("2026-12-03T12:00:00Z").value();

}  // namespace

TEST(LaunchResources, SweepRemovesOnlyOldLaunchesWithoutInstances) {
  Account account;
  account.roles = {{"spawn-spored-old-alive", "2026-12-03T10:00:00Z"},
                   {"spawn-spored-old-gone", "2026-12-03T11:44:00Z"},
                   {"spawn-spored-new-gone", "2026-12-03T11:50:00Z"}};
  account.alive = {"old-alive"};
  auto t = account.transport();
  aws::ec2::Client ec2(service(aws::services::ec2, "http://127.0.0.1:1", t));
  aws::iam::Client iam(service(aws::services::iam, "http://127.0.0.1:1", t));
  aws::s3::Client bucket(service(aws::services::s3, "http://127.0.0.1:1/spawn-bucket", t));
  auto swept = sweep_finished_launches({ec2, iam, &bucket}, k_now);
  EXPECT_TRUE(swept.errors.empty()) << swept.errors.front();
  EXPECT_EQ(swept.removed, std::vector<std::string>{"old-gone"})
      << "16 minutes old and no instance: gone; 10 minutes old may be a launch in progress elsewhere";
  EXPECT_EQ(swept.remaining, 2u);
  EXPECT_EQ(account.calls,
            (std::vector<std::string>{"IAM ListRoles", "EC2 DescribeInstances", "EC2 DescribeFleets",
                                      "EC2 DeleteLaunchTemplate spawn-relaunch-old-gone",
                                      "IAM RemoveRoleFromInstanceProfile spawn-spored-old-gone",
                                      "IAM DeleteInstanceProfile spawn-spored-old-gone",
                                      "IAM DeleteRolePolicy spawn-spored-old-gone", "IAM DeleteRole spawn-spored-old-gone",
                                      "S3 DELETE /spawn-bucket/spawn/launches/old-gone/spec.json"}));
  EXPECT_EQ(account.roles.count("spawn-spored-old-alive"), 1u);
}

TEST(LaunchResources, SweepKeepsTheRoleOfALivePoolWithoutInstances) {
  Account account;
  account.roles = {{"spawn-spored-pool-empty", "2026-12-03T10:00:00Z"}};
  account.pools = {"pool-empty"};  // all its members interrupted, the replacements not yet running
  auto t = account.transport();
  aws::ec2::Client ec2(service(aws::services::ec2, "http://127.0.0.1:1", t));
  aws::iam::Client iam(service(aws::services::iam, "http://127.0.0.1:1", t));
  auto swept = sweep_finished_launches({ec2, iam, nullptr}, k_now);
  EXPECT_TRUE(swept.errors.empty());
  EXPECT_TRUE(swept.removed.empty());
  EXPECT_EQ(account.calls, (std::vector<std::string>{"IAM ListRoles", "EC2 DescribeInstances", "EC2 DescribeFleets"}));
}

TEST(LaunchResources, ASweepThatCannotListSaysSoAndRemovesNothing) {
  Account account;
  account.list_fails = true;
  account.roles = {{"spawn-spored-old-gone", "2026-12-01T00:00:00Z"}};
  auto t = account.transport();
  aws::ec2::Client ec2(service(aws::services::ec2, "http://127.0.0.1:1", t));
  aws::iam::Client iam(service(aws::services::iam, "http://127.0.0.1:1", t));
  auto swept = sweep_finished_launches({ec2, iam, nullptr}, k_now);
  ASSERT_EQ(swept.errors.size(), 1u);
  EXPECT_NE(swept.errors[0].find("AccessDenied"), std::string::npos) << swept.errors[0];
  EXPECT_TRUE(swept.removed.empty());
  EXPECT_EQ(account.calls, std::vector<std::string>{"IAM ListRoles"});
}

TEST(LaunchResources, WithoutABucketOnlyTheRoleGoes) {
  Account account;
  account.roles = {{"spawn-spored-x", "2026-12-01T00:00:00Z"}};
  auto t = account.transport();
  aws::ec2::Client ec2(service(aws::services::ec2, "http://127.0.0.1:1", t));
  aws::iam::Client iam(service(aws::services::iam, "http://127.0.0.1:1", t));
  ASSERT_TRUE(delete_launch_resources({ec2, iam, nullptr}, "x"));
  EXPECT_EQ(account.calls.size(), 4u);
  EXPECT_TRUE(account.roles.empty());
}
