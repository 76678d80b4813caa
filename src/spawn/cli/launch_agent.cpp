#include "spawn/cli/launch_agent.hpp"

#include <fmt/format.h>

#include "spawn/aws/iam/client.hpp"
#include "spawn/aws/s3/client.hpp"
#include "spawn/util/time.hpp"

namespace spawn::cli {
namespace {

// What this launch asked for that only spored does on the instance; "" when nothing.
std::string needs_spored(const model::LaunchOptions& o) {
  if (o.spot.interruption() == model::OnInterruption::checkpoint) return "--on-interruption checkpoint";
  if (!o.spot.notify.empty()) return "--notify";
  if (o.ttl) return "--ttl";
  return {};
}

}  // namespace

expected<AgentPlan, model::UsageError> plan_agent(const model::LaunchOptions& o, const AgentFlags& flags,
                                                  const std::optional<std::string>& config_path) {
  AgentPlan plan;
  if (!o.spot.enabled) {
    const char* flag = flags.url ? "--agent-url" : flags.sha256 ? "--agent-sha256" : flags.none ? "--no-agent" : nullptr;
    if (flag) return unexpected(model::UsageError{std::string(flag) + " needs --spot"});
    return plan;
  }
  if (flags.none && (flags.url || flags.sha256))
    return unexpected(model::UsageError{"--no-agent: not with --agent-url / --agent-sha256"});
  if (flags.url.has_value() != flags.sha256.has_value())
    return unexpected(model::UsageError{flags.url ? "--agent-url needs --agent-sha256 (the instance refuses a binary it "
                                                    "cannot check)"
                                                  : "--agent-sha256 needs --agent-url"});
  if (flags.none) return plan;
  if (flags.url) {
    auto source = launcher::check_agent_source({*flags.url, *flags.sha256, ""});
    if (!source) return unexpected(source.error());
    plan.install = true;
    plan.source = *source;
    return plan;
  }
  if (config_path) {
    auto config = load_spawn_config(*config_path);
    if (!config) return unexpected(model::UsageError{config.error(), "fix the file or remove it"});
    if (config->agent) {
      plan.install = true;
      plan.remembered = config->agent;
      return plan;
    }
  }
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

aws::Result<launcher::AgentSource> presigned_agent_source(const AgentLocation& where, const std::string& bucket_endpoint,
                                                          const aws::auth::Credentials& credentials,
                                                          std::chrono::system_clock::time_point now) {
  if (!bucket_endpoint.starts_with("https://"))
    return unexpected(aws::local_error(
        "InsecureEndpoint",
        fmt::format("the S3 endpoint for s3://{} is {}: the instance would run spored fetched without TLS; configure "
                    "an https:// S3 endpoint or pass --agent-url https://... --agent-sha256 HEX",
                    where.bucket, bucket_endpoint.substr(0, bucket_endpoint.find('/', 8)))));
  launcher::AgentSource source;
  source.url = aws::s3::presigned_get_url(bucket_endpoint, where.key, where.region, credentials, now,
                                          launcher::k_agent_url_expiry);
  source.sha256 = where.sha256;
  source.architecture = where.architecture;
  return source;
}

std::string credentials_expiry_warning(const aws::auth::Credentials& credentials,
                                       std::chrono::system_clock::time_point now) {
  if (!credentials.expiration || *credentials.expiration >= now + launcher::k_agent_url_expiry) return {};
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(*credentials.expiration - now).count();
  return fmt::format("your credentials expire at {} (in {} min): the URL the instances download spored from stops "
                     "working then, so instances that boot later start without it",
                     util::format_rfc3339(*credentials.expiration), minutes < 0 ? 0 : minutes);
}

launcher::SporedGrants spored_grants(const model::LaunchOptions& o, const std::string& region) {
  launcher::SporedGrants g;
  g.partition = aws::iam::partition(region);
  for (const auto& target : o.spot.notify)
    if (target.starts_with("arn:")) g.sns_topics.push_back(target);
  if (o.spot.checkpoint_script && o.spot.checkpoint_script->kind == model::CheckpointScript::Kind::s3)
    g.s3_objects.push_back(o.spot.checkpoint_script->source.substr(5));  // s3://bucket/key -> bucket/key
  return g;
}

}  // namespace spawn::cli
