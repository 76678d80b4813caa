#pragma once
// Credentials from the container credentials endpoint (ECS task roles, EKS Pod Identity,
// local credential servers), as the SDKs' container provider.
#include <chrono>
#include <memory>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/config/environment.hpp"
#include "spawn/aws/http/transport.hpp"

namespace spawn::aws::auth {

struct ContainerOptions {
  std::chrono::milliseconds timeout{2000};      // per request (botocore: 2 s)
  int max_attempts = 3;                         // for no reply, 5xx and 429 (botocore: 3)
  std::chrono::milliseconds retry_delay{1000};  // between attempts (botocore: 1 s)
};

// GETs http://169.254.170.2 + AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or, when that is unset,
// AWS_CONTAINER_CREDENTIALS_FULL_URI, with "Authorization" from the file named by
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at each get(), trailing blanks dropped) or else
// AWS_CONTAINER_AUTHORIZATION_TOKEN. A FULL_URI must be https, or http to a loopback address
// (127.0.0.0/8, ::1, localhost) or to the ECS/EKS hosts 169.254.170.2, 169.254.170.23,
// fd00:ec2::23. The reply is {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}; source
// "container (<scheme://host:port>)" (never the path, which identifies the task's role).
// Not found when neither URI variable is set; CredentialsError for a refused URI, an unreadable
// token file, a token with a line break, no usable reply after max_attempts, or a bad document.
std::shared_ptr<CredentialsProvider> make_container_provider(config::Environment env,
                                                             std::shared_ptr<http::Transport> transport,
                                                             ContainerOptions options = {});

}  // namespace spawn::aws::auth
