#include "spawn/agent/aws_actions.hpp"

#include "spawn/agent/version.hpp"
#include "spawn/aws/config/settings.hpp"
#include "spawn/aws/ec2/client.hpp"
#include "spawn/aws/http/post_json.hpp"
#include "spawn/aws/sns/client.hpp"

namespace spawn::agent {
namespace {

using aws::http::Request;
using aws::http::Response;

class BoundedTransport final : public aws::http::Transport {
 public:
  BoundedTransport(std::shared_ptr<aws::http::Transport> inner, std::chrono::milliseconds limit)
      : m_inner(std::move(inner)), m_limit(limit) {}

  aws::Result<Response> send(const Request& request) override {
    Request bounded = request;
    bounded.connect_timeout = std::min(bounded.connect_timeout, m_limit);
    bounded.timeout = std::min(bounded.timeout, m_limit);
    return m_inner->send(bounded);
  }

 private:
  std::shared_ptr<aws::http::Transport> m_inner;
  std::chrono::milliseconds m_limit;
};

class AwsActions final : public Actions {
 public:
  AwsActions(std::shared_ptr<AwsContext> aws, std::string instance_id)
      : m_aws(std::move(aws)), m_instance_id(std::move(instance_id)) {}

  aws::Result<void> tag_instance(const std::vector<std::pair<std::string, std::string>>& tags) override {
    aws::ec2::Tags t;
    for (const auto& [k, v] : tags) t[k] = v;
    return ec2().create_tags({m_instance_id}, t);
  }

  aws::Result<void> terminate_instance() override {
    auto r = ec2().terminate_instances({m_instance_id});
    if (!r) return unexpected(r.error());
    return {};
  }

  aws::Result<void> stop_instance(bool hibernate) override {
    auto r = ec2().stop_instances({m_instance_id}, hibernate);
    if (!r) return unexpected(r.error());
    return {};
  }

  aws::Result<void> cancel_own_spot_request() override {
    auto self = ec2().describe_instances({}, {m_instance_id});
    if (!self) return unexpected(self.error());
    std::vector<std::string> requests;
    for (const auto& i : *self)
      if (i.instance_id == m_instance_id && !i.spot_request_id.empty()) requests.push_back(i.spot_request_id);
    if (requests.empty()) return {};
    return ec2().cancel_spot_instance_requests(requests);
  }

  aws::Result<std::string> publish(const std::string& topic_arn, const std::string& subject,
                                   const std::string& message) override {
    auto region = aws::sns::topic_region(topic_arn);
    if (!region) return unexpected(aws::local_error("InvalidConfig", "not an SNS topic ARN: " + topic_arn));
    aws::sns::Client sns(m_aws->service(aws::services::sns, *region));
    return sns.publish(topic_arn, message, aws::sns::clean_subject(subject));
  }

  aws::Result<void> post_webhook(const std::string& url, const std::string& json_body) override {
    const CallLimits& limits = m_aws->limits();
    return aws::http::post_json(*m_aws->bounded_transport(), url, json_body, std::string("spored/") + version(),
                                {limits.max_attempts, limits.per_attempt, limits.first_backoff});
  }

  aws::Result<std::optional<aws::ec2::Instance>> describe_instance(const std::string& instance_id) override {
    auto found = ec2().describe_instances({}, {instance_id});
    if (!found && found.error().code == "InvalidInstanceID.NotFound") return std::optional<aws::ec2::Instance>();
    if (!found) return unexpected(found.error());
    for (const auto& i : *found)
      if (i.instance_id == instance_id) return std::optional<aws::ec2::Instance>(i);
    return std::optional<aws::ec2::Instance>();
  }

  aws::Result<launcher::Replacement> request_replacement(const launcher::RelaunchSpec& spec,
                                                         const launcher::Outgoing& out) override {
    const aws::ec2::Client client = ec2();
    const launcher::Notify quiet = [](const std::string&) {};  // the handler logs the outcome
    const launcher::LaunchContext ctx{client, quiet, quiet, {}};
    return launcher::request_replacement(ctx, spec, out);
  }

 private:
  aws::ec2::Client ec2() const { return aws::ec2::Client(m_aws->service(aws::services::ec2)); }

  std::shared_ptr<AwsContext> m_aws;
  std::string m_instance_id;
};

// Settings::load reads the endpoint variables and the shared config the way the SDKs do; when it
// cannot (a broken ~/.aws/config on the instance), AWS's own endpoints still work. No credentials
// chain: spored signs with the instance role only (and links none of the chain's code).
std::optional<aws::config::Settings> load_settings(const std::string& region, const aws::config::Environment& env,
                                                   const std::shared_ptr<aws::http::Transport>& transport) {
  aws::config::Overrides overrides;
  overrides.region = region;
  auto settings = aws::config::Settings::load(overrides, env, transport, nullptr);
  if (!settings) return std::nullopt;
  return std::move(*settings);
}

}  // namespace

std::shared_ptr<aws::http::Transport> make_bounded_transport(std::shared_ptr<aws::http::Transport> inner,
                                                             std::chrono::milliseconds limit) {
  return std::make_shared<BoundedTransport>(std::move(inner), limit);
}

AwsContext::AwsContext(std::string region, aws::config::Environment env,
                       std::shared_ptr<aws::http::Transport> transport,
                       std::shared_ptr<aws::auth::CredentialsProvider> credentials, CallLimits limits)
    : m_region(std::move(region)),
      m_transport(make_bounded_transport(std::move(transport), limits.per_attempt)),
      m_credentials(std::move(credentials)),
      m_limits(limits) {
  m_settings = load_settings(m_region, env, m_transport);
}

std::string AwsContext::bucket_region(const std::string& bucket) const {
  std::lock_guard lock(m_regions_mutex);
  auto it = m_bucket_regions.find(bucket);
  return it == m_bucket_regions.end() ? std::string() : it->second;
}

void AwsContext::remember_bucket_region(const std::string& bucket, const std::string& region) const {
  std::lock_guard lock(m_regions_mutex);
  m_bucket_regions[bucket] = region;
}

std::string AwsContext::endpoint(const aws::ServiceInfo& info, const std::string& region) const {
  const std::string& where = region.empty() ? m_region : region;
  if (!m_settings) return aws::config::default_endpoint(info.service_id, info.endpoint_prefix, where);
  return m_settings->endpoint(info.service_id, info.endpoint_prefix, where);
}

bool AwsContext::endpoint_configured(const aws::ServiceInfo& info) const {
  return endpoint(info) != aws::config::default_endpoint(info.service_id, info.endpoint_prefix, m_region);
}

std::shared_ptr<aws::ServiceClient> AwsContext::service(const aws::ServiceInfo& info, const std::string& region) const {
  return service_at(info, endpoint(info, region), region);
}

std::shared_ptr<aws::ServiceClient> AwsContext::service_at(const aws::ServiceInfo& info, const std::string& endpoint,
                                                           const std::string& region) const {
  aws::http::RetryPolicy policy;
  policy.max_attempts = m_limits.max_attempts;
  policy.base = m_limits.first_backoff;
  policy.max_backoff = m_limits.first_backoff * 8;
  auto retrier = std::make_shared<aws::http::Retrier>(policy, std::make_shared<aws::http::RetryQuota>());
  return std::make_shared<aws::ServiceClient>(info, endpoint, region.empty() ? m_region : region,
                                              m_credentials, m_transport, retrier);
}

std::shared_ptr<Actions> make_aws_actions(std::shared_ptr<AwsContext> aws, std::string instance_id) {
  return std::make_shared<AwsActions>(std::move(aws), std::move(instance_id));
}

std::function<aws::Result<std::optional<model::Usd>>()> make_spot_price_read(std::shared_ptr<AwsContext> aws,
                                                                             std::string instance_type,
                                                                             std::string availability_zone) {
  return [aws, type = std::move(instance_type), az = std::move(availability_zone)]()
             -> aws::Result<std::optional<model::Usd>> {
    const aws::ec2::Client ec2(aws->service(aws::services::ec2));
    auto prices = ec2.describe_current_spot_prices({type}, az);
    if (!prices) return unexpected(prices.error());
    // The newest entry of the pool (RFC 3339 times of one format order as text).
    const aws::ec2::SpotPrice* newest = nullptr;
    for (const auto& p : *prices)
      if (p.instance_type == type && p.availability_zone == az && (!newest || p.timestamp > newest->timestamp))
        newest = &p;
    if (!newest) return std::optional<model::Usd>();
    auto price = model::Usd::parse(newest->price);
    if (!price)
      return unexpected(aws::local_error("InvalidReply", "EC2 gave a spot price that is not a price: " + newest->price));
    return std::optional<model::Usd>(*price);
  };
}

}  // namespace spawn::agent
