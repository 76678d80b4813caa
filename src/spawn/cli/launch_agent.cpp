#include "spawn/cli/launch_agent.hpp"

#include <fmt/format.h>

#include "spawn/aws/config/partitions.hpp"
#include "spawn/aws/s3/client.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/launcher/launch_spec.hpp"

namespace spawn::cli {
namespace {

// What this launch asked for that only spored does on the instance; "" when nothing.
std::string needs_spored(const model::LaunchOptions& o) {
  if (o.spot.interruption() == model::OnInterruption::checkpoint) return "--on-interruption checkpoint";
  if (!o.spot.notify.empty()) return "--notify";
  if (o.ttl) return "--ttl";
  if (o.on_complete) return "--on-complete";
  if (o.idle.enabled()) return "--idle-timeout";
  return {};
}

expected<void, model::UsageError> no_secrets_without_bucket(const model::LaunchOptions& o) {
  const auto secrets = launcher::secret_settings(o.spot);
  if (secrets.empty()) return {};
  return unexpected(model::UsageError{
      fmt::format("{} would travel in the instance's user-data, which anyone allowed ec2:DescribeInstanceAttribute "
                  "and every process on the instance can read",
                  fmt::join(secrets, ", ")),
      "run 'spawn agent upload --bucket BUCKET' once: spawn then keeps such values in that bucket, readable by the "
      "launch's own instances only"});
}

}  // namespace

expected<AgentPlan, model::UsageError> plan_agent(const model::LaunchOptions& o, const AgentFlags& flags,
                                                  const std::optional<std::string>& config_path) {
  AgentPlan plan;
  const bool wanted = o.spot.enabled || o.ttl.has_value() || o.on_complete.has_value() || o.idle.enabled();
  if (!wanted) {
    const char* flag = flags.url ? "--agent-url" : flags.sha256 ? "--agent-sha256" : flags.none ? "--no-agent" : nullptr;
    if (flag) return unexpected(model::UsageError{std::string(flag) + " needs --spot, --ttl, --on-complete or "
                                                                       "--idle-timeout (what spored is installed for)"});
    return plan;
  }
  if (flags.none && (flags.url || flags.sha256))
    return unexpected(model::UsageError{"--no-agent: not with --agent-url / --agent-sha256"});
  if (flags.url.has_value() != flags.sha256.has_value())
    return unexpected(model::UsageError{flags.url ? "--agent-url needs --agent-sha256 (the instance refuses a binary it "
                                                    "cannot check)"
                                                  : "--agent-sha256 needs --agent-url"});
  if (config_path) {
    auto config = load_spawn_config(*config_path);
    if (!config) return unexpected(model::UsageError{config.error(), "fix the file or remove it"});
    plan.uploads = config->agents;
  }
  // spawn's bucket holds the launch's secrets whatever installs spored.
  const bool remembered = !plan.uploads.empty();
  if (!remembered) {
    if (auto ok = no_secrets_without_bucket(o); !ok) return unexpected(ok.error());
  }
  if (flags.none) {
    if (o.relaunch.enabled())
      return unexpected(model::UsageError{"--relaunch needs spored, which asks for the replacement on the notice; "
                                          "--no-agent installs none",
                                          "drop --no-agent (spawn installs spored even when the AMI has one)"});
    if (o.on_complete)
      return unexpected(model::UsageError{"--on-complete needs spored, which 'spored complete' talks to; --no-agent "
                                          "installs none",
                                          "drop --no-agent (spawn installs spored even when the AMI has one)"});
    if (o.idle.enabled())
      return unexpected(model::UsageError{"--idle-timeout needs spored, which decides on the instance when it is idle; "
                                          "--no-agent installs none",
                                          "drop --no-agent (spawn installs spored even when the AMI has one)"});
    if (!o.spot.enabled)
      return unexpected(model::UsageError{"--ttl on demand needs spored to enforce it; --no-agent leaves nothing to",
                                          "drop --no-agent (the AMI's own spored is fine: spawn installs one anyway), "
                                          "or launch with --spot"});
    return plan;
  }
  if (flags.url) {
    auto source = launcher::check_agent_source({*flags.url, *flags.sha256, "", "", "", {}});
    if (!source) return unexpected(source.error());
    plan.install = true;
    plan.source = *source;
    return plan;
  }
  if (remembered) {
    plan.install = true;
    return plan;
  }
  if (!o.spot.enabled)
    return unexpected(model::UsageError{needs_spored(o) + " needs spored on the instance, and spawn knows no upload of it",
                                        "run 'spawn agent upload --bucket BUCKET' once, or pass --agent-url URL "
                                        "--agent-sha256 HEX"});
  if (o.relaunch.enabled())
    return unexpected(model::UsageError{"--relaunch needs spored on the instance (it asks for the replacement), and "
                                        "spawn knows no upload of it",
                                        "run 'spawn agent upload --bucket BUCKET' once, or pass --agent-url URL "
                                        "--agent-sha256 HEX"});
  // Nothing known: the launch goes ahead and spot-config.json is still written (an AMI may start
  // spored itself), but the user hears what will not happen.
  const std::string what = needs_spored(o);
  plan.warning = "spored is not installed on these instances (spawn knows no upload of it; run 'spawn agent upload "
                 "--bucket BUCKET' once, or pass --agent-url, or --no-agent if the AMI starts spored itself): " +
                 (what.empty() ? std::string("EC2 still reclaims them, but without interruption tags, notifications "
                                             "or logs")
                               : what + " will do nothing unless the AMI starts spored");
  return plan;
}

aws::Result<launcher::AgentSource> bucket_agent_source(const std::vector<AgentLocation>& uploads,
                                                       const std::string& bucket_endpoint) {
  if (uploads.empty()) return unexpected(aws::local_error("InvalidConfig", "no upload of spored is known"));
  if (!bucket_endpoint.starts_with("https://"))
    return unexpected(aws::local_error(
        "InsecureEndpoint",
        fmt::format("the S3 endpoint for s3://{} is {}: the instance would run spored fetched without TLS; configure "
                    "an https:// S3 endpoint or pass --agent-url https://... --agent-sha256 HEX",
                    uploads.front().bucket, bucket_endpoint.substr(0, bucket_endpoint.find('/', 8)))));
  launcher::AgentSource source;
  source.bucket = uploads.front().bucket;
  source.region = uploads.front().region;
  for (const auto& u : uploads) {
    std::string endpoint = bucket_endpoint;
    while (endpoint.ends_with('/')) endpoint.pop_back();
    source.binaries.push_back({u.architecture.empty() ? "x86_64" : u.architecture,
                               endpoint + aws::s3::object_path(u.key), u.key, u.sha256});
  }
  auto checked = launcher::check_agent_source(source);
  if (!checked) return unexpected(aws::local_error("InvalidConfig", checked.error().message));
  return *checked;
}

launcher::SporedGrants spored_grants(const model::LaunchOptions& o, const std::string& region,
                                     const std::string& launch_id, const std::vector<AgentLocation>& uploads) {
  launcher::SporedGrants g;
  g.partition = std::string(aws::config::partition_of(region).id);
  g.launch_id = launch_id;
  for (const auto& target : o.spot.notify)
    if (target.starts_with("arn:")) g.sns_topics.push_back(target);
  if (o.spot.checkpoint_script && o.spot.checkpoint_script->kind == model::CheckpointScript::Kind::s3)
    g.s3_objects.push_back(o.spot.checkpoint_script->source.substr(5));  // s3://bucket/key -> bucket/key
  if (!uploads.empty()) {
    g.bucket = uploads.front().bucket;
    for (const auto& u : uploads) g.agent_keys.push_back(u.key);
  }
  g.cancel_own_spot_request = o.spot.enabled && o.spot.interruption() == model::OnInterruption::hibernate;
  g.stop_itself = (o.on_complete && *o.on_complete != model::OnComplete::terminate) ||
                  (o.idle.enabled() && o.idle_action() != model::OnIdle::terminate);
  g.relaunch = o.spot.enabled && o.relaunch.enabled();
  g.price_alert = o.spot.enabled && o.spot.price_alert.has_value();
  return g;
}

launcher::AgentSource placeholder_source(const std::vector<AgentLocation>& uploads) {
  launcher::AgentSource source;
  for (const auto& u : uploads) {
    source.bucket = u.bucket;
    source.region = u.region;
    source.binaries.push_back({u.architecture.empty() ? "x86_64" : u.architecture,
                               "https://" + u.bucket + ".s3." + u.region + "." +
                                   std::string(aws::config::partition_of(u.region).dns_suffix) + "/" + u.key,
                               u.key, u.sha256});
  }
  return source;
}

std::optional<std::string> checkpoint_script_region(const model::LaunchOptions& options, const Session& session) {
  const auto& script = options.spot.checkpoint_script;
  if (!script || script->kind != model::CheckpointScript::Kind::s3) return std::nullopt;
  auto where = aws::s3::parse_s3_url(script->source);
  if (!where) return std::nullopt;
  auto region = session.s3(where->bucket).bucket_region();
  if (!region) return std::nullopt;
  return *region;
}

aws::Result<void> complete_agent_setup(launcher::AgentSetup& setup, const AgentPlan& agent,
                                       const model::LaunchOptions& options, const Session& session) {
  if (agent.install && !agent.uploads.empty()) {
    const AgentLocation& remembered = agent.uploads.front();
    auto source = bucket_agent_source(agent.uploads, session.s3_bucket_endpoint(remembered.bucket, remembered.region));
    if (!source) return unexpected(source.error());
    setup.install = launcher::agent_install_snippet(*source);
    setup.architectures = source->architectures();
  }
  if (auto region = checkpoint_script_region(options, session)) setup.checkpoint_script_region = *region;
  return {};
}

}  // namespace spawn::cli
