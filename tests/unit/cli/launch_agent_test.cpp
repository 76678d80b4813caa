#include "spawn/cli/launch_agent.hpp"

#include <gtest/gtest.h>

#include "../support/temp_dir.hpp"

using namespace spawn;
using namespace spawn::cli;

namespace {

const std::string k_sha = std::string(64, 'c');

model::LaunchOptions spot() {
  model::LaunchOptions o;
  o.instance_type = "m7i.large";
  o.spot.enabled = true;
  return o;
}

std::string problem(const model::LaunchOptions& o, const AgentFlags& f, const std::optional<std::string>& config = {}) {
  auto r = plan_agent(o, f, config);
  return r ? "" : r.error().message;
}

std::string remembered_config(const test::TempDir& dir) {
  return dir.write("config.json",
                   R"({"version": 1, "agent": {"bucket": "b", "key": "spawn/agent/)" + k_sha +
                       R"(/spored", "region": "eu-west-1", "sha256": ")" + k_sha + R"(", "architecture": "x86_64"}})",
                   0600);
}

}  // namespace

TEST(LaunchAgent, FlagRules) {
  model::LaunchOptions on_demand;
  on_demand.instance_type = "m7i.large";
  const std::string needs = " needs --spot, --ttl, --on-complete or --idle-timeout (what spored is installed for)";
  EXPECT_EQ(problem(on_demand, {"https://x/spored", k_sha, false}), "--agent-url" + needs);
  EXPECT_EQ(problem(on_demand, {{}, {}, true}), "--no-agent" + needs);
  EXPECT_EQ(problem(on_demand, {}), "");
  auto ttl = on_demand;
  ttl.ttl = std::chrono::hours(8);
  EXPECT_NE(problem(ttl, {{}, {}, true}).find("--ttl on demand needs spored to enforce it"), std::string::npos);
  EXPECT_NE(problem(ttl, {}).find("--ttl needs spored on the instance"), std::string::npos)
      << "nothing would enforce the deadline: refused, not a warning";
  EXPECT_EQ(problem(ttl, {"https://x/spored", k_sha, false}), "");
  EXPECT_EQ(problem(spot(), {"https://x/spored", {}, false}),
            "--agent-url needs --agent-sha256 (the instance refuses a binary it cannot check)");
  EXPECT_EQ(problem(spot(), {{}, k_sha, false}), "--agent-sha256 needs --agent-url");
  EXPECT_EQ(problem(spot(), {"https://x/spored", k_sha, true}), "--no-agent: not with --agent-url / --agent-sha256");
  EXPECT_NE(problem(spot(), {"http://x/spored", k_sha, false}).find("https://"), std::string::npos);
}

TEST(LaunchAgent, SourcePrecedence) {
  test::TempDir dir;
  const std::string config = remembered_config(dir);
  auto flags = plan_agent(spot(), {"https://x/spored", k_sha, false}, config);
  ASSERT_TRUE(flags);
  EXPECT_TRUE(flags->install);
  ASSERT_TRUE(flags->source);
  EXPECT_EQ(flags->source->url, "https://x/spored");
  EXPECT_FALSE(flags->uploads.empty()) << "--agent-url wins for the binary; the bucket still holds the launch's spec";

  auto remembered = plan_agent(spot(), {}, config);
  ASSERT_TRUE(remembered);
  EXPECT_TRUE(remembered->install);
  ASSERT_EQ(remembered->uploads.size(), 1u);
  EXPECT_EQ(remembered->uploads.front().bucket, "b");

  auto none = plan_agent(spot(), {{}, {}, true}, config);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->install);
  EXPECT_TRUE(none->warning.empty()) << "--no-agent is a choice, not a problem";
}

TEST(LaunchAgent, EveryArchitectureUploadedReachesTheInstallStep) {
  test::TempDir dir;
  const std::string arm_sha(64, 'e');
  const std::string config = dir.write(
      "both.json",
      R"({"version": 1, "agent": {"bucket": "b", "key": "spawn/agent/)" + k_sha + R"(/spored", "region": "eu-west-1", "sha256": ")" +
          k_sha + R"(", "architecture": "x86_64"}, "agent_aarch64": {"bucket": "b", "key": "spawn/agent/)" + arm_sha +
          R"(/spored", "region": "eu-west-1", "sha256": ")" + arm_sha + R"(", "architecture": "aarch64"}})",
      0600);
  auto plan = plan_agent(spot(), {}, config);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->uploads.size(), 2u);
  auto source = bucket_agent_source(plan->uploads, "https://b.s3.eu-west-1.amazonaws.com");
  ASSERT_TRUE(source) << source.error().describe();
  EXPECT_EQ(source->architectures(), (std::vector<std::string>{"x86_64", "aarch64"}));
  const std::string snippet = launcher::agent_install_snippet(*source);
  EXPECT_NE(snippet.find("  'aarch64')\n    spawn_agent_url='https://b.s3.eu-west-1.amazonaws.com/spawn/agent/" + arm_sha +
                         "/spored'\n    spawn_agent_sha256='" + arm_sha + "' ;;\n"),
            std::string::npos)
      << snippet;
  EXPECT_NE(snippet.find("  'x86_64')\n    spawn_agent_url='https://b.s3.eu-west-1.amazonaws.com/spawn/agent/" + k_sha),
            std::string::npos);
  const auto grants = spored_grants(spot(), "eu-west-1", "sl-1", plan->uploads);
  EXPECT_EQ(grants.agent_keys, (std::vector<std::string>{"spawn/agent/" + k_sha + "/spored",
                                                         "spawn/agent/" + arm_sha + "/spored"}))
      << "the role reads both binaries";
}

TEST(LaunchAgent, NothingKnownIsAWarningNamingWhatWillNotHappen) {
  test::TempDir dir;
  auto plain = plan_agent(spot(), {}, dir.file("missing.json"));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->install);
  EXPECT_NE(plain->warning.find("spawn agent upload --bucket BUCKET"), std::string::npos);
  EXPECT_NE(plain->warning.find("without interruption tags, notifications or logs"), std::string::npos);
  EXPECT_TRUE(plan_agent(spot(), {}, std::nullopt)) << "no HOME: nothing known either";

  auto checkpoint = spot();
  checkpoint.spot.on_interruption = model::OnInterruption::checkpoint;
  auto r = plan_agent(checkpoint, {}, dir.file("missing.json"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->install);
  EXPECT_NE(r->warning.find("--on-interruption checkpoint will do nothing unless the AMI starts spored"), std::string::npos);
  auto notify = spot();
  notify.spot.notify = {"arn:aws:sns:us-east-1:123456789012:alerts"};
  EXPECT_NE(plan_agent(notify, {}, {})->warning.find("--notify will do nothing"), std::string::npos);
  auto ttl = spot();
  ttl.ttl = std::chrono::hours(8);
  EXPECT_NE(plan_agent(ttl, {}, {})->warning.find("--ttl will do nothing"), std::string::npos);
  EXPECT_EQ(plan_agent(ttl, {{}, {}, true}, {})->warning, "") << "--no-agent: the AMI runs spored";

  const std::string broken = dir.write("broken.json", "{", 0600);
  auto bad = plan_agent(spot(), {}, broken);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(broken), std::string::npos);
}

TEST(LaunchAgent, SecretsNeedTheBucket) {
  auto o = spot();
  o.spot.notify = {"https://hooks.example.com/T0/B0/s3cr3t"};
  auto r = plan_agent(o, {}, std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("--notify https://hooks.example.com/..."), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("s3cr3t"), std::string::npos) << "the secret is not repeated";
  EXPECT_NE(r.error().hint.find("spawn agent upload --bucket BUCKET"), std::string::npos);
  o.spot.notify.clear();
  o.spot.checkpoint_script = model::read_checkpoint_script("https://example.com/save.sh?sig=1").value();
  EXPECT_FALSE(plan_agent(o, {}, std::nullopt));
  test::TempDir dir;
  EXPECT_TRUE(plan_agent(o, {}, remembered_config(dir))) << "with the bucket, the secret goes into the launch's spec";
  EXPECT_FALSE(plan_agent(o, {"https://x/spored", k_sha, false}, std::nullopt)) << "--agent-url has no bucket for it";
}

TEST(LaunchAgent, BucketSourceIsHttpsOnlyAndHasNoCredential) {
  auto location = [](const std::string& sha, const std::string& arch) {
    AgentLocation l;
    l.bucket = "b";
    l.key = "spawn/agent/" + sha + "/spored";
    l.region = "eu-west-1";
    l.sha256 = sha;
    l.architecture = arch;
    return l;
  };
  const AgentLocation x86 = location(k_sha, "x86_64"), arm = location(std::string(64, 'd'), "aarch64");
  auto source = bucket_agent_source({x86, arm}, "https://b.s3.eu-west-1.amazonaws.com");
  ASSERT_TRUE(source) << source.error().describe();
  EXPECT_EQ(source->bucket, "b");
  EXPECT_EQ(source->region, "eu-west-1");
  ASSERT_EQ(source->binaries.size(), 2u);
  EXPECT_EQ(source->binaries[0].url, "https://b.s3.eu-west-1.amazonaws.com/spawn/agent/" + k_sha + "/spored");
  EXPECT_EQ(source->architectures(), (std::vector<std::string>{"x86_64", "aarch64"}));
  const std::string snippet = launcher::agent_install_snippet(*source);
  EXPECT_EQ(snippet.find("X-Amz-"), std::string::npos) << "no presigned URL: nothing in user-data expires or grants";

  auto http = bucket_agent_source({x86}, "http://127.0.0.1:5000/b");
  ASSERT_FALSE(http);
  EXPECT_EQ(http.error().code, "InsecureEndpoint");
  EXPECT_FALSE(bucket_agent_source({}, "https://b.s3.amazonaws.com"));
}

TEST(LaunchAgent, GrantsFromNotifyAndScript) {
  auto o = spot();
  o.spot.notify = {"arn:aws:sns:us-east-1:123456789012:alerts", "https://hooks.example.com/x"};
  o.spot.on_interruption = model::OnInterruption::checkpoint;
  o.spot.checkpoint_script = model::read_checkpoint_script("s3://ckpt/jobs/save.sh").value();
  AgentLocation up;
  up.bucket = "spawn-b";
  up.key = "spawn/agent/" + k_sha + "/spored";
  up.region = "cn-north-1";
  up.sha256 = k_sha;
  auto g = spored_grants(o, "cn-north-1", "sl-0123456789abcdef", {up});
  EXPECT_EQ(g.partition, "aws-cn");
  EXPECT_EQ(spored_grants(o, "us-gov-east-1", "sl-1", {}).partition, "aws-us-gov");
  EXPECT_EQ(spored_grants(o, "eu-west-1", "sl-1", {}).partition, "aws");
  EXPECT_EQ(g.launch_id, "sl-0123456789abcdef");
  EXPECT_EQ(g.bucket, "spawn-b");
  EXPECT_EQ(g.agent_keys, std::vector<std::string>{up.key});
  EXPECT_FALSE(g.cancel_own_spot_request);
  EXPECT_EQ(g.sns_topics, std::vector<std::string>{"arn:aws:sns:us-east-1:123456789012:alerts"}) << "webhooks need no IAM";
  EXPECT_EQ(g.s3_objects, std::vector<std::string>{"ckpt/jobs/save.sh"});
  o.spot.checkpoint_script = model::read_checkpoint_script("https://example.com/save.sh").value();
  EXPECT_TRUE(spored_grants(o, "us-east-1", "sl-1", {}).s3_objects.empty());
  o.spot.on_interruption = model::OnInterruption::hibernate;
  EXPECT_TRUE(spored_grants(o, "us-east-1", "sl-1", {}).cancel_own_spot_request) << "a persistent request to cancel";
}
