#pragma once
// The AWS side of one spawn invocation: settings, one transport (connection reuse), one retry
// quota, and the service clients built from them on demand.
#include <memory>

#include "spawn/aws/config/settings.hpp"
#include "spawn/aws/ec2/client.hpp"
#include "spawn/aws/fis/client.hpp"
#include "spawn/aws/http/retry.hpp"
#include "spawn/aws/iam/client.hpp"
#include "spawn/aws/s3/client.hpp"
#include "spawn/aws/ssm/client.hpp"
#include "spawn/cli/global_options.hpp"

namespace spawn::cli {

class Session {
 public:
  // Resolves the settings (region, profile, endpoints); no request is sent.
  static aws::Result<Session> open(const GlobalOptions& options);

  const aws::config::Settings& settings() const { return *m_settings; }
  const std::string& region() const { return m_settings->region(); }

  // A signed, retried client for the service in this session's region (or another one).
  std::shared_ptr<aws::ServiceClient> service(const aws::ServiceInfo& info, const std::string& region = {}) const;
  aws::ec2::Client ec2(const std::string& region = {}) const { return aws::ec2::Client(service(aws::services::ec2, region)); }
  aws::ssm::Client ssm(const std::string& region = {}) const { return aws::ssm::Client(service(aws::services::ssm, region)); }
  aws::fis::Client fis(const std::string& region = {}) const { return aws::fis::Client(service(aws::services::fis, region)); }
  // IAM: its global endpoint, signed for the partition's IAM region (aws::config::iam_endpoint).
  aws::iam::Client iam() const { return aws::iam::Client(service(aws::services::iam)); }

  // The endpoint of one bucket in its region: virtual-host style on AWS's own endpoints,
  // path style on a configured one (aws::s3::choose_addressing).
  std::string s3_bucket_endpoint(const std::string& bucket, const std::string& region = {}) const;
  // An S3 client bound to that endpoint.
  aws::s3::Client s3(const std::string& bucket, const std::string& region = {}) const;
  // The session's connections for requests that are not AWS calls (webhook POSTs): never
  // logged by --debug, since a webhook's path and query are often its secret.
  std::shared_ptr<aws::http::Transport> unlogged_transport() const { return m_unlogged; }

 private:
  std::shared_ptr<aws::config::Settings> m_settings;
  std::shared_ptr<aws::http::Transport> m_transport;
  std::shared_ptr<aws::http::Transport> m_unlogged;
  std::shared_ptr<aws::http::Retrier> m_retrier;
};

// Prints why Session::open failed and returns the exit status: 2 (bad usage) when the settings
// themselves are wrong (InvalidConfig: an AWS_* variable, a profile, a config file; nothing was
// sent), 1 otherwise.
int report_open_failure(const aws::Error& error);

}  // namespace spawn::cli
