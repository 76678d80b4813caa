#pragma once
// The JSON 1.1 protocol (SSM, the Price List API): POST / with X-Amz-Target "<prefix>.<Action>".
#include <nlohmann/json.hpp>
#include <string_view>

#include "spawn/aws/service_client.hpp"

namespace spawn::aws::protocol {

// Calls target_prefix.action with the JSON input; the parsed JSON reply on success
// ("InvalidReply" when the body is not JSON).
Result<nlohmann::json> call_json(const ServiceClient& service, std::string_view target_prefix,
                                 std::string_view action, const nlohmann::json& input);

}  // namespace spawn::aws::protocol
