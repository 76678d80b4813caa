#pragma once
// Providers asked in order, as botocore's CredentialResolver.
#include <memory>
#include <vector>

#include "spawn/aws/auth/credentials.hpp"

namespace spawn::aws::auth {

// Asks each provider in turn at each get(); the first with credentials wins. A provider that
// answers "CredentialsNotFound" is passed over; any other error stops the chain and is returned,
// with code "CredentialsError" when it was a retryable one (aws::retryable: the provider has
// retried it already), else with its own code (an AWS code from STS or the SSO portal keeps its
// request id too); its message is kept. When no provider has credentials: one
// "CredentialsError" whose one-line message lists every provider's reason, in order. Not thread-safe by
// itself (nor are the providers): put it behind make_caching_provider.
std::shared_ptr<CredentialsProvider> make_chain_provider(std::vector<std::shared_ptr<CredentialsProvider>> providers);

}  // namespace spawn::aws::auth
