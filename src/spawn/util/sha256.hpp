#pragma once
// SHA-256 of bytes, as lowercase hex (OpenSSL). Knows nothing of AWS.
#include <string>
#include <string_view>

namespace spawn::util {

// The 64 lowercase hex characters of SHA-256(data).
std::string sha256_hex(std::string_view data);
// The 32 raw bytes of SHA-256(data) (S3's x-amz-checksum-sha256 is their base64).
std::string sha256_bytes(std::string_view data);

}  // namespace spawn::util
