#include "spawn/aws/auth/assume_role_provider.hpp"

#include "spawn/aws/sts/client.hpp"

namespace spawn::aws::auth {
namespace {

class AssumeRoleProvider final : public CredentialsProvider {
 public:
  AssumeRoleProvider(RoleStep role, std::shared_ptr<CredentialsProvider> source, AssumeRoleOptions options)
      : m_role(std::move(role)), m_source(std::move(source)), m_options(std::move(options)) {
    if (!m_options.clock) m_options.clock = [] { return std::chrono::system_clock::now(); };
  }

  Result<Credentials> get() override {
    const std::string what = "role " + m_role.role_arn + " (profile " + m_role.profile + ")";
    if (!m_options.services)
      return unexpected(credentials_error("cannot assume " + what + ": spawn has no way to reach STS here"));
    // The source first, so that its own errors (an expired SSO login, a missing key) come as they are.
    auto source = m_source->get();
    if (!source) {
      Error e = source.error();
      // Found nothing is not "move on" here, as in botocore: the profile named its source.
      if (e.code == k_credentials_not_found)
        return unexpected(credentials_error("no credentials to assume " + what + " with: " + e.message));
      return unexpected(std::move(e));
    }

    sts::AssumeRoleInput in;
    in.role_arn = m_role.role_arn;
    in.role_session_name = m_role.role_session_name;
    if (in.role_session_name.empty()) {
      auto seconds = std::chrono::duration_cast<std::chrono::seconds>(m_options.clock().time_since_epoch()).count();
      in.role_session_name = "spawn-session-" + std::to_string(seconds);
    }
    in.external_id = m_role.external_id;
    in.duration_seconds = m_role.duration_seconds;
    if (!m_role.mfa_serial.empty()) {
      in.serial_number = m_role.mfa_serial;
      auto code = m_options.mfa_prompt ? m_options.mfa_prompt("Enter MFA code for " + m_role.mfa_serial + ": ")
                                       : expected<std::string, std::string>(unexpected(std::string("no prompt")));
      if (!code)
        return unexpected(local_error("MFACodeRequired", "assuming " + what + " needs an MFA code (mfa_serial " +
                                                             m_role.mfa_serial + "), but " + code.error()));
      in.token_code = std::move(*code);
    }

    auto fixed = std::make_shared<Fixed>(std::move(*source));
    sts::Client client(m_options.services(services::sts, m_options.sts_region, fixed));
    auto assumed = client.assume_role(in, "assumed " + what);
    if (!assumed) {
      Error e = assumed.error();
      e.message = "cannot assume " + what + ": " + (e.message.empty() ? e.code : e.message);
      return unexpected(std::move(e));
    }
    return assumed;
  }

 private:
  // The source's credentials of this get(), so that STS's retries sign with the same ones.
  class Fixed final : public CredentialsProvider {
   public:
    explicit Fixed(Credentials c) : m_credentials(std::move(c)) {}
    Result<Credentials> get() override { return m_credentials; }

   private:
    Credentials m_credentials;
  };

  RoleStep m_role;
  std::shared_ptr<CredentialsProvider> m_source;
  AssumeRoleOptions m_options;
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_assume_role_provider(RoleStep role, std::shared_ptr<CredentialsProvider> source,
                                                               AssumeRoleOptions options) {
  return std::make_shared<AssumeRoleProvider>(std::move(role), std::move(source), std::move(options));
}

}  // namespace spawn::aws::auth
