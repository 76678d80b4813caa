#include "spawn/model/price_query.hpp"

#include <gtest/gtest.h>

using namespace spawn::model;

TEST(PriceQuery, TypesCommaSeparatedAndRepeatable) {
  auto q = parse_price_query({"m7i.large,g5.xlarge", "c7i-flex.large", "m7i.large"}, std::nullopt);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->instance_types, (std::vector<std::string>{"m7i.large", "g5.xlarge", "c7i-flex.large"}));
  EXPECT_TRUE(q->regions.empty());
}

TEST(PriceQuery, Regions) {
  auto q = parse_price_query({"m7i.large"}, std::vector<std::string>{"us-east-1,eu-west-1", "us-east-1", "us-gov-west-1"});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->regions, (std::vector<std::string>{"us-east-1", "eu-west-1", "us-gov-west-1"}));
}

TEST(PriceQuery, BadInputNamesTheFlag) {
  struct Case {
    std::vector<std::string> types;
    std::optional<std::vector<std::string>> regions;
    const char* says;
  };
  for (const auto& c : std::vector<Case>{
           {{}, std::nullopt, "--instance-type: expected one or more"},
           {{""}, std::nullopt, "--instance-type: expected one or more"},
           {{","}, std::nullopt, "--instance-type: expected one or more"},
           {{"m7i.large,,g5.xlarge"}, std::nullopt, "--instance-type: empty entry"},
           {{"m7i.large,"}, std::nullopt, "--instance-type: empty entry"},
           {{"M7I.LARGE"}, std::nullopt, "got 'M7I.LARGE'"},
           {{"m7i large"}, std::nullopt, "got 'm7i large'"},
           {{"m7i"}, std::nullopt, "got 'm7i'"},
           {{"m7i.large"}, std::vector<std::string>{""}, "--regions: expected one or more"},
           {{"m7i.large"}, std::vector<std::string>{"us-east-1,,eu-west-1"}, "--regions: empty entry"},
           {{"m7i.large"}, std::vector<std::string>{"US-EAST-1"}, "--regions: expected a region like us-east-1, got 'US-EAST-1'"},
           {{"m7i.large"}, std::vector<std::string>{"useast1"}, "got 'useast1'"},
       }) {
    auto r = parse_price_query(c.types, c.regions);
    ASSERT_FALSE(r) << c.says;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
}

TEST(PriceQuery, Names) {
  for (const char* good : {"m7i.large", "g5.xlarge", "u-6tb1.metal", "mac2-m2pro.metal", "c7i-flex.large", "p5e.48xlarge"})
    EXPECT_TRUE(is_instance_type_name(good)) << good;
  for (const char* bad : {"", "large", ".large", "m7i.", "m7i..large", "m7i.large;rm", "Z1d.large"})
    EXPECT_FALSE(is_instance_type_name(bad)) << bad;
  for (const char* good : {"us-east-1", "ap-southeast-4", "us-gov-west-1", "cn-north-1", "il-central-1"})
    EXPECT_TRUE(is_region_name(good)) << good;
  for (const char* bad : {"", "us-east", "us_east_1", "east-1", "us-east-1a"}) EXPECT_FALSE(is_region_name(bad)) << bad;
}
