"""Spot capacity errors on the RunInstances route: fallback to on-demand, or a clear refusal."""
import unittest

from spot_test_case import AMI, SpotTestCase

NO_SPOT_M7I = {"capacity": [{"instance_type": "m7i.large", "market": "spot", "available": 0}]}
FALLBACK_LINE = "Spot unavailable (InsufficientInstanceCapacity), falling back to on-demand..."


class SpotFallbackTest(SpotTestCase):
    def test_fallback_on_capacity_error_launches_on_demand(self):
        self.aws.set_scenario(NO_SPOT_M7I)
        r = self.spawn_ok("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--spot-fallback",
                          "--count", "2", "--output", "json")
        self.assertIn(FALLBACK_LINE, r.stderr.splitlines())
        import json
        out = json.loads(r.stdout)
        self.assertIs(out["fallback"], True)
        self.assertEqual([i["lifecycle"] for i in out["instances"]], ["on-demand", "on-demand"])

        run = self.requests("RunInstances")
        self.assertEqual(len(run), 2, "the spot call, then the on-demand one")
        spot, od = run[0], run[1]
        self.assertEqual(spot["params"]["InstanceMarketOptions.MarketType"], "spot")
        self.assertEqual((spot["status"], spot["error_code"]), (500, "InsufficientInstanceCapacity"))
        self.assertNotIn("InstanceMarketOptions.MarketType", od["params"])
        self.assertEqual((od["params"]["MinCount"], od["params"]["MaxCount"]), ("2", "2"))
        self.assertTrue(od["params"]["ClientToken"])
        self.assertNotEqual(spot["params"]["ClientToken"], od["params"]["ClientToken"],
                            "a different request needs its own token")
        # The instance knows it is not spot: the fallback's own user-data says so.
        self.assertIs(self.spot_config_in(self.user_data_of(spot["params"]))["spot"], True)
        self.assertIs(self.spot_config_in(self.user_data_of(od["params"]))["spot"], False)
        self.assert_no_fleet()

        live = self.live()
        self.assertEqual(len(live), 2)
        for inst in live:
            self.assertEqual(self.lifecycle(inst), "on-demand")
            t = self.tags(inst)
            self.assertEqual(t["spawn:spot"], "false")
            self.assertEqual(t["spawn:spot-fallback"], "true")
            self.assertEqual(t["spawn:spot-max-price"], "on-demand")

    def test_fallback_line_and_summary_in_table_output(self):
        self.aws.set_scenario(NO_SPOT_M7I)
        r = self.spawn_ok("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--spot-fallback")
        self.assertIn(FALLBACK_LINE, r.stderr)
        self.assertIn("0 spot, 1 on-demand (1 in place of missing spot capacity)", r.stdout)

    def test_without_fallback_refused_and_nothing_runs(self):
        self.aws.set_scenario(NO_SPOT_M7I)
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--count", "3")
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = r.stderr.splitlines()
        self.assertTrue(lines[0].startswith("spawn: error: no spot capacity for 3 x m7i.large"), r.stderr)
        self.assertIn("(InsufficientInstanceCapacity, request ", lines[0])
        self.assertTrue(lines[1].startswith("spawn: hint: "), r.stderr)
        self.assertNotIn("falling back", r.stderr)
        run = self.requests("RunInstances")
        self.assertEqual(len(run), 1, "no fallback, no retry of a capacity error")
        self.assertEqual(run[0]["params"]["InstanceMarketOptions.MarketType"], "spot")
        self.assertEqual(self.live(), [])

    # t3.micro has a scenario spot price in every us-east-1 AZ, the cheapest 0.0031 in us-east-1a.
    def test_max_price_too_low_shows_the_current_spot_price(self):
        r = self.spawn("launch", "--instance-type", "t3.micro", "--ami", AMI, "--spot", "--spot-max-price", "0.001")
        self.assertEqual(r.returncode, 1, r.stderr)
        first = r.stderr.splitlines()[0]
        self.assertIn("0.001 USD/h", first)
        self.assertIn("0.0031 USD/h", first, "the cheapest current t3.micro spot price")
        self.assertIn("us-east-1a", first)
        self.assertIn("(SpotMaxPriceTooLow, request ", first)
        self.assertIn("--spot-max-price", r.stderr.splitlines()[1])
        # Two lookups: the savings line before launching (issue 5), then the price shown next to the
        # refused max price.
        prices = self.requests("DescribeSpotPriceHistory")
        self.assertEqual(len(prices), 2)
        for p in prices:
            self.assertEqual(p["params"]["InstanceType.1"], "t3.micro")
            self.assertEqual(p["params"]["ProductDescription.1"], "Linux/UNIX")
            self.assertTrue(p["params"]["StartTime"])
        run = self.requests("RunInstances")
        self.assertEqual(len(run), 1)
        self.assertEqual(run[0]["params"]["InstanceMarketOptions.SpotOptions.MaxPrice"], "0.001")
        self.assertEqual(run[0]["error_code"], "SpotMaxPriceTooLow")
        self.assertEqual(self.live(), [])

    def test_max_price_too_low_with_fallback_goes_on_demand(self):
        r = self.spawn_ok("launch", "--instance-type", "t3.micro", "--ami", AMI, "--spot", "--spot-max-price", "0.001",
                          "--spot-fallback")
        self.assertIn("Spot unavailable (SpotMaxPriceTooLow), falling back to on-demand...", r.stderr)
        live = self.live()
        self.assertEqual(len(live), 1)
        self.assertEqual(self.lifecycle(live[0]), "on-demand")
        t = self.tags(live[0])
        self.assertEqual(t["spawn:spot"], "false")
        self.assertEqual(t["spawn:spot-fallback"], "true")
        self.assertEqual(t["spawn:spot-max-price"], "0.001")

    def test_fallback_that_fails_too_leaves_nothing(self):
        self.aws.set_scenario({"capacity": [{"instance_type": "m7i.large", "market": "spot", "available": 0},
                                            {"instance_type": "m7i.large", "market": "on-demand", "available": 1}]})
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--spot-fallback", "--count", "2")
        self.assertEqual(r.returncode, 1)
        self.assertIn(FALLBACK_LINE, r.stderr)
        self.assertIn("the on-demand fallback failed too", r.stderr)
        self.assertEqual(len(self.requests("RunInstances")), 2)
        self.assertEqual(self.live(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
