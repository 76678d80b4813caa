#include "spawn/aws/auth/container_provider.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "spawn/aws/auth/credentials_document.hpp"
#include "spawn/util/url.hpp"

namespace spawn::aws::auth {
namespace {

constexpr const char* k_relative_base = "http://169.254.170.2";

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

bool is_container_host(const std::string& host) {
  if (host == "169.254.170.2" || host == "169.254.170.23") return true;
  in6_addr v6{}, eks{};
  inet_pton(AF_INET6, "fd00:ec2::23", &eks);
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && std::memcmp(&v6, &eks, sizeof v6) == 0;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class ContainerProvider final : public CredentialsProvider {
 public:
  ContainerProvider(config::Environment env, std::shared_ptr<http::Transport> transport, ContainerOptions options)
      : m_env(std::move(env)), m_transport(std::move(transport)), m_options(options) {}

  Result<Credentials> get() override {
    auto url = target();
    if (!url) return unexpected(url.error());
    auto parsed = util::parse_url(*url);  // checked by target()
    const std::string source = "container (" + parsed->origin() + ")";

    http::Request request;
    request.url = *url;
    request.headers.emplace_back("Accept", "application/json");
    auto token = authorization();
    if (!token) return unexpected(token.error());
    if (!token->empty()) request.headers.emplace_back("Authorization", *token);
    request.connect_timeout = m_options.timeout;
    request.timeout = m_options.timeout;

    std::string problem;
    for (int attempt = 1; attempt <= std::max(1, m_options.max_attempts); ++attempt) {
      if (attempt > 1 && m_options.retry_delay.count() > 0) std::this_thread::sleep_for(m_options.retry_delay);
      auto reply = m_transport->send(request);
      if (!reply) {
        problem = reply.error().describe();
        continue;
      }
      if (reply->status == 200) return parse_credentials_document(reply->body, DocumentKind::metadata, source);
      problem = "HTTP " + std::to_string(reply->status);
      if (reply->status < 500 && reply->status != 429) break;  // the endpoint said no: asking again will not help
    }
    return unexpected(credentials_error(source + ": no credentials from the endpoint (" + problem + ")"));
  }

 private:
  // The URL to ask, or why there is none.
  Result<std::string> target() const {
    if (auto relative = m_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
      if (!relative->starts_with('/'))
        return unexpected(credentials_error("container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'"));
      std::string url = k_relative_base + *relative;
      if (!util::parse_url(url))
        return unexpected(credentials_error("container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a valid path"));
      return url;
    }
    auto full = m_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!full)
      return unexpected(credentials_not_found(
          "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set"));
    auto parsed = util::parse_url(*full);
    if (!parsed)
      return unexpected(credentials_error("container: AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL"));
    std::string host = lower(parsed->host);
    if (parsed->scheme != "https" && !is_loopback(host) && !is_container_host(host))
      return unexpected(credentials_error(
          "container: AWS_CONTAINER_CREDENTIALS_FULL_URI host '" + parsed->host +
          "' is not allowed over http: use https, a loopback address, or 169.254.170.2, 169.254.170.23, fd00:ec2::23"));
    return *full;
  }

  // The Authorization header value, "" for none.
  Result<std::string> authorization() const {
    std::string token;
    if (auto file = m_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      std::ifstream in(*file, std::ios::binary);
      if (!in)
        return unexpected(credentials_error("container: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + *file +
                                            ": " + std::strerror(errno)));
      std::ostringstream text;
      text << in.rdbuf();
      token = text.str();
      // A file written with echo ends with a newline; botocore would refuse it, the token is the same.
      while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
    } else if (auto value = m_env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
      token = *value;
    }
    if (token.find_first_of("\r\n") != std::string::npos)
      return unexpected(credentials_error("container: the authorization token contains a line break"));
    return token;
  }

  config::Environment m_env;
  std::shared_ptr<http::Transport> m_transport;
  ContainerOptions m_options;
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_container_provider(config::Environment env,
                                                             std::shared_ptr<http::Transport> transport,
                                                             ContainerOptions options) {
  return std::make_shared<ContainerProvider>(std::move(env), std::move(transport), options);
}

}  // namespace spawn::aws::auth
