#include "spawn/agent/instance.hpp"

#include <algorithm>

#include "spawn/model/job_array.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::agent {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

aws::Result<std::string> required(aws::imds::Client& imds, const std::string& path) {
  auto body = imds.get(path);
  if (!body) return unexpected(body.error());
  if (!*body || trimmed(**body).empty())
    return unexpected(aws::local_error("InvalidReply", "the metadata service has no " + path));
  return trimmed(std::move(**body));
}

}  // namespace

aws::Result<InstanceFacts> discover_instance(aws::imds::Client& imds, const std::vector<std::string>& tag_keys) {
  InstanceFacts facts;
  auto id = required(imds, "meta-data/instance-id");
  if (!id) return unexpected(id.error());
  facts.instance_id = *id;
  auto region = required(imds, "meta-data/placement/region");
  if (!region) return unexpected(region.error());
  facts.region = *region;
  auto lifecycle = required(imds, "meta-data/instance-life-cycle");
  if (!lifecycle) return unexpected(lifecycle.error());
  facts.lifecycle = *lifecycle;

  auto launch_index = imds.get("meta-data/ami-launch-index");
  if (!launch_index) return unexpected(launch_index.error());
  if (*launch_index) facts.ami_launch_index = model::parse_index(trimmed(**launch_index));

  auto tags = read_instance_tags(imds, tag_keys);
  if (!tags) return unexpected(tags.error());
  facts.tags_exposed = tags->has_value();
  if (*tags) facts.tags = std::move(**tags);
  resolve_job_array_index(facts.tags, facts.ami_launch_index);
  return facts;
}

aws::Result<void> discover_placement(aws::imds::Client& imds, InstanceFacts& facts) {
  auto type = required(imds, "meta-data/instance-type");
  if (!type) return unexpected(type.error());
  facts.instance_type = *type;
  auto az = required(imds, "meta-data/placement/availability-zone");
  if (!az) return unexpected(az.error());
  facts.availability_zone = *az;
  auto mac = imds.get("meta-data/mac");
  if (!mac) return unexpected(mac.error());
  if (!*mac || trimmed(**mac).empty()) return {};
  auto subnet = imds.get("meta-data/network/interfaces/macs/" + trimmed(**mac) + "/subnet-id");
  if (!subnet) return unexpected(subnet.error());
  if (*subnet) facts.subnet_id = trimmed(**subnet);
  return {};
}

void resolve_job_array_index(std::map<std::string, std::string>& tags, std::optional<int> ami_launch_index) {
  if (tags.contains(model::tag::k_job_array_index)) return;
  if (auto index = model::job_array_index(tags, ami_launch_index)) tags[model::tag::k_job_array_index] = std::to_string(*index);
}

aws::Result<std::optional<std::map<std::string, std::string>>> read_instance_tags(aws::imds::Client& imds,
                                                                               const std::vector<std::string>& tag_keys) {
  using Tags = std::map<std::string, std::string>;
  auto listing = imds.get("meta-data/tags/instance");
  if (!listing) return unexpected(listing.error());
  if (!*listing) return std::optional<Tags>();  // instance tags not exposed in the metadata
  std::vector<std::string> present;
  std::string line;
  for (char c : **listing + "\n") {
    if (c == '\n') {
      if (!trimmed(line).empty()) present.push_back(trimmed(line));
      line.clear();
    } else {
      line.push_back(c);
    }
  }
  Tags tags;
  for (const auto& key : tag_keys) {
    if (std::find(present.begin(), present.end(), key) == present.end()) continue;
    auto value = imds.get("meta-data/tags/instance/" + key);
    if (!value) return unexpected(value.error());
    if (*value) tags[key] = **value;
  }
  return std::optional<Tags>(std::move(tags));
}

}  // namespace spawn::agent
