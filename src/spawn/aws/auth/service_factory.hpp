#pragma once
// How the credential providers that call AWS themselves (STS for role and web identity
// profiles, the SSO portal) get a client: the caller, which knows the endpoints
// (aws/config/settings), hands them this function.
#include <functional>
#include <memory>
#include <string>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/service_client.hpp"

namespace spawn::aws::auth {

// A client of service in region (its configured or default endpoint), signing with credentials
// (null: the caller sends only unsigned requests).
using ServiceFactory = std::function<std::shared_ptr<ServiceClient>(
    const ServiceInfo& service, const std::string& region, std::shared_ptr<CredentialsProvider> credentials)>;

// The MFA code for a prompt ("Enter MFA code for arn:...: "), or why none can be had.
using MfaPrompt = std::function<expected<std::string, std::string>(const std::string& prompt)>;

}  // namespace spawn::aws::auth
