#include "spawn/aws/config/partitions.hpp"

#include <array>
#include <cctype>

namespace spawn::aws::config {
namespace {

// From botocore's partitions.json (regions, dnsSuffix) and endpoints.json (IAM's partition
// endpoint and credentialScope, the regions api.pricing lists), in botocore's order. The
// partitions with a single region (aws-iso-e, aws-eusc) have IAM in that region, as their rule
// sets resolve it. For aws the Price List region is us-east-1, the one spawn has always used
// (ap-south-1 and eu-central-1 answer too); GovCloud has no Price List API at all.
constexpr std::array<Partition, 8> k_partitions{{
    {"aws", "AWS", "us|eu|ap|sa|ca|me|af|il|mx", "amazonaws.com", "iam.amazonaws.com", "us-east-1", "us-east-1"},
    {"aws-cn", "AWS China", "cn", "amazonaws.com.cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1",
     "cn-northwest-1"},
    {"aws-us-gov", "AWS GovCloud (US)", "us-gov", "amazonaws.com", "iam.us-gov.amazonaws.com", "us-gov-west-1", ""},
    {"aws-iso", "AWS ISO (US)", "us-iso", "c2s.ic.gov", "iam.us-iso-east-1.c2s.ic.gov", "us-iso-east-1",
     "us-iso-east-1"},
    {"aws-iso-b", "AWS ISOB (US)", "us-isob", "sc2s.sgov.gov", "iam.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1",
     "us-isob-east-1"},
    {"aws-iso-e", "AWS ISOE (Europe)", "eu-isoe", "cloud.adc-e.uk", "iam.eu-isoe-west-1.cloud.adc-e.uk",
     "eu-isoe-west-1", "eu-isoe-west-1"},
    {"aws-iso-f", "AWS ISOF", "us-isof", "csp.hci.ic.gov", "iam.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1",
     "us-isof-south-1"},
    {"aws-eusc", "AWS European Sovereign Cloud", "eusc-de", "amazonaws.eu", "iam.eusc-de-east-1.amazonaws.eu",
     "eusc-de-east-1", "eusc-de-east-1"},
}};

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// rest == \w+\-\d+ (no '-' inside \w, so exactly one dash splits the word from the digits).
bool word_dash_digits(std::string_view rest) {
  const size_t dash = rest.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == rest.size()) return false;
  for (char c : rest.substr(0, dash))
    if (!word_char(c)) return false;
  for (char c : rest.substr(dash + 1))
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// The region pattern of botocore, ^(p1|p2|...)\-\w+\-\d+$, matched without <regex> (spored
// links this statically and stays small).
bool matches(const Partition& p, std::string_view region) {
  std::string_view prefixes = p.region_prefixes;
  while (!prefixes.empty()) {
    const size_t bar = prefixes.find('|');
    const std::string_view prefix = prefixes.substr(0, bar);
    prefixes = bar == std::string_view::npos ? std::string_view{} : prefixes.substr(bar + 1);
    if (region.size() > prefix.size() && region.starts_with(prefix) && region[prefix.size()] == '-' &&
        word_dash_digits(region.substr(prefix.size() + 1)))
      return true;
  }
  return false;
}

}  // namespace

std::span<const Partition> partitions() { return k_partitions; }

const Partition& partition_of(std::string_view region) {
  for (const auto& p : k_partitions)
    if (matches(p, region)) return p;
  return k_partitions.front();
}

std::string region_regex(const Partition& partition) {
  std::string out = "^";
  const bool several = partition.region_prefixes.find('|') != std::string_view::npos;
  if (several) out += '(';
  for (char c : partition.region_prefixes) {
    if (c == '-') out += '\\';
    out += c;
  }
  if (several) out += ')';
  return out + "\\-\\w+\\-\\d+$";
}

std::string regional_endpoint(std::string_view endpoint_prefix, std::string_view region) {
  return "https://" + std::string(endpoint_prefix) + "." + std::string(region) + "." +
         std::string(partition_of(region).dns_suffix);
}

SignedEndpoint iam_endpoint(std::string_view region) {
  const Partition& p = partition_of(region);
  return {"https://" + std::string(p.iam_host), std::string(p.iam_region)};
}

std::optional<SignedEndpoint> price_list_endpoint(std::string_view region) {
  const Partition& p = partition_of(region);
  if (p.price_list_region.empty()) return std::nullopt;
  return SignedEndpoint{regional_endpoint("api.pricing", p.price_list_region), std::string(p.price_list_region)};
}

}  // namespace spawn::aws::config
