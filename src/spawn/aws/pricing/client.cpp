#include "spawn/aws/pricing/client.hpp"

#include <fmt/format.h>

#include "spawn/aws/protocol/json_rpc.hpp"

namespace spawn::aws::pricing {

Result<std::optional<model::Usd>> Client::on_demand_price(const std::string& region,
                                                          const std::string& instance_type) const {
  std::optional<model::Usd> price;
  std::string token;
  for (int page = 0;; ++page) {
    auto reply = protocol::call_json(*m_service, k_target_prefix, "GetProducts",
                                     on_demand_products_input(region, instance_type, token));
    if (!reply) return unexpected(reply.error());
    auto documents = parse_get_products(*reply);
    if (!documents) return unexpected(documents.error());
    for (const auto& document : documents->first) {
      auto hourly = parse_on_demand_hourly(document);
      if (!hourly) return unexpected(hourly.error());
      if (!*hourly) continue;
      // The filters name one product; two at different prices means they no longer do, and
      // picking one would be a guess.
      if (price && *price != **hourly)
        return unexpected(local_error(
            "InvalidReply", fmt::format("GetProducts: several on-demand prices for {} in {} ({} and {})", instance_type,
                                        region, price->text(), (*hourly)->text())));
      price = *hourly;
    }
    if (documents->second.empty() || documents->second == token || page >= 100) break;
    token = documents->second;
  }
  return price;
}

}  // namespace spawn::aws::pricing
