#include "spawn/launcher/launcher.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "spawn/aws/config/partitions.hpp"
#include "spawn/launcher/fleet_launch.hpp"
#include "spawn/launcher/hibernation.hpp"
#include "spawn/launcher/launch_pacing.hpp"
#include "spawn/launcher/relaunch.hpp"
#include "spawn/launcher/run_launch.hpp"
#include "spawn/model/job_array.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/encoding.hpp"
#include "spawn/util/time.hpp"

namespace spawn::launcher {
namespace tag = model::tag;
using aws::ec2::Instance;

aws::ec2::Tags base_tags() {
  return {{tag::k_managed, "true"}, {tag::k_created_by, "spawn"}, {tag::k_version, SPAWN_VERSION}};
}

std::string uname_machine(std::string_view ec2_architecture) {
  if (ec2_architecture == "arm64") return "aarch64";
  if (ec2_architecture == "x86_64_mac") return "x86_64";
  return std::string(ec2_architecture);
}

std::string instance_arn(const std::string& region, const std::string& account, const std::string& instance_id) {
  return fmt::format("arn:{}:ec2:{}:{}:instance/{}", aws::config::partition_of(region).id, region, account, instance_id);
}

aws::Result<std::string> common_architecture(const std::vector<aws::ec2::InstanceTypeInfo>& infos,
                                             const std::vector<std::string>& types, bool spot) {
  std::vector<std::string> shared = {"x86_64", "arm64"};
  for (const auto& type : types) {
    auto info = std::find_if(infos.begin(), infos.end(), [&](const auto& i) { return i.instance_type == type; });
    if (info == infos.end())
      return unexpected(aws::local_error("InvalidInstanceType", "EC2 does not know the instance type " + type));
    if (spot && std::find(info->usage_classes.begin(), info->usage_classes.end(), "spot") == info->usage_classes.end())
      return unexpected(aws::local_error("Unsupported", type + " cannot run as spot in this region; drop --spot or pick another type"));
    std::erase_if(shared, [&](const std::string& a) {
      return std::find(info->architectures.begin(), info->architectures.end(), a) == info->architectures.end();
    });
    if (shared.empty()) {
      return unexpected(aws::local_error(
          "UnsupportedArchitecture",
          types.size() == 1 ? type + " has no x86_64 or arm64 architecture; pass --ami"
                            : fmt::format("{} share no architecture (one launch uses one AMI); pick types of one "
                                          "architecture, e.g. all Intel/AMD or all Graviton",
                                          fmt::join(types, ", "))));
    }
  }
  return shared.front();
}

aws::Result<void> check_agent_architecture(const std::vector<std::string>& types, const std::string& arch,
                                           const std::vector<std::string>& agent_architectures) {
  if (arch.empty() || agent_architectures.empty()) return {};
  const std::string machine = uname_machine(arch);
  if (std::find(agent_architectures.begin(), agent_architectures.end(), machine) != agent_architectures.end()) return {};
  return unexpected(aws::local_error(
      "AgentArchitectureMissing",
      fmt::format("{} {} {} ({}), and spored was uploaded for {} only: upload a {} build with 'spawn agent upload' "
                  "(it uploads every architecture it has), or pass --no-agent",
                  fmt::join(types, ", "), types.size() == 1 ? "is" : "are", arch, machine,
                  fmt::join(agent_architectures, ", "), machine)));
}

Launcher::Launcher(aws::ec2::Client ec2, aws::ssm::Client ssm, Notify notify, Notify warn)
    : m_ec2(std::move(ec2)), m_ssm(std::move(ssm)), m_notify(std::move(notify)), m_warn(std::move(warn)) {
  if (!m_notify) m_notify = [](const std::string&) {};
  if (!m_warn) m_warn = m_notify;
}

aws::Result<std::string> Launcher::default_ami(const std::string& instance_type) {
  auto types = m_ec2.describe_instance_types({instance_type});
  if (!types) return unexpected(types.error());
  auto arch = common_architecture(*types, {instance_type}, false);
  if (!arch) return unexpected(arch.error());
  return m_ssm.get_parameter("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + *arch);
}

aws::Result<LaunchResult> Launcher::launch(const model::LaunchOptions& o) {
  std::optional<std::string> ttl_deadline;
  if (o.ttl) ttl_deadline = util::format_rfc3339(std::chrono::system_clock::now() + *o.ttl);
  auto prepared = prepare_launch(o, {}, new_launch_ids(), ttl_deadline);
  if (!prepared) return unexpected(aws::local_error("InvalidParameterValue", prepared.error().message));
  return launch(o, *prepared);
}

aws::Result<LaunchResult> Launcher::launch(const model::LaunchOptions& o, const PreparedLaunch& p) {
  const LaunchContext ctx = context();
  const LaunchPlan& plan = p.plan;
  LaunchResult result;
  result.dry_run = o.dry_run;
  result.spot = o.spot.enabled;
  result.spot_max_price = o.spot.max_price_tag();
  const bool hibernate = o.spot.enabled && o.spot.interruption() == model::OnInterruption::hibernate;

  // What EC2 says of the types: needed for the default AMI, and for spot (can the types be
  // spot, do several share an architecture, can the type hibernate).
  std::vector<aws::ec2::InstanceTypeInfo> infos;
  std::string arch;
  if (!o.ami || o.spot.enabled || plan.instance_types.size() > 1 || !p.agent_architectures.empty()) {
    auto described = m_ec2.describe_instance_types(plan.instance_types);
    if (!described) return unexpected(described.error());
    infos = std::move(*described);
    auto common = common_architecture(infos, plan.instance_types, plan.spot());
    if (!common) return unexpected(common.error());
    arch = *common;
  }
  // The instances install spored for their own architecture: refuse a launch none fits before
  // anything is launched (the install step would refuse it at boot, silently for the user).
  if (auto fits = check_agent_architecture(plan.instance_types, arch, p.agent_architectures); !fits)
    return unexpected(fits.error());
  if (hibernate) {
    if (auto ok = check_hibernation_type(infos.front()); !ok) return unexpected(ok.error());
  }
  std::string ami;
  if (o.ami) {
    ami = *o.ami;
  } else {
    auto found = m_ssm.get_parameter("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + arch);
    if (!found) return unexpected(found.error());
    ami = *found;
    m_notify(fmt::format("Using the latest Amazon Linux 2023 AMI {}", ami));
  }
  std::optional<HibernationRoot> hibernation;
  if (hibernate) {
    auto images = m_ec2.describe_images({ami});
    if (!images) return unexpected(images.error());
    if (images->empty()) return unexpected(aws::local_error("InvalidAMIID.NotFound", "EC2 does not know the AMI " + ami));
    auto root = hibernation_root(infos.front(), images->front());
    if (!root) return unexpected(root.error());
    hibernation = *root;
  }

  aws::ec2::Tags tags = base_tags();
  for (const auto& [k, v] : o.tags) tags[k] = v;
  tags[tag::k_launch_id] = p.ids.launch_id;
  for (const auto& [k, v] : launch_spot_tags(o.spot)) tags[k] = v;
  const bool array = o.job_array();
  result.job_array_id = p.job_array_id;
  if (array) {
    tags[tag::k_job_array_id] = p.job_array_id;
    tags[tag::k_job_array_name] = p.job_array_name;
    tags[tag::k_job_array_size] = std::to_string(o.count);
  } else if (o.name) {
    tags[tag::k_name] = *o.name;
  }
  // An absolute time, so that the deadline survives restarts of spored and of the instance.
  const std::optional<std::string>& ttl_deadline = p.ttl_deadline;
  if (ttl_deadline) tags[tag::k_ttl_deadline] = *ttl_deadline;
  if (o.spot.enabled && o.relaunch.enabled())
    tags[tag::k_relaunch] = std::to_string(*o.relaunch.max) + (o.relaunch.moves() ? " move" : "");
  if (o.idle.enabled())
    tags[tag::k_idle_timeout] = util::format_age(*o.idle.timeout) + " " + std::string(model::to_string(o.idle_action()));
  // A power-off from inside the instance (spored's TTL fallback, a user's `poweroff`) ends it:
  // EC2's default would stop it and bill its volumes. Hibernation is the one launch meant to stop.
  const std::string shutdown_behavior = hibernate ? "" : "terminate";

  // Each route gives the instances in index order, with what each member must be tagged with
  // beyond the launch's own tags.
  std::vector<Instance> instances;
  std::vector<bool> fell_back;
  std::vector<aws::ec2::Tags> own;
  std::vector<std::string> persistent;  // spot requests to cancel before any rollback termination
  std::string owner_id;                 // the account, for the instances' ARNs
  const std::string base_name = array ? o.name.value_or(p.job_array_name) : std::string();
  aws::ec2::Tags launch_tags = tags;    // what every instance got with the launch call
  if (plan.route == Route::run_instances) {
    // One RunInstances per 1,000 members (EC2's burst, launcher/launch_pacing.hpp): the members
    // of a call share every tag, the index is the call's tagged base plus each one's
    // ami-launch-index (model/job_array.hpp), so no call per member.
    if (array) launch_tags[tag::k_name] = base_name;
    RunLaunchInput in;
    in.request.image_id = ami;
    in.request.instance_type = plan.instance_types.front();
    in.request.key_name = o.key_name;
    if (!o.subnet_ids.empty()) in.request.subnet_id = o.subnet_ids.front();
    in.request.security_group_ids = o.security_group_ids;
    in.request.iam_instance_profile = o.iam_instance_profile;
    in.request.dry_run = o.dry_run;
    in.request.shutdown_behavior = shutdown_behavior;
    if (hibernation) {
      in.request.hibernation = true;
      in.request.root_volume_gib = hibernation->size_gib;
      in.request.root_device_name = hibernation->device_name;
    }
    in.spot = o.spot;
    in.user_data = p.user_data;
    in.spot_user_data = p.spot_user_data;
    in.on_demand_user_data = p.on_demand_user_data;
    in.launch_id = p.ids.launch_id;
    in.valid_until = ttl_deadline;
    in.request_tags = base_tags();
    in.request_tags[tag::k_launch_id] = p.ids.launch_id;
    if (array) in.request_tags[tag::k_job_array_id] = p.job_array_id;
    const std::vector<int> chunks = launch_chunks(o.count);
    int base = 0;
    for (size_t c = 0; c < chunks.size(); ++c) {
      if (c > 0) {
        m_warn(fmt::format("EC2 launches at most {} instances at once, then {} a second: launching {} more in {} s "
                             "({} of {} launched)", k_run_instances_burst, k_run_instances_refill_per_s, chunks[c],
                             refill_wait(chunks[c]).count(), base, o.count));
        ctx.pause(refill_wait(chunks[c]));
      }
      in.request.count = chunks[c];
      in.request.tags = launch_tags;
      if (array) in.request.tags[tag::k_job_array_index_base] = std::to_string(base);
      auto outcome = run_launch(ctx, in);
      if (!outcome) {
        if (instances.empty()) return unexpected(outcome.error());
        std::vector<std::string> launched;
        for (const auto& i : instances) launched.push_back(i.instance_id);
        return unexpected(roll_back(ctx, launched, outcome.error(), persistent));
      }
      if (o.dry_run) return result;
      persistent.insert(persistent.end(), outcome->persistent_requests.begin(), outcome->persistent_requests.end());
      owner_id = outcome->reservation.owner_id;
      if (c == 0) result.reservation_id = outcome->reservation.reservation_id;
      result.fallback = result.fallback || outcome->fell_back;
      // The call's own tags and the market tags went with it (run_launch); kept here for the result.
      aws::ec2::Tags call_tags = in.request.tags;
      if (o.spot.enabled)
        for (const auto& [k, v] : member_spot_tags(!outcome->fell_back, outcome->fell_back)) call_tags[k] = v;
      for (auto& i : outcome->reservation.instances) {
        for (const auto& [k, v] : call_tags) i.tags[k] = v;
        instances.push_back(std::move(i));
        fell_back.push_back(outcome->fell_back);
        own.emplace_back();
      }
      base += chunks[c];
    }
  } else {
    FleetLaunchInput in;
    in.launch_template.image_id = ami;
    in.launch_template.key_name = o.key_name;
    in.launch_template.security_group_ids = o.security_group_ids;
    in.launch_template.iam_instance_profile = o.iam_instance_profile;
    const auto& user_data = o.spot.enabled ? p.fleet_user_data : p.user_data;
    if (user_data) in.launch_template.user_data_base64 = util::base64_encode(*user_data);
    in.launch_template.instance_tags = tags;
    in.launch_template.template_tags = base_tags();
    in.launch_template.template_tags[tag::k_launch_id] = p.ids.launch_id;
    in.launch_template.shutdown_behavior = shutdown_behavior;
    in.overrides = fleet_overrides(o, plan.spot());
    in.fallback_overrides = fleet_overrides(o, false);
    in.spot_count = plan.spot_count;
    in.on_demand_count = plan.on_demand_count;
    in.allocation_strategy = std::string(model::to_string(o.spot.strategy()));
    in.fallback = o.spot.fallback;
    in.dry_run = o.dry_run;
    in.type_order = plan.instance_types;
    in.launch_id = p.ids.launch_id;
    if (o.relaunch.enabled() && o.spot.enabled) {
      in.template_name = relaunch_template_name(p.ids.launch_id);
      in.keep_template = true;
      in.launch_template.description = "spawn --relaunch: the members' replacements (deleted by spawn terminate)";
      if (array) in.launch_template.template_tags[tag::k_job_array_id] = p.job_array_id;
    }
    auto outcome = fleet_launch(ctx, in);
    if (!outcome) return unexpected(outcome.error());
    if (o.dry_run) return result;
    result.fallback = outcome->fell_back;
    for (size_t i = 0; i < outcome->members.size(); ++i) {
      const Member& m = outcome->members[i];
      instances.push_back(outcome->instances[i]);
      fell_back.push_back(m.fell_back);
      own.push_back(o.spot.enabled ? member_spot_tags(m.spot, m.fell_back) : aws::ec2::Tags{});
    }
  }

  std::vector<std::string> ids;
  for (const auto& i : instances) ids.push_back(i.instance_id);
  std::vector<std::pair<std::string, aws::ec2::Tags>> member_tags;
  for (size_t i = 0; i < instances.size(); ++i) {
    // A fleet's pools each number their instances from 0: its members are tagged one by one.
    if (array && plan.route != Route::run_instances) {
      own[i][tag::k_job_array_index] = std::to_string(i);
      own[i][tag::k_name] = fmt::format("{}-{}", base_name, i);
    }
    member_tags.emplace_back(instances[i].instance_id, own[i]);
  }
  // A persistent request names its instance, so that spored's role may cancel that request and
  // no other (docs/spored.md: the role's CancelItsOwnSpotRequest statement).
  for (const auto& i : instances) {
    if (i.spot_request_id.empty() || std::find(persistent.begin(), persistent.end(), i.spot_request_id) == persistent.end())
      continue;
    member_tags.emplace_back(i.spot_request_id,
                             aws::ec2::Tags{{tag::k_instance_arn, instance_arn(m_ec2.service().region(), owner_id, i.instance_id)}});
  }
  // A fleet's members get their index, name and market; one CreateTags per member (the values
  // differ), a few at a time.
  if (auto tagged = tag_each(ctx, member_tags); !tagged) {
    // Nothing of the launch stays: not even the template its replacements would come from.
    if (o.relaunch.enabled() && plan.route == Route::fleet) {
      auto gone = m_ec2.delete_launch_template_named(relaunch_template_name(p.ids.launch_id));
      if (!gone && !is_template_gone(gone.error()))
        m_warn(fmt::format("Could not delete the launch template {} ({}); delete it by hand",
                           relaunch_template_name(p.ids.launch_id), gone.error().describe()));
    }
    return unexpected(roll_back(ctx, ids, tagged.error(), persistent));
  }

  for (size_t i = 0; i < instances.size(); ++i) {
    LaunchedInstance li;
    li.instance = std::move(instances[i]);
    for (const auto& [k, v] : own[i]) li.instance.tags[k] = v;
    for (const auto& [k, v] : launch_tags) li.instance.tags.emplace(k, v);
    if (array) li.job_array_index = model::job_array_index(li.instance.tags, li.instance.ami_launch_index);
    li.name = model::member_name(li.instance.tags, li.instance.ami_launch_index);
    li.fell_back = fell_back[i];
    result.instances.push_back(std::move(li));
  }
  return result;
}

aws::Result<std::vector<Instance>> Launcher::wait_running(const std::vector<std::string>& ids,
                                                          const std::function<void(size_t, size_t)>& progress,
                                                          std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto delay = std::chrono::milliseconds(500);
  for (;;) {
    auto found = m_ec2.describe_instances({}, ids);
    // EC2 is eventually consistent: instances just launched may not be known to a read yet.
    // That is not an answer about them; ask again until the timeout.
    if (!found && found.error().code == "InvalidInstanceID.NotFound" && std::chrono::steady_clock::now() < deadline) {
      if (progress) progress(0, ids.size());
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, std::chrono::milliseconds(5000));
      continue;
    }
    if (!found) return unexpected(found.error());
    size_t ready = 0;
    for (const auto& i : *found) {
      if (i.state == "running") ++ready;
      if (i.state == "terminated" || i.state == "shutting-down")
        return unexpected(aws::local_error("InstanceTerminated", i.instance_id + " ended (" + i.state + ") while starting"));
    }
    if (progress) progress(ready, ids.size());
    if (ready == ids.size() && found->size() == ids.size()) return *found;
    if (std::chrono::steady_clock::now() > deadline)
      return unexpected(aws::local_error("WaitTimeout", fmt::format("{} of {} instances running after {} s", ready, ids.size(), timeout.count())));
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace spawn::launcher
