#include "spawn/launcher/spored_role.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "spawn/model/event_record.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::launcher {
namespace {
namespace tag = model::tag;
using nlohmann::json;

constexpr const char* k_sid_tag = "TagItself";
constexpr const char* k_sid_terminate = "TerminateItself";
constexpr const char* k_sid_cancel = "CancelItsOwnSpotRequest";
constexpr const char* k_sid_stop = "StopItself";
constexpr const char* k_sid_describe = "DescribeInstances";
constexpr const char* k_sid_notify = "NotifyTopics";
constexpr const char* k_sid_spot_price = "ReadSpotPrices";
constexpr const char* k_sid_scripts = "ReadCheckpointScripts";
constexpr const char* k_sid_spec = "ReadLaunchSpec";
constexpr const char* k_sid_agent = "ReadAgent";
constexpr const char* k_sid_event_log = "WriteEventLog";
constexpr const char* k_sid_fleet = "CreateReplacementFleet";
constexpr const char* k_sid_template = "LaunchFromItsLaunchTemplate";
constexpr const char* k_sid_instance = "LaunchReplacementInstance";
constexpr const char* k_sid_launch_resources = "LaunchWithTemplateResources";
constexpr const char* k_sid_tag_on_launch = "TagOnLaunch";
constexpr const char* k_sid_pass_role = "PassItsOwnRole";

// spawn:managed instances, and only the calling one: the instance whose role credentials
// signed the request (ec2:SourceInstanceARN) must be the instance acted on, whose ID is the
// resource key ec2:InstanceID (one authorization per instance named in the call). docs/spored.md
// quotes AWS for both keys; tests/iam/spored_calls.json proves self allowed, neighbours refused.
json self_condition(const std::string& partition) {
  return {{"StringEquals", {{std::string("aws:ResourceTag/") + tag::k_managed, "true"}}},
          {"ArnLike", {{"ec2:SourceInstanceARN", "arn:" + partition + ":ec2:*:*:instance/${ec2:InstanceID}"}}}};
}

aws::Error policy_too_large(size_t size) {
  return aws::local_error("PolicyTooLarge",
                          fmt::format("the policy of the launch's IAM role would be {} characters, over IAM's limit of "
                                      "{}; use fewer --notify topics, or pass --iam-instance-profile with a profile of "
                                      "your own (docs/spored.md shows the policy)",
                                      size, k_inline_policy_limit));
}

std::string s3_arn(const std::string& partition, const std::string& bucket_and_key) {
  return "arn:" + partition + ":s3:::" + bucket_and_key;
}

// --relaunch: a member may launch its replacement, and nothing else. The fleet and the instance
// must carry the launch's tag from their creation (aws:RequestTag), the launch template must be
// the launch's own (aws:ResourceTag on the launch-template resource), every other resource of
// the launch must come through a launch template (ec2:LaunchTemplate), tags may be written only
// by the launch itself (ec2:CreateAction), and the only role passed is the launch's own.
void add_relaunch_statements(json& statements, const SporedGrants& g) {
  const std::string ec2 = "arn:" + g.partition + ":ec2:*:*:";
  const json launch_actions = json::array({"ec2:CreateFleet", "ec2:RunInstances"});
  statements.push_back({{"Sid", k_sid_fleet},
                        {"Effect", "Allow"},
                        {"Action", "ec2:CreateFleet"},
                        {"Resource", ec2 + "fleet/*"},
                        {"Condition", {{"StringEquals", {{std::string("aws:RequestTag/") + tag::k_launch_id, g.launch_id}}}}}});
  statements.push_back({{"Sid", k_sid_template},
                        {"Effect", "Allow"},
                        {"Action", launch_actions},
                        {"Resource", ec2 + "launch-template/*"},
                        {"Condition", {{"StringEquals", {{std::string("aws:ResourceTag/") + tag::k_launch_id, g.launch_id}}}}}});
  statements.push_back({{"Sid", k_sid_instance},
                        {"Effect", "Allow"},
                        {"Action", launch_actions},
                        {"Resource", ec2 + "instance/*"},
                        {"Condition",
                         {{"StringEquals", {{std::string("aws:RequestTag/") + tag::k_launch_id, g.launch_id},
                                            {std::string("aws:RequestTag/") + tag::k_managed, "true"}}},
                          {"ArnLike", {{"ec2:LaunchTemplate", ec2 + "launch-template/*"}}}}}});
  json resources = json::array();
  for (const char* type : {"volume/*", "network-interface/*", "subnet/*", "security-group/*", "key-pair/*",
                           "spot-instances-request/*"})
    resources.push_back(ec2 + type);
  resources.push_back("arn:" + g.partition + ":ec2:*::image/*");
  statements.push_back({{"Sid", k_sid_launch_resources},
                        {"Effect", "Allow"},
                        {"Action", launch_actions},
                        {"Resource", resources},
                        {"Condition", {{"ArnLike", {{"ec2:LaunchTemplate", ec2 + "launch-template/*"}}}}}});
  statements.push_back({{"Sid", k_sid_tag_on_launch},
                        {"Effect", "Allow"},
                        {"Action", "ec2:CreateTags"},
                        {"Resource", json::array({ec2 + "fleet/*", ec2 + "instance/*", ec2 + "volume/*",
                                                  ec2 + "network-interface/*", ec2 + "spot-instances-request/*"})},
                        {"Condition", {{"StringEquals", {{"ec2:CreateAction", json::array({"CreateFleet", "RunInstances"})}}}}}});
  statements.push_back({{"Sid", k_sid_pass_role},
                        {"Effect", "Allow"},
                        {"Action", "iam:PassRole"},
                        {"Resource", "arn:" + g.partition + ":iam::*:role" + k_role_path + launch_role_name(g.launch_id)},
                        {"Condition", {{"StringEquals", {{"iam:PassedToService", "ec2.amazonaws.com"}}}}}});
}

}  // namespace

std::string launch_role_name(std::string_view launch_id) { return k_role_prefix + std::string(launch_id); }

std::string launch_of_role(std::string_view role_name) {
  if (!role_name.starts_with(k_role_prefix) || role_name.size() == std::string_view(k_role_prefix).size()) return {};
  return std::string(role_name.substr(std::string_view(k_role_prefix).size()));
}

json spored_trust_policy() {
  return {{"Version", "2012-10-17"},
          {"Statement",
           json::array({{{"Effect", "Allow"},
                         {"Principal", {{"Service", "ec2.amazonaws.com"}}},
                         {"Action", "sts:AssumeRole"}}})}};
}

json spored_policy(const SporedGrants& g) {
  const std::string instances = "arn:" + g.partition + ":ec2:*:*:instance/*";
  json tag_condition = self_condition(g.partition);
  tag_condition["ForAllValues:StringEquals"] = {
      {"aws:TagKeys", json::array({tag::k_interruption_notice, tag::k_interruption_action, tag::k_checkpoint_status,
                                   tag::k_completion_status, tag::k_idle_action})}};
  if (g.relaunch) tag_condition["ForAllValues:StringEquals"]["aws:TagKeys"].push_back(tag::k_relaunch_status);
  json statements = json::array();
  statements.push_back({{"Sid", k_sid_tag},
                        {"Effect", "Allow"},
                        {"Action", "ec2:CreateTags"},
                        {"Resource", instances},
                        {"Condition", tag_condition}});
  statements.push_back({{"Sid", k_sid_terminate},
                        {"Effect", "Allow"},
                        {"Action", "ec2:TerminateInstances"},
                        {"Resource", instances},
                        {"Condition", self_condition(g.partition)}});
  if (g.stop_itself)
    statements.push_back({{"Sid", k_sid_stop},
                          {"Effect", "Allow"},
                          {"Action", "ec2:StopInstances"},
                          {"Resource", instances},
                          {"Condition", self_condition(g.partition)}});
  if (g.cancel_own_spot_request) {
    // The request names its instance (spawn tags it at launch): only the instance itself matches.
    statements.push_back(
        {{"Sid", k_sid_cancel},
         {"Effect", "Allow"},
         {"Action", "ec2:CancelSpotInstanceRequests"},
         {"Resource", "arn:" + g.partition + ":ec2:*:*:spot-instances-request/*"},
         {"Condition", {{"StringEquals", {{std::string("aws:ResourceTag/") + tag::k_instance_arn, "${ec2:SourceInstanceARN}"}}}}}});
  }
  if (g.relaunch && !g.launch_id.empty()) add_relaunch_statements(statements, g);
  if (g.cancel_own_spot_request || g.relaunch)
    // DescribeInstances has no resource-level permission: "*" is the only form AWS accepts.
    statements.push_back({{"Sid", k_sid_describe}, {"Effect", "Allow"}, {"Action", "ec2:DescribeInstances"}, {"Resource", "*"}});
  if (g.price_alert)
    // DescribeSpotPriceHistory has no resource-level permission either; it reads public prices.
    statements.push_back(
        {{"Sid", k_sid_spot_price}, {"Effect", "Allow"}, {"Action", "ec2:DescribeSpotPriceHistory"}, {"Resource", "*"}});
  if (!g.sns_topics.empty())
    statements.push_back({{"Sid", k_sid_notify}, {"Effect", "Allow"}, {"Action", "sns:Publish"}, {"Resource", g.sns_topics}});
  if (!g.s3_objects.empty()) {
    json objects = json::array();
    for (const auto& o : g.s3_objects) objects.push_back(s3_arn(g.partition, o));
    statements.push_back({{"Sid", k_sid_scripts}, {"Effect", "Allow"}, {"Action", "s3:GetObject"}, {"Resource", objects}});
  }
  if (!g.bucket.empty() && !g.launch_id.empty())
    statements.push_back({{"Sid", k_sid_spec},
                          {"Effect", "Allow"},
                          {"Action", "s3:GetObject"},
                          {"Resource", s3_arn(g.partition, g.bucket + "/spawn/launches/" + g.launch_id + "/*")}});
  // The event log (model/event_record): new objects under its own prefix, in this launch's
  // segment of each region's day partition; never a read, never elsewhere in the bucket.
  if (!g.bucket.empty() && !g.launch_id.empty())
    statements.push_back({{"Sid", k_sid_event_log},
                          {"Effect", "Allow"},
                          {"Action", "s3:PutObject"},
                          {"Resource", s3_arn(g.partition, g.bucket + "/" + model::k_event_log_prefix +
                                                               "region=*/day=*/" + g.launch_id + "/*")}});
  if (!g.bucket.empty() && !g.agent_keys.empty()) {
    json objects = json::array();
    for (const auto& k : g.agent_keys) objects.push_back(s3_arn(g.partition, g.bucket + "/" + k));
    statements.push_back({{"Sid", k_sid_agent}, {"Effect", "Allow"}, {"Action", "s3:GetObject"}, {"Resource", objects}});
  }
  return {{"Version", "2012-10-17"}, {"Statement", statements}};
}

// Every step tolerates "already there", so that a resend after a lost reply, or a second spawn
// for the same launch, carries on where the first stopped.
aws::Result<SporedProfile> ensure_spored_profile(const aws::iam::Client& iam, const SporedGrants& grants, Apply apply) {
  SporedProfile out;
  out.name = launch_role_name(grants.launch_id);
  out.policy = spored_policy(grants);
  out.profile_created = true;
  const bool write = apply == Apply::yes;
  out.exists = write;
  const std::string text = out.policy.dump();
  if (text.size() > k_inline_policy_limit) return unexpected(policy_too_large(text.size()));
  const aws::iam::Tags tags{{tag::k_managed, "true"}, {tag::k_created_by, "spawn"}, {tag::k_launch_id, grants.launch_id}};

  out.changes.push_back(fmt::format("create the IAM role {}{} (EC2 may give it to this launch's instances)", k_role_path, out.name));
  out.changes.push_back(fmt::format("write its policy '{}'", k_spored_policy));
  out.changes.push_back(fmt::format("create the instance profile {} with that role", out.name));
  if (!write) return out;

  auto role = iam.create_role(out.name, k_role_path, spored_trust_policy().dump(),
                              "spored, spawn's agent, for one launch: tags and terminates its own instance, reads its "
                              "launch's settings, notifies",
                              tags);
  if (!role && !aws::iam::is_already_exists(role.error())) return unexpected(role.error());
  if (auto ok = iam.put_role_policy(out.name, k_spored_policy, text); !ok) return unexpected(ok.error());
  auto profile = iam.create_instance_profile(out.name, k_role_path, tags);
  if (!profile && !aws::iam::is_already_exists(profile.error())) return unexpected(profile.error());
  std::vector<std::string> roles;
  if (profile) {
    roles = profile->role_names;
  } else if (auto existing = iam.get_instance_profile(out.name); existing) {
    roles = existing->role_names;
  }
  if (std::find(roles.begin(), roles.end(), out.name) == roles.end()) {
    auto added = iam.add_role_to_instance_profile(out.name, out.name);
    if (!added) {
      // A resend whose first attempt went through: the profile holds one role (LimitExceeded).
      auto again = iam.get_instance_profile(out.name);
      if (!again) return unexpected(added.error());
      const auto& now = again->role_names;
      if (std::find(now.begin(), now.end(), out.name) == now.end()) return unexpected(added.error());
    }
  }
  return out;
}

aws::Result<void> delete_spored_profile(const aws::iam::Client& iam, std::string_view launch_id) {
  const std::string name = launch_role_name(launch_id);
  auto gone = [](const aws::Result<void>& r) { return r || aws::iam::is_no_such_entity(r.error()); };
  if (auto r = iam.remove_role_from_instance_profile(name, name); !gone(r)) return r;
  if (auto r = iam.delete_instance_profile(name); !gone(r)) return r;
  if (auto r = iam.delete_role_policy(name, k_spored_policy); !gone(r)) return r;
  if (auto r = iam.delete_role(name); !gone(r)) return r;
  return {};
}

aws::Result<std::vector<LaunchRole>> list_launch_roles(const aws::iam::Client& iam) {
  auto roles = iam.list_roles(k_role_path);
  if (!roles) return unexpected(roles.error());
  std::vector<LaunchRole> out;
  for (const auto& r : *roles)
    if (auto id = launch_of_role(r.name); !id.empty()) out.push_back({id, r.create_date});
  return out;
}

bool is_unknown_profile_error(const aws::Error& e) {
  if (e.code != "InvalidParameterValue") return false;
  std::string message = e.message;
  for (char& c : message) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return message.find("iaminstanceprofile") != std::string::npos || message.find("instance profile") != std::string::npos;
}

}  // namespace spawn::launcher
