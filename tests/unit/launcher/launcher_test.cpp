#include "spawn/launcher/launcher.hpp"

#include <gtest/gtest.h>

using spawn::launcher::instance_arn;

// The spawn:instance-arn tag spored's role conditions compare with ec2:SourceInstanceARN: in the
// partition of the launch region, or the condition never matches outside the aws partition.
TEST(Launcher, InstanceArnIsInTheRegionsPartition) {
  EXPECT_EQ(instance_arn("us-east-1", "123456789012", "i-1"), "arn:aws:ec2:us-east-1:123456789012:instance/i-1");
  EXPECT_EQ(instance_arn("us-gov-west-1", "123456789012", "i-1"),
            "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/i-1");
  EXPECT_EQ(instance_arn("cn-northwest-1", "123456789012", "i-1"),
            "arn:aws-cn:ec2:cn-northwest-1:123456789012:instance/i-1");
}
