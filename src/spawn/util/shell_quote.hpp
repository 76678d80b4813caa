#pragma once
// Quoting values for POSIX shells (bash, dash, sh), for the scripts spawn generates. Knows
// nothing of AWS.
#include <string>
#include <string_view>

namespace spawn::util {

// value as one shell word that means exactly value: wrapped in single quotes, each ' written
// as '\''. Inside single quotes nothing is special ($, `, \, ", newlines, UTF-8 bytes), so
// any byte string but one with a NUL survives; the empty string is ''. A NUL byte cannot be
// passed to a program as an argument at all: it is an error to ask (std::invalid_argument).
std::string shell_quote(std::string_view value);

}  // namespace spawn::util
