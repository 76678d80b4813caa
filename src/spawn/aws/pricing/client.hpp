#pragma once
// The AWS Price List Query API over JSON 1.1. Its endpoint is in us-east-1 whatever the region
// priced (cli::Session builds the ServiceClient so, with AWS_ENDPOINT_URL_PRICING honoured).
#include <memory>
#include <optional>
#include <string>

#include "spawn/aws/pricing/price_list.hpp"
#include "spawn/aws/service_client.hpp"

namespace spawn::aws::pricing {

class Client {
 public:
  explicit Client(std::shared_ptr<ServiceClient> service) : m_service(std::move(service)) {}

  // The on-demand Linux USD per hour of the type in the region, from every page of GetProducts.
  // nullopt when AWS has no such product (a type not sold there); InvalidReply when the products
  // found disagree on the price; AWS's errors as they come (AccessDeniedException, ...).
  Result<std::optional<model::Usd>> on_demand_price(const std::string& region, const std::string& instance_type) const;

 private:
  std::shared_ptr<ServiceClient> m_service;
};

}  // namespace spawn::aws::pricing
