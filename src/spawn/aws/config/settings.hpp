#pragma once
// Where spawn talks to and as whom: region, endpoints, credentials and retry settings,
// resolved the way the AWS SDKs and CLI do.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/auth/default_chain.hpp"
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

// How load() turns what it resolved into credentials: spawn passes auth::make_default_chain
// (every profile kind of the AWS CLI). spored passes nullptr: it signs with the instance role it
// holds and reads the settings for endpoints only, so the chain (STS, SSO, processes) is not
// linked into the static agent. With nullptr, credentials() answers CredentialsError.
using ChainBuilder = Result<std::shared_ptr<auth::CredentialsProvider>> (*)(const auth::DefaultChainInputs&);

// A service's endpoint when nothing is configured, by the partition of the region
// (aws/config/partitions.hpp): https://<prefix>.<region>.<dns suffix> (amazonaws.com,
// amazonaws.com.cn in China). IAM is global, one endpoint per partition
// (https://iam.amazonaws.com, https://iam.us-gov.amazonaws.com,
// https://iam.cn-north-1.amazonaws.com.cn); Pricing is the partition's Price List API whatever
// the region (us-east-1; cn-northwest-1 in China; GovCloud has none: see price_list_endpoint()).
std::string default_endpoint(std::string_view service_id, std::string_view endpoint_prefix, std::string_view region);

// The region a service's requests are signed for when working in region: IAM's and the Price
// List API's own region in the partition (us-east-1, us-gov-west-1, cn-north-1 for IAM;
// us-east-1, cn-northwest-1 for Pricing); the region itself for regional services.
std::string default_signing_region(std::string_view service_id, std::string_view region);

class Settings {
 public:
  // Resolves everything but the credentials (fetched lazily by the provider).
  // Region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region; an error with code
  // "InvalidConfig" when none is set. Profile: --profile, AWS_PROFILE, AWS_DEFAULT_PROFILE, "default".
  // The transport is used by the credential providers that call HTTP (container, IMDS).
  // Other "InvalidConfig" errors, each naming the flag, variable or file and key: a profile
  // named by --profile / AWS_PROFILE / AWS_DEFAULT_PROFILE that neither file has, a shared file
  // that cannot be read or parsed, a malformed region, endpoint URL, max_attempts, retry_mode
  // or IMDS setting, a profile's services = name without its [services name] section (or with
  // an entry there that is not an indented block).
  // chain: see ChainBuilder. A role, web identity or SSO profile set up wrong (a source_profile
  // loop, a missing sso-session) is an "InvalidConfig" error here, before anything is sent.
  static Result<Settings> load(const Overrides& overrides, const Environment& env,
                               std::shared_ptr<http::Transport> transport, ChainBuilder chain);

  // Only the credentials provider, resolved as load() does it but without needing a region
  // (STS is then called in AWS_REGION, the profile's region, or us-east-1). Same errors, minus
  // the region's.
  static Result<std::shared_ptr<auth::CredentialsProvider>> load_credentials(
      const Overrides& overrides, const Environment& env, std::shared_ptr<http::Transport> transport,
      ChainBuilder chain);

  const std::string& region() const { return m_region; }
  const std::string& profile() const { return m_profile; }

  // The endpoint URL for a service, e.g. endpoint("EC2", "ec2") for the service id and its
  // endpoint prefix. Order: --endpoint-url, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL,
  // the profile's services section, the profile's endpoint_url, then the regional default
  // (https://ec2.us-east-1.amazonaws.com; IAM and pricing: the partition's own, see default_endpoint()).
  // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's ignore_configured_endpoint_urls)
  // skips all but --endpoint-url. <SERVICE> is the service id upper-cased with spaces as
  // underscores (AWS_ENDPOINT_URL_EC2); in the services section the key is the id lower-cased
  // the same way ("ec2", "pricing") holding an indented endpoint_url. The values of spawn's own
  // services (EC2, S3, SNS, SSM, IAM, STS, Pricing) are validated by load().
  // region: the region to build the default for (another region than this one's); empty: this one.
  std::string endpoint(std::string_view service_id, std::string_view endpoint_prefix,
                       std::string_view region = {}) const;

  // The credentials provider: the SDK default chain behind a cache (auth/default_chain.hpp).
  std::shared_ptr<auth::CredentialsProvider> credentials() const { return m_credentials; }

  int max_attempts() const { return m_max_attempts; }  // AWS_MAX_ATTEMPTS / max_attempts, default 3
  RetryMode retry_mode() const { return m_retry_mode; }  // AWS_RETRY_MODE / retry_mode, default standard
  // AWS_CA_BUNDLE / ca_bundle: a PEM file of the certificates to trust instead of the system's
  // (a TLS-inspecting proxy, a private endpoint); "" when not set. A file that cannot be read is
  // an "InvalidConfig" error of load().
  const std::string& ca_bundle() const { return m_ca_bundle; }

  // For tests and spored: settings given directly (default endpoints, 3 attempts, standard).
  Settings(std::string region, std::string profile,
           std::shared_ptr<auth::CredentialsProvider> credentials);

 private:
  Settings() = default;
  std::string m_region;
  std::string m_profile = "default";
  std::optional<std::string> m_cli_endpoint;             // --endpoint-url
  bool m_ignore_configured_endpoints = false;
  Environment m_env;                                     // for AWS_ENDPOINT_URL_<SERVICE>; empty: none
  std::optional<std::string> m_env_endpoint;             // AWS_ENDPOINT_URL
  std::map<std::string, std::string> m_service_endpoints;  // services section: "ec2" -> url
  std::optional<std::string> m_profile_endpoint;         // the profile's endpoint_url
  std::shared_ptr<auth::CredentialsProvider> m_credentials;
  int m_max_attempts = 3;
  RetryMode m_retry_mode = RetryMode::standard;
  std::string m_ca_bundle;
};

}  // namespace spawn::aws::config
