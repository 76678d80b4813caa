#pragma once
// Credentials of an IAM Identity Center (SSO) profile: the access token that `aws sso login`
// left in ~/.aws/sso/cache, exchanged for role credentials by the portal's GetRoleCredentials,
// as botocore's SSOProvider. spawn does not log in nor refresh the token itself.
#include <memory>
#include <string>

#include "spawn/aws/auth/caching_provider.hpp"
#include "spawn/aws/auth/service_factory.hpp"
#include "spawn/aws/auth/sso_profile.hpp"

namespace spawn::aws::auth {

struct SsoOptions {
  std::string home;  // the token cache is <home>/.aws/sso/cache; "" (HOME unset): CredentialsError
  ServiceFactory services;
  WallClock clock;   // system_clock::now when empty
};

// At each get(): reads the cached token, then GetRoleCredentials(sso_role_name, sso_account_id)
// in sso_region. Source "SSO role <role> in account <id> (profile <name>)".
// "SSOLoginRequired" when there is no token or it has expired, or the portal refuses it
// (UnauthorizedException keeps its code and request id): the message names
// `aws sso login --profile <name>` (and --sso-session for a session profile).
// "InvalidConfig" when the cache file cannot be read or parsed. Neither the token nor the
// credentials appear in any message.
std::shared_ptr<CredentialsProvider> make_sso_provider(SsoProfile profile, SsoOptions options);

}  // namespace spawn::aws::auth
