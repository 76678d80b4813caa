#pragma once
// Fixed test credentials for service clients (AKIDEXAMPLE / "secret", optionally a session
// token), and header_of() to read a header of a recorded request by its case-insensitive name.
#include <string>
#include <string_view>
#include <utility>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/http/transport.hpp"

namespace spawn::test {

class StaticCredentials final : public aws::auth::CredentialsProvider {
 public:
  explicit StaticCredentials(std::string session_token = {}) : m_token(std::move(session_token)) {}
  aws::Result<aws::auth::Credentials> get() override {
    return aws::auth::Credentials{"AKIDEXAMPLE", "secret", m_token, {}, "test"};
  }

 private:
  std::string m_token;
};

inline std::string header_of(const aws::http::Request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (aws::http::header_name_equal(k, name)) return v;
  return {};
}

}  // namespace spawn::test
