#include "spawn/launcher/launcher.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <thread>

#include "spawn/model/tags.hpp"
#include "spawn/util/encoding.hpp"

namespace spawn::launcher {
namespace tag = model::tag;
using aws::ec2::Instance;

aws::ec2::Tags base_tags() {
  return {{tag::k_managed, "true"}, {tag::k_created_by, "spawn"}, {tag::k_version, SPAWN_VERSION}};
}

Launcher::Launcher(aws::ec2::Client ec2, aws::ssm::Client ssm, Notify notify)
    : m_ec2(std::move(ec2)), m_ssm(std::move(ssm)), m_notify(std::move(notify)) {
  if (!m_notify) m_notify = [](const std::string&) {};
}

aws::Result<std::string> Launcher::default_ami(const std::string& instance_type) {
  auto types = m_ec2.describe_instance_types({instance_type});
  if (!types) return unexpected(types.error());
  if (types->empty())
    return unexpected(aws::local_error("InvalidInstanceType", "EC2 does not know the instance type " + instance_type));
  const auto& archs = types->front().architectures;
  std::string arch = std::find(archs.begin(), archs.end(), "x86_64") != archs.end() ? "x86_64"
                     : std::find(archs.begin(), archs.end(), "arm64") != archs.end() ? "arm64"
                                                                                      : "";
  if (arch.empty())
    return unexpected(aws::local_error("UnsupportedArchitecture", instance_type + " has no x86_64 or arm64 architecture; pass --ami"));
  return m_ssm.get_parameter("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + arch);
}

aws::Error Launcher::roll_back(const std::vector<std::string>& ids, aws::Error cause) {
  if (ids.empty()) return cause;
  m_notify(fmt::format("Rolling back: terminating the {} instance(s) already launched", ids.size()));
  auto terminated = m_ec2.terminate_instances(ids);
  if (!terminated) {
    cause.message += fmt::format("; rolling back failed too ({}), terminate these by hand: {}",
                                 terminated.error().describe(), fmt::join(ids, " "));
  }
  return cause;
}

aws::Result<LaunchResult> Launcher::launch(const model::LaunchOptions& o) {
  LaunchResult result;
  result.dry_run = o.dry_run;

  std::string ami;
  if (o.ami) {
    ami = *o.ami;
  } else {
    auto found = default_ami(o.instance_type);
    if (!found) return unexpected(found.error());
    ami = *found;
    m_notify(fmt::format("Using the latest Amazon Linux 2023 AMI {}", ami));
  }

  aws::ec2::Tags tags = base_tags();
  for (const auto& [k, v] : o.tags) tags[k] = v;
  const bool array = o.job_array();
  std::string array_name;
  if (array) {
    result.job_array_id = "ja-" + util::random_hex(8);
    array_name = o.job_array_name.value_or(o.name.value_or(result.job_array_id));
    tags[tag::k_job_array_id] = result.job_array_id;
    tags[tag::k_job_array_name] = array_name;
    tags[tag::k_job_array_size] = std::to_string(o.count);
  } else if (o.name) {
    tags[tag::k_name] = *o.name;
  }

  aws::ec2::RunInstancesInput in;
  in.image_id = ami;
  in.instance_type = o.instance_type;
  in.count = o.count;
  in.client_token = util::random_uuid();  // the same on every retry of this call
  in.key_name = o.key_name;
  in.subnet_id = o.subnet_id;
  in.security_group_ids = o.security_group_ids;
  if (o.user_data) in.user_data_base64 = util::base64_encode(*o.user_data);
  in.iam_instance_profile = o.iam_instance_profile;
  in.tags = tags;
  in.dry_run = o.dry_run;

  auto reservation = m_ec2.run_instances(in);
  if (!reservation) return unexpected(reservation.error());
  if (o.dry_run) return result;
  result.reservation_id = reservation->reservation_id;

  std::vector<std::string> ids;
  for (const auto& i : reservation->instances) ids.push_back(i.instance_id);
  if (reservation->instances.size() != static_cast<size_t>(o.count)) {
    return unexpected(roll_back(ids, aws::local_error("PartialLaunch",
        fmt::format("EC2 launched {} of the {} instances asked for", reservation->instances.size(), o.count))));
  }

  // Array members get their index and name; one CreateTags per member (the values differ),
  // a few at a time.
  if (array) {
    const std::string base_name = o.name.value_or(array_name);
    std::vector<std::future<aws::Result<void>>> pending;
    std::optional<aws::Error> failure;
    for (size_t i = 0; i < reservation->instances.size(); ++i) {
      auto& inst = reservation->instances[i];
      aws::ec2::Tags own{{tag::k_job_array_index, std::to_string(i)}, {tag::k_name, fmt::format("{}-{}", base_name, i)}};
      for (const auto& [k, v] : own) inst.tags[k] = v;
      pending.push_back(std::async(std::launch::async, [this, id = inst.instance_id, own] {
        return m_ec2.create_tags({id}, own);
      }));
      if (pending.size() >= 8 || i + 1 == reservation->instances.size()) {
        for (auto& f : pending) {
          auto r = f.get();
          if (!r && !failure) failure = r.error();
        }
        pending.clear();
      }
    }
    if (failure) return unexpected(roll_back(ids, *failure));
  }

  for (size_t i = 0; i < reservation->instances.size(); ++i) {
    LaunchedInstance li;
    li.instance = reservation->instances[i];
    if (array) li.job_array_index = static_cast<int>(i);
    li.name = li.instance.tags.count(tag::k_name) ? li.instance.tags.at(tag::k_name) : tags[tag::k_name];
    for (const auto& [k, v] : tags) li.instance.tags.emplace(k, v);
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
