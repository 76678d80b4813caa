#include "spawn/aws/auth/profile_provider.hpp"

namespace spawn::aws::auth {
namespace {

class ProfileProvider final : public CredentialsProvider {
 public:
  ProfileProvider(std::shared_ptr<const config::SharedFiles> files, std::string profile, ProfileFile file)
      : m_files(std::move(files)), m_profile(std::move(profile)), m_file(file) {}

  Result<Credentials> get() override {
    const bool creds_file = m_file == ProfileFile::credentials;
    const std::string& path = creds_file ? m_files->credentials_path() : m_files->config_path();
    const std::string label =
        (creds_file ? "shared credentials file (" : "config file (") + (path.empty() ? "none" : path) + ")";
    const std::string source = label + ", profile " + m_profile;
    const config::IniSection* section =
        creds_file ? m_files->credentials_section(m_profile) : m_files->config_section(m_profile);
    if (section == nullptr) return unexpected(credentials_not_found(label + ": no profile " + m_profile));
    const config::IniValue* key = section->find("aws_access_key_id");
    if (key == nullptr) return unexpected(credentials_not_found(source + ": no aws_access_key_id"));
    const config::IniValue* secret = section->find("aws_secret_access_key");
    if (key->text.empty()) return unexpected(credentials_error(source + ": aws_access_key_id is empty"));
    if (secret == nullptr || secret->text.empty())
      return unexpected(credentials_error(source + ": aws_access_key_id is set but aws_secret_access_key is not"));
    Credentials c{key->text, secret->text, {}, std::nullopt, source};
    // As for the environment, the standard name wins over the legacy one.
    if (const config::IniValue* token = section->find("aws_session_token"))
      c.session_token = token->text;
    else if (const config::IniValue* legacy = section->find("aws_security_token"))
      c.session_token = legacy->text;
    return c;
  }

 private:
  std::shared_ptr<const config::SharedFiles> m_files;
  std::string m_profile;
  ProfileFile m_file;
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_profile_provider(std::shared_ptr<const config::SharedFiles> files,
                                                           std::string profile, ProfileFile file) {
  if (!files) files = std::make_shared<const config::SharedFiles>();
  return std::make_shared<ProfileProvider>(std::move(files), std::move(profile), file);
}

}  // namespace spawn::aws::auth
