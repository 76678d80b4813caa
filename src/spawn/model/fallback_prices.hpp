#pragma once
// The on-demand prices spawn ships with, for when the Price List API cannot be asked (no
// network, or pricing:GetProducts not granted, which is common). A small dated copy of AWS's
// Linux, shared-tenancy prices of common types; whatever comes from it is shown as approximate
// with this date. Update it by hand from the Price List API (or `spawn price` with access to
// it), all of it at once with the new date; keep it small.
#include <optional>
#include <string_view>

#include "spawn/model/money.hpp"

namespace spawn::model {

// The date the table was copied from the Price List API (publication of that day).
inline constexpr std::string_view k_fallback_prices_date = "2025-11-01";

// The table's USD per hour for the type in the region; nullopt when not in the table.
std::optional<Usd> fallback_on_demand_price(std::string_view region, std::string_view instance_type);

}  // namespace spawn::model
