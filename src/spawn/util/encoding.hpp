#pragma once
// Base64, random identifiers (OpenSSL's RAND_bytes: unpredictable, safe for tokens), and text made
// safe for a one-line message.
#include <optional>
#include <string>
#include <string_view>

namespace spawn::util {

std::string base64_encode(std::string_view data);
// Standard base64 (RFC 4648, with padding) back to bytes; nullopt for anything else: a character
// outside the alphabet, a length that is not a multiple of 4, padding in the middle.
std::optional<std::string> base64_decode(std::string_view text);
// n random bytes as 2n lowercase hex characters.
std::string random_hex(size_t n_bytes);
// A random RFC 4122 version-4 UUID, the form the AWS CLI uses for ClientToken.
std::string random_uuid();

// text with its control characters written out (\n, \r, \t, else \xNN; DEL too), UTF-8 kept:
// a value quoted in a message cannot start a line of its own or drive the terminal.
std::string escape_controls(std::string_view text);
// The number of characters (code points) in UTF-8 text: the unit of AWS's length limits.
size_t utf8_length(std::string_view text);

}  // namespace spawn::util
