#include "spawn/agent/script_cache.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "../support/temp_dir.hpp"
#include "spawn/util/files.hpp"

namespace spawn::agent {
namespace {

struct FakeRemote {
  std::string body = "echo v1\n";
  std::string etag = "\"e1\"";
  int fetches = 0;
  bool down = false;
  std::vector<std::string> etags_sent;
  ScriptFetch fetch() {
    return [this](const std::string&, const std::string& etag) -> aws::Result<FetchedScript> {
      ++fetches;
      etags_sent.push_back(etag);
      if (down) return unexpected(aws::local_error("NetworkError", "unreachable"));
      if (!etag.empty() && etag == this->etag) return FetchedScript{true, {}, etag};
      return FetchedScript{false, body, this->etag};
    };
  }
};

TEST(ScriptCache, FetchesIntoAPrivateFolderAndRefreshesOnChange) {
  test::TempDir dir;
  FakeRemote remote;
  ScriptCache cache(dir.file("checkpoint"), "s3://b/k.sh", remote.fetch());
  auto first = cache.refresh();
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(first->what, "fetched");
  const std::string v1 = cache.cached_script_path();
  EXPECT_EQ(util::read_file(v1)->value(), "echo v1\n");
  struct stat st {};
  ASSERT_EQ(::lstat(dir.file("checkpoint").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(v1.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(*cache.path_for_run(), v1);

  EXPECT_EQ(cache.refresh()->what, "unchanged");
  EXPECT_EQ(remote.etags_sent.back(), "\"e1\"");  // If-None-Match saved the download
  EXPECT_EQ(cache.cached_script_path(), v1);

  remote.body = "echo v2\n";
  remote.etag = "\"e2\"";
  EXPECT_EQ(cache.refresh()->what, "updated");
  const std::string v2 = cache.cached_script_path();
  EXPECT_EQ(util::read_file(v2)->value(), "echo v2\n");
  EXPECT_NE(v2, v1);                        // a new name at each change...
  EXPECT_NE(::stat(v1.c_str(), &st), 0);    // ...and the old copy gone
}

TEST(ScriptCache, TheCopysNameCannotBeGuessed) {
  test::TempDir a, b;
  FakeRemote remote;
  ScriptCache one(a.file("checkpoint"), "s3://b/k.sh", remote.fetch());
  ScriptCache two(b.file("checkpoint"), "s3://b/k.sh", remote.fetch());
  ASSERT_TRUE(one.refresh());
  ASSERT_TRUE(two.refresh());
  const std::string n1 = one.cached_script_path().substr(a.file("checkpoint").size());
  const std::string n2 = two.cached_script_path().substr(b.file("checkpoint").size());
  EXPECT_TRUE(n1.starts_with("/checkpoint-script.")) << n1;
  EXPECT_EQ(n1.size(), std::string("/checkpoint-script.").size() + 16) << n1;
  EXPECT_NE(n1, n2);
}

TEST(ScriptCache, TheRecordHoldsNoTokenOfTheUrl) {
  test::TempDir dir;
  FakeRemote remote;
  const std::string url = "https://example.com/k.sh?X-Amz-Signature=SECRETSIG";
  ScriptCache cache(dir.file("checkpoint"), url, remote.fetch());
  ASSERT_TRUE(cache.refresh());
  auto record = util::read_file(dir.file("checkpoint") + "/checkpoint-script.json");
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->find("SECRETSIG"), std::string::npos) << **record;
  EXPECT_EQ(cache.describe().dump().find("SECRETSIG"), std::string::npos);
  // Still recognised as this source's copy.
  EXPECT_EQ(cache.refresh()->what, "unchanged");
  remote.down = true;
  EXPECT_TRUE(cache.path_for_run());
  EXPECT_EQ(ScriptCache(dir.file("checkpoint"), url + "2", remote.fetch()).describe()["cached"], nullptr);
}

TEST(ScriptCache, DuringANoticeOnlyAMissingCopyIsFetched) {
  test::TempDir dir;
  FakeRemote remote;
  ScriptCache cache(dir.file("checkpoint"), "https://example.com/k.sh", remote.fetch());
  auto path = cache.path_for_run();  // nothing cached: fetched now
  ASSERT_TRUE(path) << path.error();
  EXPECT_EQ(remote.fetches, 1);
  remote.down = true;
  EXPECT_TRUE(cache.path_for_run());  // cached: no fetch, works with the network gone
  EXPECT_EQ(remote.fetches, 1);
}

TEST(ScriptCache, AFailedRefreshKeepsTheOldCopy) {
  test::TempDir dir;
  FakeRemote remote;
  ScriptCache cache(dir.file("checkpoint"), "s3://b/k.sh", remote.fetch());
  ASSERT_TRUE(cache.refresh());
  remote.down = true;
  EXPECT_FALSE(cache.refresh());
  EXPECT_EQ(util::read_file(*cache.path_for_run())->value(), "echo v1\n");
}

TEST(ScriptCache, ACopyOfAnotherSourceDoesNotCount) {
  test::TempDir dir;
  FakeRemote remote;
  ASSERT_TRUE(ScriptCache(dir.file("checkpoint"), "s3://b/old.sh", remote.fetch()).refresh());
  remote.down = true;
  ScriptCache other(dir.file("checkpoint"), "s3://b/new.sh", remote.fetch());
  EXPECT_FALSE(other.path_for_run());
}

TEST(ScriptCache, LocalScripts) {
  test::TempDir dir;
  ScriptCache cache(dir.file("checkpoint"), dir.write("ckpt.sh", "exit 0\n"), ScriptFetch());
  EXPECT_FALSE(cache.remote());
  EXPECT_EQ(*cache.path_for_run(), dir.file("ckpt.sh"));
  EXPECT_FALSE(ScriptCache(dir.file("c"), dir.file("absent.sh"), ScriptFetch()).path_for_run());
  EXPECT_FALSE(ScriptCache(dir.file("c"), "", ScriptFetch()).configured());
}

TEST(ScriptCache, TooLargeIsRefused) {
  test::TempDir dir;
  FakeRemote remote;
  remote.body.assign(k_max_script_bytes + 1, '#');
  ScriptCache cache(dir.file("checkpoint"), "s3://b/k.sh", remote.fetch());
  EXPECT_FALSE(cache.refresh());
}

}  // namespace
}  // namespace spawn::agent
