#include "spawn/aws/ec2/images.hpp"

#include <gtest/gtest.h>

using namespace spawn::aws::ec2;

TEST(Ec2Images, RootDeviceAndItsSize) {
  auto r = parse_describe_images(R"(<DescribeImagesResponse><imagesSet><item>
    <blockDeviceMapping>
      <item><deviceName>/dev/sdb</deviceName><ebs><volumeSize>100</volumeSize></ebs></item>
      <item><ebs><deleteOnTermination>false</deleteOnTermination><volumeSize>15</volumeSize></ebs><deviceName>/dev/xvda</deviceName></item>
    </blockDeviceMapping>
    <rootDeviceName>/dev/xvda</rootDeviceName><rootDeviceType>ebs</rootDeviceType>
    <imageId>ami-0abc</imageId><architecture>x86_64</architecture></item></imagesSet></DescribeImagesResponse>)");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].image_id, "ami-0abc");
  EXPECT_EQ((*r)[0].architecture, "x86_64");
  EXPECT_EQ((*r)[0].root_device_type, "ebs");
  EXPECT_EQ((*r)[0].root_device_name, "/dev/xvda");
  EXPECT_EQ((*r)[0].root_volume_gib, 15);
}

TEST(Ec2Images, NoRootSizeAndNoImages) {
  auto r = parse_describe_images(R"(<DescribeImagesResponse><imagesSet><item><imageId>ami-1</imageId>
    <rootDeviceType>instance-store</rootDeviceType></item></imagesSet></DescribeImagesResponse>)");
  ASSERT_TRUE(r);
  EXPECT_FALSE((*r)[0].root_volume_gib);
  auto none = parse_describe_images("<DescribeImagesResponse><imagesSet/></DescribeImagesResponse>");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(parse_describe_images("<Nope/>").error().code, "InvalidReply");
}
