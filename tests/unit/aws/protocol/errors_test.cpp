#include "spawn/aws/protocol/errors.hpp"

#include <gtest/gtest.h>

using namespace spawn::aws;

TEST(ProtocolErrors, Ec2QueryError) {
  http::Response r{500, {}, R"(<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>InsufficientInstanceCapacity</Code><Message>We currently do not have sufficient m7i.large capacity.</Message></Error></Errors><RequestID>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestID></Response>)"};
  Error e = protocol::parse_query_error(r);
  EXPECT_EQ(e.http_status, 500);
  EXPECT_EQ(e.code, "InsufficientInstanceCapacity");
  EXPECT_EQ(e.message, "We currently do not have sufficient m7i.large capacity.");
  EXPECT_EQ(e.request_id, "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE");
  EXPECT_TRUE(is_capacity(e));
  EXPECT_FALSE(retryable(e));
}

TEST(ProtocolErrors, SnsStyleQueryError) {
  http::Response r{403, {}, R"(<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>not allowed</Message></Error><RequestId>abc-1</RequestId></ErrorResponse>)"};
  Error e = protocol::parse_query_error(r);
  EXPECT_EQ(e.code, "AuthorizationError");
  EXPECT_EQ(e.request_id, "abc-1");
}

TEST(ProtocolErrors, UnparseableBodyKeepsTheStatus) {
  Error e = protocol::parse_query_error(http::Response{503, {{"x-amzn-RequestId", "rid"}}, "<html>oops"});
  EXPECT_EQ(e.http_status, 503);
  EXPECT_EQ(e.code, "ServiceUnavailable");
  EXPECT_EQ(e.request_id, "rid");
  EXPECT_TRUE(retryable(e));
}

// Found by fuzz/aws_errors_fuzz.cpp: an <Error> without a <Code> gave an error with an empty code.
TEST(ProtocolErrors, AnErrorWithoutACodeIsNamedByItsStatus) {
  Error q = protocol::parse_query_error(
      http::Response{503, {}, "<Response><Errors><Error><Message>busy</Message></Error></Errors><RequestID>r-1</RequestID></Response>"});
  EXPECT_EQ(q.code, "ServiceUnavailable");
  EXPECT_EQ(q.request_id, "r-1");
  EXPECT_TRUE(retryable(q));
  Error s3 = protocol::parse_rest_xml_error(http::Response{403, {}, "<Error><Code></Code><RequestId>r-2</RequestId></Error>"});
  EXPECT_EQ(s3.code, "AccessDenied");
  EXPECT_EQ(s3.request_id, "r-2");
}

TEST(ProtocolErrors, JsonError) {
  http::Response r{400, {{"x-amzn-RequestId", "req-7"}}, R"({"__type":"com.amazonaws.ssm#ParameterNotFound","message":"no such parameter"})"};
  Error e = protocol::parse_json_error(r);
  EXPECT_EQ(e.code, "ParameterNotFound");
  EXPECT_EQ(e.message, "no such parameter");
  EXPECT_EQ(e.request_id, "req-7");
  Error throttled = protocol::parse_json_error(http::Response{400, {}, R"({"__type":"ThrottlingException","Message":"Rate exceeded"})"});
  EXPECT_EQ(throttled.code, "ThrottlingException");
  EXPECT_TRUE(retryable(throttled));
}

TEST(ProtocolErrors, S3RestError) {
  Error e = protocol::parse_rest_xml_error(http::Response{404, {}, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>R1</RequestId></Error>"});
  EXPECT_EQ(e.code, "NoSuchKey");
  EXPECT_EQ(e.request_id, "R1");
  EXPECT_EQ(protocol::parse_rest_xml_error(http::Response{403, {}, ""}).code, "AccessDenied");
}
