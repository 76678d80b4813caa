#pragma once
// EC2 over the query protocol (POST form, API version 2016-11-15, XML replies).
#include <memory>

#include "spawn/aws/ec2/fleet.hpp"
#include "spawn/aws/ec2/images.hpp"
#include "spawn/aws/ec2/maintain_fleet.hpp"
#include "spawn/aws/ec2/parsers.hpp"
#include "spawn/aws/ec2/placement_scores.hpp"
#include "spawn/aws/ec2/spot_prices.hpp"
#include "spawn/aws/ec2/types.hpp"
#include "spawn/aws/service_client.hpp"

namespace spawn::aws::ec2 {

inline constexpr const char* k_api_version = "2016-11-15";

class Client {
 public:
  explicit Client(std::shared_ptr<ServiceClient> service) : m_service(std::move(service)) {}

  // A page of DescribeInstances is about 5 KB per instance: 5 MB for EC2's 1000, but a request
  // by ids has no MaxResults, and implementations that ignore MaxResults (the local AWS: 5000
  // instances, 18 MB) answer in one page.
  static constexpr std::size_t k_max_describe_instances_body = std::size_t{128} << 20;

  // Any action: the reply body (XML) on success; ReplyTooLarge past max_body.
  Result<std::string> call(std::string_view action, const Params& params,
                           std::size_t max_body = http::k_default_max_body) const;

  // RunInstances. With dry_run, success is EC2's DryRunOperation answer (returned as an
  // empty Reservation); any other error is returned.
  Result<Reservation> run_instances(const RunInstancesInput& input) const;
  // Every page of DescribeInstances for the filters (or the ids).
  Result<std::vector<Instance>> describe_instances(const std::vector<Filter>& filters,
                                                   const std::vector<std::string>& instance_ids = {}) const;
  Result<std::vector<StateChange>> terminate_instances(const std::vector<std::string>& ids) const;
  // StopInstances (Hibernate=true when hibernate: the instance must have been launched
  // hibernation-capable) and StartInstances.
  Result<std::vector<StateChange>> stop_instances(const std::vector<std::string>& ids, bool hibernate = false) const;
  Result<std::vector<StateChange>> start_instances(const std::vector<std::string>& ids) const;
  Result<void> create_tags(const std::vector<std::string>& resource_ids, const Tags& tags) const;
  // DeleteTags of these keys, whatever their values.
  Result<void> delete_tags(const std::vector<std::string>& resource_ids, const std::vector<std::string>& keys) const;
  // Every page of DescribeSpotInstanceRequests for these ids, or these filters.
  Result<std::vector<SpotRequest>> describe_spot_instance_requests(const std::vector<std::string>& request_ids,
                                                                   const std::vector<Filter>& filters = {}) const;
  // CancelSpotInstanceRequests: the requests launch nothing more; their running instances go on.
  Result<void> cancel_spot_instance_requests(const std::vector<std::string>& request_ids) const;
  Result<std::vector<InstanceTypeInfo>> describe_instance_types(const std::vector<std::string>& types) const;
  Result<std::vector<ImageInfo>> describe_images(const std::vector<std::string>& image_ids) const;

  // CreateLaunchTemplate. With dry_run, EC2's DryRunOperation answer is success (an empty template).
  Result<LaunchTemplate> create_launch_template(const LaunchTemplateInput& input) const;
  Result<void> delete_launch_template(const std::string& launch_template_id) const;
  // DeleteLaunchTemplate by name: the id is unknown when the reply of CreateLaunchTemplate was lost.
  Result<void> delete_launch_template_named(const std::string& name) const;
  // DescribeLaunchTemplateVersions of the template's latest version: its user-data (base64, as
  // EC2 keeps it; "" when it has none).
  Result<std::string> launch_template_user_data(const std::string& name) const;
  // CreateFleet (instant). The reply's Errors are data, not an error: partial fulfilment is
  // normal. With dry_run, DryRunOperation is success (an empty result).
  Result<CreateFleetResult> create_fleet(const CreateFleetInput& input) const;
  // CreateFleet Type=maintain (spawn pool): the fleet id; a maintain fleet names no instances.
  Result<CreateFleetResult> create_maintain_fleet(const MaintainFleetInput& input) const;
  Result<void> modify_fleet(const std::string& fleet_id, int total_capacity, int spot_capacity) const;
  // DeleteFleets: one item per id, deleted or with EC2's reason (a reply, not an error).
  Result<std::vector<FleetDeletion>> delete_fleets(const std::vector<std::string>& fleet_ids,
                                                   bool terminate_instances) const;
  // Every page of DescribeFleets (these ids, or every fleet of the region).
  Result<std::vector<FleetDescription>> describe_fleets(const std::vector<std::string>& fleet_ids = {}) const;
  // Every page of DescribeFleetInstances: the fleet's running members.
  Result<std::vector<ActiveFleetInstance>> describe_fleet_instances(const std::string& fleet_id) const;
  // Every page of DescribeFleetHistory since start_time (RFC 3339).
  Result<std::vector<FleetHistoryRecord>> describe_fleet_history(const std::string& fleet_id,
                                                                 const std::string& start_time) const;
  // The prices in effect now for the types (every page), Linux/UNIX, optionally one AZ.
  Result<std::vector<SpotPrice>> describe_current_spot_prices(const std::vector<std::string>& types,
                                                              const std::optional<std::string>& availability_zone = {}) const;
  // The Linux/UNIX history of the types since start_time (RFC 3339), every page, optionally one AZ.
  Result<std::vector<SpotPrice>> describe_spot_price_history(const std::vector<std::string>& types,
                                                             const std::string& start_time,
                                                             const std::optional<std::string>& availability_zone = {}) const;
  // The spot placement scores of one set of types for a count, in each region named (at most 10),
  // every page; per AZ (SingleAvailabilityZone, each score naming its AZ id) when single_az.
  Result<std::vector<PlacementScore>> get_spot_placement_scores(const std::vector<std::string>& types, int count,
                                                                const std::vector<std::string>& regions,
                                                                bool single_az = false) const;

  const ServiceClient& service() const { return *m_service; }

 private:
  std::shared_ptr<ServiceClient> m_service;
};

}  // namespace spawn::aws::ec2
