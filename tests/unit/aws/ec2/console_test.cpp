// GetConsoleOutput: the request and the reply as EC2 writes it.
#include "spawn/aws/ec2/console.hpp"

#include <gtest/gtest.h>

namespace spawn::aws::ec2 {
namespace {

TEST(ConsoleOutput, RequestAndReply) {
  EXPECT_EQ(console_output_params("i-0abc", false), (Params{{"InstanceId", "i-0abc"}}));
  EXPECT_EQ(console_output_params("i-0abc", true), (Params{{"InstanceId", "i-0abc"}, {"Latest", "true"}}));
  auto out = parse_console_output(R"(<?xml version="1.0" encoding="UTF-8"?>
<GetConsoleOutputResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>r-1</requestId><instanceId>i-0abc</instanceId><timestamp>2026-12-04T10:00:00.000Z</timestamp>
  <output>Y2xvdWQtaW5pdDog
Ym9vdAo=</output>
</GetConsoleOutputResponse>)");
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_EQ(out->instance_id, "i-0abc");
  EXPECT_EQ(out->timestamp, "2026-12-04T10:00:00.000Z");
  EXPECT_EQ(out->text, "cloud-init: boot\n");
}

TEST(ConsoleOutput, NothingYetAndBadBase64) {
  auto empty = parse_console_output("<GetConsoleOutputResponse><instanceId>i-1</instanceId></GetConsoleOutputResponse>");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->text, "");
  auto bad = parse_console_output("<GetConsoleOutputResponse><output>@@@</output></GetConsoleOutputResponse>");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidReply");
}

}  // namespace
}  // namespace spawn::aws::ec2
