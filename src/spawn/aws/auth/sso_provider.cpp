#include "spawn/aws/auth/sso_provider.hpp"

#include "spawn/aws/sso/client.hpp"
#include "spawn/aws/sso/token_cache.hpp"
#include "spawn/util/time.hpp"

namespace spawn::aws::auth {
namespace {

class SsoProvider final : public CredentialsProvider {
 public:
  SsoProvider(SsoProfile profile, SsoOptions options) : m_profile(std::move(profile)), m_options(std::move(options)) {
    if (!m_options.clock) m_options.clock = [] { return std::chrono::system_clock::now(); };
  }

  Result<Credentials> get() override {
    if (m_options.home.empty())
      return unexpected(credentials_error("profile " + m_profile.profile +
                                          " uses IAM Identity Center (SSO), but HOME is not set, so its token cache "
                                          "(~/.aws/sso/cache) cannot be found"));
    const std::string path = sso::token_cache_path(m_options.home, m_profile.cache_key());
    auto cached = sso::read_token_cache(path);
    if (!cached) return unexpected(cached.error());
    if (!*cached) return login_required("has no SSO login (no token in " + path + ")");
    const auto expires = (*cached)->expires_at;
    if (expires <= m_options.clock())
      return login_required("has an SSO login that expired at " + util::format_rfc3339(expires));
    if (!m_options.services)
      return unexpected(credentials_error("spawn has no way to reach the SSO portal here"));

    sso::Client client(m_options.services(services::sso, m_profile.region, nullptr));
    auto credentials = client.get_role_credentials(
        m_profile.role_name, m_profile.account_id, (*cached)->access_token,
        "SSO role " + m_profile.role_name + " in account " + m_profile.account_id + " (profile " + m_profile.profile + ")");
    if (!credentials) {
      Error e = credentials.error();
      if (e.code == "UnauthorizedException") {
        e.message = "profile " + m_profile.profile + ": the SSO portal no longer accepts its login; run " + login();
      } else {
        e.message = "profile " + m_profile.profile + ": the SSO portal gave no credentials for role " +
                    m_profile.role_name + " in account " + m_profile.account_id + ": " +
                    (e.message.empty() ? e.code : e.message);
      }
      return unexpected(std::move(e));
    }
    return credentials;
  }

 private:
  // "`aws sso login --profile dev` (or `aws sso login --sso-session corp`)"
  std::string login() const {
    std::string out = "`" + m_profile.login_command() + "`";
    if (!m_profile.session_name.empty()) out += " (or `aws sso login --sso-session " + m_profile.session_name + "`)";
    return out;
  }
  Result<Credentials> login_required(const std::string& what) const {
    return unexpected(local_error("SSOLoginRequired", "profile " + m_profile.profile + " " + what + "; run " +
                                                          login() + ", then spawn again"));
  }

  SsoProfile m_profile;
  SsoOptions m_options;
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_sso_provider(SsoProfile profile, SsoOptions options) {
  return std::make_shared<SsoProvider>(std::move(profile), std::move(options));
}

}  // namespace spawn::aws::auth
