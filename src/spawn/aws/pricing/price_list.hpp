#pragma once
// The AWS Price List Query API, pure part: the GetProducts input spawn sends and the reading
// of the product documents it answers with.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spawn/aws/error.hpp"
#include "spawn/model/money.hpp"

namespace spawn::aws::pricing {

// The JSON 1.1 target prefix: X-Amz-Target "AWSPriceListService.GetProducts".
inline constexpr const char* k_target_prefix = "AWSPriceListService";

// GetProducts for the on-demand Linux price of one type in one region: ServiceCode AmazonEC2 and
// the TERM_MATCH filters that make it one product (instanceType, regionCode,
// operatingSystem=Linux, tenancy=Shared, preInstalledSw=NA, capacitystatus=Used,
// licenseModel="No License required"); NextToken when paging.
nlohmann::json on_demand_products_input(std::string_view region, std::string_view instance_type,
                                        std::string_view next_token = {});

// One GetProducts page: its product documents (PriceList is a list of JSON strings, each a
// whole document) and the NextToken ("" on the last page). InvalidReply when the shape is wrong.
Result<std::pair<std::vector<std::string>, std::string>> parse_get_products(const nlohmann::json& reply);

// The USD per hour of one product document: its OnDemand term's hourly price dimension
// (unit "Hrs"). nullopt when the document has no on-demand hourly price; InvalidReply when
// the document is not JSON or the price not a decimal; UnsupportedCurrency when the price is in
// another currency only (AWS China's Price List API answers in CNY).
Result<std::optional<model::Usd>> parse_on_demand_hourly(std::string_view document);

}  // namespace spawn::aws::pricing
