#include "spawn/aws/s3/client.hpp"

#include <cctype>

#include "spawn/aws/auth/sigv4.hpp"
#include "spawn/util/encoding.hpp"
#include "spawn/util/sha256.hpp"
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

std::string presigned_get_url(std::string_view bucket_endpoint, std::string_view key, const std::string& region,
                              const auth::Credentials& credentials, std::chrono::system_clock::time_point now,
                              std::chrono::seconds expires) {
  auto url = util::parse_url(bucket_endpoint);
  if (!url) return {};
  auth::SignableRequest req;
  req.method = "GET";
  req.path = (url->path == "/" ? "" : url->path) + object_path(key);
  req.headers.emplace_back("host", url->authority());
  auth::SigningParams params;
  params.service = "s3";
  params.region = region;
  params.credentials = credentials;
  params.time = now;
  params.double_encode_path = false;
  std::string out = url->origin() + req.path;
  char sep = '?';
  for (const auto& [k, v] : auth::presign_query(req, params, expires)) {
    out += sep + auth::uri_encode(k, false) + "=" + auth::uri_encode(v, false);
    sep = '&';
  }
  return out;
}

Result<Object> Client::get_object(std::string_view key, std::string_view if_none_match, std::size_t max_body) const {
  ServiceRequest req;
  req.method = "GET";
  req.max_body = max_body;
  req.path = object_path(key);
  if (!if_none_match.empty()) req.headers.emplace_back("If-None-Match", std::string(if_none_match));
  auto reply = m_service->send(req, protocol::parse_rest_xml_error);
  if (!reply) {
    if (reply.error().http_status == 304) return Object{true, {}, std::string(if_none_match)};
    return unexpected(reply.error());
  }
  return Object{false, std::move(reply->body), reply->header("ETag")};
}

Result<std::string> Client::put_object(std::string_view key, std::string_view body, std::string_view content_type,
                                       std::chrono::milliseconds timeout) const {
  ServiceRequest req;
  req.method = "PUT";
  req.path = object_path(key);
  req.body = std::string(body);
  req.timeout = timeout;
  req.headers.emplace_back("Content-Type", std::string(content_type));
  // S3 checks the body against this after it arrived (BadDigest when they differ); the signed
  // payload hash alone only proves what the signer meant to send.
  req.headers.emplace_back("x-amz-checksum-sha256", util::base64_encode(util::sha256_bytes(body)));
  auto reply = m_service->send(req, protocol::parse_rest_xml_error);
  if (!reply) return unexpected(reply.error());
  return reply->header("ETag");
}

namespace {

// HeadBucket has no body to read an error from; its answer is the region header, whatever the status.
constexpr const char* k_region_known = "BucketRegionKnown";
Error head_bucket_error(const http::Response& response) {
  if (auto region = response.header("x-amz-bucket-region"); !region.empty())
    return Error{response.status, k_region_known, region, response.header("x-amz-request-id")};
  return protocol::parse_rest_xml_error(response);
}

}  // namespace

Result<std::string> Client::bucket_region() const {
  ServiceRequest req;
  req.method = "HEAD";
  req.path = "/";
  auto reply = m_service->send(req, head_bucket_error);
  if (reply) {
    if (auto region = reply->header("x-amz-bucket-region"); !region.empty()) return region;
    return unexpected(local_error("InvalidReply", "HeadBucket named no region"));
  }
  if (reply.error().code == k_region_known) return reply.error().message;
  return unexpected(reply.error());
}

Result<void> Client::delete_object(std::string_view key) const {
  ServiceRequest req;
  req.method = "DELETE";
  req.path = object_path(key);
  auto reply = m_service->send(req, protocol::parse_rest_xml_error);
  if (!reply) return unexpected(reply.error());
  return {};
}

}  // namespace spawn::aws::s3
