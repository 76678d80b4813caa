#include "spawn/util/shell_split.hpp"

namespace spawn::util {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

// A small state machine over the characters, mirroring shlex.shlex.read_token with
// posix=True, whitespace_split=True and no comment characters (what shlex.split uses).
expected<std::vector<std::string>, std::string> shell_split(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // a word has started (even an empty one, from '')
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (is_space(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      ++i;
    } else if (c == '\\') {
      if (i + 1 >= line.size()) return unexpected(std::string("no escaped character after the final backslash"));
      word += line[i + 1];
      in_word = true;
      i += 2;
    } else if (c == '\'') {
      auto close = line.find('\'', i + 1);
      if (close == std::string_view::npos) return unexpected(std::string("no closing quotation (')"));
      word += line.substr(i + 1, close - i - 1);
      in_word = true;
      i = close + 1;
    } else if (c == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) return unexpected(std::string("no closing quotation (\")"));
        char d = line[i];
        if (d == '"') break;
        // Inside double quotes a backslash escapes only the quote and itself.
        if (d == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
          word += line[i + 1];
          i += 2;
        } else {
          word += d;
          ++i;
        }
      }
      in_word = true;
      ++i;
    } else {
      word += c;
      in_word = true;
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace spawn::util
