#pragma once
// The SDK default credentials chain, in botocore's order.
#include <memory>
#include <string>

#include "spawn/aws/auth/caching_provider.hpp"
#include "spawn/aws/auth/container_provider.hpp"
#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/auth/process_provider.hpp"
#include "spawn/aws/auth/service_factory.hpp"
#include "spawn/aws/config/environment.hpp"
#include "spawn/aws/config/shared_files.hpp"
#include "spawn/aws/http/transport.hpp"

namespace spawn::aws::auth {

// Whether the profile was named with --profile. botocore then ignores the environment's keys
// and its AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_SESSION_NAME.
enum class ProfileFlag { absent, given };

struct DefaultChainInputs {
  config::Environment env;
  std::shared_ptr<const config::SharedFiles> files;  // null: no shared files
  std::string profile = "default";
  ProfileFlag profile_flag = ProfileFlag::absent;  // given: the profile came from --profile
  std::shared_ptr<http::Transport> transport;      // container endpoint and IMDS; null leaves both out
  ProcessOptions process;
  ContainerOptions container;
  // STS and the SSO portal, for role, web identity and SSO profiles (null: those profiles fail
  // with CredentialsError when asked for credentials), and the region STS is called in.
  ServiceFactory services;
  std::string sts_region = "us-east-1";
  MfaPrompt mfa_prompt;  // for mfa_serial; null: no code can be had
  WallClock clock;       // session names and SSO token expiry; system_clock::now when empty
};

// botocore's create_credential_resolver, uncached (wrap it in make_caching_provider). Order:
//   1. environment keys - left out when the profile was given with --profile (botocore's rule:
//      with AWS_PROFILE, or no profile, environment keys win over every profile);
//   2. assume role: the profile has role_arn (and no web_identity_token_file); its roles are
//      assumed in turn from source_profile or credential_source (auth/role_profile.hpp), each
//      source behind its own cache;
//   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (not with --profile), or the
//      profile's web_identity_token_file + role_arn;
//   4. SSO: the profile has sso_account_id / sso_role_name (auth/sso_profile.hpp);
//   5. static keys of the profile in the shared credentials file;
//   6. the profile's credential_process;
//   7. static keys of the profile in the config file;
//   8. the container endpoint;
//   9. the instance role from IMDS - left out when AWS_EC2_METADATA_DISABLED is true.
// A source profile is read with 3-7 of its own (never the environment's variables), as botocore's
// ProfileProviderBuilder. A credential_source is Environment (1), EcsContainer (8) or
// Ec2InstanceMetadata (9, even when AWS_EC2_METADATA_DISABLED leaves 9 out of the chain).
// IMDS is reached at AWS_EC2_METADATA_SERVICE_ENDPOINT / ec2_metadata_service_endpoint, else by
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE / ec2_metadata_service_endpoint_mode (IPv4:
// http://169.254.169.254, IPv6: http://[fd00:ec2::254]); AWS_METADATA_SERVICE_TIMEOUT /
// metadata_service_timeout (seconds per request) and AWS_METADATA_SERVICE_NUM_ATTEMPTS /
// metadata_service_num_attempts default to botocore's 1 and 1, so a laptop gives up quickly.
// Error "InvalidConfig" naming the variable or key when one of these is malformed, and for a
// role, web identity or SSO profile that is set up wrong (loops, missing keys: see
// role_profile.hpp and sso_profile.hpp), before anything is sent. botocore finds those only when
// it reaches the provider, so environment keys would hide them there; spawn refuses them always.
Result<std::shared_ptr<CredentialsProvider>> make_default_chain(const DefaultChainInputs& inputs);

}  // namespace spawn::aws::auth
