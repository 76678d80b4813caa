#include "spawn/util/shell_quote.hpp"

#include <stdexcept>

namespace spawn::util {

// Always quoting (even "safe" words) keeps the rule one line long and the generated scripts
// uniform; the cost is two bytes per value.
std::string shell_quote(std::string_view value) {
  if (value.find('\0') != std::string_view::npos)
    throw std::invalid_argument("shell_quote: a NUL byte cannot be part of a shell word");
  std::string out;
  out.reserve(value.size() + 2);
  out += '\'';
  for (char c : value) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  out += '\'';
  return out;
}

}  // namespace spawn::util
