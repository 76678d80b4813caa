#pragma once
// The SDK default credentials chain, in botocore's order.
#include <memory>
#include <string>

#include "spawn/aws/auth/container_provider.hpp"
#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/auth/process_provider.hpp"
#include "spawn/aws/auth/unsupported_source_guard.hpp"
#include "spawn/aws/config/environment.hpp"
#include "spawn/aws/config/shared_files.hpp"
#include "spawn/aws/http/transport.hpp"

namespace spawn::aws::auth {

struct DefaultChainInputs {
  config::Environment env;
  std::shared_ptr<const config::SharedFiles> files;  // null: no shared files
  std::string profile = "default";
  ProfileFlag profile_flag = ProfileFlag::absent;  // given: the profile came from --profile
  std::shared_ptr<http::Transport> transport;      // container endpoint and IMDS; null leaves both out
  ProcessOptions process;
  ContainerOptions container;
};

// botocore's create_credential_resolver, uncached (wrap it in make_caching_provider). Order:
//   1. environment keys - left out when the profile was given with --profile (botocore's rule:
//      with AWS_PROFILE, or no profile, environment keys win over every profile);
//   2. the unsupported-source guard: stops the chain where botocore would assume a role, use
//      web identity or SSO (spawn lacks those);
//   3. static keys of the profile in the shared credentials file;
//   4. the profile's credential_process;
//   5. static keys of the profile in the config file;
//   6. the container endpoint;
//   7. the instance role from IMDS - left out when AWS_EC2_METADATA_DISABLED is true.
// IMDS is reached at AWS_EC2_METADATA_SERVICE_ENDPOINT / ec2_metadata_service_endpoint, else by
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE / ec2_metadata_service_endpoint_mode (IPv4:
// http://169.254.169.254, IPv6: http://[fd00:ec2::254]); AWS_METADATA_SERVICE_TIMEOUT /
// metadata_service_timeout (seconds per request) and AWS_METADATA_SERVICE_NUM_ATTEMPTS /
// metadata_service_num_attempts default to botocore's 1 and 1, so a laptop gives up quickly.
// Error "InvalidConfig" naming the variable or key when one of these is malformed.
Result<std::shared_ptr<CredentialsProvider>> make_default_chain(const DefaultChainInputs& inputs);

}  // namespace spawn::aws::auth
