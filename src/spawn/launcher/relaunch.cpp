#include "spawn/launcher/relaunch.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "spawn/launcher/fleet_tally.hpp"
#include "spawn/launcher/spot_tags.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::launcher {
namespace tag = model::tag;

aws::ec2::Tags replacement_tags(const RelaunchSpec& spec, const Outgoing& out, bool spot, bool fell_back) {
  aws::ec2::Tags tags = member_spot_tags(spot, fell_back);
  // Also in the template; in the request too, where the role's policy can require them.
  tags[tag::k_managed] = "true";
  tags[tag::k_launch_id] = spec.launch_id;
  if (out.index) {
    tags[tag::k_job_array_index] = std::to_string(*out.index);
    if (!spec.name.empty()) tags[tag::k_name] = fmt::format("{}-{}", spec.name, *out.index);
  }
  tags[tag::k_generation] = std::to_string(out.generation + 1);
  tags[tag::k_replaces] = out.instance_id;
  if (out.ttl_deadline) tags[tag::k_ttl_deadline] = *out.ttl_deadline;
  return tags;
}

bool is_template_gone(const aws::Error& e) {
  return e.code == "InvalidLaunchTemplateName.NotFoundException" || e.code == "InvalidLaunchTemplateId.NotFound" ||
         e.code == "InvalidLaunchTemplateId.NotFoundException" || e.code == "InvalidLaunchTemplateName.NotFound";
}

namespace {

aws::Result<aws::ec2::CreateFleetResult> one_fleet(const LaunchContext& ctx, const RelaunchSpec& spec,
                                                   const Outgoing& out, bool spot) {
  aws::ec2::CreateFleetInput in;
  in.launch_template = {"", relaunch_template_name(spec.launch_id), "$Latest"};
  in.overrides = replacement_pools(spec, out, spot);
  in.spot_capacity = spot ? 1 : 0;
  in.on_demand_capacity = spot ? 0 : 1;
  in.spot_allocation_strategy = spec.allocation_strategy;
  in.client_token = replacement_token(spec, out, spot ? "spot" : "on-demand");
  in.instance_tags = replacement_tags(spec, out, spot, !spot);
  in.fleet_tags = {{tag::k_managed, "true"}, {tag::k_launch_id, spec.launch_id}};
  return send_once<aws::ec2::CreateFleetResult>(ctx, [&] { return ctx.ec2.create_fleet(in); });
}

std::optional<Replacement> launched(const aws::ec2::CreateFleetResult& reply, bool spot, int generation) {
  for (const auto& group : reply.instances) {
    if (group.instance_ids.empty()) continue;
    return Replacement{group.instance_ids.front(), group.instance_type, group.availability_zone, reply.fleet_id, spot,
                       generation, reply.request_id};
  }
  return std::nullopt;
}

}  // namespace

aws::Result<Replacement> request_replacement(const LaunchContext& ctx, const RelaunchSpec& spec, const Outgoing& out) {
  const int generation = out.generation + 1;
  auto first = one_fleet(ctx, spec, out, true);
  if (!first) return unexpected(first.error());
  if (auto r = launched(*first, true, generation)) return *r;
  const FleetTally spot = tally_fleet(*first, 1, 0);
  const aws::Error why{0, spot.spot_code(), describe_part("spot", 0, 1, spot.spot_errors), first->request_id};
  if (!spec.fallback || !spot.spot_short_of_capacity_only()) return unexpected(why);
  ctx.warn(fmt::format("Spot unavailable for the replacement ({}), falling back to on-demand", why.code));
  auto second = one_fleet(ctx, spec, out, false);
  if (!second) return unexpected(second.error());
  if (auto r = launched(*second, false, generation)) return *r;
  const FleetTally od = tally_fleet(*second, 0, 1);
  return unexpected(aws::Error{0, od.on_demand_errors.empty() ? "UnfulfillableCapacity" : od.on_demand_errors.front().code,
                               why.message + "; " + describe_part("on-demand fallback", 0, 1, od.on_demand_errors),
                               second->request_id});
}

}  // namespace spawn::launcher

namespace spawn::launcher {
namespace {

const std::vector<std::string> k_live_states{"pending", "running", "stopping", "stopped"};

aws::Result<std::vector<aws::ec2::Instance>> live_instances(const aws::ec2::Client& ec2, const std::string& launch_id) {
  return ec2.describe_instances({{"tag:" + std::string(model::tag::k_launch_id), {launch_id}},
                                 {"instance-state-name", k_live_states}});
}

}  // namespace

bool live_state(std::string_view state) {
  return std::find(k_live_states.begin(), k_live_states.end(), state) != k_live_states.end();
}

aws::Result<std::vector<std::string>> end_relaunches(const aws::ec2::Client& ec2,
                                                     const std::vector<aws::ec2::Instance>& ending) {
  std::vector<std::string> launches;
  for (const auto& i : ending) {
    auto launch = i.tags.find(model::tag::k_launch_id);
    if (launch == i.tags.end() || !i.tags.contains(model::tag::k_relaunch)) continue;
    if (std::find(launches.begin(), launches.end(), launch->second) == launches.end()) launches.push_back(launch->second);
  }
  std::vector<std::string> ended;
  for (const auto& launch : launches) {
    auto live = live_instances(ec2, launch);
    if (!live) return unexpected(live.error());
    const bool whole = std::all_of(live->begin(), live->end(), [&](const aws::ec2::Instance& i) {
      return std::any_of(ending.begin(), ending.end(), [&](const aws::ec2::Instance& e) { return e.instance_id == i.instance_id; });
    });
    if (!whole) continue;
    auto gone = ec2.delete_launch_template_named(relaunch_template_name(launch));
    if (!gone && !is_template_gone(gone.error())) return unexpected(gone.error());
    ended.push_back(launch);
  }
  return ended;
}

aws::Result<std::vector<aws::ec2::StateChange>> sweep_replacements(const LaunchContext& ctx, const std::vector<std::string>& launches,
                                                         const std::vector<std::string>& terminated,
                                                         const std::vector<std::chrono::milliseconds>& settle) {
  std::vector<std::string> swept;
  std::vector<aws::ec2::StateChange> changes;
  for (size_t round = 0; round <= settle.size(); ++round) {
    if (round > 0) ctx.pause(settle[round - 1]);
    std::vector<std::string> found;
    for (const auto& launch : launches) {
      auto live = live_instances(ctx.ec2, launch);
      if (!live) return unexpected(live.error());
      for (const auto& i : *live)
        if (std::find(terminated.begin(), terminated.end(), i.instance_id) == terminated.end() &&
            std::find(swept.begin(), swept.end(), i.instance_id) == swept.end())
          found.push_back(i.instance_id);
    }
    if (found.empty()) continue;
    ctx.warn(fmt::format("Terminating {} replacement(s) launched while the array was ending: {}", found.size(),
                         fmt::join(found, ", ")));
    auto r = ctx.ec2.terminate_instances(found);
    if (!r) return unexpected(r.error());
    changes.insert(changes.end(), r->begin(), r->end());
    swept.insert(swept.end(), found.begin(), found.end());
  }
  return changes;
}

}  // namespace spawn::launcher
