"""spawn pool: N instances kept by one EC2 Fleet of type maintain (issue 11), against the local
AWS, whose scenario layer plays what EC2 does for such a fleet (tests/fakes/local_aws_fleet.py)."""
import unittest

from pool_test_case import PoolTestCase


class PoolTest(PoolTestCase):
    def test_create_makes_one_maintain_fleet_over_a_tagged_template(self):
        out = self.create("ci", "--tag", "team=ml")
        self.assertEqual((out["name"], out["capacity"], out["spot"], out["on_demand"]), ("ci", 3, 3, 0))
        template = self.params("CreateLaunchTemplate")
        self.assertEqual(template["LaunchTemplateName"], "spawn-pool-ci")
        self.assertTrue(template["ClientToken"])
        self.assertEqual(template["TagSpecification.1.ResourceType"], "launch-template")
        instance_tags = {template[k]: template[k.replace(".Key", ".Value")] for k in template
                         if k.startswith("LaunchTemplateData.TagSpecification.1.Tag.") and k.endswith(".Key")}
        self.assertEqual(template["LaunchTemplateData.TagSpecification.1.ResourceType"], "instance")
        self.assertEqual(instance_tags["spawn:pool"], "ci")
        self.assertEqual(instance_tags["team"], "ml")
        self.assertEqual(template["LaunchTemplateData.InstanceInitiatedShutdownBehavior"], "terminate")
        self.assertEqual(template["LaunchTemplateData.MetadataOptions.HttpTokens"], "required")

        fleet = self.params("CreateFleet")
        self.assertEqual(fleet["Type"], "maintain")
        self.assertTrue(fleet["ClientToken"])
        self.assertEqual(fleet["LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId"],
                         out["launch_template_id"])
        self.assertEqual([fleet[f"LaunchTemplateConfigs.1.Overrides.{n}.InstanceType"] for n in (1, 2)],
                         ["m7i.large", "m6i.large"])
        self.assertEqual((fleet["TargetCapacitySpecification.TotalTargetCapacity"],
                          fleet["TargetCapacitySpecification.SpotTargetCapacity"],
                          fleet["TargetCapacitySpecification.OnDemandTargetCapacity"],
                          fleet["TargetCapacitySpecification.DefaultTargetCapacityType"]), ("3", "3", "0", "spot"))
        self.assertEqual(fleet["SpotOptions.AllocationStrategy"], "price-capacity-optimized")
        self.assertEqual(fleet["SpotOptions.MaintenanceStrategies.CapacityRebalance.ReplacementStrategy"],
                         "launch-before-terminate")
        self.assertEqual(fleet["SpotOptions.MaintenanceStrategies.CapacityRebalance.TerminationDelay"], "120")
        self.assertEqual(fleet["TagSpecification.1.ResourceType"], "fleet")
        self.assertEqual(len(self.requests("CreateFleet")), 1)

        [described] = self.fleets("ci")
        self.assertEqual(described["FleetId"], out["fleet_id"])
        members = self.members("ci")
        self.assertEqual(len(members), 3)
        self.assertEqual({self.lifecycle(i) for i in members}, {"spot"})
        self.assertEqual({self.tags(i)["spawn:pool"] for i in members}, {"ci"})
        listed = self.spawn_json("pool", "list")
        self.assertEqual([(p["name"], p["fleet_id"], p["target_capacity"], p["fulfilled_capacity"], p["state"])
                          for p in listed], [("ci", out["fleet_id"], 3, 3.0, "active")])
        table = self.spawn_ok("pool", "list").stdout
        self.assertRegex(table, r"ci\s+fleet-\S+\s+3/3\s+3 \+ 0\s+active")

    def test_spot_count_makes_the_rest_on_demand(self):
        self.create("mixed", "--spot-count", "2", capacity=3)
        fleet = self.params("CreateFleet")
        self.assertEqual((fleet["TargetCapacitySpecification.SpotTargetCapacity"],
                          fleet["TargetCapacitySpecification.OnDemandTargetCapacity"]), ("2", "1"))
        self.assertEqual(sorted(self.lifecycle(i) for i in self.members("mixed")), ["on-demand", "spot", "spot"])

    def test_interrupted_and_terminated_members_are_replaced_and_status_says_so(self):
        self.create("workers")
        first = sorted(i["InstanceId"] for i in self.members("workers"))
        self.aws.interrupt(first[0])
        self.ec2.terminate_instances(InstanceIds=[first[1]])
        now = self.members("workers")
        self.assertEqual(len(now), 3, "the fleet restored its capacity")
        self.assertNotIn(first[0], [i["InstanceId"] for i in now])
        status = self.status("workers")
        self.assertEqual(sorted(m["instance_id"] for m in status["members"]), sorted(i["InstanceId"] for i in now))
        self.assertEqual({m["lifecycle"] for m in status["members"]}, {"spot"})
        self.assertEqual((status["interruptions"], status["terminations"], status["replacements"]), (1, 1, 2))
        events = [(e["event"], e["instance_id"]) for e in status["history"] if e["instance_id"]]
        self.assertIn(("interrupted", first[0]), events)
        self.assertIn(("terminated", first[1]), events)
        self.assertEqual(self.requests("DescribeFleetHistory")[0]["params"]["FleetId"], status["fleet_id"])
        text = self.spawn_ok("pool", "status", "workers").stdout
        self.assertIn("Capacity: 3 of 3 running (3 spot + 0 on-demand; target 3 + 0)", text)
        self.assertIn("Interruptions: 1, other terminations: 1, replacements: 2", text)
        self.assertRegex(text, r"interrupted\s+" + first[0])

    def test_a_rebalance_recommendation_is_replaced_before_the_member_ends(self):
        self.create("steady", capacity=1)
        [member] = self.members("steady")
        reply = self.aws.rebalance(member["InstanceId"])
        self.assertTrue(reply["terminated"])
        [replacement] = self.members("steady")
        self.assertEqual(replacement["InstanceId"], reply["replacements"][0])
        status = self.status("steady")
        self.assertEqual((status["terminations"], status["replacements"]), (1, 1))

    def test_resize_modifies_the_fleet_and_the_fleet_follows(self):
        out = self.create("elastic", "--spot-count", "2", capacity=3)
        self.aws.reset_log()
        grown = self.spawn_json("pool", "resize", "elastic", "--capacity", "5")
        self.assertEqual((grown["capacity"], grown["spot"], grown["on_demand"]), (5, 4, 1), "the on-demand part is kept")
        modify = self.params("ModifyFleet")
        self.assertEqual((modify["FleetId"], modify["TargetCapacitySpecification.TotalTargetCapacity"],
                          modify["TargetCapacitySpecification.SpotTargetCapacity"],
                          modify["TargetCapacitySpecification.OnDemandTargetCapacity"]), (out["fleet_id"], "5", "4", "1"))
        self.assertEqual(len(self.members("elastic")), 5)
        self.spawn_ok("pool", "resize", "elastic", "--capacity", "2", "--spot-count", "2")
        self.assertEqual([self.lifecycle(i) for i in self.members("elastic")], ["spot", "spot"])
        [fleet] = self.fleets("elastic")
        self.assertEqual(fleet["TargetCapacitySpecification"]["TotalTargetCapacity"], 2)

    def test_lost_create_fleet_reply_makes_exactly_one_fleet(self):
        self.aws.set_scenario({"lose_reply": [{"action": "CreateFleet", "times": 1}]})
        out = self.create("lossy")
        calls = self.requests("CreateFleet")
        self.assertGreaterEqual(len(calls), 2, "the lost reply was asked again")
        self.assertEqual(len({c["client_token"] for c in calls}), 1, "with the same ClientToken")
        self.assertEqual(len(self.fleets("lossy")), 1)
        self.assertEqual(self.fleets("lossy")[0]["FleetId"], out["fleet_id"])
        self.assertEqual(len(self.members("lossy")), 3)

    def test_lost_delete_reply_is_checked_again(self):
        self.create("gone")
        self.aws.set_scenario({"lose_reply": [{"action": "DeleteFleets", "times": 1}]})
        self.spawn_ok("pool", "delete", "gone", "--yes")
        self.assertEqual(self.fleets("gone"), [])
        self.assertEqual(self.members("gone"), [])

    def test_delete_terminates_members_and_removes_the_template(self):
        out = self.create("tmp")
        self.aws.reset_log()
        r = self.spawn_ok("pool", "delete", "tmp", "--yes")
        self.assertIn("Deleted pool tmp", r.stdout)
        delete = self.params("DeleteFleets")
        self.assertEqual((delete["FleetId.1"], delete["TerminateInstances"]), (out["fleet_id"], "true"))
        self.assertEqual(self.members("tmp"), [])
        self.assertEqual(self.ec2.describe_launch_templates()["LaunchTemplates"], [])
        self.assertEqual(self.spawn_json("pool", "list"), [])

    def test_missing_capacity_is_pending_and_the_fleet_keeps_trying(self):
        self.aws.set_scenario({"capacity": [{"instance_type": "m7i.large", "market": "spot", "available": 2}]})
        self.spawn_json("pool", "create", "short", "--instance-type", "m7i.large", "--ami", "ami-12345678",
                        "--capacity", "3")
        [listed] = self.spawn_json("pool", "list")
        self.assertEqual((listed["fulfilled_capacity"], listed["target_capacity"], listed["activity_status"]),
                         (2.0, 3, "pending_fulfillment"))
        self.assertIn("Capacity: 2 of 3 running", self.spawn_ok("pool", "status", "short").stdout)
        self.aws.set_scenario({})  # capacity comes back: EC2 fulfils the target by itself
        self.assertEqual(self.status("short")["fulfilled_capacity"], 3.0)
        self.assertEqual(len(self.members("short")), 3)

    def test_a_fleet_that_cannot_be_made_leaves_no_template(self):
        self.aws.set_scenario({"throttle": {"every": 1, "actions": ["CreateFleet"]}})
        r = self.spawn("pool", "create", "never", "--instance-type", "m7i.large", "--ami", "ami-12345678",
                       "--capacity", "2", timeout=180)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("RequestLimitExceeded", r.stderr)
        self.assertEqual(self.ec2.describe_launch_templates()["LaunchTemplates"], [])
        self.assertEqual(self.fleets("never"), [])
        self.assertEqual(self.members("never"), [])

    def test_spawn_list_groups_pool_members(self):
        self.create("grouped", "--spot-count", "1", capacity=2)
        table = self.spawn_ok("list", "--no-emoji").stdout
        self.assertIn("pool grouped: 2 instances, 1 spot + 1 on-demand", table)
        self.assertEqual(table.count("pool grouped"), 3, "the title and each member's ARRAY/INDEX")
        listed = self.spawn_json("list")
        self.assertEqual([i["pool"] for i in listed], ["grouped", "grouped"])


class PoolBadInputTest(PoolTestCase):
    """Bad input exits 2; nothing is made (a lookup may be sent to say the name is taken or unknown)."""

    def assert_usage(self, args, text, requests_allowed=False):
        r = self.spawn(*args, input="")  # stdin not a terminal
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(text, r.stderr)
        if requests_allowed:
            self.assertEqual(self.mutating_requests(), [], "only lookups")
        else:
            self.assertEqual(self.requests(), [], "no request sent")

    def test_capacity_and_spot_count(self):
        base = ("pool", "create", "p", "--instance-type", "m7i.large")
        self.assert_usage(base + ("--capacity", "0"), "--capacity: expected at least 1 instance")
        self.assert_usage(base + ("--capacity", "101"), "--capacity 101 is more than 100")
        self.assert_usage(base + ("--capacity", "3", "--spot-count", "4"), "--spot-count: expected 0 to 3")
        self.assert_usage(base + ("--capacity", "3", "--on-interruption", "hibernate"), "not in a pool")
        self.assert_usage(("pool", "create", "bad name", "--instance-type", "m7i.large", "--capacity", "1"),
                          "pool name: expected")
        self.assert_usage(("pool", "create", "p", "--capacity", "1"), "--instance-type is required")
        self.assert_usage(("pool", "resize", "p", "--capacity", "0"), "--capacity: expected at least 1")
        self.assert_usage(("pool", "resize", "p", "--capacity", "2", "--spot-count", "3"), "--spot-count: expected 0 to 2")

    def test_a_name_in_use(self):
        self.create("taken", capacity=1)
        self.aws.reset_log()
        self.assert_usage(("pool", "create", "taken", "--instance-type", "m7i.large", "--capacity", "2"),
                          "a pool named taken already exists", requests_allowed=True)
        self.assertEqual(len(self.fleets("taken")), 1)

    def test_unknown_pool(self):
        for args in (("pool", "status", "nope"), ("pool", "resize", "nope", "--capacity", "2"),
                     ("pool", "delete", "nope", "--yes")):
            self.aws.reset_log()
            self.assert_usage(args, "no pool named nope in us-east-1", requests_allowed=True)

    def test_delete_without_a_terminal_needs_yes(self):
        self.assert_usage(("pool", "delete", "p"), "pass --yes")


if __name__ == "__main__":
    unittest.main()
