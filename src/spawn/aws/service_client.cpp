#include "spawn/aws/service_client.hpp"

#include "spawn/aws/auth/sigv4.hpp"
#include "spawn/util/url.hpp"

namespace spawn::aws {

ServiceClient::ServiceClient(ServiceInfo info, std::string endpoint, std::string region,
                             std::shared_ptr<auth::CredentialsProvider> credentials,
                             std::shared_ptr<http::Transport> transport,
                             std::shared_ptr<http::Retrier> retrier, WallClock clock)
    : m_info(info),
      m_endpoint(std::move(endpoint)),
      m_region(std::move(region)),
      m_credentials(std::move(credentials)),
      m_transport(std::move(transport)),
      m_retrier(std::move(retrier)),
      m_clock(std::move(clock)) {
  if (!m_clock) m_clock = [] { return std::chrono::system_clock::now(); };
  if (!m_retrier) m_retrier = std::make_shared<http::Retrier>(http::RetryPolicy{}, nullptr);
}

Result<http::Response> ServiceClient::send(const ServiceRequest& request,
                                           protocol::ErrorParser parse_error) const {
  return m_retrier->run<http::Response>([&](int) { return attempt(request, parse_error); });
}

Result<http::Response> ServiceClient::attempt(const ServiceRequest& request,
                                              protocol::ErrorParser parse_error) const {
  auto url = util::parse_url(m_endpoint);
  if (!url) return unexpected(local_error("InvalidConfig", "invalid endpoint URL: " + m_endpoint));
  std::optional<auth::Credentials> credentials;
  if (request.signing == Signing::sigv4) {
    if (!m_credentials) return unexpected(local_error("CredentialsError", "no credentials to sign the request with"));
    auto got = m_credentials->get();
    if (!got) return unexpected(got.error());
    credentials = std::move(*got);
  }

  // The endpoint may carry a base path (a proxy); the request path is appended to it.
  std::string path = url->path == "/" ? request.path : url->path + (request.path == "/" ? "" : request.path);
  if (path.empty()) path = "/";

  http::Request out;
  out.method = request.method;
  out.url = url->origin() + path;
  if (!request.query.empty()) {
    std::string q;
    for (const auto& [k, v] : request.query) {
      if (!q.empty()) q += '&';
      q += util::percent_encode(k) + "=" + util::percent_encode(v);
    }
    out.url += "?" + q;
  }
  out.headers = request.headers;
  if (credentials) {
    for (auto& h : sign(request, path, url->authority(), *credentials)) out.headers.push_back(std::move(h));
  }
  out.headers.emplace_back("User-Agent", std::string("spawn/") + SPAWN_VERSION);
  out.body = request.body;
  out.timeout = request.timeout;
  out.max_body = request.max_body;

  auto response = m_transport->send(out);
  if (!response) return unexpected(response.error());
  if (response->status >= 200 && response->status < 300) return response;
  return unexpected(parse_error(*response));
}

http::Headers ServiceClient::sign(const ServiceRequest& request, const std::string& path, const std::string& authority,
                                  const auth::Credentials& credentials) const {
  auth::SignableRequest signable;
  signable.method = request.method;
  signable.path = path;
  signable.query = request.query;
  signable.headers = request.headers;
  signable.headers.emplace_back("host", authority);
  signable.payload_hash = request.unsigned_payload ? "UNSIGNED-PAYLOAD" : auth::sha256_hex(request.body);

  auth::SigningParams params;
  params.service = std::string(m_info.signing_name);
  params.region = m_region;
  params.credentials = credentials;
  params.time = m_clock();
  params.double_encode_path = m_info.signing_name != "s3";

  return auth::sign_headers(signable, params);
}

}  // namespace spawn::aws
