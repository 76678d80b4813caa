#include "spawn/util/help_format.hpp"

#include <string>

namespace spawn::util {
namespace {

class HelpFormatter final : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* option, bool is_positional) const override {
    if (is_positional) return option->get_name(true, false);
    std::string names;
    for (const auto& s : option->get_snames()) names += (names.empty() ? "-" : ", -") + s;
    for (const auto& l : option->get_lnames()) names += (names.empty() ? "--" : ", --") + l;
    return names;
  }

  // CLI11 pads the left column to the column width, leaving a single space when the option
  // fills it; help2man then reads the description as part of the option.
  std::string make_option(const CLI::Option* option, bool is_positional) const override {
    std::string left = "  " + make_option_name(option, is_positional) + make_option_opts(option);
    std::string description = make_option_desc(option);
    if (description.empty()) return left + "\n";
    const std::string indent(column_width_, ' ');
    std::string out = left;
    if (left.size() + 2 > column_width_)
      out += "\n" + indent;
    else
      out += std::string(column_width_ - left.size(), ' ');
    for (char c : description) {
      out += c;
      if (c == '\n') out += indent;
    }
    return out + "\n";
  }
};

}  // namespace

std::shared_ptr<CLI::Formatter> help_formatter() { return std::make_shared<HelpFormatter>(); }

}  // namespace spawn::util
