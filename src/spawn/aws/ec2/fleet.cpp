#include "spawn/aws/ec2/fleet.hpp"

#include "spawn/aws/ec2/requests.hpp"
#include "spawn/aws/ec2/xml_reply.hpp"

namespace spawn::aws::ec2 {
namespace {

void append_tags(Params& p, const std::string& prefix, const std::vector<std::string>& resource_types, const Tags& tags) {
  Params spec;
  append_tag_specifications(spec, resource_types, tags);
  for (auto& [k, v] : spec) p.emplace_back(prefix + k, std::move(v));
}

// launchTemplateAndOverrides/overrides of an Instances or Errors item.
void read_overrides(const pugi::xml_node& item, std::string& type, std::string& subnet, std::string& az) {
  pugi::xml_node o = item.child("launchTemplateAndOverrides").child("overrides");
  type = o.child_value("instanceType");
  subnet = o.child_value("subnetId");
  az = o.child_value("availabilityZone");
}

}  // namespace

Params create_launch_template_params(const LaunchTemplateInput& in) {
  Params p;
  p.emplace_back("LaunchTemplateName", in.name);
  if (!in.client_token.empty()) p.emplace_back("ClientToken", in.client_token);
  if (!in.description.empty()) p.emplace_back("VersionDescription", in.description);
  const std::string d = "LaunchTemplateData.";
  p.emplace_back(d + "ImageId", in.image_id);
  if (in.key_name) p.emplace_back(d + "KeyName", *in.key_name);
  append_list(p, d + "SecurityGroupId", in.security_group_ids);
  if (in.user_data_base64) p.emplace_back(d + "UserData", *in.user_data_base64);
  if (in.iam_instance_profile) {
    const bool arn = in.iam_instance_profile->starts_with("arn:");
    p.emplace_back(d + (arn ? "IamInstanceProfile.Arn" : "IamInstanceProfile.Name"), *in.iam_instance_profile);
  }
  if (!in.shutdown_behavior.empty()) p.emplace_back(d + "InstanceInitiatedShutdownBehavior", in.shutdown_behavior);
  p.emplace_back(d + "MetadataOptions.HttpTokens", "required");
  p.emplace_back(d + "MetadataOptions.HttpPutResponseHopLimit", "2");
  p.emplace_back(d + "MetadataOptions.HttpEndpoint", "enabled");
  p.emplace_back(d + "MetadataOptions.InstanceMetadataTags", "enabled");
  append_tags(p, d, {"instance", "volume"}, in.instance_tags);
  append_tag_specifications(p, {"launch-template"}, in.template_tags);
  if (in.dry_run) p.emplace_back("DryRun", "true");
  return p;
}

Result<LaunchTemplate> parse_create_launch_template(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "CreateLaunchTemplateResponse");
  if (!root) return unexpected(root.error());
  pugi::xml_node t = root->child("launchTemplate");
  LaunchTemplate out{t.child_value("launchTemplateId"), t.child_value("launchTemplateName"),
                     t.child_value("latestVersionNumber")};
  if (out.id.empty()) return unexpected(local_error("InvalidReply", "EC2 created a launch template but sent no id"));
  if (out.version.empty()) out.version = "1";
  return out;
}

Result<std::string> parse_launch_template_user_data(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "DescribeLaunchTemplateVersionsResponse");
  if (!root) return unexpected(root.error());
  pugi::xml_node version = root->child("launchTemplateVersionSet").child("item");
  if (!version) return unexpected(local_error("InvalidLaunchTemplateName.NotFoundException", "the launch template has no version"));
  return std::string(version.child("launchTemplateData").child_value("userData"));
}

void append_launch_template_config(Params& p, const LaunchTemplate& launch_template,
                                   const std::vector<FleetOverride>& overrides) {
  const std::string c = "LaunchTemplateConfigs.1.";
  if (!launch_template.id.empty())
    p.emplace_back(c + "LaunchTemplateSpecification.LaunchTemplateId", launch_template.id);
  else
    p.emplace_back(c + "LaunchTemplateSpecification.LaunchTemplateName", launch_template.name);
  p.emplace_back(c + "LaunchTemplateSpecification.Version", launch_template.version);
  for (size_t i = 0; i < overrides.size(); ++i) {
    const std::string o = c + "Overrides." + std::to_string(i + 1) + ".";
    p.emplace_back(o + "InstanceType", overrides[i].instance_type);
    if (overrides[i].subnet_id) p.emplace_back(o + "SubnetId", *overrides[i].subnet_id);
    if (overrides[i].max_price) p.emplace_back(o + "MaxPrice", *overrides[i].max_price);
  }
}

Params create_fleet_params(const CreateFleetInput& in) {
  Params p;
  p.emplace_back("Type", "instant");
  if (!in.client_token.empty()) p.emplace_back("ClientToken", in.client_token);
  append_launch_template_config(p, in.launch_template, in.overrides);
  const std::string t = "TargetCapacitySpecification.";
  p.emplace_back(t + "TotalTargetCapacity", std::to_string(in.spot_capacity + in.on_demand_capacity));
  p.emplace_back(t + "SpotTargetCapacity", std::to_string(in.spot_capacity));
  p.emplace_back(t + "OnDemandTargetCapacity", std::to_string(in.on_demand_capacity));
  p.emplace_back(t + "DefaultTargetCapacityType", in.spot_capacity > 0 ? "spot" : "on-demand");
  if (in.spot_capacity > 0) {
    p.emplace_back("SpotOptions.AllocationStrategy", in.spot_allocation_strategy);
    p.emplace_back("SpotOptions.InstanceInterruptionBehavior", "terminate");
  }
  if (in.on_demand_capacity > 0) p.emplace_back("OnDemandOptions.AllocationStrategy", in.on_demand_allocation_strategy);
  const int next = append_tag_specifications(p, {"instance"}, in.instance_tags);
  append_tag_specifications(p, {"fleet"}, in.fleet_tags, next);
  if (in.dry_run) p.emplace_back("DryRun", "true");
  return p;
}

std::vector<std::string> CreateFleetResult::instance_ids(std::string_view lifecycle) const {
  std::vector<std::string> out;
  for (const auto& group : instances)
    if (group.lifecycle == lifecycle) out.insert(out.end(), group.instance_ids.begin(), group.instance_ids.end());
  return out;
}

Result<CreateFleetResult> parse_create_fleet(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "CreateFleetResponse");
  if (!root) return unexpected(root.error());
  CreateFleetResult out;
  out.fleet_id = root->child_value("fleetId");
  out.request_id = root->child_value("requestId");
  for (pugi::xml_node item : root->child("fleetInstanceSet").children("item")) {
    FleetInstances group;
    read_overrides(item, group.instance_type, group.subnet_id, group.availability_zone);
    group.lifecycle = item.child_value("lifecycle");
    if (const char* type = item.child_value("instanceType"); *type) group.instance_type = type;
    for (pugi::xml_node id : item.child("instanceIds").children("item")) group.instance_ids.emplace_back(id.text().get());
    out.instances.push_back(std::move(group));
  }
  for (pugi::xml_node item : root->child("errorSet").children("item")) {
    FleetError error;
    read_overrides(item, error.instance_type, error.subnet_id, error.availability_zone);
    error.lifecycle = item.child_value("lifecycle");
    error.code = item.child_value("errorCode");
    error.message = item.child_value("errorMessage");
    out.errors.push_back(std::move(error));
  }
  return out;
}

}  // namespace spawn::aws::ec2
