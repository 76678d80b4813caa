#pragma once
// Splitting a command line into words the way Python's shlex.split does (POSIX mode), which is
// how botocore turns credential_process into an argv. No shell ever sees the line: no
// expansion, no globbing, no pipes, no ';'. Knows nothing of AWS.
#include <string>
#include <string_view>
#include <vector>

#include "spawn/util/expected.hpp"

namespace spawn::util {

// The words of line: split on space, tab, CR and LF; 'single quotes' keep everything literally;
// "double quotes" keep everything but \" and \\; outside quotes a backslash escapes any character;
// adjacent quoted and unquoted parts join into one word; '' is an empty word.
// An error (a sentence) for an unclosed quote or a trailing backslash.
expected<std::vector<std::string>, std::string> shell_split(std::string_view line);

}  // namespace spawn::util
