// partition_tool: spawn's partition table and what it resolves for the regions named on the
// command line, as one JSON document on stdout, for the cross-check against botocore
// (integration/test_partitions_botocore.py).
//   partition_tool us-east-1 cn-north-1 us-gov-west-1
#include <nlohmann/json.hpp>

#include <iostream>
#include <string>

#include "spawn/aws/config/partitions.hpp"
#include "spawn/aws/config/settings.hpp"

namespace config = spawn::aws::config;

int main(int argc, char** argv) {
  nlohmann::json out{{"partitions", nlohmann::json::array()}, {"regions", nlohmann::json::object()}};
  for (const auto& p : config::partitions())
    out["partitions"].push_back({{"id", p.id},
                                 {"name", p.name},
                                 {"region_regex", config::region_regex(p)},
                                 {"dns_suffix", p.dns_suffix},
                                 {"iam_host", p.iam_host},
                                 {"iam_region", p.iam_region},
                                 {"price_list_region", p.price_list_region}});
  struct Service {
    const char* id;
    const char* prefix;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string region = argv[i];
    nlohmann::json r{{"partition", config::partition_of(region).id}};
    for (const auto& s : {Service{"EC2", "ec2"}, Service{"SSM", "ssm"}, Service{"SNS", "sns"}, Service{"STS", "sts"},
                          Service{"S3", "s3"}, Service{"IAM", "iam"}, Service{"Pricing", "api.pricing"}}) {
      r["endpoints"][s.id] = config::default_endpoint(s.id, s.prefix, region);
      r["signing_regions"][s.id] = config::default_signing_region(s.id, region);
    }
    if (auto price_list = config::price_list_endpoint(region))
      r["price_list"] = {{"url", price_list->url}, {"signing_region", price_list->signing_region}};
    else
      r["price_list"] = nullptr;
    out["regions"][region] = std::move(r);
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}
