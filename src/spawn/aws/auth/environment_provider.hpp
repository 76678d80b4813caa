#pragma once
// Credentials from environment variables, as botocore's EnvProvider.
#include <memory>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/config/environment.hpp"

namespace spawn::aws::auth {

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (or the older AWS_SECURITY_TOKEN)
// and AWS_CREDENTIAL_EXPIRATION (ISO 8601), read from env at each get(), source "environment".
// Not found when AWS_ACCESS_KEY_ID is unset (or empty); CredentialsError when the secret is
// missing or the expiration is malformed.
std::shared_ptr<CredentialsProvider> make_environment_provider(config::Environment env);

}  // namespace spawn::aws::auth
