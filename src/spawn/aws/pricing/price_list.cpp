#include "spawn/aws/pricing/price_list.hpp"

namespace spawn::aws::pricing {
namespace {

// The string at key, or "" when absent or not a string (nlohmann's value() throws on a mismatch).
std::string string_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

nlohmann::json on_demand_products_input(std::string_view region, std::string_view instance_type,
                                        std::string_view next_token) {
  auto term = [](const char* field, std::string_view value) {
    return nlohmann::json{{"Type", "TERM_MATCH"}, {"Field", field}, {"Value", std::string(value)}};
  };
  nlohmann::json input{{"ServiceCode", "AmazonEC2"},
                       {"FormatVersion", "aws_v1"},
                       {"MaxResults", 100},
                       {"Filters",
                        {term("instanceType", instance_type), term("regionCode", region), term("operatingSystem", "Linux"),
                         term("tenancy", "Shared"), term("preInstalledSw", "NA"), term("capacitystatus", "Used"),
                         term("licenseModel", "No License required")}}};
  if (!next_token.empty()) input["NextToken"] = std::string(next_token);
  return input;
}

Result<std::pair<std::vector<std::string>, std::string>> parse_get_products(const nlohmann::json& reply) {
  auto bad = [](const std::string& what) { return unexpected(local_error("InvalidReply", "GetProducts: " + what)); };
  if (!reply.is_object()) return bad("the reply is not a JSON object");
  std::vector<std::string> documents;
  if (auto it = reply.find("PriceList"); it != reply.end() && !it->is_null()) {
    if (!it->is_array()) return bad("PriceList is not a list");
    for (const auto& item : *it) {
      // AWS sends each document as a JSON string; accept an inline object as well.
      if (item.is_string())
        documents.push_back(item.get<std::string>());
      else if (item.is_object())
        documents.push_back(item.dump());
      else
        return bad("a PriceList entry is neither a string nor an object");
    }
  }
  std::string token;
  if (auto it = reply.find("NextToken"); it != reply.end() && it->is_string()) token = it->get<std::string>();
  return std::pair{std::move(documents), std::move(token)};
}

Result<std::optional<model::Usd>> parse_on_demand_hourly(std::string_view document) {
  auto bad = [](const std::string& what) {
    return unexpected(local_error("InvalidReply", "GetProducts: a price-list document " + what));
  };
  auto doc = nlohmann::json::parse(document, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return bad("is not a JSON object");
  const auto* terms = doc.contains("terms") ? &doc["terms"] : nullptr;
  if (!terms || !terms->is_object() || !terms->contains("OnDemand")) return std::optional<model::Usd>{};
  const auto& on_demand = (*terms)["OnDemand"];
  if (!on_demand.is_object()) return bad("has an OnDemand term that is not an object");
  // OnDemand.<sku>.<offer term>.priceDimensions.<rate code>: the hourly one, from hour 0.
  for (const auto& [term_code, term] : on_demand.items()) {
    if (!term.is_object() || !term.contains("priceDimensions") || !term["priceDimensions"].is_object()) continue;
    for (const auto& [rate_code, dimension] : term["priceDimensions"].items()) {
      if (string_at(dimension, "unit") != "Hrs") continue;
      if (auto begin = string_at(dimension, "beginRange"); !begin.empty() && begin != "0") continue;
      // The Price List API of AWS China prices in CNY only: spawn's figures are USD, and a price in
      // another currency is neither converted nor taken for dollars.
      if (const auto& unit = dimension.contains("pricePerUnit") ? dimension["pricePerUnit"] : nlohmann::json();
          unit.is_object() && !unit.empty() && !unit.contains("USD"))
        return unexpected(local_error("UnsupportedCurrency", "the Price List API prices in " + unit.begin().key() +
                                                                 ", not USD (spawn's prices are USD)"));
      const std::string price = dimension.contains("pricePerUnit") ? string_at(dimension["pricePerUnit"], "USD") : "";
      auto usd = model::Usd::parse(price);
      if (!usd) return bad("has an hourly price that is not a decimal: '" + price + "' (" + rate_code + ")");
      return std::optional<model::Usd>(*usd);
    }
  }
  return std::optional<model::Usd>{};
}

}  // namespace spawn::aws::pricing
