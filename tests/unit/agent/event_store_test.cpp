// Exactly once: the first observation latches, on disk, before anything else happens.
#include "spawn/agent/event_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "spawn/util/files.hpp"
#include "../support/temp_dir.hpp"

namespace spawn::agent {
namespace {

util::SystemTime at(const char* text) { return *util::parse_rfc3339(text); }

Event notice(const char* time) { return Event{EventKind::interruption, "terminate", time, util::parse_rfc3339(time)}; }

TEST(EventStore, FirstObservationLatchesLaterOnesDoNot) {
  test::TempDir dir;
  std::vector<std::string> warnings;
  auto store = EventStore::open(dir.file("events.json"), warnings);
  EXPECT_TRUE(warnings.empty());
  auto first = store.latch(notice("2026-11-27T10:02:00Z"), at("2026-11-27T10:00:00Z"));
  EXPECT_TRUE(first.first);
  EXPECT_EQ(first.persist_error, "");
  EXPECT_FALSE(store.latch(notice("2026-11-27T10:02:00Z"), at("2026-11-27T10:00:01Z")).first);
  EXPECT_TRUE(store.latched("interruption"));
}

TEST(EventStore, AJitteringTimeIsTheSameNotice) {
  test::TempDir dir;
  std::vector<std::string> warnings;
  auto store = EventStore::open(dir.file("events.json"), warnings);
  ASSERT_TRUE(store.latch(notice("2026-11-27T10:02:00Z"), at("2026-11-27T10:00:00Z")).first);
  for (const char* moved : {"2026-11-27T10:02:01Z", "2026-11-27T10:02:02Z", "2026-11-27T10:01:59Z"})
    EXPECT_FALSE(store.latch(notice(moved), at("2026-11-27T10:00:02Z")).first) << moved;
  // The record keeps the first observation.
  EXPECT_EQ(store.snapshot()["latched"]["interruption"]["time"], "2026-11-27T10:02:00Z");
}

TEST(EventStore, ALatchSurvivesARestart) {
  test::TempDir dir;
  std::vector<std::string> warnings;
  {
    auto store = EventStore::open(dir.file("events.json"), warnings);
    ASSERT_TRUE(store.latch(notice("2026-11-27T10:02:00Z"), at("2026-11-27T10:00:00Z")).first);
    EXPECT_EQ(store.record("interruption", "checkpoint_status", "ok"), "");
  }
  // A new process: the file alone decides.
  auto reopened = EventStore::open(dir.file("events.json"), warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_FALSE(reopened.latch(notice("2026-11-27T10:02:03Z"), at("2026-11-27T10:00:30Z")).first);
  EXPECT_EQ(reopened.snapshot()["latched"]["interruption"]["checkpoint_status"], "ok");
  // Written atomically: no temporary file left next to it, readable by `spored status`.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("events.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(EventStore, KindsLatchSeparately) {
  test::TempDir dir;
  std::vector<std::string> warnings;
  auto store = EventStore::open(dir.file("events.json"), warnings);
  EXPECT_TRUE(store.latch(Event{EventKind::rebalance, "", "2026-11-27T09:58:00Z", {}}, at("2026-11-27T09:58:00Z")).first);
  EXPECT_TRUE(store.latch(notice("2026-11-27T10:02:00Z"), at("2026-11-27T10:00:00Z")).first);
  EXPECT_TRUE(store.latch(Event{EventKind::ttl_warning, "", "2026-11-27T18:00:00Z", {}}, at("2026-11-27T17:55:00Z")).first);
  EXPECT_TRUE(store.latch(Event{EventKind::ttl_warning, "", "2026-11-27T20:00:00Z", {}}, at("2026-11-27T19:55:00Z")).first);
  EXPECT_FALSE(store.latch(Event{EventKind::ttl_warning, "", "2026-11-27T18:00:00Z", {}}, at("2026-11-27T17:56:00Z")).first);
}

TEST(EventStore, ReleaseReArms) {
  test::TempDir dir;
  std::vector<std::string> warnings;
  auto store = EventStore::open(dir.file("events.json"), warnings);
  ASSERT_TRUE(store.latch(notice("2026-11-27T10:02:00Z"), at("2026-11-27T10:00:00Z")).first);
  EXPECT_EQ(store.release("interruption"), "");
  EXPECT_FALSE(store.latched("interruption"));
  EXPECT_EQ(store.snapshot()["history"].size(), 1u);
  EXPECT_TRUE(store.latch(notice("2026-11-28T10:02:00Z"), at("2026-11-28T10:00:00Z")).first);
}

TEST(EventStore, ACorruptFileIsMovedAsideNotFatal) {
  test::TempDir dir;
  dir.write("events.json", "{\"latched\": ");
  std::vector<std::string> warnings;
  auto store = EventStore::open(dir.file("events.json"), warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("moved to"), std::string::npos);
  EXPECT_TRUE(store.latch(notice("2026-11-27T10:02:00Z"), at("2026-11-27T10:00:00Z")).first);
  bool aside = false;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    aside |= e.path().filename().string().starts_with("events.json.corrupt-");
  EXPECT_TRUE(aside);
}

TEST(EventStore, AnUnwritableStoreStillLatchesInMemory) {
  test::TempDir dir;
  std::vector<std::string> warnings;
  auto store = EventStore::open(dir.file("missing-folder/events.json"), warnings);
  auto r = store.latch(notice("2026-11-27T10:02:00Z"), at("2026-11-27T10:00:00Z"));
  EXPECT_TRUE(r.first);
  EXPECT_NE(r.persist_error, "");
  EXPECT_FALSE(store.latch(notice("2026-11-27T10:02:00Z"), at("2026-11-27T10:00:01Z")).first);
}

}  // namespace
}  // namespace spawn::agent
