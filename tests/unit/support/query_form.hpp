#pragma once
// The parameters of a query-protocol body ("Action=X&Name.1=v"), percent-decoded: for fakes
// behind a ScriptedTransport that answer by action (IAM, EC2).
#include <map>
#include <string>

#include "spawn/util/url.hpp"

namespace spawn::test {

inline std::map<std::string, std::string> query_form(const std::string& body) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < body.size()) {
    const size_t amp = body.find('&', start);
    const std::string pair = body.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    const auto eq = pair.find('=');
    out[util::percent_decode(pair.substr(0, eq), true)] =
        eq == std::string::npos ? std::string() : util::percent_decode(pair.substr(eq + 1), true);
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

}  // namespace spawn::test
