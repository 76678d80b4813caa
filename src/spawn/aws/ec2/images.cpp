#include "spawn/aws/ec2/images.hpp"

#include <cstdlib>

#include "spawn/aws/ec2/xml_reply.hpp"

namespace spawn::aws::ec2 {

Result<std::vector<ImageInfo>> parse_describe_images(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "DescribeImagesResponse");
  if (!root) return unexpected(root.error());
  std::vector<ImageInfo> out;
  for (pugi::xml_node item : root->child("imagesSet").children("item")) {
    ImageInfo image;
    image.image_id = item.child_value("imageId");
    image.architecture = item.child_value("architecture");
    image.name = item.child_value("name");
    image.root_device_type = item.child_value("rootDeviceType");
    image.root_device_name = item.child_value("rootDeviceName");
    for (pugi::xml_node m : item.child("blockDeviceMapping").children("item")) {
      if (image.root_device_name != m.child_value("deviceName")) continue;
      const char* size = m.child("ebs").child_value("volumeSize");
      if (*size) image.root_volume_gib = std::atoi(size);
    }
    out.push_back(std::move(image));
  }
  return out;
}

}  // namespace spawn::aws::ec2
