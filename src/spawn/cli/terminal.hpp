#pragma once
// What the terminal spawn writes to can show.
#include "spawn/aws/config/environment.hpp"

namespace spawn::cli {

enum class Emoji { no, yes };

// Emoji::yes when stdout is a terminal, the locale is UTF-8 (the first set of LC_ALL, LC_CTYPE,
// LANG names UTF-8 or utf8), NO_COLOR is unset or empty (no-color.org), and the user did not
// say --no-emoji. Scripts reading a pipe never get emoji.
Emoji emoji_for(bool no_emoji_flag, const aws::config::Environment& env, bool stdout_is_terminal);
// The same for this process's stdout and environment.
Emoji emoji_for_stdout(bool no_emoji_flag);

}  // namespace spawn::cli
