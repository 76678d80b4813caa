// The JSON credentials documents (aws/auth/credentials_document.hpp) that IMDS, the container
// endpoint and credential_process return. Invariants: no crash or sanitizer report; success
// means non-empty keys; an error is "CredentialsError" and never quotes the secret key.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "spawn/aws/auth/credentials_document.hpp"

using namespace spawn::aws::auth;

namespace {

// The secret, when the document has one long enough that finding it in a message cannot be chance.
std::string secret_of(std::string_view body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return {};
  auto it = doc.find("SecretAccessKey");
  if (it == doc.end() || !it->is_string()) return {};
  std::string s = it->get<std::string>();
  return s.size() >= 12 ? s : std::string();
}

void check(std::string_view body, DocumentKind kind) {
  auto c = parse_credentials_document(body, kind, "fuzz");
  if (c) {
    FUZZ_CHECK(!c->access_key_id.empty());
    FUZZ_CHECK(!c->secret_access_key.empty());
    FUZZ_CHECK(c->source == "fuzz");
    return;
  }
  FUZZ_CHECK(c.error().code == "CredentialsError");
  const std::string secret = secret_of(body);
  if (!secret.empty()) FUZZ_CHECK(c.error().message.find(secret) == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  check(body, DocumentKind::metadata);
  check(body, DocumentKind::process);
  return 0;
}
