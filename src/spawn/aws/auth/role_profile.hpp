#pragma once
// Which roles a profile asks spawn to assume, and where the first credentials come from,
// resolved from the shared files as botocore's AssumeRoleProvider does (pure: nothing is sent).
// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/aws/config/shared_files.hpp"
#include "spawn/aws/error.hpp"

namespace spawn::aws::auth {

// One AssumeRole: the settings of the profile that holds role_arn.
struct RoleStep {
  std::string profile;
  std::string role_arn;
  std::string external_id;        // "": none
  std::string mfa_serial;         // "": none
  std::string role_session_name;  // "": spawn-session-<unix time>
  std::optional<int> duration_seconds;
};

// credential_source of the innermost role profile, or a source profile.
enum class RoleSource { profile, environment, instance_metadata, container };

struct RolePlan {
  RoleSource source = RoleSource::profile;
  // For RoleSource::profile: the profile whose own providers (web identity, SSO, static keys in
  // either file, credential_process) give the first credentials.
  std::string source_profile;
  // In the order they are assumed: the first with the source's credentials, each next one with
  // the previous role's. The profile asked for is the last.
  std::vector<RoleStep> roles;
};

// Whether the profile is an assume-role profile: it has role_arn and no web_identity_token_file
// (with one, it is a web identity profile).
bool is_role_profile(const config::Profile& profile);

// The plan of profile, following source_profile from profile to profile: a source profile with
// static keys (aws_access_key_id or aws_secret_access_key), or without role_arn, is where the
// chain starts; one with role_arn (and no keys) is one more role. A profile may name itself as
// source_profile when it holds static keys. nullopt when profile is not a role profile.
// Errors "InvalidConfig" (one line, naming profiles and keys): both source_profile and
// credential_source, neither of them, a credential_source other than Environment,
// Ec2InstanceMetadata or EcsContainer, a source_profile that does not exist, a loop (the
// profiles in the order visited: "a -> b -> a"), a duration_seconds that is not a positive integer.
// botocore sets no depth limit other than the loop: a chain is as long as the profiles allow.
Result<std::optional<RolePlan>> resolve_role_plan(const config::SharedFiles& files, std::string_view profile);

}  // namespace spawn::aws::auth
