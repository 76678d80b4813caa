#pragma once
// One signed, retried call to one AWS service endpoint. Protocol clients (EC2 query, JSON 1.1,
// S3 REST) build a ServiceRequest and hand their error parser; this class signs each attempt
// afresh (new date), sends it, and turns non-2xx replies into aws::Error.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/http/retry.hpp"
#include "spawn/aws/http/transport.hpp"
#include "spawn/aws/protocol/errors.hpp"

namespace spawn::aws {

// The names a service goes by: its SDK service id (for AWS_ENDPOINT_URL_<ID>), the endpoint
// host prefix, and the SigV4 signing name.
struct ServiceInfo {
  std::string_view service_id;
  std::string_view endpoint_prefix;
  std::string_view signing_name;
};

namespace services {
inline constexpr ServiceInfo ec2{"EC2", "ec2", "ec2"};
inline constexpr ServiceInfo ssm{"SSM", "ssm", "ssm"};
inline constexpr ServiceInfo s3{"S3", "s3", "s3"};
inline constexpr ServiceInfo sns{"SNS", "sns", "sns"};
inline constexpr ServiceInfo sts{"STS", "sts", "sts"};
inline constexpr ServiceInfo iam{"IAM", "iam", "iam"};
// AWS Fault Injection Service (rest-json): the spot interruption drills of `spawn interrupt`.
inline constexpr ServiceInfo fis{"fis", "fis", "fis"};
inline constexpr ServiceInfo pricing{"Pricing", "api.pricing", "pricing"};
// The IAM Identity Center (SSO) portal: GetRoleCredentials only, an unsigned call.
inline constexpr ServiceInfo sso{"SSO", "portal.sso", "awsssoportal"};
}  // namespace services

// Whether a request carries a SigV4 signature. The few operations AWS takes unsigned (STS
// AssumeRoleWithWebIdentity, the SSO portal's GetRoleCredentials: "authtype": "none" in their
// models) are sent without one, and without asking for credentials.
enum class Signing { sigv4, none };

struct ServiceRequest {
  std::string method = "POST";
  std::string path = "/";  // relative to the endpoint's path, percent-encoded once
  std::vector<std::pair<std::string, std::string>> query;  // decoded
  http::Headers headers;
  std::string body;
  bool unsigned_payload = false;  // sign "UNSIGNED-PAYLOAD" (S3 streaming)
  Signing signing = Signing::sigv4;
  std::chrono::milliseconds timeout{30000};
  std::size_t max_body = http::k_default_max_body;  // a longer reply fails with ReplyTooLarge
};

using WallClock = std::function<std::chrono::system_clock::time_point()>;

class ServiceClient {
 public:
  // credentials may be null when every request is sent with Signing::none.
  ServiceClient(ServiceInfo info, std::string endpoint, std::string region,
                std::shared_ptr<auth::CredentialsProvider> credentials,
                std::shared_ptr<http::Transport> transport, std::shared_ptr<http::Retrier> retrier,
                WallClock clock = {});

  // Sends with retries. A 2xx reply is returned; anything else becomes the Error parse_error makes.
  Result<http::Response> send(const ServiceRequest& request, protocol::ErrorParser parse_error) const;

  const std::string& endpoint() const { return m_endpoint; }
  const std::string& region() const { return m_region; }

 private:
  Result<http::Response> attempt(const ServiceRequest& request, protocol::ErrorParser parse_error) const;
  // The SigV4 headers of one attempt (path as sent, the endpoint's host[:port]).
  http::Headers sign(const ServiceRequest& request, const std::string& path, const std::string& authority,
                     const auth::Credentials& credentials) const;

  ServiceInfo m_info;
  std::string m_endpoint;
  std::string m_region;
  std::shared_ptr<auth::CredentialsProvider> m_credentials;
  std::shared_ptr<http::Transport> m_transport;
  std::shared_ptr<http::Retrier> m_retrier;
  WallClock m_clock;
};

}  // namespace spawn::aws
