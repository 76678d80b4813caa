#include "spawn/aws/pricing/cache.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "../../support/temp_dir.hpp"

using namespace spawn::aws::pricing;
using namespace std::chrono_literals;
using spawn::model::PriceSource;
using spawn::model::Usd;

namespace {
const char* k_endpoint = "https://api.pricing.us-east-1.amazonaws.com";

struct Fixture {
  spawn::test::TempDir tmp;
  std::chrono::system_clock::time_point now{1'800'000'000s};
  PriceCache cache(std::string endpoint = k_endpoint) {
    return PriceCache(tmp.path() + "/cache/spawn", std::move(endpoint), [this] { return now; });
  }
};

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}
}  // namespace

TEST(PriceCache, DefaultDirFollowsXdg) {
  using spawn::aws::config::fixed_environment;
  EXPECT_EQ(PriceCache::default_dir(fixed_environment({{"XDG_CACHE_HOME", "/x/cache"}, {"HOME", "/home/u"}})),
            "/x/cache/spawn");
  // A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
  EXPECT_EQ(PriceCache::default_dir(fixed_environment({{"XDG_CACHE_HOME", "rel"}, {"HOME", "/home/u"}})),
            "/home/u/.cache/spawn");
  EXPECT_EQ(PriceCache::default_dir(fixed_environment({{"HOME", "/home/u"}})), "/home/u/.cache/spawn");
  EXPECT_FALSE(PriceCache::default_dir(fixed_environment({})));
}

TEST(PriceCache, RoundTripPrivateAndAtomic) {
  Fixture f;
  auto cache = f.cache();
  EXPECT_FALSE(cache.get("us-east-1", "m7i.large"));
  ASSERT_TRUE(cache.put("us-east-1", "m7i.large", *Usd::parse("0.1008")));
  ASSERT_TRUE(cache.put("us-east-1", "g5.xlarge", *Usd::parse("1.006")));
  ASSERT_TRUE(cache.put("eu-west-1", "m7i.large", *Usd::parse("0.112")));
  auto hit = cache.get("us-east-1", "m7i.large");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->hourly, Usd::parse("0.1008"));
  EXPECT_EQ(hit->source, PriceSource::cache);
  EXPECT_EQ(hit->as_of, "2027-01-15T08:00:00Z");
  EXPECT_EQ(cache.get("us-east-1", "g5.xlarge")->hourly, Usd::parse("1.006"));
  EXPECT_EQ(cache.get("eu-west-1", "m7i.large")->hourly, Usd::parse("0.112"));
  EXPECT_FALSE(cache.get("us-west-2", "m7i.large"));

  // Private folder and file; no temporary file left behind.
  EXPECT_EQ(mode_of(f.tmp.path() + "/cache/spawn"), 0700u);
  const std::string file = cache.file("us-east-1");
  EXPECT_EQ(file, f.tmp.path() + "/cache/spawn/on-demand-us-east-1.json");
  EXPECT_EQ(mode_of(file), 0600u);
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(f.tmp.path() + "/cache/spawn")) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 2u);
  auto doc = nlohmann::json::parse(std::ifstream(file));
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["endpoint"], k_endpoint);
  EXPECT_EQ(doc["prices"]["m7i.large"]["usd_per_hour"], "0.1008");
  EXPECT_EQ(doc["prices"]["g5.xlarge"]["usd_per_hour"], "1.006");
}

TEST(PriceCache, OneWeek) {
  Fixture f;
  auto cache = f.cache();
  ASSERT_TRUE(cache.put("us-east-1", "m7i.large", *Usd::parse("0.1008")));
  f.now += 24h * 7 - 1s;
  EXPECT_TRUE(cache.get("us-east-1", "m7i.large"));
  f.now += 1s;
  EXPECT_FALSE(cache.get("us-east-1", "m7i.large"));
  // A fetch time well in the future (the clock went back) is not trusted.
  f.now -= 24h * 8;
  EXPECT_FALSE(cache.get("us-east-1", "m7i.large"));
}

TEST(PriceCache, AnotherEndpointsPricesAreNotUsed) {
  Fixture f;
  ASSERT_TRUE(f.cache("http://127.0.0.1:4566").put("us-east-1", "m7i.large", *Usd::parse("9.99")));
  EXPECT_FALSE(f.cache().get("us-east-1", "m7i.large"));
  ASSERT_TRUE(f.cache().put("us-east-1", "m7i.large", *Usd::parse("0.1008")));
  EXPECT_EQ(f.cache().get("us-east-1", "m7i.large")->hourly, Usd::parse("0.1008"));
}

TEST(PriceCache, DamagedFilesReadAsEmptyAndAreRewritten) {
  Fixture f;
  auto cache = f.cache();
  ASSERT_TRUE(cache.put("us-east-1", "t3.micro", *Usd::parse("0.0104")));
  for (const char* damaged : {"", "{", "[]", R"({"version":1,"endpoint":"https://api.pricing.us-east-1.amazonaws.com",
                                                 "prices":{"m7i.large":{"usd_per_hour":"-1","fetched_at":"x"}}})"}) {
    std::ofstream(cache.file("us-east-1"), std::ios::trunc) << damaged;
    EXPECT_FALSE(cache.get("us-east-1", "m7i.large")) << damaged;
    EXPECT_FALSE(cache.get("us-east-1", "t3.micro")) << damaged;
  }
  ASSERT_TRUE(cache.put("us-east-1", "m7i.large", *Usd::parse("0.1008")));
  EXPECT_TRUE(cache.get("us-east-1", "m7i.large"));
}

TEST(PriceCache, NoFolderNoCache) {
  PriceCache cache(std::nullopt, k_endpoint);
  EXPECT_TRUE(cache.put("us-east-1", "m7i.large", *Usd::parse("0.1008")));
  EXPECT_FALSE(cache.get("us-east-1", "m7i.large"));
  EXPECT_EQ(cache.file("us-east-1"), "");
}

TEST(PriceCache, UnwritableFolderIsAnErrorNotACrash) {
  Fixture f;
  f.tmp.write("cache", "a file where the folder should be");
  auto cache = f.cache();
  auto r = cache.put("us-east-1", "m7i.large", *Usd::parse("0.1008"));
  EXPECT_FALSE(r);
  EXPECT_FALSE(cache.get("us-east-1", "m7i.large"));
}

TEST(PriceCache, ConcurrentPutsKeepEveryPrice) {
  Fixture f;
  auto cache = f.cache();
  std::vector<std::thread> threads;
  const std::vector<std::string> types{"t3.micro", "t3.small", "t3.medium", "t3.large", "m7i.large", "g5.xlarge"};
  for (const auto& t : types)
    threads.emplace_back([&cache, t] { EXPECT_TRUE(cache.put("us-east-1", t, *Usd::parse("0.5"))); });
  for (auto& t : threads) t.join();
  for (const auto& t : types) EXPECT_TRUE(cache.get("us-east-1", t)) << t;
}
