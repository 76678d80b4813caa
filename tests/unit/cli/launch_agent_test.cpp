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
  EXPECT_EQ(problem(on_demand, {"https://x/spored", k_sha, false}), "--agent-url needs --spot");
  EXPECT_EQ(problem(on_demand, {{}, {}, true}), "--no-agent needs --spot");
  EXPECT_EQ(problem(on_demand, {}), "");
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
  EXPECT_FALSE(flags->remembered) << "--agent-url wins over the remembered upload";

  auto remembered = plan_agent(spot(), {}, config);
  ASSERT_TRUE(remembered);
  EXPECT_TRUE(remembered->install);
  ASSERT_TRUE(remembered->remembered);
  EXPECT_EQ(remembered->remembered->bucket, "b");

  auto none = plan_agent(spot(), {{}, {}, true}, config);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->install);
  EXPECT_TRUE(none->warning.empty()) << "--no-agent is a choice, not a problem";
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
  notify.spot.notify = {"https://hooks.example.com/x"};
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

TEST(LaunchAgent, PresignedSourceIsHttpsOnly) {
  AgentLocation where;
  where.bucket = "b";
  where.key = "spawn/agent/" + k_sha + "/spored";
  where.region = "eu-west-1";
  where.sha256 = k_sha;
  where.architecture = "aarch64";
  aws::auth::Credentials creds{"AKIDEXAMPLE", "secret", "session-token", {}, "test"};
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  auto source = presigned_agent_source(where, "https://b.s3.eu-west-1.amazonaws.com", creds, now);
  ASSERT_TRUE(source) << source.error().describe();
  EXPECT_TRUE(source->url.starts_with("https://b.s3.eu-west-1.amazonaws.com/spawn/agent/" + k_sha + "/spored?"));
  EXPECT_NE(source->url.find("X-Amz-Expires=3600"), std::string::npos);
  EXPECT_NE(source->url.find("X-Amz-Credential=AKIDEXAMPLE%2F20270115%2Feu-west-1%2Fs3%2Faws4_request"), std::string::npos);
  EXPECT_NE(source->url.find("X-Amz-Security-Token=session-token"), std::string::npos);
  EXPECT_NE(source->url.find("X-Amz-Signature="), std::string::npos);
  EXPECT_EQ(source->url.find("secret"), std::string::npos) << "the secret key never leaves";
  EXPECT_EQ(source->sha256, k_sha);
  EXPECT_EQ(source->architecture, "aarch64");
  EXPECT_TRUE(launcher::check_agent_source(*source)) << "the snippet accepts it";

  auto http = presigned_agent_source(where, "http://127.0.0.1:5000/b", creds, now);
  ASSERT_FALSE(http);
  EXPECT_EQ(http.error().code, "InsecureEndpoint");
}

TEST(LaunchAgent, CredentialsThatExpireFirstAreSaid) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  aws::auth::Credentials lasting{"A", "s", "", {}, "env"};
  EXPECT_EQ(credentials_expiry_warning(lasting, now), "");
  lasting.expiration = now + std::chrono::hours(2);
  EXPECT_EQ(credentials_expiry_warning(lasting, now), "");
  aws::auth::Credentials brief{"A", "s", "t", now + std::chrono::minutes(20), "sso"};
  EXPECT_NE(credentials_expiry_warning(brief, now).find("in 20 min"), std::string::npos);
}

TEST(LaunchAgent, GrantsFromNotifyAndScript) {
  auto o = spot();
  o.spot.notify = {"arn:aws:sns:us-east-1:123456789012:alerts", "https://hooks.example.com/x"};
  o.spot.on_interruption = model::OnInterruption::checkpoint;
  o.spot.checkpoint_script = model::read_checkpoint_script("s3://ckpt/jobs/save.sh").value();
  auto g = spored_grants(o, "cn-north-1");
  EXPECT_EQ(g.partition, "aws-cn");
  EXPECT_EQ(g.sns_topics, std::vector<std::string>{"arn:aws:sns:us-east-1:123456789012:alerts"}) << "webhooks need no IAM";
  EXPECT_EQ(g.s3_objects, std::vector<std::string>{"ckpt/jobs/save.sh"});
  o.spot.checkpoint_script = model::read_checkpoint_script("https://example.com/save.sh").value();
  EXPECT_TRUE(spored_grants(o, "us-east-1").s3_objects.empty());
}
