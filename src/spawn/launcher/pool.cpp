#include "spawn/launcher/pool.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "spawn/model/tags.hpp"
#include "spawn/util/encoding.hpp"

namespace spawn::launcher {
namespace tag = model::tag;
using aws::ec2::FleetDescription;
using aws::ec2::FleetHistoryRecord;
using aws::ec2::Instance;

std::string pool_template_name(const std::string& pool) { return "spawn-pool-" + pool; }

std::vector<Pool> pools_of(const std::vector<FleetDescription>& fleets) {
  std::vector<Pool> out;
  for (const auto& f : fleets) {
    auto name = f.tags.find(tag::k_pool);
    if (name == f.tags.end() || f.deleted()) continue;
    auto launch = f.tags.find(tag::k_launch_id);
    out.push_back({name->second, f, launch == f.tags.end() ? "" : launch->second});
  }
  std::sort(out.begin(), out.end(), [](const Pool& a, const Pool& b) {
    return a.name != b.name ? a.name < b.name : a.fleet.create_time < b.fleet.create_time;
  });
  return out;
}

aws::Result<std::vector<Pool>> list_pools(const aws::ec2::Client& ec2) {
  auto fleets = ec2.describe_fleets();
  if (!fleets) return unexpected(fleets.error());
  return pools_of(*fleets);
}

aws::Result<std::optional<Pool>> find_pool(const aws::ec2::Client& ec2, const std::string& name) {
  auto pools = list_pools(ec2);
  if (!pools) return unexpected(pools.error());
  for (auto& p : *pools)
    if (p.name == name) return std::optional<Pool>(std::move(p));
  return std::optional<Pool>();
}

aws::Result<PoolCreated> create_pool(const LaunchContext& ctx, const PoolCreateInput& input) {
  aws::ec2::LaunchTemplateInput lt = input.launch_template;
  lt.name = pool_template_name(input.name);
  lt.client_token = util::random_uuid();
  lt.description = "spawn pool " + input.name + " (deleted with the pool)";
  auto made = send_once<aws::ec2::LaunchTemplate>(ctx, [&] { return ctx.ec2.create_launch_template(lt); });
  auto drop_template = [&](const std::string& id) {
    auto deleted = id.empty() ? ctx.ec2.delete_launch_template_named(lt.name) : ctx.ec2.delete_launch_template(id);
    if (!deleted && deleted.error().code != "InvalidLaunchTemplateName.NotFoundException" &&
        deleted.error().code != "InvalidLaunchTemplateId.NotFound")
      ctx.warn(fmt::format("Could not delete the launch template {} ({}); delete it by hand", lt.name,
                           deleted.error().describe()));
  };
  if (!made) {
    if (outcome_unknown(made.error())) drop_template("");  // it may exist though no reply came
    return unexpected(made.error());
  }

  aws::ec2::MaintainFleetInput fleet;
  fleet.launch_template = *made;
  fleet.overrides = input.overrides;
  fleet.total_capacity = input.capacity;
  fleet.spot_capacity = input.spot_count;
  fleet.allocation_strategy = input.allocation_strategy;
  fleet.termination_delay_seconds = input.termination_delay_seconds;
  fleet.fleet_tags = input.fleet_tags;
  fleet.client_token = util::random_uuid();  // the same on every attempt and resend of this call
  auto reply = send_once<aws::ec2::CreateFleetResult>(ctx, [&] { return ctx.ec2.create_maintain_fleet(fleet); });
  if (reply) return PoolCreated{reply->fleet_id, made->id};
  if (outcome_unknown(reply.error())) {
    // EC2 may have made the fleet: a fleet that exists keeps its instances, so it is the pool.
    auto found = find_pool(ctx.ec2, input.name);
    if (found && *found) return PoolCreated{(*found)->fleet.fleet_id, made->id};
  }
  drop_template(made->id);
  return unexpected(reply.error());
}

aws::Result<void> resize_pool(const aws::ec2::Client& ec2, const Pool& pool, int total, int spot) {
  return ec2.modify_fleet(pool.fleet.fleet_id, total, spot);
}

namespace {

// After a DeleteFleets whose outcome is not known: is the fleet deleted now?
aws::Result<void> confirm_deleted(const aws::ec2::Client& ec2, const std::string& fleet_id, const aws::Error& cause) {
  auto fleets = ec2.describe_fleets({fleet_id});
  if (!fleets) return unexpected(cause);
  for (const auto& f : *fleets)
    if (f.fleet_id == fleet_id && !f.deleted())
      return unexpected(aws::Error{cause.http_status, cause.code,
                                  fmt::format("the fleet {} is still {}: {}", fleet_id, f.state, cause.message),
                                  cause.request_id});
  return {};
}

}  // namespace

aws::Result<void> delete_pool(const LaunchContext& ctx, const Pool& pool) {
  const std::string& id = pool.fleet.fleet_id;
  auto reply = ctx.ec2.delete_fleets({id}, true);
  if (!reply) {
    if (!outcome_unknown(reply.error())) return unexpected(reply.error());
    if (auto ok = confirm_deleted(ctx.ec2, id, reply.error()); !ok) return ok;
  } else {
    for (const auto& d : *reply) {
      if (d.fleet_id != id || d.deleted || d.error_code == "fleetIdDoesNotExist") continue;
      // Not deletable: deleted already (an earlier attempt whose reply was lost), or EC2's reason.
      const aws::Error cause{0, d.error_code, d.error_message, {}};
      if (auto ok = confirm_deleted(ctx.ec2, id, cause); !ok) return ok;
    }
  }
  // EC2 terminates the members; anything of the pool still not ending is terminated here.
  auto left = ctx.ec2.describe_instances({{std::string("tag:") + tag::k_pool, {pool.name}},
                                          {"instance-state-name", {"pending", "running", "stopping", "stopped"}}});
  if (!left) return unexpected(left.error());
  std::vector<std::string> ids;
  for (const auto& i : *left) ids.push_back(i.instance_id);
  if (!ids.empty()) {
    if (auto gone = ctx.ec2.terminate_instances(ids); !gone) return unexpected(gone.error());
    ctx.notify(fmt::format("Terminated {} instance(s) the fleet left running", ids.size()));
  }
  std::vector<std::string> templates = pool.fleet.launch_template_ids;
  bool by_id = !templates.empty();
  for (const auto& t : templates) {
    auto deleted = ctx.ec2.delete_launch_template(t);
    if (!deleted && deleted.error().code != "InvalidLaunchTemplateId.NotFound") return unexpected(deleted.error());
  }
  if (!by_id) {
    auto deleted = ctx.ec2.delete_launch_template_named(pool_template_name(pool.name));
    if (!deleted && deleted.error().code != "InvalidLaunchTemplateName.NotFoundException")
      return unexpected(deleted.error());
  }
  return {};
}

PoolActivity pool_activity(const std::vector<FleetHistoryRecord>& records, const std::vector<Instance>& instances) {
  std::map<std::string, const Instance*> by_id;
  for (const auto& i : instances) by_id[i.instance_id] = &i;
  PoolActivity out;
  // The instance changes, classified, for the replacement count below.
  std::vector<std::pair<std::string, std::string>> changes;  // (what, instance id)
  for (const auto& r : records) {
    if (r.event_type == "fleet-change") {
      out.events.push_back({r.timestamp, "fleet " + r.sub_type, ""});
      continue;
    }
    if (r.event_type != "instance-change") {
      out.events.push_back({r.timestamp, r.event_type + " " + r.sub_type, r.instance_id});
      continue;
    }
    std::string what = r.sub_type;
    if (r.sub_type == "terminated") {
      auto i = by_id.find(r.instance_id);
      if (i != by_id.end() && i->second->state_reason_code == "Server.SpotInstanceTermination") {
        what = "interrupted";
        ++out.interruptions;
      } else {
        ++out.terminations;
      }
    } else if (r.sub_type == "termination_notified") {
      what = "scaled-down";
    }
    out.events.push_back({r.timestamp, what, r.instance_id});
    changes.emplace_back(what, r.instance_id);
  }
  // A launch replaces an end that came before it and is not yet replaced, or the end that
  // follows it at once (capacity rebalancing launches before it terminates).
  auto ends = [](const std::string& w) { return w == "terminated" || w == "interrupted"; };
  int pending = 0;
  std::set<size_t> matched;
  for (size_t k = 0; k < changes.size(); ++k) {
    const auto& [what, id] = changes[k];
    if (ends(what)) {
      if (!matched.count(k)) ++pending;
    } else if (what == "launched") {
      if (pending > 0) {
        --pending;
        ++out.replacements;
      } else if (k + 1 < changes.size() && ends(changes[k + 1].first) && changes[k + 1].second != id) {
        matched.insert(k + 1);
        ++out.replacements;
      }
    }
  }
  return out;
}

aws::Result<PoolStatus> pool_status(const aws::ec2::Client& ec2, const Pool& pool) {
  PoolStatus out;
  out.pool = pool;
  auto active = ec2.describe_fleet_instances(pool.fleet.fleet_id);
  if (!active) return unexpected(active.error());
  auto tagged = ec2.describe_instances({{std::string("tag:") + tag::k_pool, {pool.name}}});
  if (!tagged) return unexpected(tagged.error());
  std::set<std::string> ids;
  for (const auto& a : *active) ids.insert(a.instance_id);
  for (const auto& i : *tagged)
    if (ids.count(i.instance_id)) out.members.push_back(i);
  std::sort(out.members.begin(), out.members.end(), [](const Instance& a, const Instance& b) {
    return std::tie(a.launch_time, a.lifecycle, a.instance_type, a.instance_id) <
           std::tie(b.launch_time, b.lifecycle, b.instance_type, b.instance_id);
  });
  const std::string since = pool.fleet.create_time.empty() ? "2000-01-01T00:00:00Z" : pool.fleet.create_time;
  auto history = ec2.describe_fleet_history(pool.fleet.fleet_id, since);
  if (!history) return unexpected(history.error());
  out.activity = pool_activity(*history, *tagged);
  return out;
}

}  // namespace spawn::launcher
