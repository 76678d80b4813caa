#include "spawn/aws/config/partitions.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "spawn/aws/config/settings.hpp"

using namespace spawn::aws::config;

// The expected values are what botocore 1.43 resolves for these regions (its endpoint rule sets
// and endpoints.json); tests/integration/test_partitions_botocore.py checks the whole table
// against the botocore installed.

TEST(Partitions, RegionsFindTheirPartition) {
  EXPECT_EQ(partition_of("us-east-1").id, "aws");
  EXPECT_EQ(partition_of("eu-west-1").id, "aws");
  EXPECT_EQ(partition_of("us-gov-west-1").id, "aws-us-gov");
  EXPECT_EQ(partition_of("us-gov-east-1").id, "aws-us-gov");
  EXPECT_EQ(partition_of("cn-north-1").id, "aws-cn");
  EXPECT_EQ(partition_of("cn-northwest-1").id, "aws-cn");
  EXPECT_EQ(partition_of("us-iso-east-1").id, "aws-iso");
  EXPECT_EQ(partition_of("us-isob-east-1").id, "aws-iso-b");
  EXPECT_EQ(partition_of("us-isof-south-1").id, "aws-iso-f");
  EXPECT_EQ(partition_of("eu-isoe-west-1").id, "aws-iso-e");
  EXPECT_EQ(partition_of("eusc-de-east-1").id, "aws-eusc");
  // A region no partition claims is taken for a new commercial one, as botocore does.
  EXPECT_EQ(partition_of("xx-mars-1").id, "aws");
  EXPECT_EQ(partition_of("").id, "aws");
}

TEST(Partitions, RegionalEndpointsUseThePartitionsDnsSuffix) {
  EXPECT_EQ(regional_endpoint("ec2", "us-east-1"), "https://ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(regional_endpoint("ec2", "eu-west-1"), "https://ec2.eu-west-1.amazonaws.com");
  EXPECT_EQ(regional_endpoint("ec2", "us-gov-west-1"), "https://ec2.us-gov-west-1.amazonaws.com");
  EXPECT_EQ(regional_endpoint("ec2", "cn-north-1"), "https://ec2.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(regional_endpoint("ssm", "cn-northwest-1"), "https://ssm.cn-northwest-1.amazonaws.com.cn");
  EXPECT_EQ(regional_endpoint("sns", "us-iso-east-1"), "https://sns.us-iso-east-1.c2s.ic.gov");
}

TEST(Partitions, IamIsOneEndpointPerPartitionSignedForItsRegion) {
  struct Case {
    const char* region;
    const char* url;
    const char* signing_region;
  };
  for (const auto& c : {Case{"us-east-1", "https://iam.amazonaws.com", "us-east-1"},
                        Case{"eu-west-1", "https://iam.amazonaws.com", "us-east-1"},
                        Case{"us-gov-west-1", "https://iam.us-gov.amazonaws.com", "us-gov-west-1"},
                        Case{"us-gov-east-1", "https://iam.us-gov.amazonaws.com", "us-gov-west-1"},
                        Case{"cn-north-1", "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"},
                        Case{"cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"}}) {
    EXPECT_EQ(iam_endpoint(c.region).url, c.url) << c.region;
    EXPECT_EQ(iam_endpoint(c.region).signing_region, c.signing_region) << c.region;
    EXPECT_EQ(default_endpoint("IAM", "iam", c.region), c.url) << c.region;
    EXPECT_EQ(default_signing_region("IAM", c.region), c.signing_region) << c.region;
  }
}

TEST(Partitions, ThePriceListApiOfEachPartitionAndNoneInGovCloud) {
  struct Case {
    const char* region;
    const char* url;
    const char* signing_region;
  };
  for (const auto& c : {Case{"us-east-1", "https://api.pricing.us-east-1.amazonaws.com", "us-east-1"},
                        Case{"eu-west-1", "https://api.pricing.us-east-1.amazonaws.com", "us-east-1"},
                        Case{"cn-north-1", "https://api.pricing.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
                        Case{"cn-northwest-1", "https://api.pricing.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"}}) {
    auto e = price_list_endpoint(c.region);
    ASSERT_TRUE(e) << c.region;
    EXPECT_EQ(e->url, c.url) << c.region;
    EXPECT_EQ(e->signing_region, c.signing_region) << c.region;
    EXPECT_EQ(default_endpoint("Pricing", "api.pricing", c.region), c.url) << c.region;
    EXPECT_EQ(default_signing_region("Pricing", c.region), c.signing_region) << c.region;
  }
  EXPECT_FALSE(price_list_endpoint("us-gov-west-1"));
  EXPECT_FALSE(price_list_endpoint("us-gov-east-1"));
  // Never the commercial endpoint for GovCloud (the caller asks price_list_endpoint() first).
  EXPECT_EQ(default_endpoint("Pricing", "api.pricing", "us-gov-west-1").find("us-east-1"), std::string::npos);
}

TEST(Partitions, RegionalServicesAreSignedForTheirRegion) {
  EXPECT_EQ(default_signing_region("EC2", "us-gov-east-1"), "us-gov-east-1");
  EXPECT_EQ(default_signing_region("SSM", "cn-northwest-1"), "cn-northwest-1");
  EXPECT_EQ(default_endpoint("STS", "sts", "us-gov-west-1"), "https://sts.us-gov-west-1.amazonaws.com");
}

// The matcher (no <regex>: spored links it statically) agrees with the regular expression the
// table stands for, which the botocore cross-check compares with botocore's.
TEST(Partitions, MatchingAgreesWithTheRegionRegex) {
  EXPECT_EQ(region_regex(partitions()[0]), R"(^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$)");
  EXPECT_EQ(region_regex(partition_of("us-gov-west-1")), R"(^us\-gov\-\w+\-\d+$)");
  EXPECT_EQ(region_regex(partition_of("cn-north-1")), R"(^cn\-\w+\-\d+$)");
  const char* names[] = {"us-east-1",     "us-gov-west-1", "us-gov-1",       "us-gov-west-",   "us-gov--1",
                         "cn-north-1",    "cn-north-1a",   "cn-north",       "us-iso-east-1",  "us-isob-east-1",
                         "us-isof-x_y-2", "eu-isoe-west-1", "eusc-de-east-1", "eusc-fr-east-1", "ap-south-12",
                         "us-east-1-2",   "US-EAST-1",     "us_east-1",      "-us-east-1",     "aws-global",
                         "me-central-1",  "mx-central-1",  "il-central-1",   "xx-mars-1",      "us-east-x"};
  for (const char* name : names) {
    std::string_view expected = "aws";  // botocore: the first partition whose regex matches, else aws
    for (const auto& p : partitions())
      if (std::regex_search(std::string(name), std::regex(region_regex(p)))) {
        expected = p.id;
        break;
      }
    EXPECT_EQ(partition_of(name).id, expected) << name;
  }
}
