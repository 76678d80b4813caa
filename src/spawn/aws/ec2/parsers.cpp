#include "spawn/aws/ec2/parsers.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <pugixml.hpp>

#include "spawn/aws/ec2/xml_reply.hpp"

namespace spawn::aws::ec2 {
namespace {

Result<pugi::xml_node> load(pugi::xml_document& doc, std::string_view xml, const char* root_name) {
  return reply_root(doc, xml, root_name);
}

// One pass over the instance's children (an instance item has dozens; looking each field up by
// name would scan them a dozen times, which showed in the profile of listing thousands).
Instance parse_instance(const pugi::xml_node& n) {
  Instance i;
  for (pugi::xml_node c : n.children()) {
    const std::string_view name = c.name();
    if (name == "instanceId") i.instance_id = c.child_value();
    else if (name == "instanceType") i.instance_type = c.child_value();
    else if (name == "instanceState") i.state = c.child_value("name");
    else if (name == "placement") i.availability_zone = c.child_value("availabilityZone");
    else if (name == "instanceLifecycle") i.lifecycle = c.child_value();
    else if (name == "launchTime") i.launch_time = c.child_value();
    else if (name == "imageId") i.image_id = c.child_value();
    else if (name == "keyName") i.key_name = c.child_value();
    else if (name == "privateIpAddress") i.private_ip = c.child_value();
    else if (name == "subnetId") i.subnet_id = c.child_value();
    else if (name == "ipAddress") i.public_ip = c.child_value();
    else if (name == "spotInstanceRequestId") i.spot_request_id = c.child_value();
    else if (name == "amiLaunchIndex") i.ami_launch_index = std::atoi(c.child_value());
    else if (name == "iamInstanceProfile") i.iam_instance_profile_arn = c.child_value("arn");
    else if (name == "reason") i.state_transition_reason = c.child_value();
    else if (name == "stateReason") i.state_reason_code = c.child_value("code");
    else if (name == "hibernationOptions") i.hibernation_configured = std::string_view(c.child_value("configured")) == "true";
    else if (name == "tagSet")
      for (pugi::xml_node tag : c.children("item")) i.tags.insert_or_assign(tag.child_value("key"), tag.child_value("value"));
  }
  if (i.lifecycle.empty() || i.lifecycle == "scheduled" || i.lifecycle == "capacity-block") i.lifecycle = "on-demand";
  return i;
}

}  // namespace

Result<Reservation> parse_run_instances(std::string_view xml) {
  pugi::xml_document doc;
  auto root = load(doc, xml, "RunInstancesResponse");
  if (!root) return unexpected(root.error());
  Reservation r;
  r.reservation_id = root->child_value("reservationId");
  r.owner_id = root->child_value("ownerId");
  for (pugi::xml_node item : root->child("instancesSet").children("item")) r.instances.push_back(parse_instance(item));
  std::stable_sort(r.instances.begin(), r.instances.end(),
                   [](const Instance& a, const Instance& b) { return a.ami_launch_index < b.ami_launch_index; });
  return r;
}

namespace {

InstancesPage instances_page(const pugi::xml_node& root) {
  InstancesPage page;
  for (pugi::xml_node res : root.child("reservationSet").children("item"))
    for (pugi::xml_node item : res.child("instancesSet").children("item")) page.instances.push_back(parse_instance(item));
  page.next_token = root.child_value("nextToken");
  return page;
}

}  // namespace

Result<InstancesPage> parse_describe_instances(std::string_view xml) {
  pugi::xml_document doc;
  auto root = load(doc, xml, "DescribeInstancesResponse");
  if (!root) return unexpected(root.error());
  return instances_page(*root);
}

Result<InstancesPage> parse_describe_instances_in_place(std::string& xml) {
  pugi::xml_document doc;
  auto root = reply_root_in_place(doc, xml, "DescribeInstancesResponse");
  if (!root) return unexpected(root.error());
  return instances_page(*root);
}

Result<std::vector<StateChange>> parse_terminate_instances(std::string_view xml) {
  return parse_state_changes(xml, "TerminateInstancesResponse");
}

Result<std::vector<StateChange>> parse_state_changes(std::string_view xml, const char* root_name) {
  pugi::xml_document doc;
  auto root = load(doc, xml, root_name);
  if (!root) return unexpected(root.error());
  std::vector<StateChange> out;
  for (pugi::xml_node item : root->child("instancesSet").children("item"))
    out.push_back({item.child_value("instanceId"), item.child("previousState").child_value("name"),
                   item.child("currentState").child_value("name")});
  return out;
}

Result<std::pair<std::vector<SpotRequest>, std::string>> parse_describe_spot_instance_requests(std::string_view xml) {
  pugi::xml_document doc;
  auto root = load(doc, xml, "DescribeSpotInstanceRequestsResponse");
  if (!root) return unexpected(root.error());
  std::vector<SpotRequest> out;
  for (pugi::xml_node item : root->child("spotInstanceRequestSet").children("item")) {
    SpotRequest r;
    r.request_id = item.child_value("spotInstanceRequestId");
    r.type = item.child_value("type");
    r.state = item.child_value("state");
    r.instance_id = item.child_value("instanceId");
    r.valid_until = item.child_value("validUntil");
    for (pugi::xml_node tag : item.child("tagSet").children("item"))
      r.tags.insert_or_assign(tag.child_value("key"), tag.child_value("value"));
    out.push_back(std::move(r));
  }
  return std::make_pair(std::move(out), std::string(root->child_value("nextToken")));
}

Result<std::pair<std::vector<InstanceTypeInfo>, std::string>> parse_describe_instance_types(std::string_view xml) {
  pugi::xml_document doc;
  auto root = load(doc, xml, "DescribeInstanceTypesResponse");
  if (!root) return unexpected(root.error());
  std::vector<InstanceTypeInfo> out;
  for (pugi::xml_node item : root->child("instanceTypeSet").children("item")) {
    InstanceTypeInfo t;
    t.instance_type = item.child_value("instanceType");
    for (pugi::xml_node a : item.child("processorInfo").child("supportedArchitectures").children("item"))
      t.architectures.emplace_back(a.text().get());
    t.vcpus = std::atoi(item.child("vCpuInfo").child_value("defaultVCpus"));
    t.memory_mib = std::atoll(item.child("memoryInfo").child_value("sizeInMiB"));
    t.hibernation_supported = std::string_view(item.child_value("hibernationSupported")) == "true";
    for (pugi::xml_node u : item.child("supportedUsageClasses").children("item")) t.usage_classes.emplace_back(u.text().get());
    out.push_back(std::move(t));
  }
  return std::pair{std::move(out), std::string(root->child_value("nextToken"))};
}

}  // namespace spawn::aws::ec2
