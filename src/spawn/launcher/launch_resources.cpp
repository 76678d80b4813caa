#include "spawn/launcher/launch_resources.hpp"

#include <fmt/format.h>

#include <set>

#include "spawn/launcher/launch_spec.hpp"
#include "spawn/launcher/relaunch.hpp"
#include "spawn/launcher/spored_role.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/time.hpp"

namespace spawn::launcher {

aws::Result<std::vector<std::string>> launches_without_instances(const aws::ec2::Client& ec2,
                                                                 const std::vector<std::string>& launch_ids) {
  std::set<std::string> alive;
  for (size_t start = 0; start < launch_ids.size(); start += 100) {
    const std::vector<std::string> batch(launch_ids.begin() + static_cast<long>(start),
                                         launch_ids.begin() + static_cast<long>(std::min(start + 100, launch_ids.size())));
    auto found = ec2.describe_instances({{std::string("tag:") + model::tag::k_launch_id, batch},
                                         {"instance-state-name", {"pending", "running", "stopping", "stopped"}}});
    if (!found) return unexpected(found.error());
    for (const auto& i : *found)
      if (auto it = i.tags.find(model::tag::k_launch_id); it != i.tags.end()) alive.insert(it->second);
  }
  std::vector<std::string> out;
  for (const auto& id : launch_ids)
    if (!alive.count(id)) out.push_back(id);
  return out;
}

aws::Result<void> delete_launch_resources(const ResourceClients& clients, const std::string& launch_id) {
  std::optional<aws::Error> first;
  if (auto r = delete_spored_profile(clients.iam, launch_id); !r) first = r.error();
  if (clients.bucket) {
    // The spec is the launch's only object; S3 answers a delete of a missing key with success.
    const auto spec = spec_location("", "", launch_id);
    if (auto r = clients.bucket->delete_object(spec.key); !r && !first) first = r.error();
  }
  if (first) return unexpected(*first);
  return {};
}

SweepResult sweep_finished_launches(const ResourceClients& clients, std::chrono::system_clock::time_point now) {
  SweepResult out;
  auto roles = list_launch_roles(clients.iam);
  if (!roles) {
    out.errors.push_back("could not list spawn's launch roles: " + roles.error().describe());
    return out;
  }
  out.remaining = roles->size();
  std::vector<std::string> old_enough;
  for (const auto& r : *roles) {
    auto created = util::parse_rfc3339(r.create_date);
    if (created && now - *created >= k_sweep_grace) old_enough.push_back(r.launch_id);
  }
  if (old_enough.empty()) return out;
  auto finished = launches_without_instances(clients.ec2, old_enough);
  if (!finished) {
    out.errors.push_back("could not check which launches still have instances: " + finished.error().describe());
    return out;
  }
  // A pool's role outlives a moment without members (all interrupted, replacements not yet
  // running): the fleet would launch its replacements without it.
  std::set<std::string> pools;
  if (!finished->empty()) {
    auto fleets = clients.ec2.describe_fleets();
    if (!fleets) {
      out.errors.push_back("could not check which launches are pools: " + fleets.error().describe());
      return out;
    }
    for (const auto& f : *fleets)
      if (!f.deleted() && f.tags.count(model::tag::k_pool) && f.tags.count(model::tag::k_launch_id))
        pools.insert(f.tags.at(model::tag::k_launch_id));
  }
  for (const auto& id : *finished) {
    if (pools.count(id)) continue;
    // A launch with --relaunch whose members all ended without `spawn terminate` (interrupted
    // past their bound, terminated in the console) left its template.
    if (auto t = clients.ec2.delete_launch_template_named(relaunch_template_name(id)); !t && !is_template_gone(t.error())) {
      out.errors.push_back(fmt::format("could not delete the launch template of launch {}: {}", id, t.error().describe()));
      continue;
    }
    if (auto r = delete_launch_resources(clients, id); !r) {
      out.errors.push_back(fmt::format("could not remove what launch {} left: {}", id, r.error().describe()));
      continue;
    }
    out.removed.push_back(id);
    --out.remaining;
  }
  return out;
}

}  // namespace spawn::launcher
