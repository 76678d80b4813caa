#pragma once
// GetConsoleOutput: what an instance printed on its serial console (the kernel, cloud-init with
// the SSH host keys it made, the user-data's output, spored's start). `spawn logs`, and the host
// keys `spawn connect` trusts.
#include <string>
#include <string_view>

#include "spawn/aws/ec2/client.hpp"

namespace spawn::aws::ec2 {

struct ConsoleOutput {
  std::string instance_id;
  std::string timestamp;  // when EC2 took it ("" when it has none)
  std::string text;       // decoded; "" when the instance has printed nothing EC2 kept yet
};

// GetConsoleOutput parameters; latest: the most recent output (Nitro instances) rather than the
// buffer EC2 keeps from boot.
Params console_output_params(const std::string& instance_id, bool latest);
// GetConsoleOutputResponse; an InvalidReply error when <output> is not base64.
Result<ConsoleOutput> parse_console_output(std::string_view xml);
Result<ConsoleOutput> get_console_output(const Client& ec2, const std::string& instance_id, bool latest);

}  // namespace spawn::aws::ec2
