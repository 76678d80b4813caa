#pragma once
// SSM Parameter Store (JSON 1.1): what spawn needs is GetParameter for the public AMI aliases.
#include <memory>
#include <string>

#include "spawn/aws/service_client.hpp"

namespace spawn::aws::ssm {

class Client {
 public:
  explicit Client(std::shared_ptr<ServiceClient> service) : m_service(std::move(service)) {}
  // The parameter's value (e.g. /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64).
  Result<std::string> get_parameter(const std::string& name) const;

 private:
  std::shared_ptr<ServiceClient> m_service;
};

}  // namespace spawn::aws::ssm
