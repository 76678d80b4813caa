#include "spawn/launcher/spored_role.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "spawn/model/tags.hpp"

namespace spawn::launcher {
namespace {
namespace tag = model::tag;
using nlohmann::json;

constexpr const char* k_sid_tag = "TagItself";
constexpr const char* k_sid_terminate = "TerminateItself";
constexpr const char* k_sid_notify = "NotifyTopics";
constexpr const char* k_sid_scripts = "ReadCheckpointScripts";

// spawn:managed instances, and only the calling one: the instance whose role credentials
// signed the request (ec2:SourceInstanceARN) must be the instance acted on, whose ID is the
// resource key ec2:InstanceID (one authorization per instance named in the call). docs/spored.md
// quotes AWS for both keys; tests/iam/spored_calls.json proves self allowed, neighbours refused.
json self_condition(const std::string& partition) {
  return {{"StringEquals", {{std::string("aws:ResourceTag/") + tag::k_managed, "true"}}},
          {"ArnLike", {{"ec2:SourceInstanceARN", "arn:" + partition + ":ec2:*:*:instance/${ec2:InstanceID}"}}}};
}

std::vector<std::string> resources_of(const json& doc, std::string_view sid) {
  std::vector<std::string> out;
  if (!doc.is_object() || !doc.contains("Statement") || !doc["Statement"].is_array()) return out;
  for (const auto& s : doc["Statement"]) {
    if (!s.is_object() || s.value("Sid", "") != sid || !s.contains("Resource")) continue;
    const json& r = s["Resource"];
    if (r.is_string()) out.push_back(r.get<std::string>());
    if (r.is_array())
      for (const auto& one : r)
        if (one.is_string()) out.push_back(one.get<std::string>());
  }
  return out;
}

void add_once(std::vector<std::string>& to, const std::string& value) {
  if (std::find(to.begin(), to.end(), value) == to.end()) to.push_back(value);
}

json parse_or_null(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  return doc.is_discarded() ? json() : doc;
}

aws::Error policy_too_large(size_t size) {
  return aws::local_error(
      "PolicyTooLarge",
      fmt::format("the policy of the IAM role {} would be {} characters with this launch's topics and scripts, over "
                  "IAM's limit of {}; pass --iam-instance-profile with a profile of your own (docs/spored.md shows the "
                  "policy), or delete the role's policy '{}' to start it afresh",
                  k_spored_role, size, k_inline_policy_limit, k_spored_policy));
}

}  // namespace

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
      {"aws:TagKeys", json::array({tag::k_interruption_notice, tag::k_interruption_action, tag::k_checkpoint_status})}};
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
  if (!g.sns_topics.empty())
    statements.push_back({{"Sid", k_sid_notify}, {"Effect", "Allow"}, {"Action", "sns:Publish"}, {"Resource", g.sns_topics}});
  if (!g.s3_objects.empty()) {
    json objects = json::array();
    for (const auto& o : g.s3_objects) objects.push_back("arn:" + g.partition + ":s3:::" + o);
    statements.push_back({{"Sid", k_sid_scripts}, {"Effect", "Allow"}, {"Action", "s3:GetObject"}, {"Resource", objects}});
  }
  return {{"Version", "2012-10-17"}, {"Statement", statements}};
}

SporedGrants merge_grants(const SporedGrants& wanted, std::string_view existing_document) {
  SporedGrants out;
  out.partition = wanted.partition;
  const json existing = parse_or_null(existing_document);
  for (const auto& topic : resources_of(existing, k_sid_notify)) add_once(out.sns_topics, topic);
  const std::string s3_prefix = "arn:" + wanted.partition + ":s3:::";
  for (const auto& arn : resources_of(existing, k_sid_scripts))
    if (arn.starts_with(s3_prefix) && arn.size() > s3_prefix.size()) add_once(out.s3_objects, arn.substr(s3_prefix.size()));
  for (const auto& topic : wanted.sns_topics) add_once(out.sns_topics, topic);
  for (const auto& object : wanted.s3_objects) add_once(out.s3_objects, object);
  return out;
}

// Read first, write only what differs: a second launch with the same grants sends four reads.
// Every create tolerates EntityAlreadyExists, since two launches may race to make the role.
aws::Result<SporedProfile> ensure_spored_profile(const aws::iam::Client& iam, const SporedGrants& grants, Apply apply) {
  SporedProfile out;
  out.name = k_spored_profile;
  const bool write = apply == Apply::yes;
  const aws::iam::Tags tags{{tag::k_managed, "true"}, {tag::k_created_by, "spawn"}};
  const std::string trust = spored_trust_policy().dump();

  bool role_exists = true;
  auto role = iam.get_role(k_spored_role);
  if (!role && !aws::iam::is_no_such_entity(role.error())) return unexpected(role.error());
  if (!role) {
    role_exists = false;
    out.changes.push_back(fmt::format("create the IAM role {} (EC2 may give it to instances)", k_spored_role));
    if (write) {
      auto made = iam.create_role(k_spored_role, trust,
                                  "spored, spawn's agent: tags and terminates its own instance, publishes to the "
                                  "--notify topics, reads checkpoint scripts",
                                  tags);
      if (!made && !aws::iam::is_already_exists(made.error())) return unexpected(made.error());
    }
  } else if (parse_or_null(role->assume_role_policy) != spored_trust_policy()) {
    out.changes.push_back(fmt::format("reset the trust policy of the IAM role {} to EC2 only", k_spored_role));
    if (write) {
      if (auto ok = iam.update_assume_role_policy(k_spored_role, trust); !ok) return unexpected(ok.error());
    }
  }

  std::string existing;
  if (role_exists) {
    auto current = iam.get_role_policy(k_spored_role, k_spored_policy);
    if (!current && !aws::iam::is_no_such_entity(current.error())) return unexpected(current.error());
    if (current) existing = *current;
  }
  const json wanted = spored_policy(merge_grants(grants, existing));
  out.policy = wanted;
  if (parse_or_null(existing) != wanted) {
    const std::string text = wanted.dump();
    if (text.size() > k_inline_policy_limit) return unexpected(policy_too_large(text.size()));
    out.changes.push_back(fmt::format("{} the policy '{}' of the IAM role {}", existing.empty() ? "write" : "update",
                                      k_spored_policy, k_spored_role));
    if (write) {
      if (auto ok = iam.put_role_policy(k_spored_role, k_spored_policy, text); !ok) return unexpected(ok.error());
    }
  }

  std::vector<std::string> roles;
  auto profile = iam.get_instance_profile(k_spored_profile);
  if (!profile && !aws::iam::is_no_such_entity(profile.error())) return unexpected(profile.error());
  if (profile) {
    roles = profile->role_names;
  } else {
    out.profile_created = true;
    out.exists = write;
    out.changes.push_back(fmt::format("create the instance profile {}", k_spored_profile));
    if (write) {
      auto made = iam.create_instance_profile(k_spored_profile, tags);
      if (!made && !aws::iam::is_already_exists(made.error())) return unexpected(made.error());
      if (made) roles = made->role_names;
    }
  }
  if (std::find(roles.begin(), roles.end(), k_spored_role) == roles.end()) {
    if (!roles.empty())
      return unexpected(aws::local_error(
          "ProfileInUse", fmt::format("the instance profile {} holds the role {}, not {}; remove it from the profile "
                                      "or pass --iam-instance-profile", k_spored_profile, roles.front(), k_spored_role)));
    out.profile_created = true;
    out.changes.push_back(fmt::format("add the role {} to the instance profile {}", k_spored_role, k_spored_profile));
    if (write) {
      auto added = iam.add_role_to_instance_profile(k_spored_profile, k_spored_role);
      if (!added) {
        // Another spawn may have added it in the meantime (a profile holds one role: LimitExceeded).
        auto again = iam.get_instance_profile(k_spored_profile);
        if (!again) return unexpected(added.error());
        const auto& now = again->role_names;
        if (std::find(now.begin(), now.end(), k_spored_role) == now.end()) return unexpected(added.error());
      }
    }
  }
  return out;
}

bool is_unknown_profile_error(const aws::Error& e) {
  if (e.code != "InvalidParameterValue") return false;
  std::string message = e.message;
  for (char& c : message) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return message.find("iaminstanceprofile") != std::string::npos || message.find("instance profile") != std::string::npos;
}

}  // namespace spawn::launcher
