#include "spawn/cli/choices.hpp"

#include <stdexcept>

namespace spawn::cli {
namespace {

bool is_word(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

}  // namespace

// The words live in the option's type name, which is what the help prints: one place, so the
// help and the completion cannot disagree.
CLI::Option* offer_choices(CLI::Option* option, const std::vector<std::string>& values) {
  if (values.size() < 2) throw std::logic_error("offer_choices: fewer than two values for " + option->get_name());
  std::string type;
  for (const auto& v : values) {
    if (!is_word(v)) throw std::logic_error("offer_choices: not a plain word: '" + v + "'");
    type += (type.empty() ? "" : "|") + v;
  }
  return option->type_name(type);
}

std::vector<std::string> offered_choices(const CLI::Option& option) {
  const std::string type = option.get_type_name();
  std::vector<std::string> words;
  size_t start = 0;
  while (true) {
    const size_t bar = type.find('|', start);
    words.push_back(type.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (!is_word(words.back())) return {};
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return words.size() >= 2 ? words : std::vector<std::string>{};
}

}  // namespace spawn::cli
