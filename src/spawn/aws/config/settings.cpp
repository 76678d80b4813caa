#include "spawn/aws/config/settings.hpp"

#include <unistd.h>

#include <array>
#include <cctype>

#include "spawn/aws/auth/caching_provider.hpp"
#include "spawn/aws/config/partitions.hpp"
#include "spawn/aws/config/shared_files.hpp"
#include "spawn/aws/http/retry.hpp"
#include "spawn/aws/service_client.hpp"
#include "spawn/util/terminal_prompt.hpp"
#include "spawn/util/url.hpp"

namespace spawn::aws::config {
namespace {

// The services spawn calls; their configured endpoints are checked at load().
constexpr std::array<std::string_view, 8> k_spawn_services = {"EC2", "S3", "SNS", "SSM", "IAM", "STS", "Pricing", "SSO"};

Error invalid(std::string message) { return local_error("InvalidConfig", std::move(message)); }

// "Pricing" -> "AWS_ENDPOINT_URL_PRICING"; "Cost Explorer" -> "AWS_ENDPOINT_URL_COST_EXPLORER".
std::string service_env_var(std::string_view service_id) {
  std::string out = "AWS_ENDPOINT_URL_";
  for (char c : service_id) out += c == ' ' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "Cost Explorer" -> "cost_explorer": the key in a [services] section.
std::string service_key(std::string_view service_id) {
  std::string out;
  for (char c : service_id) out += c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<std::string> checked_url(const Setting& s) {
  if (!util::parse_url(s.value))
    return unexpected(invalid(s.origin + " must be an http:// or https:// URL, not '" + s.value + "'"));
  return s.value;
}

// botocore's validate_region_name: it ends up in host names, so nothing else gets through.
bool valid_region(std::string_view r) {
  if (r.empty() || r.size() > 63) return false;
  for (char c : r)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  return r.front() != '-' && r.back() != '-';
}

// The profile, the files and the profile's values: what both load() and load_credentials() need.
struct Context {
  std::string profile = "default";
  auth::ProfileFlag flag = auth::ProfileFlag::absent;
  std::shared_ptr<const SharedFiles> files;
  Profile values;
};

Result<Context> resolve_context(const Overrides& overrides, const Environment& env) {
  Context ctx;
  std::optional<Setting> named;
  if (overrides.profile && !overrides.profile->empty()) {
    named = Setting{*overrides.profile, "--profile"};
    ctx.flag = auth::ProfileFlag::given;
  } else if (auto p = env("AWS_PROFILE")) {
    named = Setting{*p, "AWS_PROFILE"};
  } else if (auto d = env("AWS_DEFAULT_PROFILE")) {
    named = Setting{*d, "AWS_DEFAULT_PROFILE"};
  }
  if (named) ctx.profile = named->value;

  auto files = SharedFiles::load(env);
  if (!files) return unexpected(files.error());
  ctx.files = std::make_shared<const SharedFiles>(std::move(*files));
  ctx.values = ctx.files->profile(ctx.profile);
  // botocore: a profile asked for by name must exist (even "default"); the implicit one need not.
  if (named && !ctx.values.exists()) {
    auto path_or = [](const std::string& p, const char* fallback) { return p.empty() ? std::string(fallback) : p; };
    return unexpected(invalid("the config profile (" + ctx.profile + ") given by " + named->origin +
                              " could not be found in " + path_or(ctx.files->config_path(), "~/.aws/config") +
                              " or " + path_or(ctx.files->credentials_path(), "~/.aws/credentials")));
  }
  return ctx;
}

// STS and the SSO portal for the credential providers, at the endpoints the settings give
// (endpoints null: the defaults), with their own retries.
auth::ServiceFactory service_factory(std::shared_ptr<const Settings> endpoints, std::shared_ptr<http::Transport> transport,
                                     int max_attempts) {
  return [endpoints = std::move(endpoints), transport = std::move(transport), max_attempts](
             const ServiceInfo& info, const std::string& region, std::shared_ptr<auth::CredentialsProvider> credentials) {
    std::string url = endpoints ? endpoints->endpoint(info.service_id, info.endpoint_prefix, region)
                                : default_endpoint(info.service_id, info.endpoint_prefix, region);
    http::RetryPolicy policy;
    policy.max_attempts = max_attempts;
    return std::make_shared<ServiceClient>(info, std::move(url), region, std::move(credentials), transport,
                                           std::make_shared<http::Retrier>(policy, nullptr));
  };
}

// The credentials of settings loaded without a chain (spored's).
class NoChain final : public auth::CredentialsProvider {
 public:
  Result<auth::Credentials> get() override {
    return unexpected(auth::credentials_error("these settings were loaded without a credentials chain"));
  }
};

Result<std::shared_ptr<auth::CredentialsProvider>> credentials_for(const Context& ctx, const Environment& env,
                                                                   std::shared_ptr<http::Transport> transport,
                                                                   std::shared_ptr<const Settings> endpoints,
                                                                   std::string region, int max_attempts,
                                                                   ChainBuilder build) {
  if (build == nullptr) return std::shared_ptr<auth::CredentialsProvider>(std::make_shared<NoChain>());
  auth::DefaultChainInputs inputs;
  inputs.services = service_factory(std::move(endpoints), transport, max_attempts);
  inputs.sts_region = std::move(region);
  inputs.mfa_prompt = [](const std::string& prompt) { return util::prompt_terminal(prompt); };
  inputs.env = env;
  inputs.files = ctx.files;
  inputs.profile = ctx.profile;
  inputs.profile_flag = ctx.flag;
  inputs.transport = std::move(transport);
  auto chain = build(inputs);
  if (!chain) return unexpected(chain.error());
  return auth::make_caching_provider(*chain);
}

Result<std::string> resolve_region(const Overrides& overrides, const Environment& env, const Context& ctx) {
  std::optional<Setting> region;
  if (overrides.region && !overrides.region->empty())
    region = Setting{*overrides.region, "--region"};
  else if (auto r = env("AWS_REGION"))
    region = Setting{*r, "AWS_REGION"};
  else if (auto d = env("AWS_DEFAULT_REGION"))
    region = Setting{*d, "AWS_DEFAULT_REGION"};
  else
    region = ctx.values.get("region");
  if (!region) {
    std::string file = ctx.files->config_path().empty() ? "~/.aws/config" : ctx.files->config_path();
    return unexpected(invalid("no AWS region is set: use --region, set AWS_REGION, or add 'region = us-east-1' to "
                              "profile " + ctx.profile + " in " + file));
  }
  if (!valid_region(region->value))
    return unexpected(invalid(region->origin + " is not a valid region name: '" + region->value + "'"));
  return region->value;
}

}  // namespace

std::string default_endpoint(std::string_view service_id, std::string_view endpoint_prefix, std::string_view region) {
  if (service_id == "IAM") return iam_endpoint(region).url;
  if (service_id == "Pricing")
    if (auto price_list = price_list_endpoint(region)) return price_list->url;
  // Pricing in a partition without it: the regional name, as the SDK's rule set builds it; the
  // callers ask price_list_endpoint() first and do not send anything there.
  return regional_endpoint(endpoint_prefix, region);
}

std::string default_signing_region(std::string_view service_id, std::string_view region) {
  if (service_id == "IAM") return iam_endpoint(region).signing_region;
  if (service_id == "Pricing")
    if (auto price_list = price_list_endpoint(region)) return price_list->signing_region;
  return std::string(region);
}

Settings::Settings(std::string region, std::string profile, std::shared_ptr<auth::CredentialsProvider> credentials)
    : m_region(std::move(region)), m_profile(std::move(profile)), m_credentials(std::move(credentials)) {}

Result<std::shared_ptr<auth::CredentialsProvider>> Settings::load_credentials(
    const Overrides& overrides, const Environment& env, std::shared_ptr<http::Transport> transport,
    ChainBuilder chain) {
  auto ctx = resolve_context(overrides, env);
  if (!ctx) return unexpected(ctx.error());
  std::string region = "us-east-1";  // STS's, when neither the environment nor the profile names one
  if (auto r = lookup(env, "AWS_REGION", ctx->values, "region"); r && valid_region(r->value)) region = r->value;
  return credentials_for(*ctx, env, std::move(transport), nullptr, region, 3, chain);
}

// One block per setting, each in the order flag > environment > profile > default, validated
// as soon as it is found.
Result<Settings> Settings::load(const Overrides& overrides, const Environment& env,
                                std::shared_ptr<http::Transport> transport, ChainBuilder chain) {
  auto ctx = resolve_context(overrides, env);
  if (!ctx) return unexpected(ctx.error());
  Settings s;
  s.m_profile = ctx->profile;
  s.m_env = env;

  auto region = resolve_region(overrides, env, *ctx);
  if (!region) return unexpected(region.error());
  s.m_region = std::move(*region);

  if (overrides.endpoint_url) {
    auto url = checked_url(Setting{*overrides.endpoint_url, "--endpoint-url"});
    if (!url) return unexpected(url.error());
    s.m_cli_endpoint = std::move(*url);
  }
  if (auto ignore = lookup(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", ctx->values, "ignore_configured_endpoint_urls"))
    s.m_ignore_configured_endpoints = is_true(ignore->value);
  if (!s.m_ignore_configured_endpoints) {
    for (std::string_view id : k_spawn_services) {
      if (auto v = env(service_env_var(id))) {
        auto url = checked_url(Setting{*v, service_env_var(id)});
        if (!url) return unexpected(url.error());
      }
    }
    if (auto v = env("AWS_ENDPOINT_URL")) {
      auto url = checked_url(Setting{*v, "AWS_ENDPOINT_URL"});
      if (!url) return unexpected(url.error());
      s.m_env_endpoint = std::move(*url);
    }
    if (auto name = ctx->values.get("services")) {
      const IniSection* section = ctx->files->services_section(name->value);
      if (section == nullptr)
        return unexpected(invalid(name->origin + " names [services " + name->value + "], which " +
                                  ctx->files->config_path() + " does not have"));
      for (const auto& [key, value] : section->values) {
        std::string origin = "[services " + name->value + "] " + key + " (" + ctx->files->config_path() + ")";
        if (!value.sub_properties)
          return unexpected(invalid(origin + " must be a block of indented settings, e.g. '" + key +
                                    " =' then '  endpoint_url = http://...'"));
        auto it = value.sub_properties->find("endpoint_url");
        if (it == value.sub_properties->end()) continue;
        auto url = checked_url(Setting{it->second, "endpoint_url in " + origin});
        if (!url) return unexpected(url.error());
        s.m_service_endpoints[key] = std::move(*url);
      }
    }
    if (auto v = ctx->values.get("endpoint_url")) {
      auto url = checked_url(*v);
      if (!url) return unexpected(url.error());
      s.m_profile_endpoint = std::move(*url);
    }
  }

  if (auto attempts = lookup(env, "AWS_MAX_ATTEMPTS", ctx->values, "max_attempts")) {
    auto n = positive_int(*attempts);
    if (!n) return unexpected(n.error());
    s.m_max_attempts = *n;
  }

  if (auto mode = lookup(env, "AWS_RETRY_MODE", ctx->values, "retry_mode")) {
    if (mode->value == "standard")
      s.m_retry_mode = RetryMode::standard;
    else if (mode->value == "legacy")
      s.m_retry_mode = RetryMode::legacy;
    else if (mode->value == "adaptive")
      s.m_retry_mode = RetryMode::adaptive;
    else
      return unexpected(invalid(mode->origin + " must be standard, legacy or adaptive, not '" + mode->value + "'"));
  }

  if (auto bundle = lookup(env, "AWS_CA_BUNDLE", ctx->values, "ca_bundle")) {
    // As the SDKs: the certificates that replace the system's for every TLS connection. Checked
    // here, so that a typo is one clear line rather than a certificate error per request.
    if (::access(bundle->value.c_str(), R_OK) != 0)
      return unexpected(invalid(bundle->origin + " names " + bundle->value + ", which cannot be read"));
    s.m_ca_bundle = bundle->value;
  }

  auto endpoints = std::make_shared<const Settings>(s);
  auto credentials = credentials_for(*ctx, env, std::move(transport), endpoints, s.m_region, s.m_max_attempts, chain);
  if (!credentials) return unexpected(credentials.error());
  s.m_credentials = std::move(*credentials);
  return s;
}

std::string Settings::endpoint(std::string_view service_id, std::string_view endpoint_prefix,
                               std::string_view region) const {
  if (m_cli_endpoint) return *m_cli_endpoint;
  if (!m_ignore_configured_endpoints) {
    if (m_env) {
      if (auto v = m_env(service_env_var(service_id)); v && util::parse_url(*v)) return *v;
    }
    if (m_env_endpoint) return *m_env_endpoint;
    if (auto it = m_service_endpoints.find(service_key(service_id)); it != m_service_endpoints.end()) return it->second;
    if (m_profile_endpoint) return *m_profile_endpoint;
  }
  return default_endpoint(service_id, endpoint_prefix, region.empty() ? std::string_view(m_region) : region);
}

}  // namespace spawn::aws::config
