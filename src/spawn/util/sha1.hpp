#pragma once
// SHA-1 of bytes, as lowercase hex (OpenSSL). Not for security: only to name files the way other
// tools name them (the AWS CLI's SSO token cache). Knows nothing of AWS.
#include <string>
#include <string_view>

namespace spawn::util {

// The 40 lowercase hex characters of SHA-1(data).
std::string sha1_hex(std::string_view data);

}  // namespace spawn::util
