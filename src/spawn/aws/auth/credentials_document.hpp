#pragma once
// The JSON credentials documents three providers read: the container endpoint's and IMDS's
// {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}, and credential_process's
// {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}.
#include <string>
#include <string_view>

#include "spawn/aws/auth/credentials.hpp"

namespace spawn::aws::auth {

enum class DocumentKind {
  metadata,  // container endpoint and IMDS: the token is "Token"; a "Code" other than "Success" is an error
  process,   // credential_process: "Version" must be 1; the token is "SessionToken"
};

// The credentials in body, labelled source. The token and Expiration are optional; Expiration
// is ISO 8601 / RFC 3339 ("2024-05-01T12:00:00Z"). Errors have code "CredentialsError" and name
// source and the offending field, never a value: not a JSON object, a missing or empty
// AccessKeyId or SecretAccessKey, a field of the wrong type, a malformed Expiration, and the
// kind's own checks above.
Result<Credentials> parse_credentials_document(std::string_view body, DocumentKind kind, const std::string& source);

}  // namespace spawn::aws::auth
