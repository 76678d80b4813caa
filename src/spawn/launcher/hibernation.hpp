#pragma once
// EC2's requirements for a spot instance that hibernates on interruption, checked against what
// DescribeInstanceTypes and DescribeImages say (pure). The rest of the rules are in how the
// request is built: a persistent spot request with interruption behaviour hibernate, and
// HibernationOptions.Configured (see launcher.cpp).
#include <string>

#include "spawn/aws/ec2/images.hpp"
#include "spawn/aws/ec2/types.hpp"
#include "spawn/aws/error.hpp"

namespace spawn::launcher {

// EC2 hibernates Linux instances with less than 150 GiB of memory.
inline constexpr long long k_hibernation_max_memory_mib = 150LL * 1024;

struct HibernationRoot {
  std::string device_name;  // the AMI's root device ("/dev/xvda")
  int size_gib = 0;         // the AMI's root volume plus the RAM, which hibernation writes there
};

// Whether EC2 can hibernate the type: an error (code "HibernationUnsupported", plain words)
// when it does not support hibernation or has too much memory. Checked before the AMI.
aws::Result<void> check_hibernation_type(const aws::ec2::InstanceTypeInfo& type);

// The encrypted root volume to ask for; the errors of check_hibernation_type, and one when the
// AMI's root device is not EBS.
aws::Result<HibernationRoot> hibernation_root(const aws::ec2::InstanceTypeInfo& type, const aws::ec2::ImageInfo& image);

}  // namespace spawn::launcher
