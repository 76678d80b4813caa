#include "spawn/aws/sts/client.hpp"

#include <pugixml.hpp>

#include "spawn/util/time.hpp"
#include "spawn/util/url.hpp"

namespace spawn::aws::sts {

Params assume_role_params(const AssumeRoleInput& in) {
  Params p = {{"Action", "AssumeRole"},
              {"Version", k_api_version},
              {"RoleArn", in.role_arn},
              {"RoleSessionName", in.role_session_name}};
  if (in.duration_seconds) p.emplace_back("DurationSeconds", std::to_string(*in.duration_seconds));
  if (!in.external_id.empty()) p.emplace_back("ExternalId", in.external_id);
  if (!in.serial_number.empty()) {
    p.emplace_back("SerialNumber", in.serial_number);
    p.emplace_back("TokenCode", in.token_code);
  }
  return p;
}

Params assume_role_with_web_identity_params(const WebIdentityInput& in) {
  return {{"Action", "AssumeRoleWithWebIdentity"},
          {"Version", k_api_version},
          {"RoleArn", in.role_arn},
          {"RoleSessionName", in.role_session_name},
          {"WebIdentityToken", in.web_identity_token}};
}

Result<auth::Credentials> parse_credentials_reply(std::string_view xml, std::string_view action, std::string source) {
  const std::string what = "STS sent " + std::string(action) + " a reply ";
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return unexpected(local_error("InvalidReply", what + "that is not XML"));
  const std::string response = std::string(action) + "Response", result = std::string(action) + "Result";
  pugi::xml_node credentials = doc.child(response.c_str()).child(result.c_str()).child("Credentials");
  if (!credentials) return unexpected(local_error("InvalidReply", what + "without Credentials"));
  auth::Credentials c;
  c.source = std::move(source);
  c.access_key_id = credentials.child_value("AccessKeyId");
  c.secret_access_key = credentials.child_value("SecretAccessKey");
  c.session_token = credentials.child_value("SessionToken");
  if (c.access_key_id.empty() || c.secret_access_key.empty() || c.session_token.empty())
    return unexpected(local_error("InvalidReply", what + "without AccessKeyId, SecretAccessKey or SessionToken"));
  c.expiration = util::parse_rfc3339(credentials.child_value("Expiration"));
  if (!c.expiration) return unexpected(local_error("InvalidReply", what + "without a valid Expiration"));
  return c;
}

Result<auth::Credentials> Client::call(std::string_view action, const Params& params, Signing signing,
                                       std::string source) const {
  ServiceRequest req;
  req.method = "POST";
  req.signing = signing;
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  req.body = util::form_encode(params);
  auto reply = m_service->send(req, protocol::parse_query_error);
  if (!reply) return unexpected(reply.error());
  return parse_credentials_reply(reply->body, action, std::move(source));
}

Result<auth::Credentials> Client::assume_role(const AssumeRoleInput& in, std::string source) const {
  return call("AssumeRole", assume_role_params(in), Signing::sigv4, std::move(source));
}

Result<auth::Credentials> Client::assume_role_with_web_identity(const WebIdentityInput& in, std::string source) const {
  return call("AssumeRoleWithWebIdentity", assume_role_with_web_identity_params(in), Signing::none, std::move(source));
}

}  // namespace spawn::aws::sts
