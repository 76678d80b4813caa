#include "spawn/agent/s3_fetch.hpp"

namespace spawn::agent {
namespace {

aws::s3::Client bucket_client(const AwsContext& aws, const std::string& bucket, const std::string& region) {
  auto addressing = aws::s3::choose_addressing(bucket, aws.endpoint_configured(aws::services::s3));
  auto endpoint = aws::s3::bucket_endpoint(aws.endpoint(aws::services::s3, region), bucket, addressing);
  return aws::s3::Client(aws.service_at(aws::services::s3, endpoint, region));
}

}  // namespace

bool is_wrong_region(const aws::Error& error) {
  return error.code == "PermanentRedirect" || error.code == "TemporaryRedirect" ||
         error.code == "AuthorizationHeaderMalformed" || error.code == "IllegalLocationConstraintException" ||
         error.http_status == 301 || error.http_status == 307;
}

aws::Result<aws::s3::Object> get_s3_object(const AwsContext& aws, const std::string& url, const std::string& region,
                                           const std::string& etag, std::size_t max_body) {
  auto location = aws::s3::parse_s3_url(url);
  if (!location) return unexpected(aws::local_error("InvalidConfig", "not an s3://bucket/key URL: " + url));
  // A region S3 named before beats the one configured: the config may predate a bucket's move.
  std::string first = aws.bucket_region(location->bucket);
  if (first.empty()) first = region.empty() ? aws.region() : region;
  auto object = bucket_client(aws, location->bucket, first).get_object(location->key, etag, max_body);
  if (object || !is_wrong_region(object.error())) return object;

  auto actual = bucket_client(aws, location->bucket, first).bucket_region();
  if (!actual || *actual == first) return object;
  aws.remember_bucket_region(location->bucket, *actual);
  return bucket_client(aws, location->bucket, *actual).get_object(location->key, etag, max_body);
}

}  // namespace spawn::agent
