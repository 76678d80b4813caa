#pragma once
// GetObject with the instance role, for the launch's spec and an s3:// checkpoint script, both
// of which may sit in a bucket of another region than the instance's.
#include <string>

#include "spawn/agent/aws_actions.hpp"
#include "spawn/aws/error.hpp"
#include "spawn/aws/s3/client.hpp"

namespace spawn::agent {

// GETs s3://bucket/key signed for `region` (empty: the instance's), with If-None-Match when etag
// is not empty. S3 answers a request signed for another region than the bucket's with a 301
// PermanentRedirect or a 400 AuthorizationHeaderMalformed; then the bucket's region is asked
// (HeadBucket, whose x-amz-bucket-region S3 sends whatever the caller may do) and the request is
// sent once more there, as the SDKs' S3 region redirector does; the region is remembered in the
// context, so later GETs of that bucket (the spec every minute, the script every 10) go there at
// once. "InvalidConfig" for a URL that
// is not s3://bucket/key.
// max_body bounds the object while it is read (ReplyTooLarge).
aws::Result<aws::s3::Object> get_s3_object(const AwsContext& aws, const std::string& url, const std::string& region,
                                           const std::string& etag = {},
                                           std::size_t max_body = aws::http::k_default_max_body);

// Whether S3 refused the request for being signed for (or sent to) the wrong region.
bool is_wrong_region(const aws::Error& error);

}  // namespace spawn::agent
