#include "spawn/aws/ec2/console.hpp"

#include "spawn/aws/ec2/xml_reply.hpp"
#include "spawn/util/encoding.hpp"

namespace spawn::aws::ec2 {

Params console_output_params(const std::string& instance_id, bool latest) {
  Params p{{"InstanceId", instance_id}};
  if (latest) p.emplace_back("Latest", "true");
  return p;
}

Result<ConsoleOutput> parse_console_output(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "GetConsoleOutputResponse");
  if (!root) return unexpected(root.error());
  ConsoleOutput out{root->child_value("instanceId"), root->child_value("timestamp"), {}};
  std::string encoded = root->child_value("output");
  std::erase_if(encoded, [](char c) { return c == '\n' || c == '\r' || c == ' '; });
  if (!encoded.empty()) {
    auto text = util::base64_decode(encoded);
    if (!text) return unexpected(local_error("InvalidReply", "GetConsoleOutput: the output is not base64"));
    out.text = std::move(*text);
  }
  return out;
}

Result<ConsoleOutput> get_console_output(const Client& ec2, const std::string& instance_id, bool latest) {
  auto body = ec2.call("GetConsoleOutput", console_output_params(instance_id, latest));
  if (!body) return unexpected(body.error());
  return parse_console_output(*body);
}

}  // namespace spawn::aws::ec2
