#pragma once
// What an IAM Identity Center (SSO) profile asks for, resolved from the shared files as
// botocore's SSOProvider does (pure: nothing is read or sent).
// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html
#include <optional>
#include <string>
#include <string_view>

#include "spawn/aws/config/shared_files.hpp"
#include "spawn/aws/error.hpp"

namespace spawn::aws::auth {

struct SsoProfile {
  std::string profile;
  std::string session_name;  // the [sso-session NAME]; "" for a legacy profile
  std::string start_url;
  std::string region;        // sso_region: where the portal is called
  std::string account_id;
  std::string role_name;
  // The key of the token cache: the session name, or the start URL for a legacy profile.
  const std::string& cache_key() const { return session_name.empty() ? start_url : session_name; }
  // What to run when the token is missing or expired.
  std::string login_command() const { return "aws sso login --profile " + profile; }
};

// nullopt when the profile has neither sso_account_id nor sso_role_name (botocore's test). With
// sso_session, sso_start_url and sso_region come from [sso-session NAME] (the profile may repeat
// them, with the same values). Errors "InvalidConfig": a missing sso_start_url, sso_region,
// sso_account_id or sso_role_name (all named), an sso_session without its section, a value that
// differs between the profile and the section.
Result<std::optional<SsoProfile>> resolve_sso_profile(const config::SharedFiles& files, std::string_view profile);

}  // namespace spawn::aws::auth
