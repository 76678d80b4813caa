#pragma once
// STS over the query protocol (POST form, API version 2011-06-15, XML replies): AssumeRole
// (signed with the source credentials) and AssumeRoleWithWebIdentity (unsigned), which the
// credential providers of role profiles call.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/service_client.hpp"

namespace spawn::aws::sts {

inline constexpr const char* k_api_version = "2011-06-15";

using Params = std::vector<std::pair<std::string, std::string>>;

struct AssumeRoleInput {
  std::string role_arn;
  std::string role_session_name;
  std::string external_id;    // "": not sent
  std::string serial_number;  // the MFA device (mfa_serial); "": not sent
  std::string token_code;     // the MFA code typed; sent with serial_number
  std::optional<int> duration_seconds;
};

struct WebIdentityInput {
  std::string role_arn;
  std::string role_session_name;
  std::string web_identity_token;
};

// The form fields of each call (Action, Version, then the members set).
Params assume_role_params(const AssumeRoleInput& in);
Params assume_role_with_web_identity_params(const WebIdentityInput& in);

// The <Credentials> of an <AssumeRoleResponse> or <AssumeRoleWithWebIdentityResponse>
// (action names which), labelled source. Error "InvalidReply" when the XML is not that reply or
// lacks a key, its secret or a valid Expiration (never quoting a value).
Result<auth::Credentials> parse_credentials_reply(std::string_view xml, std::string_view action, std::string source);

class Client {
 public:
  // service: a ServiceClient for STS signed with the source credentials (it may have none when
  // only AssumeRoleWithWebIdentity is called).
  explicit Client(std::shared_ptr<ServiceClient> service) : m_service(std::move(service)) {}

  // Errors as ServiceClient::send (AccessDenied, ExpiredTokenException, InvalidIdentityToken ...)
  // or "InvalidReply".
  Result<auth::Credentials> assume_role(const AssumeRoleInput& in, std::string source) const;
  Result<auth::Credentials> assume_role_with_web_identity(const WebIdentityInput& in, std::string source) const;

 private:
  Result<auth::Credentials> call(std::string_view action, const Params& params, Signing signing,
                                 std::string source) const;
  std::shared_ptr<ServiceClient> m_service;
};

}  // namespace spawn::aws::sts
