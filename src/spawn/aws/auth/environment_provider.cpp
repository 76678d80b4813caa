#include "spawn/aws/auth/environment_provider.hpp"

#include "spawn/util/time.hpp"

namespace spawn::aws::auth {
namespace {

class EnvironmentProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentProvider(config::Environment env) : m_env(std::move(env)) {}

  Result<Credentials> get() override {
    auto key = m_env("AWS_ACCESS_KEY_ID");
    // Only the access key decides whether this source is configured: botocore ignores a lone
    // secret, but stops on a key without its secret.
    if (!key) return unexpected(credentials_not_found("environment: AWS_ACCESS_KEY_ID is not set"));
    auto secret = m_env("AWS_SECRET_ACCESS_KEY");
    if (!secret)
      return unexpected(credentials_error("environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"));
    Credentials c{*key, *secret, {}, std::nullopt, "environment"};
    // botocore looks at AWS_SECURITY_TOKEN first; we prefer the name every SDK standardised on.
    if (auto token = m_env("AWS_SESSION_TOKEN"))
      c.session_token = *token;
    else if (auto legacy = m_env("AWS_SECURITY_TOKEN"))
      c.session_token = *legacy;
    if (auto expiration = m_env("AWS_CREDENTIAL_EXPIRATION")) {
      c.expiration = util::parse_rfc3339(*expiration);
      if (!c.expiration)
        return unexpected(credentials_error("environment: AWS_CREDENTIAL_EXPIRATION '" + *expiration +
                                            "' is not an ISO 8601 time such as 2024-05-01T12:00:00Z"));
    }
    return c;
  }

 private:
  config::Environment m_env;
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_environment_provider(config::Environment env) {
  return std::make_shared<EnvironmentProvider>(std::move(env));
}

}  // namespace spawn::aws::auth
