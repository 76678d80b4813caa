#include "spawn/launcher/launch_steps.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <optional>
#include <map>
#include <thread>

#include "spawn/launcher/launch_pacing.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::launcher {

aws::Error roll_back(const LaunchContext& ctx, const std::vector<std::string>& ids, aws::Error cause,
                     const std::vector<std::string>& spot_requests) {
  if (ids.empty() && spot_requests.empty()) return cause;
  if (!spot_requests.empty()) {
    // Before the terminations: a persistent request whose instance is gone is fulfilled again.
    if (auto cancelled = ctx.ec2.cancel_spot_instance_requests(spot_requests); !cancelled) {
      cause.message += fmt::format("; cancelling the spot requests failed ({}), cancel these by hand or EC2 may "
                                   "launch new instances for them: {}",
                                   cancelled.error().describe(), fmt::join(spot_requests, " "));
    } else {
      cause.message += fmt::format("; cancelled the spot request(s) {}", fmt::join(spot_requests, " "));
    }
  }
  if (ids.empty()) return cause;
  ctx.warn(fmt::format("Rolling back: terminating the {} instance(s) already launched", ids.size()));
  auto terminated = terminate_in_batches(ctx.ec2, ids, ctx.warn, [&ctx](std::chrono::milliseconds d) { ctx.pause(d); });
  if (!terminated) {
    cause.message += fmt::format("; rolling back failed too ({}), terminate these by hand: {}",
                                 terminated.error().describe(), fmt::join(ids, " "));
  } else {
    cause.message += fmt::format("; terminated the {} instance(s) launched: {}", ids.size(), fmt::join(ids, " "));
  }
  return cause;
}

std::vector<std::string> spot_requests_of(const std::vector<aws::ec2::Instance>& instances) {
  std::vector<std::string> out;
  for (const auto& i : instances)
    if (!i.spot_request_id.empty() && std::find(out.begin(), out.end(), i.spot_request_id) == out.end())
      out.push_back(i.spot_request_id);
  return out;
}

// EC2 is eventually consistent: a read right after the lost call may not list what it made
// yet, so the sweep reads a few times and acts on the union of what it saw.
aws::Error sweep_launch(const LaunchContext& ctx, const std::string& launch_id, aws::Error cause) {
  ctx.warn(aws::is_throttling(cause)
               ? "EC2 throttled the launch until spawn gave up; checking whether an earlier attempt launched anything"
               : "No answer from EC2 to the launch; checking whether it launched anything");
  const std::vector<aws::ec2::Filter> by_launch{{std::string("tag:") + model::tag::k_launch_id, {launch_id}}};
  std::vector<std::string> ids, requests;
  std::optional<aws::Error> read_error;
  auto delay = std::chrono::milliseconds(1000);
  for (int read = 1; read <= 3; ++read) {
    auto open = ctx.ec2.describe_spot_instance_requests({}, {by_launch.front(), {"state", {"open", "active", "disabled"}}});
    if (open) {
      for (const auto& r : *open)
        if (std::find(requests.begin(), requests.end(), r.request_id) == requests.end()) requests.push_back(r.request_id);
    } else if (!read_error) {
      read_error = open.error();
    }
    auto found = ctx.ec2.describe_instances(
        {by_launch.front(), {"instance-state-name", {"pending", "running", "stopping", "stopped"}}});
    if (found) {
      for (const auto& i : *found)
        if (std::find(ids.begin(), ids.end(), i.instance_id) == ids.end()) ids.push_back(i.instance_id);
    } else if (!read_error) {
      read_error = found.error();
    }
    if (read < 3) ctx.pause(delay);
    delay *= 2;
  }
  if (read_error && ids.empty() && requests.empty()) {
    cause.message += fmt::format("; could not check for instances it may have launched ({}): look for the tag {}={}",
                                 read_error->describe(), model::tag::k_launch_id, launch_id);
    return cause;
  }
  return roll_back(ctx, ids, std::move(cause), requests);
}

namespace {

aws::Result<void> tag_one(const LaunchContext& ctx, const std::string& id, const aws::ec2::Tags& tags) {
  // A new instance may not be visible to CreateTags at once (eventual consistency).
  auto delay = std::chrono::milliseconds(500);
  for (int attempt = 1;; ++attempt) {
    auto r = ctx.ec2.create_tags({id}, tags);
    if (r || r.error().code != "InvalidInstanceID.NotFound" || attempt == 5) return r;
    std::this_thread::sleep_for(delay);
    delay *= 2;
  }
}

}  // namespace

// The instances exist by now, and a failure here rolls the whole launch back, so throttling
// must not end it: a burst of concurrent calls can see one of them throttled on every attempt
// while the others get through. The members whose calls were throttled are tagged again one
// at a time, the request rate AWS asks a throttled client to fall back to.
aws::Result<void> tag_each(const LaunchContext& ctx, const std::vector<std::pair<std::string, aws::ec2::Tags>>& members) {
  std::vector<std::pair<size_t, std::future<aws::Result<void>>>> pending;
  std::optional<aws::Error> failure;
  std::vector<size_t> throttled;
  auto drain = [&] {
    for (auto& [index, f] : pending) {
      auto r = f.get();
      if (r) continue;
      if (aws::is_throttling(r.error())) throttled.push_back(index);
      else if (!failure) failure = r.error();
    }
    pending.clear();
  };
  for (size_t i = 0; i < members.size(); ++i) {
    const auto& [id, tags] = members[i];
    if (tags.empty()) continue;
    pending.emplace_back(i, std::async(std::launch::async, [&ctx, &id = id, &tags = tags] {
      return tag_one(ctx, id, tags);
    }));
    if (pending.size() >= 8) drain();
  }
  drain();
  if (failure) return unexpected(*failure);
  for (size_t index : throttled)
    if (auto r = tag_one(ctx, members[index].first, members[index].second); !r) return r;
  return {};
}

aws::Result<std::vector<aws::ec2::Instance>> describe_new(const LaunchContext& ctx, const std::vector<std::string>& ids) {
  auto delay = std::chrono::milliseconds(500);
  for (int attempt = 1;; ++attempt) {
    auto found = ctx.ec2.describe_instances({}, ids);
    if (!found && found.error().code == "InvalidInstanceID.NotFound" && attempt < 6) {
      std::this_thread::sleep_for(delay);
      delay *= 2;
      continue;
    }
    if (!found) return unexpected(found.error());
    std::map<std::string, aws::ec2::Instance> by_id;
    for (auto& i : *found) by_id[i.instance_id] = std::move(i);
    std::vector<aws::ec2::Instance> out;
    for (const auto& id : ids) {
      auto it = by_id.find(id);
      if (it == by_id.end()) {
        if (attempt < 6) break;
        return unexpected(aws::local_error("InvalidReply", "EC2 does not list the new instance " + id));
      }
      out.push_back(it->second);
    }
    if (out.size() == ids.size()) return out;
    std::this_thread::sleep_for(delay);
    delay *= 2;
  }
}

}  // namespace spawn::launcher
