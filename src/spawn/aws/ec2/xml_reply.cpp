#include "spawn/aws/ec2/xml_reply.hpp"

#include <string>

namespace spawn::aws::ec2 {

namespace {

Result<pugi::xml_node> root_of(const pugi::xml_document& doc, bool loaded, const char* root_name) {
  if (!loaded)
    return unexpected(local_error("InvalidReply", std::string("EC2 sent a reply that is not XML (expected ") + root_name + ")"));
  pugi::xml_node root = doc.child(root_name);
  if (!root) return unexpected(local_error("InvalidReply", std::string("EC2 sent an unexpected reply (expected ") + root_name + ")"));
  return root;
}

}  // namespace

Result<pugi::xml_node> reply_root(pugi::xml_document& doc, std::string_view xml, const char* root_name) {
  return root_of(doc, static_cast<bool>(doc.load_buffer(xml.data(), xml.size())), root_name);
}

Result<pugi::xml_node> reply_root_in_place(pugi::xml_document& doc, std::string& xml, const char* root_name) {
  // The string's own terminating zero is part of the buffer: pugixml then reads it exactly as
  // load_buffer reads its zero-terminated copy. Without it a truncated last tag passed unnoticed
  // (found by fuzz/ec2_parsers). pugixml writes only zeros there.
  return root_of(doc,
                 static_cast<bool>(doc.load_buffer_inplace(xml.data(), xml.size() + 1,
                                                           pugi::parse_default | pugi::parse_embed_pcdata)),
                 root_name);
}

}  // namespace spawn::aws::ec2
