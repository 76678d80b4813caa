#pragma once
// The common first step of every EC2 reply parser.
#include <pugixml.hpp>

#include <string>
#include <string_view>

#include "spawn/aws/error.hpp"

namespace spawn::aws::ec2 {

// Loads xml into doc and returns its root element, which must be root_name
// ("RunInstancesResponse", ...); otherwise an Error with code "InvalidReply".
Result<pugi::xml_node> reply_root(pugi::xml_document& doc, std::string_view xml, const char* root_name);
// The same, parsing xml in place (no copy of a reply of tens of MB): doc's strings point into
// xml, which must outlive doc and is changed. An element's text is its own value
// (parse_embed_pcdata: half the nodes); read it with child_value(), as every parser here does.
Result<pugi::xml_node> reply_root_in_place(pugi::xml_document& doc, std::string& xml, const char* root_name);

}  // namespace spawn::aws::ec2
