#pragma once
// Options that take one of a few words (--on-interruption, --output, ...): the words are written
// once, on the option, and both the help and the shell completion read them from there.
#include <CLI/CLI.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace spawn::cli {

// Marks option as taking one of values (lower-case words of a-z, 0-9, '-' and '_'): its type in the
// help becomes "a|b|c", and the completion scripts offer the words. Checks nothing: the value
// is still validated where it was (the model's parser, or a CLI11 check), with its own message.
// A validator's own description would follow the type in the help ("a|b|c:{a,b,c}"): give
// checks an empty one. Returns option.
CLI::Option* offer_choices(CLI::Option* option, const std::vector<std::string>& values);

// The words offer_choices gave option, in that order; empty for any other option.
std::vector<std::string> offered_choices(const CLI::Option& option);

// The names of enumerators (to_string of each, found by argument-dependent lookup).
template <typename Range>
std::vector<std::string> names_of(const Range& values) {
  std::vector<std::string> names;
  for (const auto& v : values) names.emplace_back(to_string(v));
  return names;
}

}  // namespace spawn::cli
