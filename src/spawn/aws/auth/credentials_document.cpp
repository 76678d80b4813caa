#include "spawn/aws/auth/credentials_document.hpp"

#include <nlohmann/json.hpp>

#include "spawn/util/time.hpp"

namespace spawn::aws::auth {
namespace {

using nlohmann::json;

// A string field: absent -> "", present but not a string -> error.
Result<std::string> string_field(const json& doc, const char* name, const std::string& source) {
  auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return std::string();
  if (!it->is_string()) return unexpected(credentials_error(source + ": " + name + " is not a string"));
  return it->get<std::string>();
}

}  // namespace

Result<Credentials> parse_credentials_document(std::string_view body, DocumentKind kind, const std::string& source) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return unexpected(credentials_error(source + ": the reply is not a JSON object"));

  if (kind == DocumentKind::process) {
    auto v = doc.find("Version");
    if (v == doc.end()) return unexpected(credentials_error(source + ": the output has no Version (expected 1)"));
    if (!v->is_number_integer() || v->get<long long>() != 1)
      return unexpected(credentials_error(source + ": unsupported Version " + v->dump() + " (only 1 is supported)"));
  } else {
    auto code = string_field(doc, "Code", source);
    if (!code) return unexpected(code.error());
    if (!code->empty() && *code != "Success")
      return unexpected(credentials_error(source + ": the reply's Code is " + *code + ", not Success"));
  }

  Credentials c;
  c.source = source;
  auto key = string_field(doc, "AccessKeyId", source);
  if (!key) return unexpected(key.error());
  auto secret = string_field(doc, "SecretAccessKey", source);
  if (!secret) return unexpected(secret.error());
  auto token = string_field(doc, kind == DocumentKind::process ? "SessionToken" : "Token", source);
  if (!token) return unexpected(token.error());
  auto expiration = string_field(doc, "Expiration", source);
  if (!expiration) return unexpected(expiration.error());
  if (key->empty()) return unexpected(credentials_error(source + ": AccessKeyId is missing or empty"));
  if (secret->empty()) return unexpected(credentials_error(source + ": SecretAccessKey is missing or empty"));
  c.access_key_id = std::move(*key);
  c.secret_access_key = std::move(*secret);
  c.session_token = std::move(*token);
  if (!expiration->empty()) {
    c.expiration = util::parse_rfc3339(*expiration);
    if (!c.expiration)
      return unexpected(credentials_error(source + ": Expiration '" + *expiration + "' is not an ISO 8601 time"));
  }
  return c;
}

}  // namespace spawn::aws::auth
