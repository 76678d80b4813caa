#pragma once
// S3 over REST: GetObject (spored fetches the checkpoint script from s3://bucket/key), PutObject
// (spawn agent upload puts spored in the user's bucket; spored's event log) and ListObjectsV2
// (spawn history).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/s3/list_objects.hpp"
#include "spawn/aws/service_client.hpp"

namespace spawn::aws::s3 {

struct Location {
  std::string bucket;
  std::string key;  // decoded, without the leading '/'
};

// "s3://bucket/key/with/slashes" -> {bucket, key}; nullopt for anything else (no bucket, no key,
// another scheme).
std::optional<Location> parse_s3_url(std::string_view url);

enum class Addressing { path, virtual_host };

// Virtual-host addressing (https://bucket.s3.region.amazonaws.com) for AWS's own endpoints and a
// bucket name that is a valid DNS label without dots (so the certificate matches); path addressing
// (endpoint/bucket) otherwise, and always for a configured endpoint (a local or private S3).
Addressing choose_addressing(std::string_view bucket, bool endpoint_configured);

// The endpoint to build a ServiceClient for: endpoint with the bucket as the first host label
// (virtual_host) or as the first path segment (path).
std::string bucket_endpoint(std::string_view endpoint, std::string_view bucket, Addressing addressing);

// The request path of a key under a bucket endpoint: "/" + the key percent-encoded once, slashes kept.
std::string object_path(std::string_view key);

// A presigned GET URL (SigV4 query signing, as botocore's generate_presigned_url) of key under a
// bucket endpoint (bucket_endpoint(...)), valid for `expires` after `now` (at most 7 days; less
// when the credentials are temporary and expire first). Whoever holds it can read that one
// object until then, nothing else. Pure: the time and credentials are inputs.
std::string presigned_get_url(std::string_view bucket_endpoint, std::string_view key, const std::string& region,
                              const auth::Credentials& credentials, std::chrono::system_clock::time_point now,
                              std::chrono::seconds expires);

struct Object {
  bool not_modified = false;  // the ETag matched if_none_match: body is empty
  std::string body;
  std::string etag;           // as S3 sends it, quotes included
};

class Client {
 public:
  // service: a ServiceClient for S3 whose endpoint is bucket_endpoint(...) of the bucket.
  explicit Client(std::shared_ptr<ServiceClient> service) : m_service(std::move(service)) {}

  // GET the object. With if_none_match (an ETag from an earlier get), a 304 answer is
  // {not_modified = true}. Errors as ServiceClient::send with the S3 error parser
  // (NoSuchKey, NoSuchBucket, AccessDenied ...); ReplyTooLarge for an object over max_body,
  // found while reading, never buffered whole.
  Result<Object> get_object(std::string_view key, std::string_view if_none_match = {},
                            std::size_t max_body = http::k_default_max_body) const;

  // PUT the object in one request, signed over the body's SHA-256 (the real hash, not
  // UNSIGNED-PAYLOAD) and with x-amz-checksum-sha256, so S3 refuses a body that changed on the
  // way (BadDigest). Returns the ETag. Errors as get_object (NoSuchBucket, AccessDenied ...).
  Result<std::string> put_object(std::string_view key, std::string_view body, std::string_view content_type,
                                 std::chrono::milliseconds timeout = std::chrono::minutes(5)) const;

  // One page of ListObjectsV2. Errors as get_object (NoSuchBucket, AccessDenied ...).
  Result<ListPage> list_objects(const ListRequest& request) const;

  // DELETE the object (S3 answers 204 whether or not it existed).
  Result<void> delete_object(std::string_view key) const;

  // The bucket's region (HeadBucket's x-amz-bucket-region, which S3 sends with a 200, and with the
  // 301/403 of a bucket in another region or of another account).
  Result<std::string> bucket_region() const;

 private:
  std::shared_ptr<ServiceClient> m_service;
};

}  // namespace spawn::aws::s3
