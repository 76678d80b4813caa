#pragma once
// Credentials of the EC2 instance's role, from the instance metadata service (IMDSv2), as
// botocore's InstanceMetadataProvider.
#include <memory>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/imds/client.hpp"

namespace spawn::aws::auth {

// GET meta-data/iam/security-credentials/ names the role (first line), then
// GET meta-data/iam/security-credentials/<role> gives {"Code": "Success", "AccessKeyId",
// "SecretAccessKey", "Token", "Expiration"}. Source "instance role <role>".
// Not found (so a chain moves on, as in botocore) when IMDS cannot be reached or has no role;
// CredentialsError when the role's document is unusable.
std::shared_ptr<CredentialsProvider> make_instance_role_provider(std::shared_ptr<imds::Client> client);

}  // namespace spawn::aws::auth
