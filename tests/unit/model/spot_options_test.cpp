#include "spawn/model/spot_options.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "spawn/model/launch_options.hpp"

using namespace spawn::model;
namespace fs = std::filesystem;

namespace {

LaunchOptions spot_launch() {
  LaunchOptions o;
  o.instance_type = "m7i.large";
  o.spot.enabled = true;
  return o;
}

CheckpointScript url(const std::string& u) {
  auto s = read_checkpoint_script(u);
  EXPECT_TRUE(s) << u;
  return *s;
}

// The usage error of validate(o), "" when valid.
std::string problem(const LaunchOptions& o) {
  auto r = validate(o);
  return r ? "" : r.error().message;
}

class TempDir {
 public:
  TempDir() : m_path(fs::temp_directory_path() / ("spot_options_test." + std::to_string(::getpid()))) {
    fs::create_directories(m_path);
  }
  ~TempDir() { fs::remove_all(m_path); }
  fs::path file(const std::string& name, const std::string& content) const {
    std::ofstream(m_path / name, std::ios::binary) << content;
    return m_path / name;
  }
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

}  // namespace

TEST(SpotOptions, MaxPriceIsAPositiveDecimal) {
  for (const char* good : {"0.05", "1", "0.125", "12.5", "0.0001"}) EXPECT_EQ(*parse_spot_max_price(good), good);
  for (const char* bad : {"0", "0.0", "-1", "abc", "1e3", "", " 0.05", "$0.05", "0.05/h", "1.", ".5", "+1", "0x10"}) {
    auto r = parse_spot_max_price(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("--spot-max-price"), std::string::npos);
  }
}

TEST(SpotOptions, AllocationStrategiesInEc2Spelling) {
  for (const char* s : {"price-capacity-optimized", "capacity-optimized", "lowest-price", "diversified"})
    EXPECT_EQ(to_string(*parse_allocation_strategy(s)), s);
  auto bad = parse_allocation_strategy("cheapest");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("--spot-allocation-strategy"), std::string::npos);
  EXPECT_EQ(SpotOptions{}.strategy(), AllocationStrategy::price_capacity_optimized);
}

TEST(SpotOptions, OnInterruptionIsOneOfThree) {
  for (const char* a : {"terminate", "checkpoint", "hibernate"}) EXPECT_EQ(to_string(*parse_on_interruption(a)), a);
  for (const char* bad : {"stop", "", "Terminate"}) {
    auto r = parse_on_interruption(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("--on-interruption"), std::string::npos);
  }
  EXPECT_EQ(SpotOptions{}.interruption(), OnInterruption::terminate);
}

TEST(SpotOptions, InstanceTypesSplitKeepsEmptyEntries) {
  EXPECT_EQ(split_instance_types({"a,b", "c"}), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split_instance_types({"a,,b,"}), (std::vector<std::string>{"a", "", "b", ""}));
  EXPECT_EQ(split_instance_types({""}), (std::vector<std::string>{""}));
}

TEST(SpotOptions, CheckpointScriptUrls) {
  auto s3 = url("s3://my-bucket/path/to/save.sh");
  EXPECT_EQ(s3.kind, CheckpointScript::Kind::s3);
  EXPECT_EQ(s3.tag_value(), "s3://my-bucket/path/to/save.sh");
  auto https = url("https://example.com/save.sh?v=1");
  EXPECT_EQ(https.kind, CheckpointScript::Kind::https);
  EXPECT_EQ(https.tag_value(), "https://example.com/save.sh") << "no query in a tag: it may be a token";
  EXPECT_EQ(url("https://example.com/a.sh#x").tag_value(), "https://example.com/a.sh");
  auto http = read_checkpoint_script("http://example.com/save.sh");
  ASSERT_FALSE(http);
  EXPECT_NE(http.error().message.find("https://"), std::string::npos);
  EXPECT_NE(http.error().message.find("s3://"), std::string::npos);
  for (const char* bad : {"s3://", "s3://bucket", "s3://bucket/", "s3://B_ad/key", "ftp://host/x", "file:///etc/x", ""}) {
    auto r = read_checkpoint_script(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message.rfind("--checkpoint-script: ", 0), 0u) << r.error().message;
  }
}

TEST(SpotOptions, CheckpointUrlFitsItsTag) {
  const std::string s3 = "s3://my-bucket/", https = "https://example.com/";
  EXPECT_TRUE(read_checkpoint_script(s3 + std::string(256 - s3.size(), 'k')));
  EXPECT_TRUE(read_checkpoint_script(https + std::string(256 - https.size(), 'k')));
  for (const std::string& prefix : {s3, https}) {
    auto r = read_checkpoint_script(prefix + std::string(4096, 'k'));
    ASSERT_FALSE(r) << prefix;
    EXPECT_NE(r.error().message.find("at most 256 characters"), std::string::npos) << r.error().message;
  }
  // A long query is not in the tag: fine.
  EXPECT_TRUE(read_checkpoint_script(https + "k.sh?X-Amz-Signature=" + std::string(2000, 'f')));
}

TEST(SpotOptions, LocalCheckpointScriptIsReadAndHashed) {
  TempDir dir;
  auto path = dir.file("save.sh", "#!/bin/sh\necho saved\n");
  auto s = read_checkpoint_script(path.string());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->kind, CheckpointScript::Kind::local_file);
  EXPECT_EQ(s->content, "#!/bin/sh\necho saved\n");
  // sha256sum of that text
  EXPECT_EQ(s->sha256, "ce0a01efa433396402ff07408185c97af376197bc792b796831f9f712756f751");
  EXPECT_EQ(s->tag_value(), "embedded:" + s->sha256);

  auto missing = read_checkpoint_script((dir.path() / "nope.sh").string());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no such file"), std::string::npos);
  auto folder = read_checkpoint_script(dir.path().string());
  ASSERT_FALSE(folder);
  EXPECT_NE(folder.error().message.find("not a file"), std::string::npos);
  auto empty = read_checkpoint_script(dir.file("empty.sh", "").string());
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
}

TEST(SpotOptions, SpotFlagsNeedSpot) {
  auto with = [](auto change) {
    LaunchOptions o;
    o.instance_type = "m7i.large";
    change(o.spot);
    return problem(o);
  };
  EXPECT_EQ(with([](SpotOptions& s) { s.max_price = "0.1"; }), "--spot-max-price needs --spot");
  EXPECT_EQ(with([](SpotOptions& s) { s.fallback = true; }), "--spot-fallback needs --spot");
  EXPECT_EQ(with([](SpotOptions& s) { s.allocation_strategy = AllocationStrategy::diversified; }),
            "--spot-allocation-strategy needs --spot");
  EXPECT_EQ(with([](SpotOptions& s) { s.spot_count = 1; }), "--spot-count needs --spot");
  EXPECT_EQ(with([](SpotOptions& s) { s.on_interruption = OnInterruption::terminate; }), "--on-interruption needs --spot");
  EXPECT_EQ(with([](SpotOptions& s) { s.checkpoint_script = url("s3://bucket/x"); }), "--checkpoint-script needs --spot");
}

TEST(SpotOptions, PriceAlertNeedsSpotNotifyAndAPriceUnderTheMax) {
  auto with = [](bool spot, auto change) {
    LaunchOptions o;
    o.instance_type = "m7i.large";
    o.spot.enabled = spot;
    o.spot.price_alert = *Usd::parse("0.1");
    change(o.spot);
    return problem(o);
  };
  const std::string topic = "arn:aws:sns:us-east-1:123456789012:t";
  EXPECT_EQ(with(false, [&](SpotOptions& s) { s.notify = {topic}; }), "--price-alert needs --spot");
  EXPECT_EQ(with(true, [](SpotOptions&) {}),
            "--price-alert needs --notify TARGET (whom spored tells when the price crosses it)");
  EXPECT_EQ(with(true, [&](SpotOptions& s) { s.notify = {topic}; }), "");
  EXPECT_EQ(with(true, [&](SpotOptions& s) { s.notify = {topic}, s.max_price = "0.2"; }), "");
  EXPECT_NE(with(true, [&](SpotOptions& s) { s.notify = {topic}, s.max_price = "0.1"; })
                .find("--price-alert 0.1000 is not under --spot-max-price 0.1"),
            std::string::npos);
}

TEST(SpotOptions, SpotCountWithinTheArray) {
  auto o = spot_launch();
  o.count = 8;
  for (int good : {1, 6, 8}) {
    o.spot.spot_count = good;
    EXPECT_EQ(problem(o), "") << good;
  }
  for (int bad : {0, -1, 9}) {
    o.spot.spot_count = bad;
    EXPECT_NE(problem(o).find("--spot-count: expected 1 to 8"), std::string::npos) << bad;
  }
}

TEST(SpotOptions, CheckpointRules) {
  auto o = spot_launch();
  o.spot.on_interruption = OnInterruption::checkpoint;
  EXPECT_NE(problem(o).find("needs --checkpoint-script"), std::string::npos);
  o.spot.checkpoint_script = url("s3://bucket/save.sh");
  EXPECT_EQ(problem(o), "");
  for (auto other : {OnInterruption::terminate, OnInterruption::hibernate}) {
    o.spot.on_interruption = other;
    EXPECT_NE(problem(o).find("--checkpoint-script runs only with --on-interruption checkpoint"), std::string::npos);
  }
  o.spot.on_interruption.reset();  // the default, terminate
  EXPECT_NE(problem(o).find("--checkpoint-script runs only with"), std::string::npos);
}

TEST(SpotOptions, HibernateNeedsOneTypeOneSubnetNoMixedArray) {
  auto o = spot_launch();
  o.spot.on_interruption = OnInterruption::hibernate;
  o.count = 4;
  EXPECT_EQ(problem(o), "");
  o.instance_types = {"m6i.large"};
  EXPECT_NE(problem(o).find("not with several instance types"), std::string::npos);
  o.instance_types = {"m7i.large"};  // the same type again is one type
  EXPECT_EQ(problem(o), "");
  o.instance_types.clear();
  o.spot.spot_count = 3;
  EXPECT_NE(problem(o).find("not with --spot-count"), std::string::npos);
  o.spot.spot_count = 4;
  EXPECT_EQ(problem(o), "");
  o.subnet_ids = {"subnet-0abc1234", "subnet-0abc5678"};
  EXPECT_NE(problem(o).find("one --subnet-id"), std::string::npos);
}

TEST(SpotOptions, InstanceTypesList) {
  LaunchOptions o;
  o.instance_types = {"m7i.large", "m6i.large"};
  EXPECT_EQ(problem(o), "") << "--instance-types alone is enough";
  EXPECT_EQ(o.all_instance_types(), (std::vector<std::string>{"m7i.large", "m6i.large"}));
  o.instance_type = "c7i.large";
  EXPECT_EQ(o.all_instance_types(), (std::vector<std::string>{"c7i.large", "m7i.large", "m6i.large"}));
  o.instance_types = {"m7i.large", ""};
  EXPECT_NE(problem(o).find("--instance-types: an empty entry"), std::string::npos);
  o.instance_types = {"m7i.large", "m6i.large", "m7i.large"};
  EXPECT_NE(problem(o).find("--instance-types: m7i.large is listed twice"), std::string::npos);
  o.instance_types = {"m7i.large", "not a type"};
  EXPECT_NE(problem(o).find("--instance-types: expected types like"), std::string::npos);
}

TEST(SpotOptions, SubnetList) {
  auto o = spot_launch();
  o.subnet_ids = {"subnet-0abc1234", "subnet-0abc1234"};
  EXPECT_NE(problem(o).find("listed twice"), std::string::npos);
  o.subnet_ids = {"subnet-0abc1234", ""};
  EXPECT_NE(problem(o).find("--subnet-id"), std::string::npos);
}

TEST(SpotOptions, TagValues) {
  SpotOptions s;
  EXPECT_EQ(s.max_price_tag(), "on-demand");
  s.max_price = "0.05";
  EXPECT_EQ(s.max_price_tag(), "0.05");
}

TEST(SpotOptions, NotifyTargets) {
  EXPECT_EQ(parse_notify_target("arn:aws:sns:us-east-1:123456789012:alerts").value(), "arn:aws:sns:us-east-1:123456789012:alerts");
  EXPECT_TRUE(parse_notify_target("arn:aws-cn:sns:cn-north-1:123456789012:a_b-c.fifo"));
  EXPECT_TRUE(parse_notify_target("https://hooks.example.com/T0/B1?token=x"));
  auto http = parse_notify_target("http://hooks.example.com/x");
  ASSERT_FALSE(http);
  EXPECT_NE(http.error().message.find("http:// is refused"), std::string::npos);
  EXPECT_EQ(http.error().message.find("hooks.example.com"), std::string::npos) << "a webhook URL may hold a secret";
  for (const char* bad : {"arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:sns:us-east-1:1234:alerts",
                          "arn:aws:sns:us-east-1:123456789012:", "mailto:me@example.com", "alerts", "", "https://"})
    EXPECT_FALSE(parse_notify_target(bad)) << bad;
  LaunchOptions o;
  o.instance_type = "m7i.large";
  o.spot.notify = {"arn:aws:sns:us-east-1:123456789012:alerts"};
  EXPECT_EQ(problem(o), "--notify needs --spot, --ttl, --on-complete or --idle-timeout (the events spored tells about)");
  o.spot.enabled = true;
  EXPECT_EQ(problem(o), "");
}

TEST(SpotOptions, NotifyArgumentsSplitWhereATargetFollowsAComma) {
  using V = std::vector<std::string>;
  EXPECT_EQ(split_notify_args({"arn:aws:sns:us-east-1:123456789012:a,https://h.example.com/x", "arn:b"}),
            (V{"arn:aws:sns:us-east-1:123456789012:a", "https://h.example.com/x", "arn:b"}));
  // A query's comma stays in its URL; an http:// piece is split off for parse_notify_target to refuse.
  EXPECT_EQ(split_notify_args({"https://h.example.com/x?a=1,2&b=3,http://h.example.com/y"}),
            (V{"https://h.example.com/x?a=1,2&b=3", "http://h.example.com/y"}));
  // Empty pieces are kept: parse_notify_target refuses them.
  EXPECT_EQ(split_notify_args({"arn:a,", ",arn:b", ""}), (V{"arn:a", "", "", "arn:b", ""}));
}

TEST(SpotOptions, BucketNames) {
  EXPECT_TRUE(valid_bucket_name("my-bucket.2"));
  for (const char* bad : {"ab", "My-Bucket", "-bucket", "bucket-", "bu_cket", ""}) EXPECT_FALSE(valid_bucket_name(bad)) << bad;
}
