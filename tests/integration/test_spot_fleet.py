"""Several types, several subnets and mixed arrays: one instant EC2 Fleet over a launch template."""
import json
import unittest

from spot_test_case import AMI, SpotTestCase

FALLBACK_LINE = "Spot unavailable (InsufficientInstanceCapacity), falling back to on-demand..."


def spot_capacity(available, instance_type="m7i.large"):
    return {"instance_type": instance_type, "market": "spot", "available": available}


class FleetTest(SpotTestCase):
    def fleet_params(self, n=0):
        return self.params("CreateFleet", n)

    def test_several_types_with_one_out_of_capacity(self):
        self.aws.set_scenario({"capacity": [spot_capacity(0)]})
        out = self.spawn_json("launch", "--instance-types", "m7i.large,m6i.large", "--ami", AMI, "--spot",
                              "--count", "3", "--job-array-name", "sim")
        template = self.assert_template_created_and_deleted()
        self.assertEqual(template["LaunchTemplateData.ImageId"], AMI)
        self.assertEqual(template["LaunchTemplateData.MetadataOptions.HttpTokens"], "required")
        self.assertEqual(template["LaunchTemplateData.MetadataOptions.InstanceMetadataTags"], "enabled")
        self.assertNotIn("LaunchTemplateData.InstanceMarketOptions.MarketType", template)
        self.assertIs(self.spot_config_in(self.user_data_of(template, "LaunchTemplateData.UserData"))["spot"], True)

        fleets = self.requests("CreateFleet")
        self.assertEqual(len(fleets), 1)
        p = fleets[0]["params"]
        self.assertEqual(p["Type"], "instant")
        self.assertTrue(p["ClientToken"])
        self.assertEqual(p["LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId"],
                         self.params("DeleteLaunchTemplate")["LaunchTemplateId"])
        self.assertEqual(p["LaunchTemplateConfigs.1.Overrides.1.InstanceType"], "m7i.large")
        self.assertEqual(p["LaunchTemplateConfigs.1.Overrides.2.InstanceType"], "m6i.large")
        self.assertEqual(p["TargetCapacitySpecification.TotalTargetCapacity"], "3")
        self.assertEqual(p["TargetCapacitySpecification.SpotTargetCapacity"], "3")
        self.assertEqual(p["TargetCapacitySpecification.OnDemandTargetCapacity"], "0")
        self.assertEqual(p["SpotOptions.AllocationStrategy"], "price-capacity-optimized")
        self.assertEqual(self.requests("RunInstances"), [])
        self.assert_no_delete_fleets()

        self.assertIs(out["fallback"], False)
        live = self.by_index(self.live())
        self.assertEqual(len(live), 3)
        self.assertEqual([i["InstanceId"] for i in live], [i["instance_id"] for i in out["instances"]])
        for index, inst in enumerate(live):
            self.assertEqual(inst["InstanceType"], "m6i.large", "m7i.large had no spot capacity")
            self.assertEqual(self.lifecycle(inst), "spot")
            t = self.tags(inst)
            self.assertEqual(t["spawn:spot"], "true")
            self.assertEqual(t["spawn:job-array-index"], str(index))
            self.assertEqual(t["Name"], f"sim-{index}")
            self.assertEqual(t["spawn:job-array-name"], "sim")
            self.assertEqual(t["spawn:managed"], "true")
            self.assertEqual(t["spawn:on-interruption"], "terminate")

    def test_allocation_strategy_and_max_price_reach_the_fleet(self):
        self.spawn_json("launch", "--instance-types", "m7i.large,c7i.large", "--ami", AMI, "--spot",
                        "--spot-allocation-strategy", "capacity-optimized", "--spot-max-price", "0.09")
        p = self.fleet_params()
        self.assertEqual(p["SpotOptions.AllocationStrategy"], "capacity-optimized")
        self.assertEqual(p["LaunchTemplateConfigs.1.Overrides.1.MaxPrice"], "0.09")
        self.assertEqual(p["LaunchTemplateConfigs.1.Overrides.2.MaxPrice"], "0.09")
        live = self.live()
        self.assertEqual(len(live), 1)
        self.assertEqual(self.tags(live[0])["spawn:spot-max-price"], "0.09")
        self.assert_no_delete_fleets()

    def test_mixed_array_6_spot_2_on_demand(self):
        out = self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--count", "8", "--spot",
                              "--spot-count", "6")
        p = self.fleet_params()
        self.assertEqual(p["TargetCapacitySpecification.TotalTargetCapacity"], "8")
        self.assertEqual(p["TargetCapacitySpecification.SpotTargetCapacity"], "6")
        self.assertEqual(p["TargetCapacitySpecification.OnDemandTargetCapacity"], "2")
        self.assertEqual(p["TargetCapacitySpecification.DefaultTargetCapacityType"], "spot")
        self.assertEqual(p["SpotOptions.AllocationStrategy"], "price-capacity-optimized")
        self.assertEqual(p["OnDemandOptions.AllocationStrategy"], "lowest-price")
        self.assertEqual(len(self.requests("CreateFleet")), 1)
        template = self.assert_template_created_and_deleted()
        self.assertIsNone(self.spot_config_in(self.user_data_of(template, "LaunchTemplateData.UserData"))["spot"],
                      "one template for both markets: the instance reads its own")
        self.assert_no_delete_fleets()

        self.assertEqual([i["lifecycle"] for i in out["instances"]], ["spot"] * 6 + ["on-demand"] * 2,
                         "indices: spot first")
        live = self.by_index(self.live())
        self.assertEqual([self.lifecycle(i) for i in live], ["spot"] * 6 + ["on-demand"] * 2)
        self.assertEqual([self.tags(i)["spawn:spot"] for i in live], ["true"] * 6 + ["false"] * 2)
        self.assertFalse(any("spawn:spot-fallback" in self.tags(i) for i in live))
        self.assertIs(out["fallback"], False)

    def test_mixed_array_spot_short_fallback_fills_it(self):
        self.aws.set_scenario({"capacity": [spot_capacity(4)]})
        r = self.spawn_ok("launch", "--instance-type", "m7i.large", "--ami", AMI, "--count", "8", "--spot",
                          "--spot-count", "6", "--spot-fallback", "--output", "json")
        self.assertIn(FALLBACK_LINE, r.stderr.splitlines())
        out = json.loads(r.stdout)
        self.assertIs(out["fallback"], True)

        fleets = self.requests("CreateFleet")
        self.assertEqual(len(fleets), 2, "the fleet, then an on-demand fleet for the missing spot capacity")
        first, second = fleets[0]["params"], fleets[1]["params"]
        self.assertEqual(second["TargetCapacitySpecification.SpotTargetCapacity"], "0")
        self.assertEqual(second["TargetCapacitySpecification.OnDemandTargetCapacity"], "2")
        self.assertEqual(second["TargetCapacitySpecification.DefaultTargetCapacityType"], "on-demand")
        self.assertNotEqual(first["ClientToken"], second["ClientToken"])
        self.assertEqual(first["LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId"],
                         second["LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId"])
        self.assert_template_created_and_deleted()
        self.assert_no_delete_fleets()

        live = self.by_index(self.live())
        self.assertEqual(len(live), 8)
        self.assertEqual([self.lifecycle(i) for i in live], ["spot"] * 4 + ["on-demand"] * 4)
        self.assertEqual([self.tags(i).get("spawn:spot-fallback") for i in live], [None] * 6 + ["true"] * 2,
                         "spot, then the planned on-demand, then the fallback")
        self.assertEqual([i["instance_id"] for i in out["instances"]], [i["InstanceId"] for i in live])

    def test_all_or_nothing_rollback_names_the_part_that_failed(self):
        self.aws.set_scenario({"capacity": [spot_capacity(4)]})
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--count", "8", "--spot",
                       "--spot-count", "6")
        self.assertEqual(r.returncode, 1, r.stderr)
        error = next(l for l in r.stderr.splitlines() if l.startswith("spawn: error: "))
        self.assertIn("could not launch all 8 instances: spot 4 of 6 (m7i.large: InsufficientInstanceCapacity", error)
        self.assertIn("on-demand 2 of 2", error)
        self.assertIn("terminated the 6 instance(s) launched", error)
        self.assertIn("(InsufficientInstanceCapacity, request ", error)
        self.assertIn("Rolling back", r.stderr)

        terminate = self.requests("TerminateInstances")
        self.assertEqual(len(terminate), 1)
        terminated = {v for k, v in terminate[0]["params"].items() if k.startswith("InstanceId.")}
        self.assertEqual(len(terminated), 6)
        self.assertEqual(self.live(), [], "no orphans")
        self.assertEqual(len(self.requests("CreateFleet")), 1, "no fallback without --spot-fallback")
        self.assert_template_created_and_deleted()
        self.assert_no_delete_fleets()

    def test_rollback_when_the_fallback_is_short_too(self):
        self.aws.set_scenario({"capacity": [spot_capacity(4),
                                            {"instance_type": "m7i.large", "market": "on-demand", "available": 3}]})
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--count", "8", "--spot",
                       "--spot-count", "6", "--spot-fallback")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(FALLBACK_LINE, r.stderr)
        error = next(l for l in r.stderr.splitlines() if l.startswith("spawn: error: "))
        self.assertIn("spot 4 of 6", error)
        self.assertIn("on-demand fallback 1 of 2", error)
        self.assertIn("terminated the 7 instance(s)", error)
        self.assertEqual(len(self.requests("CreateFleet")), 2)
        self.assertEqual(self.live(), [])
        self.assert_no_delete_fleets()

    def test_lost_create_fleet_reply_is_retried_without_duplicates(self):
        self.aws.set_scenario({"lose_reply": [{"action": "CreateFleet", "times": 1}]})
        out = self.spawn_json("launch", "--instance-types", "m7i.large,m6i.large", "--ami", AMI, "--spot",
                              "--count", "4")
        fleets = self.requests("CreateFleet")
        self.assertEqual(len(fleets), 2, "the lost reply was retried")
        self.assertTrue(fleets[0]["reply_lost"])
        self.assertEqual(fleets[0]["params"]["ClientToken"], fleets[1]["params"]["ClientToken"])
        self.assertEqual(fleets[0]["params"], fleets[1]["params"])
        live = self.live()
        self.assertEqual(len(live), 4, "exactly the instances asked for")
        self.assertEqual(sorted(i["InstanceId"] for i in live), sorted(i["instance_id"] for i in out["instances"]))
        self.assert_template_created_and_deleted()
        self.assert_no_delete_fleets()

    def test_every_reply_lost_sweeps_up_what_the_fleet_launched(self):
        # Every attempt applied (one fleet, thanks to the token) and none answered, the three
        # resends neither: spawn cannot know, so it looks for its launch id and
        # terminates what it finds.
        self.aws.set_scenario({"lose_reply": [{"action": "CreateFleet", "times": 4}]})
        r = self.spawn("launch", "--instance-types", "m7i.large,m6i.large", "--ami", AMI, "--spot", "--count", "3",
                       env={"AWS_MAX_ATTEMPTS": "1"})
        self.assertEqual(r.returncode, 1, r.stderr)
        fleets = self.requests("CreateFleet")
        self.assertEqual(len(fleets), 4)
        self.assertEqual(len({f["params"]["ClientToken"] for f in fleets}), 1)
        self.assertIn("No answer from EC2", r.stderr)
        error = next(l for l in r.stderr.splitlines() if l.startswith("spawn: error: "))
        self.assertIn("terminated the 3 instance(s) launched", error)
        sweep = self.params("DescribeInstances")
        self.assertEqual(sweep["Filter.1.Name"], "tag:spawn:launch-id")
        self.assertTrue(sweep["Filter.1.Value.1"])
        self.assertEqual(self.live(), [], "no orphans")
        self.assert_template_created_and_deleted()
        self.assert_no_delete_fleets()

    def test_several_subnets_are_overrides_too(self):
        vpc = self.ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
        a = self.ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
        b = self.ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.2.0/24", AvailabilityZone="us-east-1c")["Subnet"]["SubnetId"]
        self.spawn_json("launch", "--instance-types", "m7i.large,m6i.large", "--subnet-id", f"{a},{b}", "--ami", AMI,
                        "--spot", "--count", "2")
        p = self.fleet_params()
        pools = {(p[f"LaunchTemplateConfigs.1.Overrides.{n}.InstanceType"], p[f"LaunchTemplateConfigs.1.Overrides.{n}.SubnetId"])
                 for n in range(1, 5)}
        self.assertEqual(pools, {("m7i.large", a), ("m7i.large", b), ("m6i.large", a), ("m6i.large", b)})
        live = self.live()
        self.assertEqual(len(live), 2)
        self.assertTrue(all(i["SubnetId"] in (a, b) for i in live))
        self.assert_no_delete_fleets()

    def test_several_types_on_demand_use_an_on_demand_fleet(self):
        self.spawn_json("launch", "--instance-types", "m7i.large,m6i.large", "--ami", AMI, "--count", "2")
        p = self.fleet_params()
        self.assertEqual(p["TargetCapacitySpecification.SpotTargetCapacity"], "0")
        self.assertEqual(p["TargetCapacitySpecification.OnDemandTargetCapacity"], "2")
        self.assertNotIn("SpotOptions.AllocationStrategy", p)
        live = self.live()
        self.assertEqual([self.lifecycle(i) for i in live], ["on-demand"] * 2)
        self.assertFalse(any("spawn:spot" in self.tags(i) for i in live))
        self.assert_template_created_and_deleted()
        self.assert_no_delete_fleets()

    def test_types_of_different_architectures_are_refused_before_launch(self):
        r = self.spawn("launch", "--instance-types", "m7i.large,m7g.large", "--spot", "--count", "2")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("m7i.large, m7g.large share no architecture (one launch uses one AMI)", r.stderr.splitlines()[0])
        self.assertEqual(self.params("DescribeInstanceTypes")["InstanceType.2"], "m7g.large")
        for action in ("GetParameter", "CreateLaunchTemplate", "CreateFleet", "RunInstances"):
            self.assertEqual(self.requests(action), [], action)
        self.assertEqual(self.live(), [])

    def test_dry_run_fleet_launches_nothing(self):
        # A dry run changes nothing (issue 14, item 3): the template is only asked about (DryRun),
        # as is one of the fleet's launches; CreateFleet cannot be asked without a real template.
        r = self.spawn_ok("launch", "--instance-types", "m7i.large,m6i.large", "--ami", AMI, "--spot", "--dry-run")
        self.assertIn("Dry run", r.stdout)
        self.assertEqual(self.params("CreateLaunchTemplate")["DryRun"], "true")
        self.assertEqual(self.params("RunInstances")["DryRun"], "true")
        self.assertEqual(self.requests("CreateFleet"), [])
        self.assertEqual(self.requests("DeleteLaunchTemplate"), [])
        self.assertEqual(self.ec2.describe_launch_templates()["LaunchTemplates"], [])
        self.assertEqual(self.live(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
