#include "spawn/aws/sns/client.hpp"

#include <gtest/gtest.h>

#include "../../support/scripted_transport.hpp"
#include "spawn/util/url.hpp"
#include "../../support/static_credentials.hpp"

namespace spawn::aws::sns {
namespace {

TEST(Sns, TopicRegion) {
  EXPECT_EQ(topic_region("arn:aws:sns:eu-west-1:123456789012:alerts"), "eu-west-1");
  EXPECT_EQ(topic_region("arn:aws-cn:sns:cn-north-1:123456789012:a"), "cn-north-1");
  EXPECT_FALSE(topic_region("arn:aws:sqs:eu-west-1:123456789012:q"));
  EXPECT_FALSE(topic_region("arn:aws:sns:eu-west-1:123456789012"));
  EXPECT_FALSE(topic_region("arn:aws:sns::123456789012:a"));
  EXPECT_FALSE(topic_region("arn:aws:sns:eu-west-1:123456789012:a:sub"));
}

TEST(Sns, PublishParamsAndReply) {
  auto p = publish_params("arn:aws:sns:eu-west-1:1:a", "{\"x\":1}", "subject");
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"Action", "Publish"}));
  EXPECT_EQ(p[1], (std::pair<std::string, std::string>{"Version", "2010-03-31"}));
  EXPECT_EQ(publish_params("t", "m", "").size(), 4u);
  auto id = parse_publish_response(
      R"(<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult><ResponseMetadata><RequestId>d74b8436</RequestId></ResponseMetadata></PublishResponse>)");
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, "567910cd-659e-55d4-8ccb-5aaf14679dc0");
  EXPECT_FALSE(parse_publish_response("<nope/>"));
  EXPECT_FALSE(parse_publish_response("not xml"));
}

TEST(Sns, CleanSubject) {
  EXPECT_EQ(clean_subject("spawn: ok"), "spawn: ok");
  EXPECT_EQ(clean_subject("a\nb\u00e9"), "a b??");
  EXPECT_EQ(clean_subject(std::string(150, 'x')).size(), 100u);
}

TEST(Sns, PublishIsASignedQueryPost) {
  auto transport = std::make_shared<test::ScriptedTransport>();
  transport->reply(200, "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>");
  auto service = std::make_shared<ServiceClient>(services::sns, "https://sns.eu-west-1.amazonaws.com", "eu-west-1",
                                                 std::make_shared<test::StaticCredentials>("token"), transport, nullptr);
  Client sns(service);
  auto id = sns.publish("arn:aws:sns:eu-west-1:1:a", "hello & bye", "subj");
  ASSERT_TRUE(id) << id.error().describe();
  EXPECT_EQ(*id, "m-1");
  auto r = transport->requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://sns.eu-west-1.amazonaws.com/");
  EXPECT_NE(r.body.find("Action=Publish"), std::string::npos);
  EXPECT_NE(r.body.find("Message=hello%20%26%20bye"), std::string::npos);
  EXPECT_NE(test::header_of(r, "Authorization").find("/eu-west-1/sns/aws4_request"), std::string::npos);
}

TEST(Sns, ErrorsAreParsed) {
  auto transport = std::make_shared<test::ScriptedTransport>();
  transport->reply(404, "<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r-9</RequestId></ErrorResponse>");
  auto service = std::make_shared<ServiceClient>(services::sns, "https://sns.eu-west-1.amazonaws.com", "eu-west-1",
                                                 std::make_shared<test::StaticCredentials>("token"), transport, nullptr);
  auto r = Client(service).publish("arn:aws:sns:eu-west-1:1:a", "m");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "NotFound");
  EXPECT_EQ(r.error().request_id, "r-9");
}

}  // namespace
}  // namespace spawn::aws::sns
