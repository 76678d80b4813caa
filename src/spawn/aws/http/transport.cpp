#include "spawn/aws/http/transport.hpp"

#include <cctype>

namespace spawn::aws::http {

bool header_name_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (header_name_equal(k, name)) return v;
  return {};
}

}  // namespace spawn::aws::http
