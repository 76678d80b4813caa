#pragma once
// The token cache that `aws sso login` writes: ~/.aws/sso/cache/<sha1>.json, the SHA-1 (hex) of
// the sso-session's name, or of the start URL for a legacy profile (botocore's SSOTokenLoader).
// spawn only reads it: it never refreshes or writes a token.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "spawn/aws/error.hpp"

namespace spawn::aws::sso {

struct CachedToken {
  std::string access_token;  // a secret: never printed
  std::chrono::system_clock::time_point expires_at;
};

// <home>/.aws/sso/cache/<sha1 of key>.json, where key is the session name or the start URL.
std::string token_cache_path(std::string_view home, std::string_view key);

// The token in a cache file's text: {"accessToken": "...", "expiresAt": "2026-01-01T00:00:00Z"}
// (other fields ignored). Error "InvalidConfig" naming path when the text is not a JSON object or
// either field is missing, not a string, or (expiresAt) not an ISO 8601 time; never quoting the token.
Result<CachedToken> parse_token_cache(std::string_view text, const std::string& path);

// Reads and parses the file. nullopt when it does not exist (never logged in); "InvalidConfig"
// when it exists but cannot be read or parsed.
Result<std::optional<CachedToken>> read_token_cache(const std::string& path);

}  // namespace spawn::aws::sso
