#include "spawn/aws/ec2/requests.hpp"

namespace spawn::aws::ec2 {

void append_list(Params& params, const std::string& prefix, const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) params.emplace_back(prefix + "." + std::to_string(i + 1), values[i]);
}

void append_filters(Params& params, const std::vector<Filter>& filters) {
  for (size_t i = 0; i < filters.size(); ++i) {
    const std::string p = "Filter." + std::to_string(i + 1);
    params.emplace_back(p + ".Name", filters[i].name);
    append_list(params, p + ".Value", filters[i].values);
  }
}

int append_tag_specifications(Params& params, const std::vector<std::string>& resource_types, const Tags& tags,
                              int first) {
  if (tags.empty()) return first;
  for (size_t r = 0; r < resource_types.size(); ++r) {
    const std::string spec = "TagSpecification." + std::to_string(first + static_cast<int>(r));
    params.emplace_back(spec + ".ResourceType", resource_types[r]);
    int n = 1;
    for (const auto& [k, v] : tags) {
      const std::string tag = spec + ".Tag." + std::to_string(n++);
      params.emplace_back(tag + ".Key", k);
      params.emplace_back(tag + ".Value", v);
    }
  }
  return first + static_cast<int>(resource_types.size());
}

Params run_instances_params(const RunInstancesInput& in) {
  Params p;
  p.emplace_back("ImageId", in.image_id);
  p.emplace_back("InstanceType", in.instance_type);
  p.emplace_back("MinCount", std::to_string(in.count));
  p.emplace_back("MaxCount", std::to_string(in.count));
  if (!in.client_token.empty()) p.emplace_back("ClientToken", in.client_token);
  if (in.key_name) p.emplace_back("KeyName", *in.key_name);
  if (in.subnet_id) p.emplace_back("SubnetId", *in.subnet_id);
  append_list(p, "SecurityGroupId", in.security_group_ids);
  if (in.user_data_base64) p.emplace_back("UserData", *in.user_data_base64);
  if (in.iam_instance_profile) {
    const bool arn = in.iam_instance_profile->starts_with("arn:");
    p.emplace_back(arn ? "IamInstanceProfile.Arn" : "IamInstanceProfile.Name", *in.iam_instance_profile);
  }
  // IMDSv2 only; hop limit 2 so containers on the instance still reach it; tags readable
  // from the metadata service (spored reads its settings there).
  p.emplace_back("MetadataOptions.HttpTokens", "required");
  p.emplace_back("MetadataOptions.HttpPutResponseHopLimit", "2");
  p.emplace_back("MetadataOptions.HttpEndpoint", "enabled");
  p.emplace_back("MetadataOptions.InstanceMetadataTags", "enabled");
  if (!in.shutdown_behavior.empty()) p.emplace_back("InstanceInitiatedShutdownBehavior", in.shutdown_behavior);
  if (in.spot) {
    p.emplace_back("InstanceMarketOptions.MarketType", "spot");
    p.emplace_back("InstanceMarketOptions.SpotOptions.SpotInstanceType", in.spot->request_type);
    p.emplace_back("InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior", in.spot->interruption_behavior);
    if (in.spot->max_price) p.emplace_back("InstanceMarketOptions.SpotOptions.MaxPrice", *in.spot->max_price);
    if (in.spot->valid_until) p.emplace_back("InstanceMarketOptions.SpotOptions.ValidUntil", *in.spot->valid_until);
  }
  if (in.hibernation) p.emplace_back("HibernationOptions.Configured", "true");
  if (in.root_volume_gib) {
    p.emplace_back("BlockDeviceMapping.1.DeviceName", in.root_device_name);
    p.emplace_back("BlockDeviceMapping.1.Ebs.VolumeSize", std::to_string(*in.root_volume_gib));
    p.emplace_back("BlockDeviceMapping.1.Ebs.VolumeType", "gp3");
    p.emplace_back("BlockDeviceMapping.1.Ebs.Encrypted", "true");
    p.emplace_back("BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true");
  }
  const int next = append_tag_specifications(p, {"instance", "volume"}, in.tags);
  if (in.spot) append_tag_specifications(p, {"spot-instances-request"}, in.spot->request_tags, next);
  if (in.dry_run) p.emplace_back("DryRun", "true");
  return p;
}

Params describe_spot_instance_requests_params(const std::vector<std::string>& request_ids,
                                              const std::vector<Filter>& filters) {
  Params p;
  append_list(p, "SpotInstanceRequestId", request_ids);
  append_filters(p, filters);
  return p;
}

}  // namespace spawn::aws::ec2
