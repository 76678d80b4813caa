#include "spawn/aws/ec2/maintain_fleet.hpp"

#include <cstdlib>

#include "spawn/aws/ec2/requests.hpp"
#include "spawn/aws/ec2/xml_reply.hpp"

namespace spawn::aws::ec2 {
namespace {

int as_int(const char* text) { return std::atoi(text); }

}  // namespace

Params create_maintain_fleet_params(const MaintainFleetInput& in) {
  Params p;
  p.emplace_back("Type", "maintain");
  if (!in.client_token.empty()) p.emplace_back("ClientToken", in.client_token);
  append_launch_template_config(p, in.launch_template, in.overrides);
  const std::string t = "TargetCapacitySpecification.";
  p.emplace_back(t + "TotalTargetCapacity", std::to_string(in.total_capacity));
  p.emplace_back(t + "SpotTargetCapacity", std::to_string(in.spot_capacity));
  p.emplace_back(t + "OnDemandTargetCapacity", std::to_string(in.total_capacity - in.spot_capacity));
  p.emplace_back(t + "DefaultTargetCapacityType", "spot");
  p.emplace_back("SpotOptions.AllocationStrategy", in.allocation_strategy);
  p.emplace_back("SpotOptions.InstanceInterruptionBehavior", "terminate");
  p.emplace_back("SpotOptions.MaintenanceStrategies.CapacityRebalance.ReplacementStrategy", "launch-before-terminate");
  p.emplace_back("SpotOptions.MaintenanceStrategies.CapacityRebalance.TerminationDelay",
                 std::to_string(in.termination_delay_seconds));
  p.emplace_back("OnDemandOptions.AllocationStrategy", "lowest-price");
  // A maintain fleet replaces what ends; what goes beyond a lowered target is terminated.
  p.emplace_back("ExcessCapacityTerminationPolicy", "termination");
  p.emplace_back("ReplaceUnhealthyInstances", "false");
  append_tag_specifications(p, {"fleet"}, in.fleet_tags);
  return p;
}

Params modify_fleet_params(const std::string& fleet_id, int total_capacity, int spot_capacity) {
  Params p;
  p.emplace_back("FleetId", fleet_id);
  const std::string t = "TargetCapacitySpecification.";
  p.emplace_back(t + "TotalTargetCapacity", std::to_string(total_capacity));
  p.emplace_back(t + "SpotTargetCapacity", std::to_string(spot_capacity));
  p.emplace_back(t + "OnDemandTargetCapacity", std::to_string(total_capacity - spot_capacity));
  p.emplace_back(t + "DefaultTargetCapacityType", "spot");
  return p;
}

Result<void> parse_modify_fleet(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "ModifyFleetResponse");
  if (!root) return unexpected(root.error());
  if (std::string_view(root->child_value("return")) != "true")
    return unexpected(local_error("InvalidReply", "EC2 did not confirm the change of the fleet's capacity"));
  return {};
}

Params delete_fleets_params(const std::vector<std::string>& fleet_ids, bool terminate_instances) {
  Params p;
  append_list(p, "FleetId", fleet_ids);
  p.emplace_back("TerminateInstances", terminate_instances ? "true" : "false");
  return p;
}

Result<std::vector<FleetDeletion>> parse_delete_fleets(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "DeleteFleetsResponse");
  if (!root) return unexpected(root.error());
  std::vector<FleetDeletion> out;
  for (pugi::xml_node item : root->child("successfulFleetDeletionSet").children("item")) {
    FleetDeletion d;
    d.fleet_id = item.child_value("fleetId");
    d.deleted = true;
    d.current_state = item.child_value("currentFleetState");
    d.previous_state = item.child_value("previousFleetState");
    out.push_back(std::move(d));
  }
  for (pugi::xml_node item : root->child("unsuccessfulFleetDeletionSet").children("item")) {
    FleetDeletion d;
    d.fleet_id = item.child_value("fleetId");
    d.error_code = item.child("error").child_value("code");
    d.error_message = item.child("error").child_value("message");
    out.push_back(std::move(d));
  }
  return out;
}

Params describe_fleets_params(const std::vector<std::string>& fleet_ids, const std::string& next_token) {
  Params p;
  append_list(p, "FleetId", fleet_ids);
  if (fleet_ids.empty()) p.emplace_back("MaxResults", "1000");
  if (!next_token.empty()) p.emplace_back("NextToken", next_token);
  return p;
}

Result<FleetsPage> parse_describe_fleets(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "DescribeFleetsResponse");
  if (!root) return unexpected(root.error());
  FleetsPage page;
  page.next_token = root->child_value("nextToken");
  for (pugi::xml_node item : root->child("fleetSet").children("item")) {
    FleetDescription f;
    f.fleet_id = item.child_value("fleetId");
    f.type = item.child_value("type");
    f.state = item.child_value("fleetState");
    f.activity_status = item.child_value("activityStatus");
    f.create_time = item.child_value("createTime");
    pugi::xml_node t = item.child("targetCapacitySpecification");
    f.total_target = as_int(t.child_value("totalTargetCapacity"));
    f.spot_target = as_int(t.child_value("spotTargetCapacity"));
    f.on_demand_target = as_int(t.child_value("onDemandTargetCapacity"));
    f.fulfilled = std::atof(item.child_value("fulfilledCapacity"));
    f.fulfilled_on_demand = std::atof(item.child_value("fulfilledOnDemandCapacity"));
    for (pugi::xml_node config : item.child("launchTemplateConfigs").children("item"))
      f.launch_template_ids.emplace_back(config.child("launchTemplateSpecification").child_value("launchTemplateId"));
    for (pugi::xml_node tag : item.child("tagSet").children("item"))
      f.tags.insert_or_assign(tag.child_value("key"), tag.child_value("value"));
    page.fleets.push_back(std::move(f));
  }
  return page;
}

Params describe_fleet_instances_params(const std::string& fleet_id, const std::string& next_token) {
  Params p;
  p.emplace_back("FleetId", fleet_id);
  p.emplace_back("MaxResults", "1000");
  if (!next_token.empty()) p.emplace_back("NextToken", next_token);
  return p;
}

Result<FleetInstancesPage> parse_describe_fleet_instances(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "DescribeFleetInstancesResponse");
  if (!root) return unexpected(root.error());
  FleetInstancesPage page;
  page.next_token = root->child_value("nextToken");
  for (pugi::xml_node item : root->child("activeInstanceSet").children("item"))
    page.instances.push_back({item.child_value("instanceId"), item.child_value("instanceType"),
                              item.child_value("spotInstanceRequestId"), item.child_value("instanceHealth")});
  return page;
}

Params describe_fleet_history_params(const std::string& fleet_id, const std::string& start_time,
                                     const std::string& next_token) {
  Params p;
  p.emplace_back("FleetId", fleet_id);
  p.emplace_back("StartTime", start_time);
  p.emplace_back("MaxResults", "1000");
  if (!next_token.empty()) p.emplace_back("NextToken", next_token);
  return p;
}

Result<FleetHistoryPage> parse_describe_fleet_history(std::string_view xml) {
  pugi::xml_document doc;
  auto root = reply_root(doc, xml, "DescribeFleetHistoryResponse");
  if (!root) return unexpected(root.error());
  FleetHistoryPage page;
  page.next_token = root->child_value("nextToken");
  for (pugi::xml_node item : root->child("historyRecordSet").children("item")) {
    pugi::xml_node info = item.child("eventInformation");
    page.records.push_back({item.child_value("timestamp"), item.child_value("eventType"), info.child_value("eventSubType"),
                            info.child_value("instanceId"), info.child_value("eventDescription")});
  }
  return page;
}

}  // namespace spawn::aws::ec2
