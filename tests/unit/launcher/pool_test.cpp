#include "spawn/launcher/pool.hpp"

#include <gtest/gtest.h>

using namespace spawn::launcher;
using spawn::aws::ec2::FleetDescription;
using spawn::aws::ec2::FleetHistoryRecord;
using spawn::aws::ec2::Instance;

namespace {
FleetDescription fleet(const std::string& id, const std::string& pool, const std::string& state = "active") {
  FleetDescription f;
  f.fleet_id = id;
  f.state = state;
  if (!pool.empty()) f.tags = {{"spawn:pool", pool}, {"spawn:launch-id", "launch-" + pool}};
  return f;
}
FleetHistoryRecord change(const std::string& sub, const std::string& id) { return {"t", "instance-change", sub, id, ""}; }
}  // namespace

TEST(Pool, PoolsAreLiveFleetsTaggedWithAName) {
  auto pools = pools_of({fleet("fleet-b", "web"), fleet("fleet-x", ""), fleet("fleet-a", "ci"),
                         fleet("fleet-d", "old", "deleted"), fleet("fleet-t", "going", "deleted_terminating")});
  ASSERT_EQ(pools.size(), 2u);
  EXPECT_EQ(pools[0].name, "ci");
  EXPECT_EQ(pools[0].fleet.fleet_id, "fleet-a");
  EXPECT_EQ(pools[0].launch_id, "launch-ci");
  EXPECT_EQ(pools[1].name, "web");
  EXPECT_EQ(pool_template_name("ci"), "spawn-pool-ci");
}

TEST(Pool, ActivityTellsInterruptionsFromTerminationsAndCountsReplacements) {
  Instance interrupted;
  interrupted.instance_id = "i-2";
  interrupted.state_reason_code = "Server.SpotInstanceTermination";
  Instance ended;
  ended.instance_id = "i-3";
  ended.state_reason_code = "Client.UserInitiatedShutdown";
  const std::vector<FleetHistoryRecord> records{
      {"t0", "fleet-change", "active", "", ""},
      change("launched", "i-1"), change("launched", "i-2"), change("launched", "i-3"),
      change("terminated", "i-2"), change("launched", "i-4"),   // interrupted, replaced
      change("terminated", "i-3"), change("launched", "i-5"),   // terminated, replaced
      change("launched", "i-6"), change("terminated", "i-1"),   // rebalance: the replacement first
      change("launched", "i-7"),                                // a scale-up: no replacement
      change("termination_notified", "i-7"),                    // a scale-down: not an end
  };
  auto a = pool_activity(records, {interrupted, ended});
  EXPECT_EQ(a.interruptions, 1);
  EXPECT_EQ(a.terminations, 2);
  EXPECT_EQ(a.replacements, 3);
  ASSERT_EQ(a.events.size(), records.size());
  EXPECT_EQ(a.events[0].what, "fleet active");
  EXPECT_EQ(a.events[4].what, "interrupted");
  EXPECT_EQ(a.events[6].what, "terminated");
  EXPECT_EQ(a.events.back().what, "scaled-down");
}

TEST(Pool, AnEndNotYetReplacedIsNoReplacement) {
  auto a = pool_activity({change("launched", "i-1"), change("terminated", "i-1")}, {});
  EXPECT_EQ(a.terminations, 1);
  EXPECT_EQ(a.replacements, 0) << "an instance does not replace itself";
  a = pool_activity({change("terminated", "i-1")}, {});
  EXPECT_EQ(a.replacements, 0);
}
