#include "spawn/cli/session.hpp"

#include <fmt/format.h>

#include <mutex>

#include "spawn/aws/config/partitions.hpp"
#include "spawn/aws/http/curl_transport.hpp"
#include "spawn/cli/output.hpp"

namespace spawn::cli {
namespace {

// --debug: one line per request on stderr: method, URL without query, status, time.
// Never headers or bodies (they carry signatures and tokens).
class LoggingTransport final : public aws::http::Transport {
 public:
  explicit LoggingTransport(std::shared_ptr<aws::http::Transport> inner) : m_inner(std::move(inner)) {}
  aws::Result<aws::http::Response> send(const aws::http::Request& r) override {
    auto start = std::chrono::steady_clock::now();
    auto reply = m_inner->send(r);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    std::string target = r.url.substr(0, r.url.find('?'));
    std::string status = reply ? std::to_string(reply->status) : reply.error().code;
    fmt::print(stderr, "spawn: debug: {} {} -> {} ({} ms)\n", r.method, target, status, ms);
    return reply;
  }

 private:
  std::shared_ptr<aws::http::Transport> m_inner;
};

// One CurlTransport is not thread-safe; concurrent callers (tagging a large array, pricing
// several regions) each get a handle from a small pool.
class PooledCurlTransport final : public aws::http::Transport {
 public:
  aws::Result<aws::http::Response> send(const aws::http::Request& r) override {
    std::unique_ptr<aws::http::CurlTransport> handle;
    {
      std::lock_guard lock(m_mutex);
      if (!m_free.empty()) {
        handle = std::move(m_free.back());
        m_free.pop_back();
      }
    }
    if (!handle) handle = std::make_unique<aws::http::CurlTransport>(ca_bundle());
    auto reply = handle->send(r);
    std::lock_guard lock(m_mutex);
    m_free.push_back(std::move(handle));
    return reply;
  }

  // AWS_CA_BUNDLE, known once the settings are loaded (which may already have used the pool for
  // credentials: those handles are dropped, so that every later request trusts the same roots).
  void set_ca_bundle(std::string bundle) {
    std::lock_guard lock(m_mutex);
    m_ca_bundle = std::move(bundle);
    m_free.clear();
  }

 private:
  std::string ca_bundle() {
    std::lock_guard lock(m_mutex);
    return m_ca_bundle;
  }
  std::mutex m_mutex;
  std::vector<std::unique_ptr<aws::http::CurlTransport>> m_free;
  std::string m_ca_bundle;
};

}  // namespace

aws::Result<Session> Session::open(const GlobalOptions& options) {
  Session s;
  auto pool = std::make_shared<PooledCurlTransport>();
  s.m_transport = pool;
  s.m_unlogged = pool;
  if (options.debug) s.m_transport = std::make_shared<LoggingTransport>(s.m_transport);
  aws::config::Overrides overrides{options.region, options.profile, options.endpoint_url};
  auto settings = aws::config::Settings::load(overrides, aws::config::process_environment(), s.m_transport,
                                              aws::auth::make_default_chain);
  if (!settings) return unexpected(settings.error());
  s.m_settings = std::make_shared<aws::config::Settings>(std::move(*settings));
  if (!s.m_settings->ca_bundle().empty()) pool->set_ca_bundle(s.m_settings->ca_bundle());
  aws::http::RetryPolicy policy;
  policy.max_attempts = s.m_settings->max_attempts();
  s.m_retrier = std::make_shared<aws::http::Retrier>(policy, std::make_shared<aws::http::RetryQuota>());
  return s;
}

std::shared_ptr<aws::ServiceClient> Session::service(const aws::ServiceInfo& info, const std::string& region) const {
  const std::string r = region.empty() ? m_settings->region() : region;
  const std::string endpoint = m_settings->endpoint(info.service_id, info.endpoint_prefix, r);
  // IAM and the Price List API are signed for their own region in r's partition
  // (aws/config/partitions), whatever region spawn works in.
  const std::string signing_region = aws::config::default_signing_region(info.service_id, r);
  return std::make_shared<aws::ServiceClient>(info, endpoint, signing_region, m_settings->credentials(), m_transport,
                                              m_retrier);
}

std::string Session::s3_bucket_endpoint(const std::string& bucket, const std::string& region) const {
  const std::string r = region.empty() ? m_settings->region() : region;
  const std::string endpoint = m_settings->endpoint(aws::services::s3.service_id, aws::services::s3.endpoint_prefix, r);
  const bool configured =
      endpoint != aws::config::default_endpoint(aws::services::s3.service_id, aws::services::s3.endpoint_prefix, r);
  return aws::s3::bucket_endpoint(endpoint, bucket, aws::s3::choose_addressing(bucket, configured));
}

aws::s3::Client Session::s3(const std::string& bucket, const std::string& region) const {
  const std::string r = region.empty() ? m_settings->region() : region;
  return aws::s3::Client(std::make_shared<aws::ServiceClient>(aws::services::s3, s3_bucket_endpoint(bucket, r), r,
                                                              m_settings->credentials(), m_transport, m_retrier));
}

int report_open_failure(const aws::Error& error) {
  print_error(error);
  return error.code == "InvalidConfig" ? k_exit_usage : k_exit_failure;
}

}  // namespace spawn::cli
