#pragma once
// Credentials and the providers that find them. A provider does one thing: get credentials.
// The SDK default chain and the cache are providers built from providers.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/aws/error.hpp"

namespace spawn::aws::auth {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::optional<std::chrono::system_clock::time_point> expiration;  // none: never expires
  std::string source;  // where they came from, for messages: "environment", "profile default", ...
};

// The two error codes of providers. A source that is configured but fails (a key without its
// secret, a failing credential_process, an unreachable container endpoint) answers
// k_credentials_error; a chain stops there, as botocore does, rather than quietly using other
// credentials. A source with nothing configured answers k_credentials_not_found; a chain moves
// on to the next source. Chains (and so Settings::credentials()) never return
// k_credentials_not_found: see chain_provider.hpp for the codes they keep.
inline constexpr std::string_view k_credentials_error = "CredentialsError";
inline constexpr std::string_view k_credentials_not_found = "CredentialsNotFound";

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Credentials, or an error with code "CredentialsError" saying what was tried (a single
  // source may answer "CredentialsNotFound" instead, see above). Messages never contain secrets.
  virtual Result<Credentials> get() = 0;
};

// Errors with those codes (http_status 0).
Error credentials_error(std::string message);
Error credentials_not_found(std::string message);

}  // namespace spawn::aws::auth
