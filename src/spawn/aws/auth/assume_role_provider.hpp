#pragma once
// Credentials of an assumed role (STS AssumeRole), as botocore's AssumeRoleCredentialFetcher.
#include <memory>

#include "spawn/aws/auth/caching_provider.hpp"
#include "spawn/aws/auth/role_profile.hpp"
#include "spawn/aws/auth/service_factory.hpp"

namespace spawn::aws::auth {

struct AssumeRoleOptions {
  std::string sts_region;  // where STS is called (spawn's region)
  ServiceFactory services;
  MfaPrompt mfa_prompt;    // asked at each AssumeRole of a role with mfa_serial
  WallClock clock;         // for the default session name; system_clock::now when empty
};

// At each get(): AssumeRole of role.role_arn, signed with source's credentials, with
// RoleSessionName (role_session_name, else "spawn-session-<unix time>"), and ExternalId,
// DurationSeconds, SerialNumber + TokenCode (the code typed at the prompt "Enter MFA code for
// <mfa_serial>: ") when set. Source "assumed role <arn> (profile <name>)". Errors keep STS's
// code and request id, the message saying which role of which profile; no MFA code to be had
// (no terminal) is "MFACodeRequired"; the source's errors are returned as they are.
std::shared_ptr<CredentialsProvider> make_assume_role_provider(RoleStep role, std::shared_ptr<CredentialsProvider> source,
                                                               AssumeRoleOptions options);

}  // namespace spawn::aws::auth
