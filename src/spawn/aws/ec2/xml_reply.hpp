#pragma once
// The common first step of every EC2 reply parser.
#include <pugixml.hpp>

#include <string_view>

#include "spawn/aws/error.hpp"

namespace spawn::aws::ec2 {

// Loads xml into doc and returns its root element, which must be root_name
// ("RunInstancesResponse", ...); otherwise an Error with code "InvalidReply".
Result<pugi::xml_node> reply_root(pugi::xml_document& doc, std::string_view xml, const char* root_name);

}  // namespace spawn::aws::ec2
