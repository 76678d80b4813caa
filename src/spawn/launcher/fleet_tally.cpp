#include "spawn/launcher/fleet_tally.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace spawn::launcher {

using aws::ec2::CreateFleetResult;
using aws::ec2::FleetError;

bool FleetTally::spot_short_of_capacity_only() const {
  for (const auto& e : spot_errors)
    if (!aws::is_capacity(aws::Error{0, e.code, e.message, {}})) return false;
  return true;
}

std::string FleetTally::spot_code() const {
  return spot_errors.empty() ? "UnfulfillableCapacity" : spot_errors.front().code;
}

FleetTally tally_fleet(const CreateFleetResult& reply, int spot_wanted, int on_demand_wanted) {
  FleetTally t;
  t.spot_wanted = spot_wanted;
  t.on_demand_wanted = on_demand_wanted;
  t.spot_got = static_cast<int>(reply.instance_ids("spot").size());
  t.on_demand_got = static_cast<int>(reply.instance_ids("on-demand").size());
  for (const auto& e : reply.errors) (e.lifecycle == "spot" ? t.spot_errors : t.on_demand_errors).push_back(e);
  return t;
}

std::string describe_part(std::string_view label, int got, int wanted, const std::vector<FleetError>& errors) {
  std::string out = fmt::format("{} {} of {}", label, got, wanted);
  if (got >= wanted) return out;
  std::vector<std::string> why;
  for (size_t i = 0; i < errors.size() && i < 3; ++i) {
    const auto& e = errors[i];
    std::string pool = e.instance_type.empty() ? "" : e.instance_type;
    if (!e.subnet_id.empty()) pool += " in " + e.subnet_id;
    why.push_back(fmt::format("{}{}{}{}", pool, pool.empty() ? "" : ": ", e.code, e.message.empty() ? "" : ": " + e.message));
  }
  if (errors.size() > 3) why.push_back(fmt::format("and {} more", errors.size() - 3));
  if (why.empty()) why.push_back("EC2 gave no reason");
  return out + fmt::format(" ({})", fmt::join(why, "; "));
}

}  // namespace spawn::launcher
