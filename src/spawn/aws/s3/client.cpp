#include "spawn/aws/s3/client.hpp"

#include <cctype>

#include "spawn/aws/auth/sigv4.hpp"
#include "spawn/util/url.hpp"

namespace spawn::aws::s3 {
namespace {

bool dns_compatible(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-'))
      return false;
  return bucket.front() != '-' && bucket.back() != '-';
}

}  // namespace

std::optional<Location> parse_s3_url(std::string_view url) {
  constexpr std::string_view scheme = "s3://";
  if (!url.starts_with(scheme)) return std::nullopt;
  url.remove_prefix(scheme.size());
  auto slash = url.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= url.size()) return std::nullopt;
  return Location{std::string(url.substr(0, slash)), std::string(url.substr(slash + 1))};
}

Addressing choose_addressing(std::string_view bucket, bool endpoint_configured) {
  if (endpoint_configured || !dns_compatible(bucket)) return Addressing::path;
  return Addressing::virtual_host;
}

std::string bucket_endpoint(std::string_view endpoint, std::string_view bucket, Addressing addressing) {
  std::string e(endpoint);
  while (!e.empty() && e.back() == '/') e.pop_back();
  if (addressing == Addressing::path) return e + "/" + auth::uri_encode(bucket, false);
  auto scheme_end = e.find("://");
  if (scheme_end == std::string::npos) return e;
  return e.substr(0, scheme_end + 3) + std::string(bucket) + "." + e.substr(scheme_end + 3);
}

std::string object_path(std::string_view key) { return "/" + auth::uri_encode(key, true); }

Result<Object> Client::get_object(std::string_view key, std::string_view if_none_match) const {
  ServiceRequest req;
  req.method = "GET";
  req.path = object_path(key);
  if (!if_none_match.empty()) req.headers.emplace_back("If-None-Match", std::string(if_none_match));
  auto reply = m_service->send(req, protocol::parse_rest_xml_error);
  if (!reply) {
    if (reply.error().http_status == 304) return Object{true, {}, std::string(if_none_match)};
    return unexpected(reply.error());
  }
  return Object{false, std::move(reply->body), reply->header("ETag")};
}

}  // namespace spawn::aws::s3
