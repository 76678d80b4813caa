"""EC2 faults during `spawn launch`, alone and together: a throttling storm (every other EC2 call
answered RequestLimitExceeded), replies lost after RunInstances or CreateFleet was applied, spot
capacity missing for one type (on demand fine), and fleets that come back short with Errors.

For single launches, job arrays, mixed arrays and --spot-fallback, each test proves from the local
AWS's own state and request log that EC2 holds exactly what spawn reports:
  - exactly the instances asked for exist, and no other instance ever carried the launch's
    spawn:launch-id tag (nothing launched twice, nothing launched and thrown away);
  - every retry of a launch call carried that call's ClientToken (so a lost reply was replayed,
    not launched again), and each distinct call its own;
  - the --output json report names the same instances, types, markets, indices and names;
  - an all-or-nothing failure exits 1, prints no report, names the instances it terminated, and
    leaves no instance of the launch running and no launch template behind.
What the fleet and fallback routes do without faults is proven in tests/integration/test_spot_fleet.py
and test_spot_fallback.py; here they run under faults.

Every launch here also runs under EC2's documented rate limits (the scenario's rate_limits:
request token buckets per action, resource tokens for RunInstances and TerminateInstances, on
the real clock; tests/fakes/README.md); test_aws_rate_limits.py makes the limits bite.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from aws_faults_case import PATIENT, STORM, AwsFaultsCase, spot_capacity  # noqa: E402


class AwsFaultsTest(AwsFaultsCase):
    def test_single_launch_in_a_storm_with_its_reply_lost(self):
        r = self.launch({"throttle": STORM, "lose_reply": [{"action": "RunInstances"}]},
                        "--instance-type", "m7i.large", env=PATIENT)
        out = self.report(r)
        self.assert_exactly(out, 1, lifecycles=["on-demand"], array=False)
        self.assert_tokens("RunInstances", 1)
        self.assert_lost_then_replayed("RunInstances")
        self.assert_storm_weathered(at_least=1)  # a single launch makes few calls

    def test_job_array_in_a_storm(self):
        # One RunInstances for the whole array, indexed by its own tags: the storm can only
        # throttle that call (and the reads), never leave a member without its index. The
        # standard mode's 3 attempts, as a user has them by default.
        r = self.launch({"throttle": STORM}, "--instance-type", "m7i.large", "--count", "8",
                        "--job-array-name", "storm")
        out = self.report(r)
        self.assert_exactly(out, 8, lifecycles=["on-demand"] * 8)
        self.assertEqual([i["name"] for i in out["instances"]], [f"storm-{n}" for n in range(8)])
        by_token = self.assert_tokens("RunInstances", 1)
        params = next(iter(by_token.values()))[0]["params"]
        self.assertEqual((params["MinCount"], params["MaxCount"]), ("8", "8"))
        self.assertEqual(self.calls("TerminateInstances"), [], "nothing rolled back")
        self.assertEqual(self.calls("CreateTags"), [], "indexed by the launch's own tags")

    def test_fleet_job_array_in_a_storm(self):
        # A fleet's members are tagged one by one after the launch (its pools each number their
        # instances from 0): eight CreateTags go out together, and in the storm one of them can be
        # throttled on every attempt while the others pass. spawn used to roll the whole launched
        # array back then; now it tags the throttled members again one at a time.
        r = self.launch({"throttle": STORM}, "--instance-types", "m7i.large,m6i.large", "--count", "8",
                        "--job-array-name", "storm")
        out = self.report(r)
        self.assert_exactly(out, 8, lifecycles=["on-demand"] * 8)
        self.assertEqual([i["name"] for i in out["instances"]], [f"storm-{n}" for n in range(8)])
        self.assert_tokens("CreateFleet", 1)
        self.assert_storm_weathered()
        self.assertEqual(self.calls("TerminateInstances"), [], "nothing rolled back")

    def test_spot_fallback_in_a_storm_with_a_lost_reply_and_no_spot_capacity(self):
        # Everything at once: no spot m7i.large (on demand is fine), every other call throttled,
        # and the reply of the spot call (the capacity error) lost.
        r = self.launch({"throttle": STORM, "capacity": [spot_capacity(0)],
                         "lose_reply": [{"action": "RunInstances"}]},
                        "--instance-type", "m7i.large", "--spot", "--spot-fallback", "--count", "3", env=PATIENT)
        self.assertIn("Spot unavailable (InsufficientInstanceCapacity), falling back to on-demand...",
                      r.stderr.splitlines())
        out = self.report(r)
        self.assertIs(out["fallback"], True)
        live = self.assert_exactly(out, 3, lifecycles=["on-demand"] * 3)
        for inst in live:
            self.assertEqual(self.tags(inst)["spawn:spot-fallback"], "true")
        by_token = self.assert_tokens("RunInstances", 2)
        spot, on_demand = by_token.values()
        self.assertEqual(spot[0]["params"]["InstanceMarketOptions.MarketType"], "spot")
        self.assertNotIn("InstanceMarketOptions.MarketType", on_demand[0]["params"])
        self.assertEqual(spot[-1]["error_code"], "InsufficientInstanceCapacity")
        self.assertTrue(self.assert_lost_then_replayed("RunInstances") in spot, "the spot call's reply was lost")
        self.assert_storm_weathered()

    def test_no_reply_at_all_leaves_nothing_running(self):
        # Every attempt applied (the first launches, the others replay it) and every reply lost,
        # the resends' too (one attempt each here): spawn cannot know, so it looks for its launch
        # id and terminates what it finds.
        r = self.launch({"lose_reply": [{"action": "RunInstances", "times": 4}]},
                        "--instance-type", "m7i.large", "--count", "8", env={"AWS_MAX_ATTEMPTS": "1"})
        self.assertIn("No answer from EC2 to the launch", r.stderr)
        self.assert_nothing_left(r)
        self.assertEqual(len(self.of_launch(self.launch_id())), 8, "the first attempt launched all 8")
        self.assert_tokens("RunInstances", 1)

    def test_throttled_after_a_lost_reply_gets_the_first_answer(self):
        # The first attempt is applied and its reply lost; the last is throttled. spawn once took
        # the throttling for the whole story ("not applied") and left the first attempt's
        # instances running; then it swept them up. Now it asks again with the same token, and
        # EC2 answers with what the first attempt launched: the launch succeeds, launched once.
        r = self.launch({"throttle": {"every": 2, "actions": ["RunInstances"]},
                         "lose_reply": [{"action": "RunInstances"}]},
                        "--instance-type", "m7i.large", "--count", "2", env={"AWS_MAX_ATTEMPTS": "2"})
        self.assertEqual([(c["reply_lost"], c["error_code"]) for c in self.calls("RunInstances")],
                         [(True, None), (False, "RequestLimitExceeded"), (False, None)])
        out = self.report(r)
        self.assert_exactly(out, 2, lifecycles=["on-demand"] * 2)
        self.assert_tokens("RunInstances", 1)
        self.assertEqual(self.calls("TerminateInstances"), [])

    def test_mixed_array_in_a_storm_with_the_template_and_fleet_replies_lost(self):
        r = self.launch({"throttle": STORM,
                         "lose_reply": [{"action": "CreateLaunchTemplate"}, {"action": "CreateFleet"}]},
                        "--instance-type", "m7i.large", "--count", "8", "--spot", "--spot-count", "6", env=PATIENT)
        out = self.report(r)
        self.assertIs(out["fallback"], False)
        self.assert_exactly(out, 8, lifecycles=["spot"] * 6 + ["on-demand"] * 2)
        self.assert_tokens("CreateFleet", 1)
        self.assert_tokens("CreateLaunchTemplate", 1)
        self.assert_lost_then_replayed("CreateLaunchTemplate")
        self.assert_lost_then_replayed("CreateFleet")
        deleted = {c["params"]["LaunchTemplateId"] for c in self.calls("DeleteLaunchTemplate")}
        self.assertEqual(len(deleted), 1, "the one template made is the one deleted")
        self.assert_storm_weathered()
        self.assertEqual(self.calls("RunInstances"), [])

    def test_capacity_missing_for_one_type_and_market_in_a_storm(self):
        # Spot m7i.large is out; m6i.large spot fills the fleet, and the fleet's Errors name the pool.
        r = self.launch({"throttle": STORM, "capacity": [spot_capacity(0)],
                         "lose_reply": [{"action": "CreateFleet"}]},
                        "--instance-types", "m7i.large,m6i.large", "--spot", "--count", "4", env=PATIENT)
        out = self.report(r)
        self.assert_exactly(out, 4, lifecycles=["spot"] * 4, types=["m6i.large"])
        self.assert_lost_then_replayed("CreateFleet")
        self.assert_storm_weathered()
        params = self.calls("CreateFleet")[0]["params"]
        asked = {v for k, v in params.items() if k.endswith(".InstanceType")}
        self.assertEqual(asked, {"m7i.large", "m6i.large"}, "m7i.large was asked for and had none")
        # (m7i.large on demand, the other market, launches: the spot-fallback test above.)

    def test_partial_fleet_filled_by_fallback_with_storm_and_lost_replies(self):
        # 4 of the 6 spot instances come back (with an Errors entry); the fallback fleet brings the
        # 2 missing on demand. The first fleet's reply is lost, every other call is throttled.
        r = self.launch({"throttle": STORM, "capacity": [spot_capacity(4)],
                         "lose_reply": [{"action": "CreateFleet"}]},
                        "--instance-type", "m7i.large", "--count", "8", "--spot", "--spot-count", "6",
                        "--spot-fallback", env=PATIENT)
        self.assertIn("Spot unavailable (InsufficientInstanceCapacity), falling back to on-demand...",
                      r.stderr.splitlines())
        out = self.report(r)
        self.assertIs(out["fallback"], True)
        live = {i["InstanceId"]: i for i in self.assert_exactly(out, 8, lifecycles=["spot"] * 4 + ["on-demand"] * 4)}
        fell_back = [self.tags(live[i["instance_id"]]).get("spawn:spot-fallback") for i in out["instances"]]
        self.assertEqual(fell_back, [None] * 6 + ["true"] * 2)
        by_token = self.assert_tokens("CreateFleet", 2)
        first, second = by_token.values()
        self.assertEqual(first[0]["params"]["TargetCapacitySpecification.SpotTargetCapacity"], "6")
        self.assertEqual(second[0]["params"]["TargetCapacitySpecification.OnDemandTargetCapacity"], "2")
        self.assertTrue(self.assert_lost_then_replayed("CreateFleet") in first, "the first fleet's reply was lost")
        self.assert_storm_weathered()

    def test_partial_fleet_without_fallback_in_a_storm_leaves_nothing(self):
        r = self.launch({"throttle": STORM, "capacity": [spot_capacity(4)],
                         "lose_reply": [{"action": "CreateFleet"}]},
                        "--instance-type", "m7i.large", "--count", "8", "--spot", "--spot-count", "6", env=PATIENT)
        error = self.assert_nothing_left(r)
        self.assertIn("could not launch all 8 instances: spot 4 of 6", error)
        self.assertIn("terminated the 6 instance(s) launched", error)
        self.assertEqual(len(self.of_launch(self.launch_id())), 6)
        self.assert_tokens("CreateFleet", 1)
        self.assert_lost_then_replayed("CreateFleet")
        self.assert_storm_weathered()

    def test_no_fleet_reply_at_all_leaves_nothing_running(self):
        r = self.launch({"lose_reply": [{"action": "CreateFleet", "times": 4}]},
                        "--instance-type", "m7i.large", "--count", "4", "--spot", "--spot-count", "2",
                        env={"AWS_MAX_ATTEMPTS": "1"})
        self.assertIn("No answer from EC2 to the launch", r.stderr)
        self.assert_nothing_left(r)
        self.assertEqual(len(self.of_launch(self.launch_id())), 4)
        self.assert_tokens("CreateFleet", 1)
        self.assertEqual(len(self.calls("DeleteLaunchTemplate")), 1)

    def test_no_template_reply_at_all_leaves_no_template(self):
        # CreateLaunchTemplate applied and every reply lost: spawn never learns the template's id,
        # so it deletes the template by its name (unique to the launch) before it gives up.
        r = self.launch({"lose_reply": [{"action": "CreateLaunchTemplate", "times": 4}]},
                        "--instance-type", "m7i.large", "--count", "4", "--spot", "--spot-count", "2",
                        env={"AWS_MAX_ATTEMPTS": "1"})
        self.assert_nothing_left(r)
        self.assertEqual(self.calls("CreateFleet"), [], "no fleet without a template")
        self.assert_tokens("CreateLaunchTemplate", 1)
        deleted = [c["params"] for c in self.calls("DeleteLaunchTemplate")]
        self.assertEqual(len(deleted), 1)
        self.assertTrue(deleted[0]["LaunchTemplateName"].startswith("spawn-"), deleted[0])

if __name__ == "__main__":
    unittest.main(verbosity=2)
