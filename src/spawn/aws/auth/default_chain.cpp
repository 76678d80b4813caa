#include "spawn/aws/auth/default_chain.hpp"

#include <cctype>

#include "spawn/aws/auth/assume_role_provider.hpp"
#include "spawn/aws/auth/chain_provider.hpp"
#include "spawn/aws/auth/environment_provider.hpp"
#include "spawn/aws/auth/instance_role_provider.hpp"
#include "spawn/aws/auth/profile_provider.hpp"
#include "spawn/aws/auth/role_profile.hpp"
#include "spawn/aws/auth/sso_provider.hpp"
#include "spawn/aws/auth/web_identity_provider.hpp"
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

// The providers of one profile (botocore's ProfileProviderBuilder): web identity, SSO, static
// keys in the credentials file, credential_process, static keys in the config file. env is
// empty for a source profile and with --profile (the environment's web identity is not used).
Result<std::vector<std::shared_ptr<CredentialsProvider>>> profile_providers(const DefaultChainInputs& in,
                                                                           const std::string& name,
                                                                           const config::Environment& env) {
  const auto& files = in.files;
  std::vector<std::shared_ptr<CredentialsProvider>> out;
  auto web = resolve_web_identity(env, files->profile(name));
  if (!web) return unexpected(web.error());
  if (*web)
    out.push_back(make_web_identity_provider(std::move(**web), {in.sts_region, in.services, in.clock}));
  else
    out.push_back(std::make_shared<LeftOut>("web identity: no web_identity_token_file in profile " + name));
  auto sso = resolve_sso_profile(*files, name);
  if (!sso) return unexpected(sso.error());
  if (*sso) {
    const config::Environment& real = in.env;
    auto home = real ? real("HOME") : std::nullopt;
    out.push_back(make_sso_provider(std::move(**sso), {home.value_or(""), in.services, in.clock}));
  } else {
    out.push_back(std::make_shared<LeftOut>("SSO: no sso_account_id or sso_role_name in profile " + name));
  }
  out.push_back(make_profile_provider(files, name, ProfileFile::credentials));
  out.push_back(make_process_provider(files, name, in.process));
  out.push_back(make_profile_provider(files, name, ProfileFile::config));
  return out;
}

Result<std::shared_ptr<CredentialsProvider>> instance_role(const DefaultChainInputs& in, const config::Environment& env,
                                                           const config::Profile& profile) {
  auto options = imds_options(env, profile);
  if (!options) return unexpected(options.error());
  return make_instance_role_provider(std::make_shared<imds::Client>(in.transport, *options));
}

// The credentials that assume the first role of the plan, behind their own cache (a chain of
// roles refreshes each link only when it is about to expire).
Result<std::shared_ptr<CredentialsProvider>> role_source(const DefaultChainInputs& in, const RolePlan& plan,
                                                         const config::Profile& profile) {
  const config::Environment& env = in.env;
  std::shared_ptr<CredentialsProvider> source;
  switch (plan.source) {
    case RoleSource::environment:
      source = make_environment_provider(env);
      break;
    case RoleSource::container:
    case RoleSource::instance_metadata:
      if (!in.transport) return std::shared_ptr<CredentialsProvider>(std::make_shared<LeftOut>("no transport"));
      if (plan.source == RoleSource::container) {
        source = make_container_provider(env, in.transport, in.container);
      } else {
        auto imds = instance_role(in, env, profile);
        if (!imds) return unexpected(imds.error());
        source = *imds;
      }
      break;
    case RoleSource::profile: {
      auto providers = profile_providers(in, plan.source_profile, config::Environment());
      if (!providers) return unexpected(providers.error());
      source = make_chain_provider(std::move(*providers));
      break;
    }
  }
  return make_caching_provider(std::move(source), {std::chrono::seconds(300), std::chrono::seconds(10), in.clock});
}

Result<std::shared_ptr<CredentialsProvider>> role_chain(const DefaultChainInputs& in, const RolePlan& plan,
                                                        const config::Profile& profile) {
  auto source = role_source(in, plan, profile);
  if (!source) return unexpected(source.error());
  std::shared_ptr<CredentialsProvider> current = *source;
  for (size_t i = 0; i < plan.roles.size(); ++i) {
    current = make_assume_role_provider(plan.roles[i], current, {in.sts_region, in.services, in.mfa_prompt, in.clock});
    // Each role but the last is the source of the next; the last is cached by the caller.
    if (i + 1 < plan.roles.size())
      current = make_caching_provider(current, {std::chrono::seconds(300), std::chrono::seconds(10), in.clock});
  }
  return current;
}

}  // namespace

Result<std::shared_ptr<CredentialsProvider>> make_default_chain(const DefaultChainInputs& given) {
  DefaultChainInputs in = given;
  if (!in.files) in.files = std::make_shared<const config::SharedFiles>();
  if (!in.env) in.env = config::fixed_environment({});
  const config::Environment env = in.env;
  const config::Profile profile = in.files->profile(in.profile);

  std::vector<std::shared_ptr<CredentialsProvider>> chain;
  if (in.profile_flag == ProfileFlag::absent)
    chain.push_back(make_environment_provider(env));
  else
    chain.push_back(std::make_shared<LeftOut>("environment: not used because --profile was given"));

  auto plan = resolve_role_plan(*in.files, in.profile);
  if (!plan) return unexpected(plan.error());
  if (*plan) {
    auto roles = role_chain(in, **plan, profile);
    if (!roles) return unexpected(roles.error());
    chain.push_back(*roles);
  } else {
    chain.push_back(std::make_shared<LeftOut>("assume role: no role_arn in profile " + in.profile));
  }
  auto own = profile_providers(in, in.profile, in.profile_flag == ProfileFlag::absent ? env : config::Environment());
  if (!own) return unexpected(own.error());
  for (auto& p : *own) chain.push_back(std::move(p));

  if (in.transport) {
    chain.push_back(make_container_provider(env, in.transport, in.container));
    auto disabled = env("AWS_EC2_METADATA_DISABLED");
    if (!disabled || !config::is_true(*disabled)) {
      auto imds = instance_role(in, env, profile);
      if (!imds) return unexpected(imds.error());
      chain.push_back(*imds);
    } else {
      chain.push_back(std::make_shared<LeftOut>("instance role: AWS_EC2_METADATA_DISABLED is true"));
    }
  }
  return make_chain_provider(std::move(chain));
}

}  // namespace spawn::aws::auth
