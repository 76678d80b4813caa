#include "spawn/cli/terminal.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace spawn::cli {
namespace {

bool names_utf8(std::string locale) {
  std::transform(locale.begin(), locale.end(), locale.begin(), [](unsigned char c) { return std::tolower(c); });
  return locale.find("utf-8") != std::string::npos || locale.find("utf8") != std::string::npos;
}

}  // namespace

Emoji emoji_for(bool no_emoji_flag, const aws::config::Environment& env, bool stdout_is_terminal) {
  if (no_emoji_flag || !stdout_is_terminal) return Emoji::no;
  if (auto no_color = env("NO_COLOR"); no_color && !no_color->empty()) return Emoji::no;
  // POSIX order: LC_ALL overrides LC_CTYPE, which overrides LANG. Unset means the C locale.
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"})
    if (auto value = env(name); value && !value->empty()) return names_utf8(*value) ? Emoji::yes : Emoji::no;
  return Emoji::no;
}

Emoji emoji_for_stdout(bool no_emoji_flag) {
  return emoji_for(no_emoji_flag, aws::config::process_environment(), ::isatty(STDOUT_FILENO) == 1);
}

}  // namespace spawn::cli
