// Layering flag > environment > spec > file > default, and validation after the merge. Tags are no layer.
#include "spawn/agent/config.hpp"

#include <gtest/gtest.h>

#include "spawn/agent/command_line.hpp"
#include "spawn/model/tags.hpp"
#include "../support/temp_dir.hpp"

namespace spawn::agent {
namespace {

using namespace std::chrono_literals;
using aws::config::fixed_environment;

Sources sources(RawValues flags = {}, std::map<std::string, std::string> env = {},
                std::optional<nlohmann::json> file = std::nullopt, std::optional<nlohmann::json> spec = std::nullopt) {
  Sources s;
  s.flags = std::move(flags);
  s.environment = fixed_environment(std::move(env));
  s.file = std::move(file);
  s.file_path = "/etc/spawn/spot-config.json";
  s.spec = std::move(spec);
  s.spec_url = "s3://b/spawn/launches/l-1/spec.json";
  return s;
}

TEST(AgentConfig, DefaultsWithNothingSet) {
  auto c = resolve_config(sources());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->imds_endpoint, "http://169.254.169.254");
  EXPECT_EQ(c->poll_interval, 1s);
  EXPECT_EQ(c->state_dir, "/var/lib/spawn");
  EXPECT_EQ(c->shutdown_command, "systemctl poweroff");
  EXPECT_EQ(c->log_format, LogFormat::json);
  EXPECT_FALSE(c->spot);
  EXPECT_EQ(c->on_interruption, OnInterruption::terminate);
  EXPECT_EQ(c->checkpoint_script, "");
  EXPECT_TRUE(c->notify.empty());
  EXPECT_FALSE(c->ttl_deadline);
  EXPECT_EQ(c->origins.at("poll-interval"), Origin::fallback);
}

TEST(AgentConfig, EachLayerBeatsTheOnesBelow) {
  nlohmann::json file = {{"on_interruption", "hibernate"}};
  nlohmann::json spec = {{"on_interruption", "checkpoint"}};
  // file only
  auto c = resolve_config(sources({}, {}, file));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->on_interruption, OnInterruption::hibernate);
  EXPECT_EQ(c->origins.at("on-interruption"), Origin::file);
  // spec beats file
  c = resolve_config(sources({}, {}, file, spec));
  EXPECT_EQ(c->on_interruption, OnInterruption::checkpoint);
  EXPECT_EQ(c->origins.at("on-interruption"), Origin::spec);
  // environment beats spec
  c = resolve_config(sources({}, {{"SPAWN_ON_INTERRUPTION", "terminate"}}, file, spec));
  EXPECT_EQ(c->on_interruption, OnInterruption::terminate);
  EXPECT_EQ(c->origins.at("on-interruption"), Origin::environment);
  // flag beats environment
  c = resolve_config(sources({{"on-interruption", {"terminate"}}}, {{"SPAWN_ON_INTERRUPTION", "checkpoint"}}, file));
  EXPECT_EQ(c->on_interruption, OnInterruption::terminate);
  EXPECT_EQ(c->origins.at("on-interruption"), Origin::flag);
}

TEST(AgentConfig, TheSpecCompletesTheFileWithItsSecrets) {
  // What a launch with a webhook and a topic writes: the file names the topic, the spec both.
  nlohmann::json file = nlohmann::json::parse(R"({"spot": true, "on_interruption": "checkpoint", "checkpoint_script": "",
      "notify": ["arn:aws:sns:eu-west-1:123456789012:t"], "spec": "s3://b/spawn/launches/l-1/spec.json",
      "spec_region": "eu-central-1"})");
  nlohmann::json spec = nlohmann::json::parse(R"({"on_interruption": "checkpoint",
      "checkpoint_script": "https://example.com/ckpt.sh?token=secret", "checkpoint_script_region": "us-west-2",
      "notify": ["arn:aws:sns:eu-west-1:123456789012:t", "https://hooks.example.com/T/B/secret"]})");
  auto before = resolve_config(sources({}, {}, file));
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_EQ(before->spec, "s3://b/spawn/launches/l-1/spec.json");
  EXPECT_EQ(before->spec_region, "eu-central-1");
  EXPECT_EQ(before->notify.size(), 1u);
  EXPECT_EQ(before->checkpoint_script, "");
  auto after = resolve_config(sources({}, {}, file, spec));
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->notify.size(), 2u);
  EXPECT_EQ(after->checkpoint_script, "https://example.com/ckpt.sh?token=secret");
  EXPECT_EQ(after->checkpoint_script_region, "us-west-2");
  EXPECT_EQ(after->spec, "s3://b/spawn/launches/l-1/spec.json");  // never from the spec itself
  EXPECT_EQ(describe(*after).dump().find("secret"), std::string::npos);
}

TEST(AgentConfig, ABadSpecValueNamesTheSpec) {
  auto r = resolve_config(sources({}, {}, std::nullopt, nlohmann::json{{"ttl_deadline", "tomorrow"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().origin, Origin::spec);
  EXPECT_EQ(r.error().message, "s3://b/spawn/launches/l-1/spec.json ttl_deadline: not an RFC 3339 time like 2026-11-27T18:00:00Z");
  EXPECT_FALSE(resolve_config(sources({}, {}, std::nullopt, nlohmann::json{{"notify", 3}})));
  for (const char* bad : {"s3://", "https://b/spec.json", "/etc/spec.json"})
    EXPECT_FALSE(resolve_config(sources({{"spec", {bad}}}))) << bad;
  for (const char* bad : {"EU-WEST-1", "eu west 1", "eu-west-1;rm"})
    EXPECT_FALSE(resolve_config(sources({{"checkpoint-script-region", {bad}}}))) << bad;
}

TEST(AgentConfig, TheSpotLaunchConfigFile) {
  nlohmann::json file = nlohmann::json::parse(R"({"spot": true, "on_interruption": "checkpoint",
      "checkpoint_script": "s3://my-bucket/ckpt/save.sh",
      "notify": ["arn:aws:sns:eu-west-1:123456789012:spot-alerts", "https://hooks.example.com/T/B/secret"]})");
  auto c = resolve_config(sources({}, {}, file));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->spot, true);
  EXPECT_EQ(c->on_interruption, OnInterruption::checkpoint);
  EXPECT_EQ(c->checkpoint_script, "s3://my-bucket/ckpt/save.sh");
  ASSERT_EQ(c->notify.size(), 2u);
  EXPECT_EQ(c->notify[0], "arn:aws:sns:eu-west-1:123456789012:spot-alerts");
  // describe() never shows a webhook's path (often its secret).
  EXPECT_EQ(describe(*c).dump().find("secret"), std::string::npos);
}

TEST(AgentConfig, AMixedArrayConfigLeavesSpotToTheInstance) {
  // What the launch writes for a job array with spot and on-demand members (launcher/user_data.cpp).
  nlohmann::json file = nlohmann::json::parse(
      R"({"spot": null, "on_interruption": "terminate", "checkpoint_script": "", "notify": []})");
  auto c = resolve_config(sources({}, {}, file));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->spot);  // instance-life-cycle decides, as EC2 reports it
  EXPECT_EQ(c->origins.at("spot"), Origin::fallback);
  EXPECT_EQ(c->checkpoint_script, "");
}

TEST(AgentConfig, ImdsEndpointFromTheSdkVariable) {
  auto c = resolve_config(sources({}, {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:8111/"}}));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->imds_endpoint, "http://127.0.0.1:8111");
  c = resolve_config(sources({{"imds-endpoint", {"http://127.0.0.1:9999"}}},
                             {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:8111"}}));
  EXPECT_EQ(c->imds_endpoint, "http://127.0.0.1:9999");
}

TEST(AgentConfig, PollIntervalBounds) {
  for (const char* good : {"100ms", "250ms", "1s", "1.5s", "10s", "10000ms"})
    EXPECT_TRUE(resolve_config(sources({{"poll-interval", {good}}}))) << good;
  auto c = resolve_config(sources({{"poll-interval", {"1.5s"}}}));
  EXPECT_EQ(c->poll_interval, 1500ms);
  for (const char* bad : {"99ms", "50ms", "11s", "0s", "1", "fast", "", "-1s", "1m", "1.s5"}) {
    auto r = resolve_config(sources({{"poll-interval", {bad}}}));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().option, "poll-interval");
    EXPECT_TRUE(r.error().message.starts_with("--poll-interval")) << r.error().message;
  }
  auto env = resolve_config(sources({}, {{"SPORED_POLL_INTERVAL", "50ms"}}));
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().message, "SPORED_POLL_INTERVAL=50ms: must be between 100ms and 10s");
}

TEST(AgentConfig, EmptyShutdownCommandMeansNone) {
  auto c = resolve_config(sources({{"shutdown-command", {""}}}));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->shutdown_command, "");
  EXPECT_FALSE(resolve_config(sources({{"shutdown-command", {"echo 'unclosed"}}})));
}

TEST(AgentConfig, CheckpointScriptForms) {
  for (const char* good : {"/opt/job/checkpoint.sh", "s3://bucket/key.sh", "s3://bucket/deep/key.sh",
                           "https://example.com/ckpt.sh", ""})
    EXPECT_TRUE(resolve_config(sources({{"checkpoint-script", {good}}}))) << good;
  auto http = resolve_config(sources({{"checkpoint-script", {"http://example.com/ckpt.sh"}}}));
  ASSERT_FALSE(http);
  EXPECT_NE(http.error().message.find("https:// or s3://"), std::string::npos);
  for (const char* bad : {"relative/path.sh", "s3://bucket", "s3:///key", "ftp://x/y"})
    EXPECT_FALSE(resolve_config(sources({{"checkpoint-script", {bad}}}))) << bad;
}

TEST(AgentConfig, EmbeddedScriptInTheFileMeansTheFileNextToIt) {
  auto s = sources({}, {}, nlohmann::json{{"checkpoint_script", "embedded:0123abcd"}});
  s.file_path = "/tmp/x/spot-config.json";
  auto c = resolve_config(s);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->checkpoint_script, "/tmp/x/checkpoint.sh");
}

TEST(AgentConfig, NotifyTargets) {
  auto c = resolve_config(sources({}, {{"SPAWN_NOTIFY", "arn:aws:sns:us-east-1:123456789012:a, https://h.example/x,"}}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->notify, (std::vector<std::string>{"arn:aws:sns:us-east-1:123456789012:a", "https://h.example/x"}));
  c = resolve_config(sources({{"notify", {"arn:aws:sns:us-east-1:123456789012:a", "arn:aws:sns:us-east-1:123456789012:a"}}}));
  EXPECT_EQ(c->notify.size(), 1u);
  for (const char* bad : {"http://hooks.example/x", "mailto:a@b", "arn:aws:sqs:us-east-1:1:q", "arn:aws:sns:us-east-1"})
    EXPECT_FALSE(resolve_config(sources({{"notify", {bad}}}))) << bad;
}

TEST(AgentConfig, TtlDeadlineFromTheFile) {
  auto c = resolve_config(sources({}, {}, nlohmann::json{{"ttl_deadline", "2026-11-27T18:00:00Z"}}));
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->ttl_deadline);
  EXPECT_EQ(util::format_rfc3339(*c->ttl_deadline), "2026-11-27T18:00:00Z");
}

TEST(AgentConfig, InstanceTagsAreReadForTheJobArrayOnly) {
  // Anyone allowed ec2:CreateTags could otherwise pick what runs as root, or when the instance ends.
  auto keys = fact_tag_keys();
  for (const char* never : {model::tag::k_checkpoint_script, model::tag::k_ttl_deadline, model::tag::k_on_interruption,
                            model::tag::k_spot})
    EXPECT_EQ(std::find(keys.begin(), keys.end(), never), keys.end()) << never;
  EXPECT_NE(std::find(keys.begin(), keys.end(), model::tag::k_job_array_index), keys.end());
}

TEST(AgentConfig, ErrorsNeverQuoteAUrlsPathOrQuery) {
  auto r = resolve_config(sources({{"checkpoint-script", {"http://bucket.example/k.sh?X-Amz-Signature=abcdef"}}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.find("abcdef"), std::string::npos) << r.error().message;
  auto n = resolve_config(sources({{"notify", {"http://hooks.example/T/B/secret"}}}));
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().message.find("secret"), std::string::npos) << n.error().message;
}

TEST(AgentConfig, BadValuesNameTheirSource) {
  nlohmann::json file = {{"spot", "maybe"}};
  auto r = resolve_config(sources({}, {}, file));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().origin, Origin::file);
  EXPECT_NE(r.error().message.find("/etc/spawn/spot-config.json spot"), std::string::npos);
  nlohmann::json wrong_type = {{"notify", 3}};
  EXPECT_FALSE(resolve_config(sources({}, {}, wrong_type)));
  EXPECT_FALSE(resolve_config(sources({{"log-format", {"xml"}}})));
  EXPECT_FALSE(resolve_config(sources({{"state-dir", {"relative"}}})));
  EXPECT_FALSE(resolve_config(sources({{"imds-endpoint", {"169.254.169.254"}}})));
}

TEST(AgentConfig, ConfigFile) {
  test::TempDir dir;
  auto missing = load_config_file(dir.file("absent.json"), MustExist::no);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  EXPECT_FALSE(load_config_file(dir.file("absent.json"), MustExist::yes));
  EXPECT_FALSE(load_config_file(dir.write("bad.json", "[1, 2]"), MustExist::no));
  auto good = load_config_file(dir.write("good.json", R"({"spot": true})"), MustExist::yes);
  ASSERT_TRUE(good);
  EXPECT_TRUE((**good)["spot"].get<bool>());
  EXPECT_EQ(config_file_path({}, fixed_environment({})), "/etc/spawn/spot-config.json");
  EXPECT_EQ(config_file_path({}, fixed_environment({{"SPORED_CONFIG", "/e"}})), "/e");
  EXPECT_EQ(config_file_path({{"config", {"/f"}}}, fixed_environment({{"SPORED_CONFIG", "/e"}})), "/f");
}

TEST(AgentConfig, ParseInterval) {
  EXPECT_EQ(parse_interval("100ms"), 100ms);
  EXPECT_EQ(parse_interval("2s"), 2000ms);
  EXPECT_EQ(parse_interval("0.25s"), 250ms);
  EXPECT_FALSE(parse_interval("1.5ms"));
  EXPECT_FALSE(parse_interval("s"));
  EXPECT_FALSE(parse_interval("."));
}

std::variant<CommandLine, EarlyExit> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "spored");
  return parse_command_line(static_cast<int>(args.size()), args.data());
}

TEST(CommandLine, FlagsBecomeTheFlagLayer) {
  auto p = parse({"--poll-interval", "200ms", "--notify", "arn:aws:sns:us-east-1:1:a", "--notify", "https://h/x",
                  "--shutdown-command", ""});
  auto* line = std::get_if<CommandLine>(&p);
  ASSERT_TRUE(line);
  EXPECT_EQ(line->command, Command::run);
  EXPECT_EQ(line->flags.at("poll-interval"), (std::vector<std::string>{"200ms"}));
  EXPECT_EQ(line->flags.at("notify").size(), 2u);
  EXPECT_EQ(line->flags.at("shutdown-command"), (std::vector<std::string>{""}));
  EXPECT_FALSE(line->flags.contains("state-dir"));
}

TEST(CommandLine, StatusTakesTheSameOptions) {
  auto p = parse({"status", "--state-dir", "/tmp/s", "--json"});
  auto* line = std::get_if<CommandLine>(&p);
  ASSERT_TRUE(line);
  EXPECT_EQ(line->command, Command::status);
  EXPECT_EQ(line->status_format, StatusFormat::json);
  EXPECT_EQ(line->flags.at("state-dir").at(0), "/tmp/s");
}

TEST(CommandLine, UsageErrorsAreOneLineAndExitTwo) {
  auto p = parse({"--no-such-flag"});
  auto* exit = std::get_if<EarlyExit>(&p);
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->code, 2);
  EXPECT_TRUE(exit->err.starts_with("spored: error: "));
  EXPECT_EQ(std::count(exit->err.begin(), exit->err.end(), '\n'), 1);
  auto help = parse({"--help"});
  ASSERT_TRUE(std::get_if<EarlyExit>(&help));
  EXPECT_EQ(std::get<EarlyExit>(help).code, 0);
  EXPECT_NE(std::get<EarlyExit>(help).out.find("--poll-interval"), std::string::npos);
}

TEST(CommandLine, EveryTableOptionHasAFlag) {
  // The flags of command_line.cpp and the options of config.cpp's table must agree.
  for (const char* name : {"imds-endpoint", "poll-interval", "state-dir", "shutdown-command", "log-format", "spot",
                           "on-interruption", "checkpoint-script", "notify", "ttl-deadline", "config"}) {
    std::string flag = std::string("--") + name;
    auto p = parse({flag.c_str(), "x"});
    auto* line = std::get_if<CommandLine>(&p);
    ASSERT_TRUE(line) << flag;
    EXPECT_TRUE(line->flags.contains(name)) << flag;
  }
}

TEST(AgentConfig, TheRelaunchObjectComesFromTheFileOnly) {
  nlohmann::json file = nlohmann::json::parse(R"({"spot": true, "relaunch": {"max": 2, "launch_id": "launch-1",
      "instance_types": ["m7i.large", "m6i.large"], "subnet_ids": [], "fallback": true,
      "allocation_strategy": "price-capacity-optimized", "move": false}})");
  auto c = resolve_config(sources({}, {}, file));
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->relaunch);
  EXPECT_EQ(c->relaunch->max, 2);
  EXPECT_TRUE(c->relaunch->fallback);
  EXPECT_EQ(describe(*c)["relaunch"]["value"]["launch_id"], "launch-1");
  // Nothing without it; a bad one names the file and the member.
  EXPECT_FALSE(resolve_config(sources({}, {}, nlohmann::json::parse(R"({"spot": true})")))->relaunch);
  file["relaunch"]["max"] = "two";
  auto bad = resolve_config(sources({}, {}, file));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("/etc/spawn/spot-config.json relaunch.max"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace spawn::agent
