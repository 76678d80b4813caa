#include "spawn/cli/confirm.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cctype>
#include <iostream>

#include "spawn/cli/output.hpp"

namespace spawn::cli {

int confirm_several(std::string_view verb, std::string_view done, const std::vector<std::string>& names,
                    const std::string& command) {
  std::string lower(verb);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!isatty(STDIN_FILENO)) {
    print_usage_error(fmt::format("{} instances would be {}; add --yes to confirm (stdin is not a terminal)",
                                  names.size(), done),
                      command);
    return k_exit_usage;
  }
  fmt::print(stderr, "{} {} instances ({})? [y/N] ", verb, names.size(), fmt::join(names, ", "));
  std::string answer;
  std::getline(std::cin, answer);
  if (answer == "y" || answer == "Y" || answer == "yes") return k_exit_ok;
  fmt::print(stderr, "Nothing {}.\n", done);
  return k_exit_failure;
}

}  // namespace spawn::cli
