#pragma once
// Where spawn talks to and as whom: region, endpoints, credentials and retry settings,
// resolved the way the AWS SDKs and CLI do.
#include <memory>
#include <optional>
#include <string>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/config/environment.hpp"
#include "spawn/aws/error.hpp"
#include "spawn/aws/http/transport.hpp"

namespace spawn::aws::config {

// What the command line says (flags win over everything).
struct Overrides {
  std::optional<std::string> region;        // --region
  std::optional<std::string> profile;       // --profile
  std::optional<std::string> endpoint_url;  // --endpoint-url (applies to every service)
};

enum class RetryMode { standard, legacy, adaptive };

class Settings {
 public:
  // Resolves everything but the credentials (fetched lazily by the provider).
  // Region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region; an error with code
  // "InvalidConfig" when none is set. Profile: --profile, AWS_PROFILE, AWS_DEFAULT_PROFILE, "default".
  // The transport is used by the credential providers that call HTTP (container, IMDS).
  static Result<Settings> load(const Overrides& overrides, const Environment& env,
                               std::shared_ptr<http::Transport> transport);

  const std::string& region() const { return m_region; }
  const std::string& profile() const { return m_profile; }

  // The endpoint URL for a service, e.g. endpoint("EC2", "ec2") for the service id and its
  // endpoint prefix. Order: --endpoint-url, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL,
  // the profile's services section, the profile's endpoint_url, then the regional default
  // (https://ec2.us-east-1.amazonaws.com; pricing is always us-east-1 unless configured).
  // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's ignore_configured_endpoint_urls)
  // skips all but --endpoint-url.
  std::string endpoint(std::string_view service_id, std::string_view endpoint_prefix) const;

  // The credentials provider: the SDK default chain behind a cache.
  std::shared_ptr<auth::CredentialsProvider> credentials() const { return m_credentials; }

  int max_attempts() const { return m_max_attempts; }  // AWS_MAX_ATTEMPTS / max_attempts, default 3
  RetryMode retry_mode() const { return m_retry_mode; }  // AWS_RETRY_MODE / retry_mode

  // For tests and spored: settings given directly.
  Settings(std::string region, std::string profile,
           std::shared_ptr<auth::CredentialsProvider> credentials);

 private:
  Settings() = default;
  std::string m_region;
  std::string m_profile = "default";
  std::optional<std::string> m_cli_endpoint;
  std::map<std::string, std::string> m_endpoint_overrides;  // upper-case service id or "" -> url
  bool m_ignore_configured_endpoints = false;
  std::shared_ptr<auth::CredentialsProvider> m_credentials;
  int m_max_attempts = 3;
  RetryMode m_retry_mode = RetryMode::standard;
};

}  // namespace spawn::aws::config
