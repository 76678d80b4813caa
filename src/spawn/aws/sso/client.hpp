#pragma once
// The IAM Identity Center (SSO) portal over REST-JSON: GetRoleCredentials, an unsigned
// GET /federation/credentials?role_name=..&account_id=.. carrying the access token of
// `aws sso login` in the x-amz-sso_bearer_token header.
#include <memory>
#include <string>
#include <string_view>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/service_client.hpp"

namespace spawn::aws::sso {

// The request (path, query, the bearer header), unsigned.
ServiceRequest get_role_credentials_request(std::string_view role_name, std::string_view account_id,
                                            std::string_view access_token);

// {"roleCredentials": {"accessKeyId", "secretAccessKey", "sessionToken", "expiration": epoch ms}}
// labelled source. Error "InvalidReply" when a field is missing or of the wrong type (never
// quoting a value).
Result<auth::Credentials> parse_role_credentials(std::string_view body, std::string source);

class Client {
 public:
  // service: a ServiceClient for the portal in the sso_region (no credentials needed).
  explicit Client(std::shared_ptr<ServiceClient> service) : m_service(std::move(service)) {}

  // Errors as ServiceClient::send (UnauthorizedException: the token is no longer valid;
  // ForbiddenException, ResourceNotFoundException, TooManyRequestsException) or "InvalidReply".
  Result<auth::Credentials> get_role_credentials(std::string_view role_name, std::string_view account_id,
                                                 std::string_view access_token, std::string source) const;

 private:
  std::shared_ptr<ServiceClient> m_service;
};

}  // namespace spawn::aws::sso
