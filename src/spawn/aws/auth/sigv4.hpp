#pragma once
// AWS Signature Version 4, as separate pure steps. Knows nothing about HTTP: it signs an
// abstract request; the time and the credentials are inputs, so signing is deterministic.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "spawn/aws/auth/credentials.hpp"

namespace spawn::aws::auth {

struct SignableRequest {
  std::string method;  // "GET", "POST", ...
  // The path exactly as it goes on the wire (already percent-encoded once), e.g. "/my%20key".
  std::string path;
  // Query parameters, decoded; any order, repeated keys allowed.
  std::vector<std::pair<std::string, std::string>> query;
  // Headers to sign, any case and order; must include "host". Values are trimmed and inner
  // runs of spaces folded for the canonical form.
  std::vector<std::pair<std::string, std::string>> headers;
  // Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
  std::string payload_hash;
};

struct SigningParams {
  std::string service;  // "ec2", "s3", ...
  std::string region;
  Credentials credentials;
  std::chrono::system_clock::time_point time;
  // false for S3: its paths are encoded once, not twice, and not normalised.
  bool double_encode_path = true;
};

// Lowercase hex SHA-256 of data.
std::string sha256_hex(std::string_view data);
// "20150830T123600Z" for the time.
std::string amz_date(std::chrono::system_clock::time_point t);
// RFC 3986 percent-encoding (unreserved A-Za-z0-9-_.~ kept); '/' kept when keep_slash.
std::string uri_encode(std::string_view s, bool keep_slash);

// Step 1: the canonical request (method, path, query, headers, signed headers, payload hash).
// The request must already carry x-amz-date (and x-amz-security-token when signed) as the
// signer adds them; sign_headers() does that for you.
std::string canonical_request(const SignableRequest& req, const SigningParams& params);
// Step 2: "AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256 of canonical request>".
std::string string_to_sign(std::string_view canonical, const SigningParams& params);
// Step 3: hex HMAC of the string to sign with the derived key.
std::string signature(std::string_view string_to_sign, const SigningParams& params);

// Header signing: the headers to add to the request (X-Amz-Date, X-Amz-Security-Token when
// there is a session token, X-Amz-Content-SHA256 for s3, Authorization).
std::vector<std::pair<std::string, std::string>> sign_headers(const SignableRequest& req,
                                                              const SigningParams& params);

// Query-string signing (presigned URL, as botocore's generate_presigned_url): the query
// parameters to append (X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders,
// -Security-Token when needed, -Signature), in the order AWS sends them.
std::vector<std::pair<std::string, std::string>> presign_query(const SignableRequest& req,
                                                               const SigningParams& params,
                                                               std::chrono::seconds expires);

}  // namespace spawn::aws::auth
