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

constexpr std::string_view k_marker = "wJalrXUtnFEMIsecretMARKER7MDENGbPxRfiCY";

void check(std::string_view body, DocumentKind kind) {
  auto c = parse_credentials_document(body, kind, "fuzz");
  if (c) {
    FUZZ_CHECK(!c->access_key_id.empty());
    FUZZ_CHECK(!c->secret_access_key.empty());
    FUZZ_CHECK(c->source == "fuzz");
    return;
  }
  FUZZ_CHECK(c.error().code == "CredentialsError");
}

// The same document with its secret replaced by a marker found nowhere else in it: whatever the
// outcome, no message may carry the marker.
void check_secret_not_quoted(std::string_view body, DocumentKind kind) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object() || !doc.contains("SecretAccessKey") || !doc["SecretAccessKey"].is_string()) return;
  doc["SecretAccessKey"] = std::string(k_marker);
  const std::string text = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.find(k_marker) != text.rfind(k_marker)) return;  // the fuzzer wrote the marker elsewhere too
  auto c = parse_credentials_document(text, kind, "fuzz");
  if (!c) FUZZ_CHECK(c.error().message.find(k_marker) == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (auto kind : {DocumentKind::metadata, DocumentKind::process}) {
    check(body, kind);
    check_secret_not_quoted(body, kind);
  }
  return 0;
}
