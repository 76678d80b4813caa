#pragma once
// AWS partitions as data: which partition a region is in, the DNS suffix of its endpoints, where
// its global services (IAM, the Price List API) answer and for which region they are signed, and
// the partition name in its ARNs. The values are botocore's (data/partitions.json, endpoints.json
// and the IAM and Pricing endpoint rule sets); tests/integration/test_partitions_botocore.py
// compares this table with the botocore on the machine.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace spawn::aws::config {

struct Partition {
  std::string_view id;               // "aws", "aws-cn", "aws-us-gov": also the partition of its ARNs
  std::string_view name;             // for people: "AWS GovCloud (US)"
  std::string_view region_prefixes;  // "us|eu|...": its regions are <prefix>-<word>-<digits>
  std::string_view dns_suffix;       // "amazonaws.com", "amazonaws.com.cn"
  std::string_view iam_host;         // IAM's one endpoint in the partition: "iam.us-gov.amazonaws.com"
  std::string_view iam_region;       // the region IAM requests are signed for: "us-gov-west-1"
  std::string_view price_list_region;  // where the Price List API answers; empty: it has none
};

// Every partition spawn knows, aws first.
std::span<const Partition> partitions();

// The partition of a region, as botocore picks it: the first whose region pattern matches,
// else aws (a region name no partition claims is taken to be a new commercial one).
const Partition& partition_of(std::string_view region);

// The region pattern of a partition as a regular expression, botocore's shape:
// ^(us|eu|...)\-\w+\-\d+$ (one prefix: ^cn\-\w+\-\d+$). For the cross-check and the docs.
std::string region_regex(const Partition& partition);

// A service's own regional endpoint: https://<prefix>.<region>.<dns suffix>
// (https://ec2.cn-north-1.amazonaws.com.cn).
std::string regional_endpoint(std::string_view endpoint_prefix, std::string_view region);

// An endpoint and the region its requests are signed for.
struct SignedEndpoint {
  std::string url;
  std::string signing_region;
};

// IAM of the region's partition: https://iam.amazonaws.com signed for us-east-1,
// https://iam.us-gov.amazonaws.com for us-gov-west-1, https://iam.cn-north-1.amazonaws.com.cn
// for cn-north-1.
SignedEndpoint iam_endpoint(std::string_view region);

// The Price List API of the region's partition (https://api.pricing.us-east-1.amazonaws.com for
// us-east-1, https://api.pricing.cn-northwest-1.amazonaws.com.cn for cn-northwest-1); nullopt
// when the partition has none (AWS GovCloud (US)): never another partition's.
std::optional<SignedEndpoint> price_list_endpoint(std::string_view region);

}  // namespace spawn::aws::config
