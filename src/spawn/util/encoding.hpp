#pragma once
// Base64 and random identifiers (OpenSSL's RAND_bytes: unpredictable, safe for tokens).
#include <string>
#include <string_view>

namespace spawn::util {

std::string base64_encode(std::string_view data);
// n random bytes as 2n lowercase hex characters.
std::string random_hex(size_t n_bytes);
// A random RFC 4122 version-4 UUID, the form the AWS CLI uses for ClientToken.
std::string random_uuid();

}  // namespace spawn::util
