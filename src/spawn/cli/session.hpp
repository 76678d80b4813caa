#pragma once
// The AWS side of one spawn invocation: settings, one transport (connection reuse), one retry
// quota, and the service clients built from them on demand.
#include <memory>

#include "spawn/aws/config/settings.hpp"
#include "spawn/aws/ec2/client.hpp"
#include "spawn/aws/http/retry.hpp"
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

 private:
  std::shared_ptr<aws::config::Settings> m_settings;
  std::shared_ptr<aws::http::Transport> m_transport;
  std::shared_ptr<aws::http::Retrier> m_retrier;
};

}  // namespace spawn::cli
