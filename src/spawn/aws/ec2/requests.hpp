#pragma once
// Pure builders of EC2 query parameters (without Action and Version). Testable without I/O.
#include "spawn/aws/ec2/types.hpp"

namespace spawn::aws::ec2 {

// RunInstances: MinCount = MaxCount = count, IMDSv2 required (hop limit 2, instance tags on),
// tags on instance and volume, ClientToken, InstanceMarketOptions for spot.
Params run_instances_params(const RunInstancesInput& in);
// Filter.N.Name / Filter.N.Value.M
void append_filters(Params& params, const std::vector<Filter>& filters);
// Prefix.N = value (1-based)
void append_list(Params& params, const std::string& prefix, const std::vector<std::string>& values);
// TagSpecification.N for each resource type with all the tags, N counting from first; the next
// free N (first itself when tags is empty: nothing is added).
int append_tag_specifications(Params& params, const std::vector<std::string>& resource_types, const Tags& tags,
                              int first = 1);
// DescribeSpotInstanceRequests of these ids, or with these filters.
Params describe_spot_instance_requests_params(const std::vector<std::string>& request_ids,
                                              const std::vector<Filter>& filters);

}  // namespace spawn::aws::ec2
