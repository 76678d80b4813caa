#pragma once
// Everything spored asks of AWS, behind one small interface so the handlers are tested with a
// fake: tag itself, terminate itself, publish to SNS, post to a webhook. The real one signs with
// the instance role's credentials (from IMDS) and bounds each call: a few attempts, a few seconds
// each, so that no notification can hold up the checkpoint or the shutdown.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spawn/agent/log.hpp"
#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/config/environment.hpp"
#include "spawn/aws/config/settings.hpp"
#include "spawn/aws/error.hpp"
#include "spawn/aws/http/transport.hpp"
#include "spawn/aws/service_client.hpp"
#include "spawn/launcher/relaunch.hpp"
#include "spawn/model/money.hpp"

namespace spawn::agent {

class Actions {
 public:
  virtual ~Actions() = default;
  // CreateTags on this instance.
  virtual aws::Result<void> tag_instance(const std::vector<std::pair<std::string, std::string>>& tags) = 0;
  // TerminateInstances on this instance.
  virtual aws::Result<void> terminate_instance() = 0;
  // StopInstances on this instance (Hibernate=true when hibernate).
  virtual aws::Result<void> stop_instance(bool hibernate) = 0;
  // CancelSpotInstanceRequests of the spot request this instance was launched by (read with
  // DescribeInstances on itself), so that EC2 does not launch a new instance for a persistent
  // request once this one is gone. Success when it has none.
  virtual aws::Result<void> cancel_own_spot_request() = 0;
  // SNS Publish to topic_arn (in the topic's region); the MessageId.
  virtual aws::Result<std::string> publish(const std::string& topic_arn, const std::string& subject,
                                           const std::string& message) = 0;
  // POST json_body to an https:// URL; any 2xx is success.
  virtual aws::Result<void> post_webhook(const std::string& url, const std::string& json_body) = 0;
  // DescribeInstances of another instance (a replacement, the member a replacement replaces):
  // nullopt when EC2 does not know it.
  virtual aws::Result<std::optional<aws::ec2::Instance>> describe_instance(const std::string& instance_id) = 0;
  // This instance's replacement (--relaunch): launcher::request_replacement, the same request
  // `spawn relaunch` sends; each call resent with its ClientToken while its outcome is unknown.
  virtual aws::Result<launcher::Replacement> request_replacement(const launcher::RelaunchSpec& spec,
                                                                 const launcher::Outgoing& out) = 0;
};

// Bounds for every call the real Actions make.
struct CallLimits {
  int max_attempts = 3;
  std::chrono::milliseconds per_attempt{5000};    // connect and whole request
  std::chrono::milliseconds first_backoff{300};   // then doubled, full jitter (AWS) or not (webhooks)
};

// Service clients for one instance: where each service is (AWS_ENDPOINT_URL_<SERVICE>,
// AWS_ENDPOINT_URL, the shared config, else AWS's regional endpoint) and as whom.
class AwsContext {
 public:
  // env: the process environment (endpoints only; credentials always come from `credentials`).
  AwsContext(std::string region, aws::config::Environment env, std::shared_ptr<aws::http::Transport> transport,
             std::shared_ptr<aws::auth::CredentialsProvider> credentials, CallLimits limits = {});

  // A signed, retried client for service in region (empty: the instance's), each attempt bounded.
  std::shared_ptr<aws::ServiceClient> service(const aws::ServiceInfo& info, const std::string& region = {}) const;
  // The same for an endpoint URL of the caller's choosing (an S3 bucket endpoint).
  std::shared_ptr<aws::ServiceClient> service_at(const aws::ServiceInfo& info, const std::string& endpoint,
                                                 const std::string& region = {}) const;
  // Whether the service's endpoint was configured (not AWS's default), e.g. to pick S3 addressing.
  bool endpoint_configured(const aws::ServiceInfo& info) const;
  // The endpoint URL service() uses.
  std::string endpoint(const aws::ServiceInfo& info, const std::string& region = {}) const;

  // The transport with each request bounded by the limits (for webhooks and https downloads).
  std::shared_ptr<aws::http::Transport> bounded_transport() const { return m_transport; }
  const CallLimits& limits() const { return m_limits; }
  const std::string& region() const { return m_region; }

  // Where S3 said a bucket is, once a wrong-region answer was followed (empty: not known), so
  // that the next GETs of the spec and the script go there at once. Thread-safe.
  std::string bucket_region(const std::string& bucket) const;
  void remember_bucket_region(const std::string& bucket, const std::string& region) const;

 private:
  std::string m_region;
  std::optional<aws::config::Settings> m_settings;     // nullopt: AWS's default endpoints
  std::shared_ptr<aws::http::Transport> m_transport;  // bounded
  std::shared_ptr<aws::auth::CredentialsProvider> m_credentials;
  CallLimits m_limits;
  mutable std::mutex m_regions_mutex;
  mutable std::map<std::string, std::string> m_bucket_regions;
};

std::shared_ptr<Actions> make_aws_actions(std::shared_ptr<AwsContext> aws, std::string instance_id);

// --price-alert: the spot price in effect now of one pool (DescribeSpotPriceHistory for the type in
// the AZ, Linux/UNIX, StartTime now: one page); nullopt when EC2 has none.
std::function<aws::Result<std::optional<model::Usd>>()> make_spot_price_read(std::shared_ptr<AwsContext> aws,
                                                                             std::string instance_type,
                                                                             std::string availability_zone);

// A transport that caps each request's connect and total timeouts at `limit`.
std::shared_ptr<aws::http::Transport> make_bounded_transport(std::shared_ptr<aws::http::Transport> inner,
                                                             std::chrono::milliseconds limit);

}  // namespace spawn::agent
