#pragma once
// Credentials for a web identity token (an OIDC token an EKS service account, GitHub Actions or
// another identity provider writes to a file): STS AssumeRoleWithWebIdentity, unsigned, as
// botocore's AssumeRoleWithWebIdentityProvider.
#include <memory>
#include <optional>
#include <string>

#include "spawn/aws/auth/caching_provider.hpp"
#include "spawn/aws/auth/service_factory.hpp"
#include "spawn/aws/config/environment.hpp"
#include "spawn/aws/config/shared_files.hpp"

namespace spawn::aws::auth {

struct WebIdentitySettings {
  config::Setting token_file;  // web_identity_token_file / AWS_WEB_IDENTITY_TOKEN_FILE
  config::Setting role_arn;    // role_arn / AWS_ROLE_ARN
  std::string role_session_name;  // role_session_name / AWS_ROLE_SESSION_NAME; "": spawn-session-<unix time>
};

// botocore's lookup, key by key: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME
// (unless env is empty: a profile given by --profile, or a source profile), else the profile's
// web_identity_token_file, role_arn, role_session_name. nullopt when no token file is set;
// "InvalidConfig" when a token file is set without a role ARN.
Result<std::optional<WebIdentitySettings>> resolve_web_identity(const config::Environment& env,
                                                                const config::Profile& profile);

struct WebIdentityOptions {
  std::string sts_region;
  ServiceFactory services;
  WallClock clock;  // for the default session name
};

// At each get(): reads the token file (the token is never printed) and calls
// AssumeRoleWithWebIdentity. Source "web identity role <arn>". CredentialsError when the file
// cannot be read or is empty; STS's errors (InvalidIdentityToken, ExpiredTokenException,
// AccessDenied) keep their code and request id.
std::shared_ptr<CredentialsProvider> make_web_identity_provider(WebIdentitySettings settings, WebIdentityOptions options);

}  // namespace spawn::aws::auth
