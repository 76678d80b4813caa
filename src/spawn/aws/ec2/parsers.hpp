#pragma once
// Pure parsers of EC2 XML replies. A reply that is not the expected XML is an Error with
// code "InvalidReply".
#include <string>
#include <string_view>

#include "spawn/aws/ec2/types.hpp"
#include "spawn/aws/error.hpp"

namespace spawn::aws::ec2 {

struct InstancesPage {
  std::vector<Instance> instances;
  std::string next_token;  // empty on the last page
};

// RunInstancesResponse: the reservation and its instances in launch-index order.
Result<Reservation> parse_run_instances(std::string_view xml);
// DescribeInstancesResponse: all instances of all reservations on this page.
Result<InstancesPage> parse_describe_instances(std::string_view xml);
// The same, parsing the reply in place (a page of 1,000 instances is several MB): xml is changed.
Result<InstancesPage> parse_describe_instances_in_place(std::string& xml);
// TerminateInstancesResponse
Result<std::vector<StateChange>> parse_terminate_instances(std::string_view xml);
// The instancesSet of state changes under root_name (TerminateInstancesResponse,
// StopInstancesResponse, StartInstancesResponse): the same shape for the three.
Result<std::vector<StateChange>> parse_state_changes(std::string_view xml, const char* root_name);
// DescribeSpotInstanceRequestsResponse (one page) and its nextToken.
Result<std::pair<std::vector<SpotRequest>, std::string>> parse_describe_spot_instance_requests(std::string_view xml);
// DescribeInstanceTypesResponse (one page) and its nextToken.
Result<std::pair<std::vector<InstanceTypeInfo>, std::string>> parse_describe_instance_types(std::string_view xml);

}  // namespace spawn::aws::ec2
