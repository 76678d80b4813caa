#include "spawn/cli/launch_flags.hpp"

#include <algorithm>

#include "spawn/cli/choices.hpp"
#include "spawn/model/price_alert.hpp"

namespace spawn::cli {
namespace {

// "with --spot: " before a spot flag's help when it needs --spot, else nothing.
std::string needs(SpotFlagsNeed need, const std::string& text) {
  return need == SpotFlagsNeed::spot ? "with --spot: " + text : text;
}

}  // namespace

void LaunchFlags::add_instance(CLI::App& app, model::LaunchOptions& options) {
  app.add_option("--instance-type,-t", options.instance_type, "EC2 instance type, e.g. m7i.large (several: --instance-types)");
  app.add_option("--instance-types", m_instance_types,
                 "several types for better availability, comma-separated (with or without --instance-type)");
  app.add_option("--ami", m_ami, "AMI id (default: the latest Amazon Linux 2023 for the type's architecture)");
  app.add_option("--key-name", m_key_name, "EC2 key pair for SSH");
  app.add_option("--subnet-id", options.subnet_ids,
                 "subnet to launch into (default: the default VPC's); several, comma-separated, for a fleet")
      ->delimiter(',');
  app.add_option("--security-group-ids", options.security_group_ids, "security groups (comma-separated)")->delimiter(',');
  app.add_option("--user-data", m_user_data, "script for cloud-init: text, or @FILE");
}

void LaunchFlags::add_tags(CLI::App& app) {
  app.add_option("--tag", m_tags, "extra tag KEY=VALUE (repeatable)");
  app.add_option("--iam-instance-profile", m_profile, "instance profile name or ARN");
}

void LaunchFlags::add_spot_pricing(CLI::App& app, SpotFlagsNeed need) {
  app.add_option("--spot-max-price", m_max_price,
                 needs(need, "max USD per hour (default: EC2's own, the on-demand price: no MaxPrice is sent)"));
  offer_choices(app.add_option("--spot-allocation-strategy", m_strategy,
                               needs(need, "how EC2 Fleet picks spot pools (default price-capacity-optimized, what AWS "
                                           "recommends)")),
                names_of(model::k_allocation_strategies));
}

void LaunchFlags::add_interruption_and_agent(CLI::App& app, SpotFlagsNeed need) {
  offer_choices(app.add_option("--on-interruption", m_on_interruption,
                               needs(need, "what spored does on the two-minute notice (default terminate); hibernate "
                                           "keeps the instance's memory and spawn does not power it off")),
                names_of(model::k_on_interruptions));
  app.add_option("--checkpoint-script", m_checkpoint_script,
                 std::string(need == SpotFlagsNeed::spot ? "with --spot --on-interruption checkpoint"
                                                         : "with --on-interruption checkpoint") +
                     ": run on the notice; a local file (embedded), s3://bucket/key or https://...");
  app.add_option("--notify", m_notify,
                 "tell this target about interruptions, the TTL, completion and idle stop (repeatable, "
                 "comma-separated): an SNS topic ARN or an https:// webhook");
  app.add_option("--price-alert", m_price_alert,
                 needs(need, "tell the --notify targets when the instance's own spot price goes above PRICE (USD/h), "
                             "and when it is back; spored asks EC2 every 5 minutes"));
  app.add_option("--agent-url", m_agent.url,
                 "download spored from this https:// URL (default: where 'spawn agent upload' put it)");
  app.add_option("--agent-sha256", m_agent.sha256, "the SHA-256 of the --agent-url binary (the instance checks it)");
  app.add_flag("--no-agent", m_agent.none, "do not install spored (the AMI starts it itself)");
}

expected<void, model::UsageError> LaunchFlags::read(model::LaunchOptions& o) const {
  o.ami = m_ami;
  o.key_name = m_key_name;
  o.instance_types = model::split_instance_types(m_instance_types);
  o.iam_instance_profile = m_profile;
  for (const auto& t : m_tags) {
    auto kv = model::parse_tag(t);
    if (!kv) return unexpected(kv.error());
    o.tags[kv->first] = kv->second;
  }
  if (m_user_data) {
    auto text = model::read_user_data(*m_user_data);
    if (!text) return unexpected(text.error());
    o.user_data = *text;
  }
  model::SpotOptions& spot = o.spot;
  if (m_max_price) {
    auto price = model::parse_spot_max_price(*m_max_price);
    if (!price) return unexpected(price.error());
    spot.max_price = *price;
  }
  if (m_strategy) {
    auto strategy = model::parse_allocation_strategy(*m_strategy);
    if (!strategy) return unexpected(strategy.error());
    spot.allocation_strategy = *strategy;
  }
  if (m_on_interruption) {
    auto action = model::parse_on_interruption(*m_on_interruption);
    if (!action) return unexpected(action.error());
    spot.on_interruption = *action;
  }
  if (m_checkpoint_script) {
    auto script = model::read_checkpoint_script(*m_checkpoint_script);
    if (!script) return unexpected(script.error());
    spot.checkpoint_script = *script;
  }
  if (m_price_alert) {
    auto price = model::parse_alert_price("--price-alert", *m_price_alert);
    if (!price) return unexpected(price.error());
    spot.price_alert = *price;
  }
  for (const auto& n : model::split_notify_args(m_notify)) {
    auto target = model::parse_notify_target(n);
    if (!target) return unexpected(target.error());
    if (std::find(spot.notify.begin(), spot.notify.end(), *target) == spot.notify.end()) spot.notify.push_back(*target);
  }
  return {};
}

}  // namespace spawn::cli
