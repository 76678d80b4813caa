// The event log's objects: where each goes in the bucket and what it holds, both ways.
#include "spawn/model/event_record.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace spawn::model {
namespace {

util::SystemTime at(const char* text) { return *util::parse_rfc3339(text); }

LoggedEvent sample(EventType type) {
  LoggedEvent e;
  e.type = type;
  e.time = at("2026-12-04T23:59:59Z") + std::chrono::milliseconds(123);
  e.source.instance_id = "i-0123456789abcdef0";
  e.source.launch_id = "sl-0123456789abcdef";
  e.source.region = "us-east-1";
  e.source.availability_zone = "us-east-1a";
  e.source.instance_type = "m7i.large";
  e.source.lifecycle = "spot";
  return e;
}

TEST(EventRecord, KeyIsPartitionedByRegionAndDayThenLaunchAndInstance) {
  auto key = event_key(sample(EventType::interruption), 7);
  ASSERT_TRUE(key) << key.error();
  EXPECT_EQ(*key,
            "spawn/events/region=us-east-1/day=2026-12-04/sl-0123456789abcdef/i-0123456789abcdef0/"
            "1796428799123-000007-interruption.json");
  EXPECT_TRUE(key->starts_with(event_day_prefix("us-east-1", "2026-12-04")));
  EXPECT_TRUE(key->starts_with(event_region_prefix("us-east-1")));
}

TEST(EventRecord, KeysOfOneInstanceSortByTime) {
  auto early = sample(EventType::launch);
  auto late = sample(EventType::stopped);
  early.time = at("2026-12-04T01:00:00Z");
  late.time = at("2026-12-04T09:00:00Z");
  EXPECT_LT(*event_key(early, 999), *event_key(late, 0));
}

TEST(EventRecord, DayIsUtc) {
  EXPECT_EQ(event_day(at("2026-12-04T23:59:59Z")), "2026-12-04");
  EXPECT_EQ(event_day(at("2026-12-05T00:00:00Z")), "2026-12-05");
}

TEST(EventRecord, UnsafeSegmentsMakeNoKey) {
  for (const char* bad : {"", "../x", "a/b", "i-0 1", ".."}) {
    auto e = sample(EventType::launch);
    e.source.instance_id = bad;
    EXPECT_FALSE(event_key(e, 0)) << bad;
  }
  auto e = sample(EventType::launch);
  e.source.region = "us-east-1/../../agent";
  EXPECT_FALSE(event_key(e, 0));
}

TEST(EventRecord, BodyHoldsTheFactsAndTheTypesFields) {
  auto e = sample(EventType::interruption);
  e.action = "terminate";
  e.notice_time = "2026-12-05T00:01:59Z";
  e.source.job_array_id = "ja-1";
  e.source.job_array_name = "train";
  e.source.job_array_index = 3;
  e.source.generation = 1;
  auto doc = nlohmann::json::parse(event_body(e));
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["type"], "interruption");
  EXPECT_EQ(doc["time"], "2026-12-04T23:59:59.123Z");
  EXPECT_EQ(doc["instance_id"], "i-0123456789abcdef0");
  EXPECT_EQ(doc["launch_id"], "sl-0123456789abcdef");
  EXPECT_EQ(doc["availability_zone"], "us-east-1a");
  EXPECT_EQ(doc["instance_type"], "m7i.large");
  EXPECT_EQ(doc["lifecycle"], "spot");
  EXPECT_EQ(doc["job_array"], (nlohmann::json{{"id", "ja-1"}, {"name", "train"}, {"index", 3}}));
  EXPECT_EQ(doc["generation"], 1);
  EXPECT_EQ(doc["action"], "terminate");
  EXPECT_EQ(doc["notice_time"], "2026-12-05T00:01:59Z");
  EXPECT_EQ(doc["drill"], false);
  // Nothing of another type.
  EXPECT_FALSE(doc.contains("status"));
  EXPECT_FALSE(doc.contains("launch_time"));
}

TEST(EventRecord, OutsideAnArrayThereIsNoJobArray) {
  auto doc = nlohmann::json::parse(event_body(sample(EventType::launch)));
  EXPECT_FALSE(doc.contains("job_array"));
  EXPECT_FALSE(doc.contains("generation"));
}

TEST(EventRecord, EveryTypeReadsBackAsWritten) {
  for (EventType type : {EventType::launch, EventType::interruption, EventType::rebalance, EventType::checkpoint,
                         EventType::relaunch, EventType::end, EventType::shutdown, EventType::stopped}) {
    auto e = sample(type);
    e.launch_time = at("2026-12-04T20:00:00Z");
    e.action = "terminate";
    e.notice_time = "2026-12-05T00:01:59Z";
    e.drill = true;
    e.status = "ok";
    e.reason = "interruption";
    e.seconds = 12.5;
    e.replacement = "i-0fedcba9876543210";
    auto back = parse_event(event_body(e));
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(back->type, type);
    EXPECT_EQ(back->time, at("2026-12-04T23:59:59Z"));  // read to the second
    EXPECT_EQ(back->source.instance_id, e.source.instance_id);
    EXPECT_EQ(back->source.instance_type, "m7i.large");
    EXPECT_EQ(back->source.availability_zone, "us-east-1a");
    if (type == EventType::launch) EXPECT_EQ(back->launch_time, e.launch_time);
    if (type == EventType::interruption) EXPECT_TRUE(back->drill);
    if (type == EventType::checkpoint) {
      EXPECT_EQ(back->status, "ok");
      EXPECT_EQ(back->seconds, 12.5);
    }
    if (type == EventType::relaunch) EXPECT_EQ(back->replacement, "i-0fedcba9876543210");
  }
}

TEST(EventRecord, BadObjectsAreErrors) {
  for (const char* bad : {"", "not json", "[]", R"({"version": 2, "type": "launch"})",
                          R"({"version": 1, "type": "party", "time": "2026-12-04T00:00:00Z", "instance_id": "i-1"})",
                          R"({"version": 1, "type": "launch", "instance_id": "i-1"})",
                          R"({"version": 1, "type": "launch", "time": "2026-12-04T00:00:00Z"})",
                          R"({"version": "1", "type": "launch", "time": "2026-12-04T00:00:00Z", "instance_id": "i-1"})"})
    EXPECT_FALSE(parse_event(bad)) << bad;
  // Odd field types are read as absent, never thrown.
  auto odd = parse_event(R"({"version": 1, "type": "interruption", "time": "2026-12-04T00:00:00Z",
                            "instance_id": "i-1", "drill": "yes", "seconds": "x", "job_array": 3})");
  ASSERT_TRUE(odd);
  EXPECT_FALSE(odd->drill);
  EXPECT_FALSE(odd->seconds);
}

}  // namespace
}  // namespace spawn::model
