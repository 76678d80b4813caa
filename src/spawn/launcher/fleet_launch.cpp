#include "spawn/launcher/fleet_launch.hpp"

#include <fmt/format.h>

#include <functional>

#include "spawn/util/encoding.hpp"

namespace spawn::launcher {
namespace {

using aws::ec2::CreateFleetResult;
using aws::ec2::FleetError;

// Deletes the launch template when the launch is over, whatever happened. Safe: instances an
// instant fleet launched do not depend on the template afterwards.
class TemplateCleanup {
 public:
  TemplateCleanup(const LaunchContext& ctx, std::string id) : m_ctx(ctx), m_id(std::move(id)) {}
  TemplateCleanup(const TemplateCleanup&) = delete;
  TemplateCleanup& operator=(const TemplateCleanup&) = delete;
  // The launch succeeded and the template is meant to stay.
  void keep() { m_id.clear(); }
  ~TemplateCleanup() {
    if (m_id.empty()) return;
    auto deleted = m_ctx.ec2.delete_launch_template(m_id);
    if (!deleted)
      m_ctx.warn(fmt::format("Could not delete the launch template {} ({}); delete it by hand", m_id,
                             deleted.error().describe()));
  }

 private:
  const LaunchContext& m_ctx;
  std::string m_id;
};

aws::Error fleet_failure(const FleetTally& main, const std::optional<FleetTally>& fallback, const std::string& request_id,
                         int total) {
  std::string report = fmt::format("could not launch {}: ", total == 1 ? std::string("the instance")
                                                                       : fmt::format("all {} instances", total));
  std::vector<std::string> parts;
  std::string code;
  if (main.spot_wanted > 0) {
    parts.push_back(describe_part("spot", main.spot_got, main.spot_wanted, main.spot_errors));
    if (main.spot_missing() > 0 && code.empty()) code = main.spot_code();
  }
  if (main.on_demand_wanted > 0) {
    parts.push_back(describe_part("on-demand", main.on_demand_got, main.on_demand_wanted, main.on_demand_errors));
    if (main.on_demand_missing() > 0 && code.empty())
      code = main.on_demand_errors.empty() ? "UnfulfillableCapacity" : main.on_demand_errors.front().code;
  }
  if (fallback) {
    parts.push_back(describe_part("on-demand fallback", fallback->on_demand_got, fallback->on_demand_wanted,
                                  fallback->on_demand_errors));
    if (fallback->on_demand_missing() > 0 && !fallback->on_demand_errors.empty()) code = fallback->on_demand_errors.front().code;
  }
  report += fmt::format("{}", fmt::join(parts, "; "));
  return aws::Error{0, code.empty() ? "UnfulfillableCapacity" : code, report, request_id};
}

void add_members(std::vector<Member>& members, const CreateFleetResult& reply, bool fell_back) {
  for (const auto& group : reply.instances)
    for (const auto& id : group.instance_ids)
      members.push_back({id, group.instance_type, group.lifecycle == "spot", fell_back});
}

}  // namespace

namespace {

// A dry run changes nothing: EC2 is asked whether the template could be made (DryRun) and
// whether one of the fleet's launches would be allowed (RunInstances DryRun with the same launch
// data, the first pool); CreateFleet itself cannot be asked without a real template.
aws::Result<FleetOutcome> fleet_dry_run(const LaunchContext& ctx, const FleetLaunchInput& input) {
  aws::ec2::LaunchTemplateInput lt = input.launch_template;
  lt.name = input.template_name.empty() ? "spawn-" + input.launch_id : input.template_name;
  lt.dry_run = true;
  if (auto made = ctx.ec2.create_launch_template(lt); !made) return unexpected(made.error());
  aws::ec2::RunInstancesInput run;
  run.image_id = lt.image_id;
  run.instance_type = input.overrides.empty() ? input.type_order.front() : input.overrides.front().instance_type;
  if (!input.overrides.empty()) run.subnet_id = input.overrides.front().subnet_id;
  run.count = input.spot_count + input.on_demand_count;
  run.key_name = lt.key_name;
  run.security_group_ids = lt.security_group_ids;
  run.user_data_base64 = lt.user_data_base64;
  run.iam_instance_profile = lt.iam_instance_profile;
  run.tags = lt.instance_tags;
  run.shutdown_behavior = lt.shutdown_behavior;
  if (input.spot_count > 0) run.spot = aws::ec2::RunInstancesInput::Spot{};
  run.dry_run = true;
  if (auto ran = ctx.ec2.run_instances(run); !ran) return unexpected(ran.error());
  ctx.notify("Dry run: EC2 would make the launch template and allow its launches (CreateFleet itself needs a real "
             "template and was not asked)");
  return FleetOutcome{};
}

}  // namespace

aws::Result<FleetOutcome> fleet_launch(const LaunchContext& ctx, const FleetLaunchInput& input) {
  if (input.dry_run) return fleet_dry_run(ctx, input);
  FleetOutcome outcome;
  aws::ec2::LaunchTemplateInput lt = input.launch_template;
  lt.name = input.template_name.empty() ? "spawn-" + input.launch_id : input.template_name;
  lt.client_token = util::random_uuid();
  auto made = send_once<aws::ec2::LaunchTemplate>(ctx, [&] { return ctx.ec2.create_launch_template(lt); });
  if (!made) {
    // The template may exist though no reply ever came: delete it by its name (unique to this
    // launch). "Not found" means it was never made.
    if (outcome_unknown(made.error())) {
      auto deleted = ctx.ec2.delete_launch_template_named(lt.name);
      if (!deleted && deleted.error().code != "InvalidLaunchTemplateName.NotFoundException")
        ctx.warn(fmt::format("Could not delete the launch template {} ({}); delete it by hand", lt.name,
                             deleted.error().describe()));
    }
    return unexpected(made.error());
  }
  TemplateCleanup cleanup(ctx, made->id);

  aws::ec2::CreateFleetInput fleet;
  fleet.launch_template = *made;
  fleet.overrides = input.overrides;
  fleet.spot_capacity = input.spot_count;
  fleet.on_demand_capacity = input.on_demand_count;
  fleet.spot_allocation_strategy = input.allocation_strategy;
  fleet.client_token = util::random_uuid();  // the same on every attempt and resend of this call
  auto reply = send_once<CreateFleetResult>(ctx, [&] { return ctx.ec2.create_fleet(fleet); });
  if (!reply) {
    if (outcome_unknown(reply.error())) return unexpected(sweep_launch(ctx, input.launch_id, reply.error()));
    return unexpected(reply.error());
  }

  const FleetTally main = tally_fleet(*reply, input.spot_count, input.on_demand_count);
  std::vector<Member> members;
  add_members(members, *reply, false);
  std::vector<std::string> ids;
  for (const auto& m : members) ids.push_back(m.instance_id);
  for (const auto& e : reply->errors)
    ctx.notify(fmt::format("{} {}{}: {} ({})", e.lifecycle, e.instance_type, e.subnet_id.empty() ? "" : " in " + e.subnet_id,
                           e.code, e.message));

  const int total = input.spot_count + input.on_demand_count;
  // On-demand capacity has no fallback: when it is short, the array cannot be had.
  if (main.on_demand_missing() > 0)
    return unexpected(roll_back(ctx, ids, fleet_failure(main, std::nullopt, reply->request_id, total)));
  std::optional<FleetTally> fallback_tally;
  if (main.spot_missing() > 0) {
    if (!input.fallback || !main.spot_short_of_capacity_only())
      return unexpected(roll_back(ctx, ids, fleet_failure(main, std::nullopt, reply->request_id, total)));
    outcome.fallback_code = main.spot_code();
    ctx.warn(fmt::format("Spot unavailable ({}), falling back to on-demand...", outcome.fallback_code));
    aws::ec2::CreateFleetInput od = fleet;
    od.overrides = input.fallback_overrides;
    od.spot_capacity = 0;
    od.on_demand_capacity = main.spot_missing();
    od.client_token = util::random_uuid();
    auto second = send_once<CreateFleetResult>(ctx, [&] { return ctx.ec2.create_fleet(od); });
    if (!second) {
      if (outcome_unknown(second.error())) return unexpected(sweep_launch(ctx, input.launch_id, second.error()));
      aws::Error e = second.error();
      e.message = fmt::format("spot unavailable ({}) and the on-demand fallback failed: {}", outcome.fallback_code, e.message);
      return unexpected(roll_back(ctx, ids, e));
    }
    fallback_tally = tally_fleet(*second, 0, od.on_demand_capacity);
    add_members(members, *second, true);
    for (const auto& id : second->instance_ids("on-demand")) ids.push_back(id);
    if (fallback_tally->on_demand_missing() > 0)
      return unexpected(roll_back(ctx, ids, fleet_failure(main, fallback_tally, second->request_id, total)));
    outcome.fell_back = true;
  }
  outcome.members = order_members(std::move(members), input.type_order);
  std::vector<std::string> ordered;
  for (const auto& m : outcome.members) ordered.push_back(m.instance_id);
  auto described = describe_new(ctx, ordered);
  if (!described) return unexpected(roll_back(ctx, ordered, described.error()));
  outcome.instances = std::move(*described);
  if (input.keep_template) cleanup.keep();
  return outcome;
}

}  // namespace spawn::launcher
