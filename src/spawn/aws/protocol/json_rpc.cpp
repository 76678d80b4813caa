#include "spawn/aws/protocol/json_rpc.hpp"

namespace spawn::aws::protocol {

Result<nlohmann::json> call_json(const ServiceClient& service, std::string_view target_prefix,
                                 std::string_view action, const nlohmann::json& input) {
  ServiceRequest req;
  req.method = "POST";
  req.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
  req.headers.emplace_back("X-Amz-Target", std::string(target_prefix) + "." + std::string(action));
  req.body = input.dump();
  auto reply = service.send(req, parse_json_error);
  if (!reply) return unexpected(reply.error());
  auto doc = nlohmann::json::parse(reply->body, nullptr, false);
  if (doc.is_discarded())
    return unexpected(local_error("InvalidReply", std::string(action) + " returned a reply that is not JSON"));
  return doc;
}

}  // namespace spawn::aws::protocol
