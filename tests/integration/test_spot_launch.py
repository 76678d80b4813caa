"""spawn launch --spot on one type: one RunInstances with InstanceMarketOptions, the tags, the output."""
import unittest

from spot_test_case import AMI, SpotTestCase


class SpotLaunchTest(SpotTestCase):
    def test_single_spot_launch(self):
        out = self.spawn_json("launch", "--instance-type", "m7i.large", "--spot", "--name", "one")
        self.assertIs(out["fallback"], False)
        self.assertEqual(len(out["instances"]), 1)
        got = out["instances"][0]
        self.assertEqual(got["lifecycle"], "spot")
        self.assertEqual(got["instance_type"], "m7i.large")

        run = self.requests("RunInstances")
        self.assertEqual(len(run), 1)
        p = run[0]["params"]
        self.assertEqual(p["InstanceMarketOptions.MarketType"], "spot")
        self.assertEqual(p["InstanceMarketOptions.SpotOptions.SpotInstanceType"], "one-time")
        self.assertEqual(p["InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior"], "terminate")
        self.assertNotIn("InstanceMarketOptions.SpotOptions.MaxPrice", p, "no MaxPrice: EC2 caps at on-demand")
        self.assertEqual((p["MinCount"], p["MaxCount"]), ("1", "1"))
        self.assertTrue(p["ClientToken"])
        self.assertEqual(run[0]["client_token"], p["ClientToken"])
        self.assert_no_fleet()
        # Spot: the type is checked (spot usage class, architecture) before launching.
        self.assertEqual(self.params("DescribeInstanceTypes")["InstanceType.1"], "m7i.large")

        live = self.live()
        self.assertEqual([i["InstanceId"] for i in live], [got["instance_id"]])
        self.assertEqual(self.lifecycle(live[0]), "spot")
        tags = self.tags(live[0])
        self.assertEqual(tags["spawn:spot"], "true")
        self.assertEqual(tags["spawn:spot-max-price"], "on-demand")
        self.assertEqual(tags["spawn:on-interruption"], "terminate")
        self.assertNotIn("spawn:spot-fallback", tags)
        self.assertNotIn("spawn:checkpoint-script", tags)
        self.assertEqual(tags["spawn:managed"], "true")
        self.assertEqual(tags["Name"], "one")
        self.assertTrue(tags["spawn:launch-id"])

    def test_max_price_is_sent_tagged_and_shown(self):
        r = self.spawn_ok("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--spot-max-price", "0.05")
        p = self.params("RunInstances")
        self.assertEqual(p["InstanceMarketOptions.SpotOptions.MaxPrice"], "0.05")
        live = self.live()
        self.assertEqual(len(live), 1)
        self.assertEqual(self.tags(live[0])["spawn:spot-max-price"], "0.05")
        # Human summary: id, type, AZ, spot, max price.
        line = next(l for l in r.stdout.splitlines() if live[0]["InstanceId"] in l)
        for field in ("m7i.large", live[0]["Placement"]["AvailabilityZone"], "spot", "$0.05/h"):
            self.assertIn(field, line)
        self.assertIn("MAX PRICE", r.stdout)
        self.assertIn("1 spot, 0 on-demand", r.stdout)

    def test_default_max_price_shown_as_on_demand_price(self):
        r = self.spawn_ok("launch", "--instance-type", "t3.micro", "--ami", AMI, "--spot")
        self.assertIn("on-demand price", r.stdout)

    def test_spot_job_array_of_8_is_one_call(self):
        out = self.spawn_json("launch", "--instance-type", "c7i.large", "--ami", AMI, "--spot", "--count", "8",
                              "--job-array-name", "render")
        run = self.requests("RunInstances")
        self.assertEqual(len(run), 1, "a spot job array is one RunInstances")
        p = run[0]["params"]
        self.assertEqual((p["MinCount"], p["MaxCount"]), ("8", "8"))
        self.assertEqual(p["InstanceMarketOptions.MarketType"], "spot")
        self.assertTrue(p["ClientToken"])
        self.assert_no_fleet()
        self.assertEqual([i["job_array_index"] for i in out["instances"]], list(range(8)))
        self.assertTrue(all(i["lifecycle"] == "spot" for i in out["instances"]))

        live = self.by_index(self.live())
        self.assertEqual(len(live), 8)
        for index, inst in enumerate(live):
            t = self.tags(inst)
            self.assertEqual(self.lifecycle(inst), "spot")
            self.assertEqual(self.member_index(inst), index)
            self.assertEqual((t["spawn:job-array-index-base"], t["Name"]), ("0", "render"))
            self.assertEqual(t["spawn:job-array-id"], out["job_array_id"])
            self.assertEqual(t["spawn:job-array-size"], "8")
            self.assertEqual(t["spawn:spot"], "true")
            self.assertEqual(t["spawn:on-interruption"], "terminate")

    def test_dry_run_checks_the_spot_request_and_launches_nothing(self):
        r = self.spawn_ok("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--dry-run")
        self.assertIn("Dry run", r.stdout)
        p = self.params("RunInstances")
        self.assertEqual(p["DryRun"], "true")
        self.assertEqual(p["InstanceMarketOptions.MarketType"], "spot")
        self.assertEqual(self.live(), [])

    def test_lost_spot_reply_is_retried_with_the_same_token(self):
        self.aws.set_scenario({"lose_reply": [{"action": "RunInstances", "times": 1}]})
        out = self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--count", "3")
        run = self.requests("RunInstances")
        self.assertEqual(len(run), 2)
        self.assertEqual(run[0]["params"], run[1]["params"], "the retry is the same request, token included")
        self.assertTrue(run[0]["reply_lost"])
        live = self.live()
        self.assertEqual(len(live), 3, "no duplicates")
        self.assertEqual(sorted(i["InstanceId"] for i in live), sorted(i["instance_id"] for i in out["instances"]))

    def test_every_reply_lost_sweeps_up_what_was_launched(self):
        # The call, then 3 resends (one attempt each here), none answered.
        self.aws.set_scenario({"lose_reply": [{"action": "RunInstances", "times": 4}]})
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--count", "2",
                       env={"AWS_MAX_ATTEMPTS": "1"})
        self.assertEqual(r.returncode, 1, r.stderr)
        run = self.requests("RunInstances")
        self.assertEqual(len(run), 4, "every attempt and resend, with one token")
        self.assertEqual(len({x["params"]["ClientToken"] for x in run}), 1)
        p = run[0]["params"]
        launch_tags = {p[k]: p[k[:-4] + ".Value"] for k in p if k.startswith("TagSpecification.1.Tag.") and k.endswith(".Key")}
        sweep = self.params("DescribeInstances")
        self.assertEqual(sweep["Filter.1.Name"], "tag:spawn:launch-id")
        self.assertEqual(sweep["Filter.1.Value.1"], launch_tags["spawn:launch-id"])
        error = next(l for l in r.stderr.splitlines() if l.startswith("spawn: error: "))
        self.assertIn("(NetworkError)", error)
        self.assertIn("terminated the 2 instance(s) launched", error)
        self.assertEqual(self.live(), [], "no orphans")


class OnDemandUnchangedTest(SpotTestCase):
    def test_on_demand_launch_has_no_spot_tags_or_generated_user_data(self):
        self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--user-data", "#!/bin/sh\necho hi\n")
        p = self.params("RunInstances")
        self.assertNotIn("InstanceMarketOptions.MarketType", p)
        self.assertEqual(self.user_data_of(p), "#!/bin/sh\necho hi\n", "on demand: the user's user-data as given")
        tags = self.tags(self.live()[0])
        self.assertFalse([k for k in tags if k.startswith("spawn:spot") or k == "spawn:on-interruption"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
