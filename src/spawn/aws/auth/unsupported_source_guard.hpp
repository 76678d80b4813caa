#pragma once
// A stop sign where botocore's assume-role, web-identity and SSO providers stand in the chain:
// spawn has none of them, and must not quietly fall through to other credentials (say, the
// instance role) when the user asked for a role.
#include <memory>
#include <string>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/config/environment.hpp"
#include "spawn/aws/config/shared_files.hpp"

namespace spawn::aws::auth {

// Whether the profile was named with --profile. botocore then ignores the environment's
// AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE (and the environment keys: see default_chain.hpp).
enum class ProfileFlag { absent, given };

// CredentialsError naming the setting when profile has role_arn (assume role), a
// web_identity_token_file with role_arn, sso_start_url / sso_session / sso_account_id /
// sso_role_name / sso_region (SSO), or (unless flag is given) the environment has both
// AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE. Not found otherwise.
std::shared_ptr<CredentialsProvider> make_unsupported_source_guard(config::Environment env,
                                                                   std::shared_ptr<const config::SharedFiles> files,
                                                                   std::string profile, ProfileFlag flag);

}  // namespace spawn::aws::auth
