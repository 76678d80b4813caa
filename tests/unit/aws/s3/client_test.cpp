#include "spawn/aws/s3/client.hpp"

#include <gtest/gtest.h>

#include "../../support/scripted_transport.hpp"
#include "spawn/util/encoding.hpp"
#include "spawn/util/sha256.hpp"
#include "../../support/static_credentials.hpp"

namespace spawn::aws::s3 {
namespace {

std::shared_ptr<ServiceClient> service(std::shared_ptr<http::Transport> t, std::string endpoint) {
  return std::make_shared<ServiceClient>(services::s3, std::move(endpoint), "us-east-1",
                                         std::make_shared<test::StaticCredentials>(), std::move(t), nullptr);
}

TEST(S3, ParseUrl) {
  auto l = parse_s3_url("s3://my-bucket/ckpt/save me.sh");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->bucket, "my-bucket");
  EXPECT_EQ(l->key, "ckpt/save me.sh");
  for (const char* bad : {"s3://bucket", "s3://bucket/", "s3:///key", "https://b/k", "bucket/key"})
    EXPECT_FALSE(parse_s3_url(bad)) << bad;
}

TEST(S3, Addressing) {
  EXPECT_EQ(choose_addressing("my-bucket", false), Addressing::virtual_host);
  EXPECT_EQ(choose_addressing("my.bucket", false), Addressing::path);  // the certificate would not match
  EXPECT_EQ(choose_addressing("My_Bucket", false), Addressing::path);
  EXPECT_EQ(choose_addressing("my-bucket", true), Addressing::path);
  EXPECT_EQ(bucket_endpoint("https://s3.us-east-1.amazonaws.com", "b1", Addressing::virtual_host),
            "https://b1.s3.us-east-1.amazonaws.com");
  EXPECT_EQ(bucket_endpoint("http://127.0.0.1:5000/", "b1", Addressing::path), "http://127.0.0.1:5000/b1");
  EXPECT_EQ(object_path("dir/a b+c.sh"), "/dir/a%20b%2Bc.sh");
}

TEST(S3, GetObjectPathStyleSignedForS3) {
  auto transport = std::make_shared<test::ScriptedTransport>();
  transport->reply(200, "#!/bin/bash\necho hi\n", {{"ETag", "\"abc\""}});
  Client s3(service(transport, bucket_endpoint("http://127.0.0.1:5000", "b1", Addressing::path)));
  auto o = s3.get_object("ckpt/save.sh");
  ASSERT_TRUE(o) << o.error().describe();
  EXPECT_FALSE(o->not_modified);
  EXPECT_EQ(o->body, "#!/bin/bash\necho hi\n");
  EXPECT_EQ(o->etag, "\"abc\"");
  auto r = transport->requests().at(0);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "http://127.0.0.1:5000/b1/ckpt/save.sh");
  EXPECT_NE(test::header_of(r, "Authorization").find("/us-east-1/s3/aws4_request"), std::string::npos);
  EXPECT_NE(test::header_of(r, "x-amz-content-sha256"), "");
}

TEST(S3, NotModifiedAndErrors) {
  auto transport = std::make_shared<test::ScriptedTransport>();
  transport->reply(304).reply(404, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>");
  Client s3(service(transport, "https://b1.s3.us-east-1.amazonaws.com"));
  auto same = s3.get_object("k", "\"abc\"");
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->not_modified);
  EXPECT_EQ(test::header_of(transport->requests().at(0), "If-None-Match"), "\"abc\"");
  auto missing = s3.get_object("k");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "NoSuchKey");
}

TEST(S3, PutObjectSignsTheRealHashAndSendsTheChecksum) {
  auto transport = std::make_shared<test::ScriptedTransport>();
  transport->reply(200, "", {{"ETag", "\"e1\""}});
  Client s3(service(transport, bucket_endpoint("http://127.0.0.1:5000", "b1", Addressing::path)));
  const std::string body("\x7f" "ELF\0binary", 11);
  auto etag = s3.put_object("spawn/agent/spored", body, "application/octet-stream");
  ASSERT_TRUE(etag) << etag.error().describe();
  EXPECT_EQ(*etag, "\"e1\"");
  auto r = transport->requests().at(0);
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.url, "http://127.0.0.1:5000/b1/spawn/agent/spored");
  EXPECT_EQ(r.body, body);
  EXPECT_EQ(test::header_of(r, "x-amz-content-sha256"), util::sha256_hex(body));  // not UNSIGNED-PAYLOAD
  EXPECT_EQ(test::header_of(r, "x-amz-checksum-sha256"), util::base64_encode(util::sha256_bytes(body)));
  EXPECT_EQ(test::header_of(r, "Content-Type"), "application/octet-stream");
  EXPECT_NE(test::header_of(r, "Authorization").find("x-amz-checksum-sha256"), std::string::npos) << "the checksum is signed";
}

TEST(S3, PutObjectErrors) {
  auto transport = std::make_shared<test::ScriptedTransport>();
  transport->reply(404, "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>");
  Client s3(service(transport, "https://b1.s3.us-east-1.amazonaws.com"));
  auto r = s3.put_object("k", "x", "text/plain");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "NoSuchBucket");
}

}  // namespace
}  // namespace spawn::aws::s3
