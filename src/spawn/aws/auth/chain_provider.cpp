#include "spawn/aws/auth/chain_provider.hpp"

namespace spawn::aws::auth {
namespace {

class ChainProvider final : public CredentialsProvider {
 public:
  explicit ChainProvider(std::vector<std::shared_ptr<CredentialsProvider>> providers)
      : m_providers(std::move(providers)) {}

  Result<Credentials> get() override {
    std::string tried;
    for (const auto& provider : m_providers) {
      auto credentials = provider->get();
      if (credentials) return credentials;
      Error e = credentials.error();
      if (e.code != k_credentials_not_found) {
        // A transient failure (no reply, throttling, 5xx) has had its retries inside the
        // provider: as CredentialsError the caller's retry loop does not run them all again.
        // Other codes are kept: STS's or the SSO portal's own (AccessDenied, with its request
        // id), InvalidConfig, SSOLoginRequired, MFACodeRequired each get their own hint.
        if (retryable(e)) e.code = std::string(k_credentials_error);
        return unexpected(std::move(e));
      }
      tried += (tried.empty() ? " " : "; ") + e.message;
    }
    return unexpected(credentials_error("no AWS credentials found. Tried, in order:" + tried));
  }

 private:
  std::vector<std::shared_ptr<CredentialsProvider>> m_providers;
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_chain_provider(std::vector<std::shared_ptr<CredentialsProvider>> providers) {
  return std::make_shared<ChainProvider>(std::move(providers));
}

}  // namespace spawn::aws::auth
