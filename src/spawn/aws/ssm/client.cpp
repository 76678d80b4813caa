#include "spawn/aws/ssm/client.hpp"

#include "spawn/aws/protocol/json_rpc.hpp"

namespace spawn::aws::ssm {

Result<std::string> Client::get_parameter(const std::string& name) const {
  auto reply = protocol::call_json(*m_service, "AmazonSSM", "GetParameter", {{"Name", name}});
  if (!reply) return unexpected(reply.error());
  const auto& value = (*reply)["Parameter"]["Value"];
  if (!value.is_string())
    return unexpected(local_error("InvalidReply", "GetParameter returned no value for " + name));
  return value.get<std::string>();
}

}  // namespace spawn::aws::ssm
