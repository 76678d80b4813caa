// agent/relaunch: one relaunch per latched event, its record, its tag, and a failure told.
#include "spawn/agent/relaunch.hpp"

#include <gtest/gtest.h>

#include "../support/temp_dir.hpp"
#include "fake_actions.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::agent {
namespace {

namespace tag = model::tag;

class RelaunchMemberTest : public ::testing::Test {
 protected:
  RelaunchMemberTest() {
    log = std::make_shared<Logger>(LogFormat::json, [this](std::string_view line) {
      std::lock_guard lock(mutex);
      records.push_back(nlohmann::json::parse(line));
    });
    store.emplace(EventStore::open(dir.file("events.json"), warnings));
    store->latch(Event{EventKind::interruption, "terminate", "2026-12-04T12:02:00Z", std::nullopt, ""},
                 std::chrono::system_clock::now());
    job.log = log;
    job.store = &*store;
    job.key = "interruption";
    job.actions = actions;
    job.spec.max = 2;
    job.spec.launch_id = "launch-1";
    job.spec.instance_types = {"m7i.large", "m6i.large"};
    job.outgoing.instance_id = "i-0old";
    job.outgoing.index = 4;
    job.clocks = real_clocks();
    job.since = job.clocks.steady();
    job.notify_wait = std::chrono::milliseconds(2000);
  }

  std::vector<std::string> events() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (auto& r : records) out.push_back(r["event"]);
    return out;
  }
  std::string tagged() {
    std::string value;
    for (const auto& c : actions->calls("tags"))
      for (const auto& [k, v] : c.args)
        if (k == tag::k_relaunch_status) value = v;
    return value;
  }

  test::TempDir dir;
  std::vector<std::string> warnings;
  std::mutex mutex;
  std::vector<nlohmann::json> records;
  std::shared_ptr<Logger> log;
  std::optional<EventStore> store;
  std::shared_ptr<test::FakeActions> actions = std::make_shared<test::FakeActions>();
  RelaunchJob job;
};

TEST_F(RelaunchMemberTest, RequestedOnceRecordedAndTagged) {
  auto out = relaunch_member(job);
  EXPECT_EQ(out.state, "requested");
  ASSERT_EQ(actions->calls("relaunch").size(), 1u);
  EXPECT_EQ(store->record_of("interruption")["relaunch"], "requested");
  EXPECT_EQ(store->record_of("interruption")["replacement"], "i-0replacement000001");
  EXPECT_EQ(tagged(), "requested i-0replacement000001 (generation 1, spot)");
  // The same event again (a second poll, the handler re-run): nothing more is asked.
  EXPECT_EQ(relaunch_member(job).state, "done before");
  EXPECT_EQ(actions->calls("relaunch").size(), 1u);
  EXPECT_FALSE(relaunch_unfinished(*store, "interruption"));
}

TEST_F(RelaunchMemberTest, TheBoundAndACompletedJobAreNotRelaunched) {
  job.outgoing.generation = 2;
  auto out = relaunch_member(job);
  EXPECT_EQ(out.state, "none");
  EXPECT_TRUE(actions->calls("relaunch").empty());
  EXPECT_EQ(tagged().rfind("none: relaunched 2 time(s) already", 0), 0u) << tagged();

  job.outgoing.generation = 0;
  job.completed = true;
  store->release("interruption");
  store->latch(Event{EventKind::interruption, "terminate", "x", std::nullopt, ""}, std::chrono::system_clock::now());
  EXPECT_EQ(relaunch_member(job).state, "none");
  EXPECT_TRUE(actions->calls("relaunch").empty());
}

TEST_F(RelaunchMemberTest, AFailureIsRecordedTaggedAndToldToTheTargets) {
  actions->relaunch_error = aws::Error{0, "InsufficientInstanceCapacity", "spot 0 of 1", "req-9"};
  job.notify = {"arn:aws:sns:us-east-1:123456789012:alerts"};
  auto out = relaunch_member(job);
  EXPECT_EQ(out.state, "failed");
  EXPECT_EQ(store->record_of("interruption")["relaunch"], "failed");
  EXPECT_EQ(tagged(), "failed: InsufficientInstanceCapacity: spot 0 of 1");
  auto published = actions->calls("publish");
  ASSERT_EQ(published.size(), 1u);
  auto body = nlohmann::json::parse(published[0].args[2].second);
  EXPECT_EQ(body["event"], "relaunch_failed");
  EXPECT_EQ(body["code"], "InsufficientInstanceCapacity");
  EXPECT_EQ(body["job_array"]["index"], 4);
  EXPECT_FALSE(relaunch_unfinished(*store, "interruption")) << "a definite failure is not asked again";
}

TEST_F(RelaunchMemberTest, NoAnswerStaysPendingForTheNextSpored) {
  actions->relaunch_error = aws::local_error("NetworkError", "no reply");
  EXPECT_EQ(relaunch_member(job).state, "unknown");
  EXPECT_EQ(store->record_of("interruption")["relaunch"], "pending");
  EXPECT_TRUE(relaunch_unfinished(*store, "interruption"));
  EXPECT_EQ(tagged().rfind("unknown: NetworkError", 0), 0u);
  actions->relaunch_error.reset();
  EXPECT_EQ(relaunch_member(job).state, "requested") << "asked again, with the same token (FakeActions notes it)";
  auto calls = actions->calls("relaunch");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].args, calls[1].args);
}

TEST_F(RelaunchMemberTest, ANoticeAfterAMoveAsksNothingMore) {
  store->latch(Event{EventKind::rebalance, "", "2026-12-04T12:00:00Z", std::nullopt, ""}, std::chrono::system_clock::now());
  job.key = "rebalance";
  EXPECT_EQ(relaunch_member(job).state, "requested");
  job.key = "interruption";
  EXPECT_EQ(relaunch_member(job).state, "done before");
  EXPECT_EQ(actions->calls("relaunch").size(), 1u);
}

TEST_F(RelaunchMemberTest, AGoneTemplateMeansTheArrayEnded) {
  actions->relaunch_error = aws::Error{400, "InvalidLaunchTemplateName.NotFoundException", "gone", "r"};
  job.notify = {"arn:aws:sns:us-east-1:123456789012:alerts"};
  auto out = relaunch_member(job);
  EXPECT_EQ(out.state, "none");
  EXPECT_NE(out.tag.find("terminated"), std::string::npos);
  EXPECT_TRUE(actions->calls("publish").empty()) << "ending the array is no failure";
}

TEST(OutgoingMember, FromTheFactsAndTags) {
  InstanceFacts f;
  f.instance_id = "i-1";
  f.instance_type = "m7i.large";
  f.availability_zone = "us-east-1b";
  f.subnet_id = "subnet-1";
  f.tags = {{tag::k_job_array_id, "ja-1"}, {tag::k_job_array_index_base, "1000"}, {tag::k_generation, "2"}};
  f.ami_launch_index = 7;
  auto o = outgoing_member(f, util::parse_rfc3339("2026-12-05T00:00:00Z"));
  EXPECT_EQ(o.index, 1007);
  EXPECT_EQ(o.generation, 2);
  EXPECT_EQ(o.subnet_id, "subnet-1");
  EXPECT_EQ(o.ttl_deadline, "2026-12-05T00:00:00Z");
}

}  // namespace
}  // namespace spawn::agent
