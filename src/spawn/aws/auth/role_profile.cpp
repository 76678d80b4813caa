#include "spawn/aws/auth/role_profile.hpp"

#include <algorithm>

namespace spawn::aws::auth {
namespace {

Error invalid(std::string message) { return local_error("InvalidConfig", std::move(message)); }

bool has_static_keys(const config::Profile& p) {
  return p.find("aws_access_key_id") != nullptr || p.find("aws_secret_access_key") != nullptr;
}

std::string value_of(const config::Profile& p, std::string_view key) {
  auto s = p.get(key);
  return s ? s->value : std::string();
}

std::string path_of(const std::vector<std::string>& visited, const std::string& last) {
  std::string out;
  for (const auto& name : visited) out += name + " -> ";
  return out + last;
}

}  // namespace

bool is_role_profile(const config::Profile& profile) {
  return profile.find("role_arn") != nullptr && profile.find("web_identity_token_file") == nullptr;
}

Result<std::optional<RolePlan>> resolve_role_plan(const config::SharedFiles& files, std::string_view name) {
  config::Profile current = files.profile(name);
  if (!is_role_profile(current)) return std::optional<RolePlan>();

  RolePlan plan;
  std::vector<std::string> visited{std::string(name)};
  while (true) {
    const std::string& here = current.name();
    RoleStep step;
    step.profile = here;
    step.role_arn = value_of(current, "role_arn");
    if (step.role_arn.empty()) return unexpected(invalid("role_arn in profile " + here + " is empty"));
    step.external_id = value_of(current, "external_id");
    step.mfa_serial = value_of(current, "mfa_serial");
    step.role_session_name = value_of(current, "role_session_name");
    if (auto duration = current.get("duration_seconds")) {
      auto seconds = config::positive_int(*duration);
      if (!seconds) return unexpected(seconds.error());
      step.duration_seconds = *seconds;
    }
    plan.roles.insert(plan.roles.begin(), std::move(step));

    auto source_profile = current.get("source_profile");
    auto credential_source = current.get("credential_source");
    if (source_profile && credential_source)
      return unexpected(invalid("profile " + here + " has both source_profile and credential_source: keep one"));
    if (!source_profile && !credential_source)
      return unexpected(invalid("profile " + here + " has role_arn but neither source_profile nor credential_source, "
                                "so spawn does not know which credentials assume the role"));
    if (credential_source) {
      const std::string& kind = credential_source->value;
      if (kind == "Environment")
        plan.source = RoleSource::environment;
      else if (kind == "Ec2InstanceMetadata")
        plan.source = RoleSource::instance_metadata;
      else if (kind == "EcsContainer")
        plan.source = RoleSource::container;
      else
        return unexpected(invalid(credential_source->origin + " is '" + kind +
                                  "': it must be Environment, Ec2InstanceMetadata or EcsContainer"));
      return std::optional<RolePlan>(std::move(plan));
    }

    const std::string source = source_profile->value;
    config::Profile next = files.profile(source);
    if (!next.exists())
      return unexpected(invalid("the source_profile " + source + " named in profile " + here + " does not exist"));
    // botocore's _validate_source_profile: visiting a profile twice is a loop, except a profile
    // naming itself to take its own static keys.
    if (std::find(visited.begin(), visited.end(), source) != visited.end()) {
      if (source != here || !has_static_keys(next))
        return unexpected(invalid("the source_profile chain of profile " + std::string(name) +
                                  " loops: " + path_of(visited, source)));
    }
    visited.push_back(source);
    if (has_static_keys(next) || !is_role_profile(next)) {
      plan.source = RoleSource::profile;
      plan.source_profile = source;
      return std::optional<RolePlan>(std::move(plan));
    }
    current = std::move(next);
  }
}

}  // namespace spawn::aws::auth
