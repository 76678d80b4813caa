#include "spawn/aws/ec2/xml_reply.hpp"

#include <string>

namespace spawn::aws::ec2 {

Result<pugi::xml_node> reply_root(pugi::xml_document& doc, std::string_view xml, const char* root_name) {
  if (!doc.load_buffer(xml.data(), xml.size()))
    return unexpected(local_error("InvalidReply", std::string("EC2 sent a reply that is not XML (expected ") + root_name + ")"));
  pugi::xml_node root = doc.child(root_name);
  if (!root) return unexpected(local_error("InvalidReply", std::string("EC2 sent an unexpected reply (expected ") + root_name + ")"));
  return root;
}

}  // namespace spawn::aws::ec2
