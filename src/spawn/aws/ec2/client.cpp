#include "spawn/aws/ec2/client.hpp"

#include "spawn/aws/ec2/requests.hpp"
#include "spawn/util/time.hpp"
#include "spawn/util/url.hpp"

namespace spawn::aws::ec2 {

namespace {

// Every page of a paged describe call: send(token) gives one page with .next_token.
template <class Item, class Page, class Send, class Take>
Result<std::vector<Item>> every_page(const Send& send, const Take& take) {
  std::vector<Item> all;
  std::string token;
  do {
    Result<Page> page = send(token);
    if (!page) return unexpected(page.error());
    for (auto& item : take(*page)) all.push_back(std::move(item));
    if (page->next_token == token) break;  // a server that repeats its token would loop forever
    token = page->next_token;
  } while (!token.empty());
  return all;
}

// The same for parsers that give a page as (items, nextToken).
template <class Item, class Send>
Result<std::vector<Item>> every_listed_page(const Send& send) {
  std::vector<Item> all;
  std::string token;
  do {
    auto page = send(token);
    if (!page) return unexpected(page.error());
    for (auto& item : page->first) all.push_back(std::move(item));
    if (page->second == token) break;  // a server that repeats its token would loop forever
    token = page->second;
  } while (!token.empty());
  return all;
}

}  // namespace

Result<std::string> Client::call(std::string_view action, const Params& params, std::size_t max_body) const {
  Params form;
  form.reserve(params.size() + 2);
  form.emplace_back("Action", std::string(action));
  form.emplace_back("Version", k_api_version);
  form.insert(form.end(), params.begin(), params.end());
  ServiceRequest req;
  req.method = "POST";
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  req.body = util::form_encode(form);
  req.max_body = max_body;
  auto reply = m_service->send(req, protocol::parse_query_error);
  if (!reply) return unexpected(reply.error());
  return std::move(reply->body);
}

Result<Reservation> Client::run_instances(const RunInstancesInput& input) const {
  auto body = call("RunInstances", run_instances_params(input));
  if (!body) {
    if (input.dry_run && body.error().code == "DryRunOperation") return Reservation{};
    return unexpected(body.error());
  }
  return parse_run_instances(*body);
}

Result<std::vector<Instance>> Client::describe_instances(const std::vector<Filter>& filters,
                                                         const std::vector<std::string>& instance_ids) const {
  std::vector<Instance> all;
  std::string token;
  do {
    Params p;
    append_filters(p, filters);
    append_list(p, "InstanceId", instance_ids);
    // Without MaxResults some implementations stop at 100 per page; it can't go with ids.
    if (instance_ids.empty()) p.emplace_back("MaxResults", "1000");
    if (!token.empty()) p.emplace_back("NextToken", token);
    auto body = call("DescribeInstances", p, k_max_describe_instances_body);
    if (!body) return unexpected(body.error());
    auto page = parse_describe_instances_in_place(*body);
    if (!page) return unexpected(page.error());
    for (auto& i : page->instances) all.push_back(std::move(i));
    if (page->next_token == token) break;  // a server that repeats its token would loop forever
    token = page->next_token;
  } while (!token.empty());
  return all;
}

Result<std::vector<StateChange>> Client::terminate_instances(const std::vector<std::string>& ids) const {
  Params p;
  append_list(p, "InstanceId", ids);
  auto body = call("TerminateInstances", p);
  if (!body) return unexpected(body.error());
  return parse_terminate_instances(*body);
}

Result<std::vector<StateChange>> Client::stop_instances(const std::vector<std::string>& ids, bool hibernate) const {
  Params p;
  append_list(p, "InstanceId", ids);
  if (hibernate) p.emplace_back("Hibernate", "true");
  auto body = call("StopInstances", p);
  if (!body) return unexpected(body.error());
  return parse_state_changes(*body, "StopInstancesResponse");
}

Result<std::vector<StateChange>> Client::start_instances(const std::vector<std::string>& ids) const {
  Params p;
  append_list(p, "InstanceId", ids);
  auto body = call("StartInstances", p);
  if (!body) return unexpected(body.error());
  return parse_state_changes(*body, "StartInstancesResponse");
}

Result<void> Client::create_tags(const std::vector<std::string>& resource_ids, const Tags& tags) const {
  Params p;
  append_list(p, "ResourceId", resource_ids);
  int n = 1;
  for (const auto& [k, v] : tags) {
    p.emplace_back("Tag." + std::to_string(n) + ".Key", k);
    p.emplace_back("Tag." + std::to_string(n++) + ".Value", v);
  }
  auto body = call("CreateTags", p);
  if (!body) return unexpected(body.error());
  return {};
}

Result<void> Client::delete_tags(const std::vector<std::string>& resource_ids, const std::vector<std::string>& keys) const {
  Params p;
  append_list(p, "ResourceId", resource_ids);
  int n = 1;
  for (const auto& k : keys) p.emplace_back("Tag." + std::to_string(n++) + ".Key", k);
  auto body = call("DeleteTags", p);
  if (!body) return unexpected(body.error());
  return {};
}

Result<void> Client::cancel_spot_instance_requests(const std::vector<std::string>& request_ids) const {
  Params p;
  append_list(p, "SpotInstanceRequestId", request_ids);
  auto body = call("CancelSpotInstanceRequests", p);
  if (!body) return unexpected(body.error());
  return {};
}

Result<std::vector<SpotRequest>> Client::describe_spot_instance_requests(const std::vector<std::string>& request_ids,
                                                                         const std::vector<Filter>& filters) const {
  return every_listed_page<SpotRequest>([&](const std::string& token) -> decltype(parse_describe_spot_instance_requests("")) {
    Params p = describe_spot_instance_requests_params(request_ids, filters);
    if (!token.empty()) p.emplace_back("NextToken", token);
    auto body = call("DescribeSpotInstanceRequests", p);
    if (!body) return unexpected(body.error());
    return parse_describe_spot_instance_requests(*body);
  });
}

Result<std::vector<InstanceTypeInfo>> Client::describe_instance_types(const std::vector<std::string>& types) const {
  return every_listed_page<InstanceTypeInfo>([&](const std::string& token) -> decltype(parse_describe_instance_types("")) {
    Params p;
    append_list(p, "InstanceType", types);
    if (!token.empty()) p.emplace_back("NextToken", token);
    auto body = call("DescribeInstanceTypes", p);
    if (!body) return unexpected(body.error());
    return parse_describe_instance_types(*body);
  });
}

Result<std::vector<ImageInfo>> Client::describe_images(const std::vector<std::string>& image_ids) const {
  Params p;
  append_list(p, "ImageId", image_ids);
  auto body = call("DescribeImages", p);
  if (!body) return unexpected(body.error());
  return parse_describe_images(*body);
}

Result<LaunchTemplate> Client::create_launch_template(const LaunchTemplateInput& input) const {
  auto body = call("CreateLaunchTemplate", create_launch_template_params(input));
  if (!body) {
    if (input.dry_run && body.error().code == "DryRunOperation") return LaunchTemplate{};
    return unexpected(body.error());
  }
  return parse_create_launch_template(*body);
}

Result<void> Client::delete_launch_template(const std::string& launch_template_id) const {
  auto body = call("DeleteLaunchTemplate", {{"LaunchTemplateId", launch_template_id}});
  if (!body) return unexpected(body.error());
  return {};
}

Result<void> Client::delete_launch_template_named(const std::string& name) const {
  auto body = call("DeleteLaunchTemplate", {{"LaunchTemplateName", name}});
  if (!body) return unexpected(body.error());
  return {};
}

Result<std::string> Client::launch_template_user_data(const std::string& name) const {
  auto body = call("DescribeLaunchTemplateVersions", {{"LaunchTemplateName", name}, {"LaunchTemplateVersion.1", "$Latest"}});
  if (!body) return unexpected(body.error());
  return parse_launch_template_user_data(*body);
}

Result<CreateFleetResult> Client::create_fleet(const CreateFleetInput& input) const {
  auto body = call("CreateFleet", create_fleet_params(input));
  if (!body) {
    if (input.dry_run && body.error().code == "DryRunOperation") return CreateFleetResult{};
    return unexpected(body.error());
  }
  return parse_create_fleet(*body);
}

Result<std::vector<SpotPrice>> Client::describe_current_spot_prices(const std::vector<std::string>& types,
                                                                    const std::optional<std::string>& availability_zone) const {
  // StartTime now: EC2 answers with the price in effect at that moment for each pool.
  return describe_spot_price_history(types, util::format_rfc3339(std::chrono::system_clock::now()), availability_zone);
}

Result<std::vector<SpotPrice>> Client::describe_spot_price_history(const std::vector<std::string>& types,
                                                                   const std::string& start_time,
                                                                   const std::optional<std::string>& availability_zone) const {
  return every_listed_page<SpotPrice>([&](const std::string& token) -> decltype(parse_describe_spot_price_history("")) {
    auto body = call("DescribeSpotPriceHistory",
                     describe_spot_price_history_params(types, k_linux_product, start_time, availability_zone, token));
    if (!body) return unexpected(body.error());
    return parse_describe_spot_price_history(*body);
  });
}

Result<std::vector<PlacementScore>> Client::get_spot_placement_scores(const std::vector<std::string>& types, int count,
                                                                     const std::vector<std::string>& regions,
                                                                     bool single_az) const {
  return every_listed_page<PlacementScore>([&](const std::string& token) -> decltype(parse_get_spot_placement_scores("")) {
    auto body = call("GetSpotPlacementScores", get_spot_placement_scores_params(types, count, regions, single_az, token));
    if (!body) return unexpected(body.error());
    return parse_get_spot_placement_scores(*body);
  });
}

Result<CreateFleetResult> Client::create_maintain_fleet(const MaintainFleetInput& input) const {
  auto body = call("CreateFleet", create_maintain_fleet_params(input));
  if (!body) return unexpected(body.error());
  auto reply = parse_create_fleet(*body);
  if (reply && reply->fleet_id.empty())
    return unexpected(local_error("InvalidReply", "EC2 created a fleet but sent no id"));
  return reply;
}

Result<void> Client::modify_fleet(const std::string& fleet_id, int total_capacity, int spot_capacity) const {
  auto body = call("ModifyFleet", modify_fleet_params(fleet_id, total_capacity, spot_capacity));
  if (!body) return unexpected(body.error());
  return parse_modify_fleet(*body);
}

Result<std::vector<FleetDeletion>> Client::delete_fleets(const std::vector<std::string>& fleet_ids,
                                                         bool terminate_instances) const {
  auto body = call("DeleteFleets", delete_fleets_params(fleet_ids, terminate_instances));
  if (!body) return unexpected(body.error());
  return parse_delete_fleets(*body);
}


Result<std::vector<FleetDescription>> Client::describe_fleets(const std::vector<std::string>& fleet_ids) const {
  return every_page<FleetDescription, FleetsPage>(
      [&](const std::string& token) -> Result<FleetsPage> {
        auto body = call("DescribeFleets", describe_fleets_params(fleet_ids, token));
        if (!body) return unexpected(body.error());
        return parse_describe_fleets(*body);
      },
      [](FleetsPage& page) -> std::vector<FleetDescription>& { return page.fleets; });
}

Result<std::vector<ActiveFleetInstance>> Client::describe_fleet_instances(const std::string& fleet_id) const {
  return every_page<ActiveFleetInstance, FleetInstancesPage>(
      [&](const std::string& token) -> Result<FleetInstancesPage> {
        auto body = call("DescribeFleetInstances", describe_fleet_instances_params(fleet_id, token));
        if (!body) return unexpected(body.error());
        return parse_describe_fleet_instances(*body);
      },
      [](FleetInstancesPage& page) -> std::vector<ActiveFleetInstance>& { return page.instances; });
}

Result<std::vector<FleetHistoryRecord>> Client::describe_fleet_history(const std::string& fleet_id,
                                                                       const std::string& start_time) const {
  return every_page<FleetHistoryRecord, FleetHistoryPage>(
      [&](const std::string& token) -> Result<FleetHistoryPage> {
        auto body = call("DescribeFleetHistory", describe_fleet_history_params(fleet_id, start_time, token));
        if (!body) return unexpected(body.error());
        return parse_describe_fleet_history(*body);
      },
      [](FleetHistoryPage& page) -> std::vector<FleetHistoryRecord>& { return page.records; });
}

}  // namespace spawn::aws::ec2
