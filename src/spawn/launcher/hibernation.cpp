#include "spawn/launcher/hibernation.hpp"

#include <fmt/format.h>

namespace spawn::launcher {

namespace {
auto refuse(std::string message) { return unexpected(aws::local_error("HibernationUnsupported", std::move(message))); }
}  // namespace

aws::Result<void> check_hibernation_type(const aws::ec2::InstanceTypeInfo& type) {
  if (!type.hibernation_supported)
    return refuse(fmt::format("{} cannot hibernate (EC2 does not support hibernation for it); use "
                              "--on-interruption checkpoint or terminate, or a type that can (m7i, c7i, r7i, t3, ...)",
                              type.instance_type));
  if (type.memory_mib > k_hibernation_max_memory_mib)
    return refuse(fmt::format("{} has {} GiB of memory; EC2 hibernates instances with less than 150 GiB",
                              type.instance_type, type.memory_mib / 1024));
  return {};
}

aws::Result<HibernationRoot> hibernation_root(const aws::ec2::InstanceTypeInfo& type, const aws::ec2::ImageInfo& image) {
  if (auto ok = check_hibernation_type(type); !ok) return unexpected(ok.error());
  if (image.root_device_type != "ebs")
    return refuse(fmt::format("{} has an {} root device; hibernation needs an EBS root volume", image.image_id,
                              image.root_device_type.empty() ? "unknown" : image.root_device_type));
  if (image.root_device_name.empty())
    return refuse(fmt::format("EC2 did not say which device is the root of {}; pass another --ami", image.image_id));
  const int ram_gib = static_cast<int>((type.memory_mib + 1023) / 1024);
  // Without a size in the AMI, 8 GiB is what Amazon Linux images have.
  return HibernationRoot{image.root_device_name, image.root_volume_gib.value_or(8) + ram_gib};
}

}  // namespace spawn::launcher
