#pragma once
// AWS Signature Version 4, as separate pure steps. Knows nothing about HTTP: it signs an
// abstract request; the time and the credentials are inputs, so signing is deterministic.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
// The canonical forms follow botocore's signers (SigV4Auth, S3SigV4Auth, SigV4QueryAuth,
// S3SigV4QueryAuth) byte for byte; tests/integration/test_sigv4_botocore.py checks that.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spawn/aws/auth/credentials.hpp"

namespace spawn::aws::auth {

// The payload hash of a request whose body is not signed (S3 presigned URLs, streaming).
inline constexpr std::string_view k_unsigned_payload = "UNSIGNED-PAYLOAD";
// Hex SHA-256 of the empty string: the payload hash of a request without a body.
inline constexpr std::string_view k_empty_payload_hash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SignableRequest {
  std::string method;  // "GET", "POST", ...; upper-cased for the canonical form
  // The path exactly as it goes on the wire (already percent-encoded once), e.g. "/my%20key".
  // Empty means "/".
  std::string path;
  // Query parameters, decoded; any order, repeated keys allowed.
  std::vector<std::pair<std::string, std::string>> query;
  // Headers to sign, any case and order; must include "host". Values are trimmed and inner
  // runs of white space folded for the canonical form; repeated names are joined with ','.
  // Never signed: authorization, user-agent, expect, x-amzn-trace-id and the hop-by-hop
  // headers (connection, keep-alive, te, trailer, transfer-encoding, upgrade, proxy-*).
  std::vector<std::pair<std::string, std::string>> headers;
  // Hex SHA-256 of the body, or k_unsigned_payload. Empty means k_empty_payload_hash, except
  // for an S3 presigned URL, where it means k_unsigned_payload. An x-amz-content-sha256
  // header, when the request has one, is what gets signed instead (as botocore does).
  std::string payload_hash;
};

struct SigningParams {
  std::string service;  // "ec2", "s3", ...
  std::string region;
  Credentials credentials;  // an empty session_token means none
  std::chrono::system_clock::time_point time;  // sub-second part ignored
  // false for S3: its paths are encoded once, not twice, and not normalised. Set it together
  // with service "s3"; other services get "." / ".." / "//" removed and the path encoded again.
  bool double_encode_path = true;
};

// Lowercase hex SHA-256 of data.
std::string sha256_hex(std::string_view data);
// "20150830T123600Z" for the time (UTC).
std::string amz_date(std::chrono::system_clock::time_point t);
// RFC 3986 percent-encoding (unreserved A-Za-z0-9-_.~ kept, others as upper-case %XX of each
// byte); '/' kept when keep_slash.
std::string uri_encode(std::string_view s, bool keep_slash);

// Step 1: the canonical request (method, path, query, headers, signed headers, payload hash).
// The request must already carry x-amz-date (and x-amz-security-token when signed) as the
// signer adds them; prepare_for_header_signing() / prepare_for_presign() do that for you.
std::string canonical_request(const SignableRequest& req, const SigningParams& params);
// Step 2: "AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256 of canonical request>".
std::string string_to_sign(std::string_view canonical, const SigningParams& params);
// The derived key HMAC("AWS4"+secret, date, region, service, "aws4_request"): 32 raw bytes.
std::string signing_key(const SigningParams& params);
// Step 3: hex HMAC of the string to sign with the derived key.
std::string signature(std::string_view string_to_sign, const SigningParams& params);

// The request exactly as sign_headers() signs it: the headers it returns (but Authorization)
// set, replacing any of the same name, and a stale Authorization removed.
SignableRequest prepare_for_header_signing(const SignableRequest& req, const SigningParams& params);
// Header signing: the headers to set on the request, each replacing any header of the same
// name (case-insensitive): X-Amz-Date, X-Amz-Security-Token when there is a session token,
// X-Amz-Content-SHA256 for s3 (and for any service when the payload is k_unsigned_payload),
// Authorization. As botocore does, a request that carries a Date header gets Date replaced
// with the signing time (RFC 1123, "-0000" zone) instead of an X-Amz-Date; send no X-Amz-Date
// with it.
std::vector<std::pair<std::string, std::string>> sign_headers(const SignableRequest& req,
                                                              const SigningParams& params);

// The request exactly as presign_query() signs it: the query with the X-Amz-* parameters but
// X-Amz-Signature appended, botocore's default form Content-Type dropped, the payload hash
// resolved.
SignableRequest prepare_for_presign(const SignableRequest& req, const SigningParams& params,
                                    std::chrono::seconds expires);
// Query-string signing (presigned URL, as botocore's generate_presigned_url): the query
// parameters to append (X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders,
// -Security-Token when needed, -Signature), in the order AWS sends them, decoded: encode
// them with uri_encode(s, false). The request's own query goes first in the URL; unlike
// botocore, repeated keys in it are kept (botocore keeps only the first value).
std::vector<std::pair<std::string, std::string>> presign_query(const SignableRequest& req,
                                                               const SigningParams& params,
                                                               std::chrono::seconds expires);

}  // namespace spawn::aws::auth
