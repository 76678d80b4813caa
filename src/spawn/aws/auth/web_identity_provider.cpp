#include "spawn/aws/auth/web_identity_provider.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "spawn/aws/sts/client.hpp"

namespace spawn::aws::auth {
namespace {

constexpr std::size_t k_max_token = 64 << 10;

class WebIdentityProvider final : public CredentialsProvider {
 public:
  WebIdentityProvider(WebIdentitySettings settings, WebIdentityOptions options)
      : m_settings(std::move(settings)), m_options(std::move(options)) {
    if (!m_options.clock) m_options.clock = [] { return std::chrono::system_clock::now(); };
  }

  Result<Credentials> get() override {
    const std::string what = "web identity role " + m_settings.role_arn.value;
    const std::string& path = m_settings.token_file.value;
    std::ifstream in(path, std::ios::binary);
    if (!in)
      return unexpected(credentials_error("cannot read the web identity token " + path + " (" +
                                          m_settings.token_file.origin + "): " + std::strerror(errno)));
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.empty())
      return unexpected(credentials_error("the web identity token " + path + " (" + m_settings.token_file.origin +
                                          ") is empty"));
    if (token.size() > k_max_token)
      return unexpected(credentials_error("the web identity token " + path + " is too large to be a token"));
    if (!m_options.services)
      return unexpected(credentials_error("cannot assume " + what + ": spawn has no way to reach STS here"));

    sts::WebIdentityInput input;
    input.role_arn = m_settings.role_arn.value;
    input.role_session_name = m_settings.role_session_name;
    if (input.role_session_name.empty()) {
      auto seconds = std::chrono::duration_cast<std::chrono::seconds>(m_options.clock().time_since_epoch()).count();
      input.role_session_name = "spawn-session-" + std::to_string(seconds);
    }
    input.web_identity_token = std::move(token);
    sts::Client client(m_options.services(services::sts, m_options.sts_region, nullptr));
    auto assumed = client.assume_role_with_web_identity(input, what);
    if (!assumed) {
      Error e = assumed.error();
      e.message = "cannot assume " + what + " (" + m_settings.role_arn.origin + "): " +
                  (e.message.empty() ? e.code : e.message);
      return unexpected(std::move(e));
    }
    return assumed;
  }

 private:
  WebIdentitySettings m_settings;
  WebIdentityOptions m_options;
};

}  // namespace

Result<std::optional<WebIdentitySettings>> resolve_web_identity(const config::Environment& env,
                                                                const config::Profile& profile) {
  auto pick = [&](const char* variable, const char* key) -> std::optional<config::Setting> {
    if (env) {
      if (auto v = env(variable)) return config::Setting{*v, variable};
    }
    return profile.get(key);
  };
  auto token_file = pick("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file");
  if (!token_file) return std::optional<WebIdentitySettings>();
  auto role_arn = pick("AWS_ROLE_ARN", "role_arn");
  if (!role_arn)
    return unexpected(local_error("InvalidConfig", token_file->origin +
                                                       " asks for web identity federation, but no role ARN is set "
                                                       "(AWS_ROLE_ARN or role_arn in profile " + profile.name() + ")"));
  WebIdentitySettings out{*token_file, *role_arn, {}};
  if (auto name = pick("AWS_ROLE_SESSION_NAME", "role_session_name")) out.role_session_name = name->value;
  return std::optional<WebIdentitySettings>(std::move(out));
}

std::shared_ptr<CredentialsProvider> make_web_identity_provider(WebIdentitySettings settings, WebIdentityOptions options) {
  return std::make_shared<WebIdentityProvider>(std::move(settings), std::move(options));
}

}  // namespace spawn::aws::auth
