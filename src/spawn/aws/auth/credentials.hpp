#pragma once
// Credentials and the providers that find them. A provider does one thing: get credentials.
// The SDK default chain and the cache are providers built from providers.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
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

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Credentials, or an error with code "CredentialsError" saying what was tried.
  virtual Result<Credentials> get() = 0;
};

}  // namespace spawn::aws::auth
