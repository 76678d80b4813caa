#include "spawn/aws/auth/default_chain.hpp"

#include <cctype>

#include "spawn/aws/auth/chain_provider.hpp"
#include "spawn/aws/auth/environment_provider.hpp"
#include "spawn/aws/auth/instance_role_provider.hpp"
#include "spawn/aws/auth/profile_provider.hpp"
#include "spawn/aws/imds/client.hpp"
#include "spawn/util/url.hpp"

namespace spawn::aws::auth {
namespace {

constexpr const char* k_imds_ipv4 = "http://169.254.169.254";
constexpr const char* k_imds_ipv6 = "http://[fd00:ec2::254]";

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A source left out of the chain, so that the "tried" list still says why.
class LeftOut final : public CredentialsProvider {
 public:
  explicit LeftOut(std::string reason) : m_reason(std::move(reason)) {}
  Result<Credentials> get() override { return unexpected(credentials_not_found(m_reason)); }

 private:
  std::string m_reason;
};

// botocore's IMDS settings for the credentials fetcher (one short attempt by default).
Result<imds::Options> imds_options(const config::Environment& env, const config::Profile& profile) {
  imds::Options options;
  options.timeout = std::chrono::seconds(1);
  options.max_attempts = 1;
  if (auto endpoint = config::lookup(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT", profile, "ec2_metadata_service_endpoint")) {
    if (!util::parse_url(endpoint->value))
      return unexpected(local_error("InvalidConfig", endpoint->origin + " must be an http:// or https:// URL, not '" +
                                                         endpoint->value + "'"));
    options.endpoint = endpoint->value;
    while (options.endpoint.ends_with('/')) options.endpoint.pop_back();
  } else if (auto mode = config::lookup(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", profile,
                                        "ec2_metadata_service_endpoint_mode")) {
    std::string m = lower(mode->value);
    if (m != "ipv4" && m != "ipv6")
      return unexpected(local_error("InvalidConfig", mode->origin + " must be IPv4 or IPv6, not '" + mode->value + "'"));
    options.endpoint = m == "ipv6" ? k_imds_ipv6 : k_imds_ipv4;
  } else {
    options.endpoint = k_imds_ipv4;
  }
  if (auto timeout = config::lookup(env, "AWS_METADATA_SERVICE_TIMEOUT", profile, "metadata_service_timeout")) {
    auto seconds = config::positive_int(*timeout);
    if (!seconds) return unexpected(seconds.error());
    options.timeout = std::chrono::seconds(*seconds);
  }
  if (auto attempts = config::lookup(env, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", profile, "metadata_service_num_attempts")) {
    auto n = config::positive_int(*attempts);
    if (!n) return unexpected(n.error());
    options.max_attempts = *n;
  }
  return options;
}

}  // namespace

Result<std::shared_ptr<CredentialsProvider>> make_default_chain(const DefaultChainInputs& in) {
  auto files = in.files ? in.files : std::make_shared<const config::SharedFiles>();
  const config::Environment env = in.env ? in.env : config::fixed_environment({});
  const config::Profile profile = files->profile(in.profile);

  std::vector<std::shared_ptr<CredentialsProvider>> chain;
  if (in.profile_flag == ProfileFlag::absent)
    chain.push_back(make_environment_provider(env));
  else
    chain.push_back(std::make_shared<LeftOut>("environment: not used because --profile was given"));
  chain.push_back(make_unsupported_source_guard(env, files, in.profile, in.profile_flag));
  chain.push_back(make_profile_provider(files, in.profile, ProfileFile::credentials));
  chain.push_back(make_process_provider(files, in.profile, in.process));
  chain.push_back(make_profile_provider(files, in.profile, ProfileFile::config));
  if (in.transport) {
    chain.push_back(make_container_provider(env, in.transport, in.container));
    auto disabled = env("AWS_EC2_METADATA_DISABLED");
    if (!disabled || !config::is_true(*disabled)) {
      auto options = imds_options(env, profile);
      if (!options) return unexpected(options.error());
      chain.push_back(make_instance_role_provider(std::make_shared<imds::Client>(in.transport, *options)));
    } else {
      chain.push_back(std::make_shared<LeftOut>("instance role: AWS_EC2_METADATA_DISABLED is true"));
    }
  }
  return make_chain_provider(std::move(chain));
}

}  // namespace spawn::aws::auth
