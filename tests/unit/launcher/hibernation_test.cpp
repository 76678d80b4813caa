#include "spawn/launcher/hibernation.hpp"

#include <gtest/gtest.h>

using namespace spawn::launcher;
using spawn::aws::ec2::ImageInfo;
using spawn::aws::ec2::InstanceTypeInfo;

namespace {
InstanceTypeInfo type(long long memory_mib, bool supported = true) {
  InstanceTypeInfo t;
  t.instance_type = "m7i.large";
  t.memory_mib = memory_mib;
  t.hibernation_supported = supported;
  return t;
}
ImageInfo image(std::optional<int> root_gib = 8, std::string device_type = "ebs") {
  ImageInfo i;
  i.image_id = "ami-0abc";
  i.root_device_type = std::move(device_type);
  i.root_device_name = "/dev/xvda";
  i.root_volume_gib = root_gib;
  return i;
}
}  // namespace

TEST(Hibernation, RootHoldsTheAmiAndTheMemory) {
  auto r = hibernation_root(type(8192), image(15));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->device_name, "/dev/xvda");
  EXPECT_EQ(r->size_gib, 15 + 8);
  EXPECT_EQ(hibernation_root(type(1000), image(std::nullopt))->size_gib, 8 + 1) << "RAM rounded up to whole GiB";
}

TEST(Hibernation, RefusesWhatEc2Refuses) {
  auto unsupported = hibernation_root(type(16384, false), image());
  ASSERT_FALSE(unsupported);
  EXPECT_EQ(unsupported.error().code, "HibernationUnsupported");
  EXPECT_NE(unsupported.error().message.find("m7i.large cannot hibernate"), std::string::npos);
  auto big = hibernation_root(type(151 * 1024), image());
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("150 GiB"), std::string::npos);
  EXPECT_TRUE(hibernation_root(type(150 * 1024), image()));
  auto store = hibernation_root(type(8192), image(8, "instance-store"));
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("EBS root"), std::string::npos);
}
