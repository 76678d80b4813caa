#include "spawn/aws/auth/instance_role_provider.hpp"

#include "spawn/aws/auth/credentials_document.hpp"

namespace spawn::aws::auth {
namespace {

constexpr const char* k_path = "meta-data/iam/security-credentials/";

class InstanceRoleProvider final : public CredentialsProvider {
 public:
  explicit InstanceRoleProvider(std::shared_ptr<imds::Client> client) : m_client(std::move(client)) {}

  Result<Credentials> get() override {
    auto roles = m_client->get(k_path);
    if (!roles) return unexpected(credentials_not_found("instance role: IMDS did not answer: " + roles.error().message));
    std::string role = first_line(roles->value_or(""));
    if (role.empty()) return unexpected(credentials_not_found("instance role: this instance has no IAM role"));
    // The role name goes into a path: anything that could leave the path is refused.
    if (role.find_first_of("/?#% ") != std::string::npos || role == "." || role == "..")
      return unexpected(credentials_error("instance role: IMDS gave an unusable role name"));

    const std::string source = "instance role " + role;
    auto document = m_client->get(std::string(k_path) + role);
    if (!document) return unexpected(credentials_not_found(source + ": IMDS did not answer: " + document.error().message));
    if (!*document) return unexpected(credentials_not_found(source + ": IMDS has no credentials for the role"));
    return parse_credentials_document(**document, DocumentKind::metadata, source);
  }

 private:
  static std::string first_line(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
  }

  std::shared_ptr<imds::Client> m_client;
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_instance_role_provider(std::shared_ptr<imds::Client> client) {
  return std::make_shared<InstanceRoleProvider>(std::move(client));
}

}  // namespace spawn::aws::auth
