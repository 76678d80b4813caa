#include "spawn/aws/sso/client.hpp"

#include <nlohmann/json.hpp>

namespace spawn::aws::sso {

ServiceRequest get_role_credentials_request(std::string_view role_name, std::string_view account_id,
                                            std::string_view access_token) {
  ServiceRequest req;
  req.method = "GET";
  req.path = "/federation/credentials";
  req.query = {{"role_name", std::string(role_name)}, {"account_id", std::string(account_id)}};
  req.headers.emplace_back("x-amz-sso_bearer_token", std::string(access_token));
  req.signing = Signing::none;
  return req;
}

Result<auth::Credentials> parse_role_credentials(std::string_view body, std::string source) {
  auto bad = [](const char* why) {
    return unexpected(local_error("InvalidReply", std::string("the SSO portal sent a GetRoleCredentials reply ") + why));
  };
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return bad("that is not a JSON object");
  auto role = doc.find("roleCredentials");
  if (role == doc.end() || !role->is_object()) return bad("without roleCredentials");
  auth::Credentials c;
  c.source = std::move(source);
  for (auto [name, out] : {std::pair{"accessKeyId", &c.access_key_id}, std::pair{"secretAccessKey", &c.secret_access_key},
                           std::pair{"sessionToken", &c.session_token}}) {
    auto it = role->find(name);
    if (it == role->end() || !it->is_string() || it->get<std::string>().empty())
      return bad("without accessKeyId, secretAccessKey or sessionToken");
    *out = it->get<std::string>();
  }
  auto expiration = role->find("expiration");
  if (expiration == role->end() || !expiration->is_number_integer()) return bad("without an expiration");
  c.expiration = std::chrono::system_clock::time_point(std::chrono::milliseconds(expiration->get<long long>()));
  return c;
}

Result<auth::Credentials> Client::get_role_credentials(std::string_view role_name, std::string_view account_id,
                                                       std::string_view access_token, std::string source) const {
  auto reply = m_service->send(get_role_credentials_request(role_name, account_id, access_token),
                               protocol::parse_json_error);
  if (!reply) return unexpected(reply.error());
  return parse_role_credentials(reply->body, std::move(source));
}

}  // namespace spawn::aws::sso
