#pragma once
// DescribeImages for one AMI: what hibernation needs to know about its root volume.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/aws/error.hpp"

namespace spawn::aws::ec2 {

struct ImageInfo {
  std::string image_id;
  std::string architecture;      // "x86_64", "arm64"
  std::string name;              // "al2023-ami-2023.6...", "ubuntu/images/hvm-ssd/ubuntu-noble-..."
  std::string root_device_type;  // "ebs" or "instance-store"
  std::string root_device_name;  // "/dev/xvda"
  std::optional<int> root_volume_gib;  // the root mapping's VolumeSize, when given
};

// DescribeImagesResponse: every image of the reply.
Result<std::vector<ImageInfo>> parse_describe_images(std::string_view xml);

}  // namespace spawn::aws::ec2
