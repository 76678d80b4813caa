#include "spawn/aws/auth/unsupported_source_guard.hpp"

#include <array>

namespace spawn::aws::auth {
namespace {

constexpr std::array<const char*, 5> k_sso_keys = {"sso_start_url", "sso_session", "sso_account_id", "sso_role_name",
                                                   "sso_region"};

class UnsupportedSourceGuard final : public CredentialsProvider {
 public:
  UnsupportedSourceGuard(config::Environment env, std::shared_ptr<const config::SharedFiles> files,
                         std::string profile, ProfileFlag flag)
      : m_env(std::move(env)), m_files(std::move(files)), m_profile(std::move(profile)), m_flag(flag) {}

  Result<Credentials> get() override {
    const config::Profile profile = m_files->profile(m_profile);
    // The AWS CLI can do it for us: either way below goes through its own provider chain.
    const std::string later = ", which spawn cannot do itself yet; use another profile with `credential_process = aws "
                              "configure export-credentials --profile " + m_profile + " --format process`, or "
                              "eval \"$(aws configure export-credentials --profile " + m_profile + " --format env)\"";
    if (m_flag == ProfileFlag::absent && m_env("AWS_ROLE_ARN") && m_env("AWS_WEB_IDENTITY_TOKEN_FILE"))
      return unexpected(credentials_error("AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE asks for web identity federation" + later));
    if (auto role = profile.get("role_arn")) {
      const char* kind = profile.get("web_identity_token_file") ? "web identity federation" : "an assumed role";
      return unexpected(credentials_error(role->origin + " asks for " + kind + later));
    }
    for (const char* key : k_sso_keys)
      if (auto sso = profile.get(key)) return unexpected(credentials_error(sso->origin + " asks for IAM Identity Center (SSO)" + later));
    return unexpected(credentials_not_found("assume role, web identity, SSO: not configured in profile " + m_profile));
  }

 private:
  config::Environment m_env;
  std::shared_ptr<const config::SharedFiles> m_files;
  std::string m_profile;
  ProfileFlag m_flag;
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_unsupported_source_guard(config::Environment env,
                                                                   std::shared_ptr<const config::SharedFiles> files,
                                                                   std::string profile, ProfileFlag flag) {
  if (!files) files = std::make_shared<const config::SharedFiles>();
  return std::make_shared<UnsupportedSourceGuard>(std::move(env), std::move(files), std::move(profile), flag);
}

}  // namespace spawn::aws::auth
