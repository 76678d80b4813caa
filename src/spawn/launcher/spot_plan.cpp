#include "spawn/launcher/spot_plan.hpp"

#include <algorithm>
#include <tuple>

#include "spawn/model/tags.hpp"
#include "spawn/util/encoding.hpp"

namespace spawn::launcher {
namespace tag = model::tag;

LaunchPlan plan_launch(const model::LaunchOptions& o) {
  LaunchPlan plan;
  plan.instance_types = o.all_instance_types();
  if (o.spot.enabled) {
    plan.spot_count = o.spot.spot_count.value_or(o.count);
    plan.on_demand_count = o.count - plan.spot_count;
  } else {
    plan.on_demand_count = o.count;
  }
  const bool several = plan.instance_types.size() > 1 || o.subnet_ids.size() > 1;
  // A launch that relaunches is a fleet: its template stays for the replacements (launcher/relaunch).
  plan.route = several || plan.mixed() || o.relaunch.enabled() ? Route::fleet : Route::run_instances;
  return plan;
}

SpotSetup spot_setup(const model::LaunchOptions& o, const AgentSetup& agent, const std::optional<std::string>& ttl_deadline) {
  SpotSetup setup;
  setup.on_interruption = o.spot.interruption();
  setup.checkpoint_script = o.spot.checkpoint_script;
  setup.checkpoint_script_region = agent.checkpoint_script_region;
  setup.notify = o.spot.notify;
  setup.price_alert = o.spot.price_alert;
  setup.ttl_deadline = ttl_deadline;
  if (o.on_complete) setup.on_complete = std::string(model::to_string(*o.on_complete));
  setup.idle = o.idle;
  if (o.idle.enabled()) setup.idle.action = o.idle_action();
  setup.spec = agent.spec;
  setup.agent_install = agent.install;
  return setup;
}

RelaunchSpec relaunch_spec(const model::LaunchOptions& o, const std::string& launch_id, const std::string& job_array_id,
                           const std::string& job_array_name) {
  RelaunchSpec r;
  r.max = o.relaunch.max.value_or(0);
  r.launch_id = launch_id;
  r.job_array_id = job_array_id;
  if (!job_array_id.empty()) r.name = o.name.value_or(job_array_name);
  r.instance_types = o.all_instance_types();
  r.subnet_ids = o.subnet_ids;
  r.max_price = o.spot.max_price;
  r.fallback = o.spot.fallback;
  r.allocation_strategy = std::string(model::to_string(o.spot.strategy()));
  r.move = o.relaunch.moves();
  return r;
}

LaunchIds new_launch_ids() { return {util::random_uuid(), "ja-" + util::random_hex(8)}; }

expected<PreparedLaunch, model::UsageError> prepare_launch(const model::LaunchOptions& o, const AgentSetup& agent,
                                                           LaunchIds ids, std::optional<std::string> ttl_deadline) {
  PreparedLaunch p;
  p.plan = plan_launch(o);
  p.ids = std::move(ids);
  p.ttl_deadline = std::move(ttl_deadline);
  p.agent_architectures = agent.architectures;
  p.agent_installed = !agent.install.empty();
  if (o.job_array()) {
    p.job_array_id = p.ids.job_array_id;
    p.job_array_name = o.job_array_name.value_or(o.name.value_or(p.job_array_id));
  }
  SpotSetup setup = spot_setup(o, agent, p.ttl_deadline);
  if (o.spot.enabled && o.relaunch.enabled()) setup.relaunch = relaunch_spec(o, p.ids.launch_id, p.job_array_id, p.job_array_name);
  if (!o.spot.enabled) {
    // On demand: spawn's part only when spored is installed (it enforces --ttl), else the
    // user's user-data exactly as given.
    if (agent.install.empty()) {
      p.user_data = o.user_data;
      return p;
    }
    setup.market = SpotMarket::on_demand;
    auto built = build_user_data(setup, o.user_data);
    if (!built) return unexpected(built.error());
    p.user_data = *built;
    return p;
  }

  auto build = [&](SpotMarket market) -> expected<std::string, model::UsageError> {
    setup.market = market;
    return build_user_data(setup, o.user_data);
  };
  if (p.plan.route == Route::run_instances) {
    auto spot = build(SpotMarket::spot);
    if (!spot) return unexpected(spot.error());
    p.spot_user_data = *spot;
    if (o.spot.fallback) {
      auto on_demand = build(SpotMarket::on_demand);
      if (!on_demand) return unexpected(on_demand.error());
      p.on_demand_user_data = *on_demand;
    }
  } else {
    // One launch template serves every member: when on-demand members are possible (a mixed
    // array, or a fallback), the instance learns its market from its own tag or metadata.
    const bool both = p.plan.mixed() || o.spot.fallback;
    auto fleet = build(both ? SpotMarket::per_instance : SpotMarket::spot);
    if (!fleet) return unexpected(fleet.error());
    p.fleet_user_data = *fleet;
  }
  return p;
}

std::vector<aws::ec2::FleetOverride> fleet_overrides(const model::LaunchOptions& o, bool for_spot) {
  std::vector<aws::ec2::FleetOverride> out;
  std::vector<std::optional<std::string>> subnets;
  for (const auto& s : o.subnet_ids) subnets.emplace_back(s);
  if (subnets.empty()) subnets.emplace_back(std::nullopt);
  for (const auto& type : o.all_instance_types())
    for (const auto& subnet : subnets)
      out.push_back({type, subnet, for_spot ? o.spot.max_price : std::nullopt});
  return out;
}

std::vector<Member> order_members(std::vector<Member> members, const std::vector<std::string>& type_order) {
  auto group = [](const Member& m) { return m.spot ? 0 : m.fell_back ? 2 : 1; };
  auto type_rank = [&](const Member& m) {
    return static_cast<size_t>(std::find(type_order.begin(), type_order.end(), m.instance_type) - type_order.begin());
  };
  std::sort(members.begin(), members.end(), [&](const Member& a, const Member& b) {
    return std::tuple(group(a), type_rank(a), a.instance_id) < std::tuple(group(b), type_rank(b), b.instance_id);
  });
  return members;
}

}  // namespace spawn::launcher
