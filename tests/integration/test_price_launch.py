"""spawn launch --spot: the savings said before launching and the totals after, exact to the cent, in
the table and in --output json ("pricing"); --ttl and its tag."""
import datetime
import json
import shutil
import tempfile
import unittest

from spawn_test_case import SpawnTestCase

AMI = "ami-12345678"  # given: no AMI lookup


class LaunchPricingCase(SpawnTestCase):
    def setUp(self):
        super().setUp()
        self.aws.set_scenario({})
        self.cache_home = tempfile.mkdtemp(prefix="spawn-launch-cache-")
        self.addCleanup(shutil.rmtree, self.cache_home, True)

    def tearDown(self):
        self.aws.set_scenario({})
        self.terminate_all()

    def launch(self, *args, ok=True):
        r = self.spawn("launch", "--ami", AMI, *args, env={"XDG_CACHE_HOME": self.cache_home})
        if ok:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def launch_json(self, *args):
        return json.loads(self.launch(*args, "--output", "json").stdout)

    def action_order(self):
        return [q["action"] for q in self.requests()]


class SavingsLineTest(LaunchPricingCase):
    def test_seed_line_before_launching(self):
        r = self.launch("--instance-type", "m7i.large", "--spot")
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "Spot savings: 70% ($0.0302/hr vs $0.1008/hr on-demand)")
        self.assertTrue(lines[1].startswith("Launched 1 instance"))
        self.assertNotIn("Total for", r.stdout)  # one instance without --ttl: the line says it all
        # Prices were asked before anything was launched.
        order = self.action_order()
        self.assertLess(order.index("DescribeSpotPriceHistory"), order.index("RunInstances"))
        self.assertLess(order.index("GetProducts"), order.index("RunInstances"))
        history = self.requests("DescribeSpotPriceHistory")[0]["params"]
        self.assertEqual(history["InstanceType.1"], "m7i.large")
        self.assertEqual(history["ProductDescription.1"], "Linux/UNIX")

    def test_one_line_per_type(self):
        r = self.launch("--instance-types", "m7i.large,c7i.large", "--spot")
        self.assertIn("Spot savings: 70% ($0.0302/hr vs $0.1008/hr on-demand) for m7i.large", r.stdout)
        self.assertIn("Spot savings: 60% ($0.0355/hr vs $0.08925/hr on-demand) for c7i.large", r.stdout)
        history = self.requests("DescribeSpotPriceHistory")
        self.assertEqual(len(history), 1, "one spot history request for every type")

    def test_on_demand_launch_says_nothing_of_prices(self):
        r = self.launch("--instance-type", "m7i.large", "--count", "2")
        self.assertNotIn("Spot savings", r.stdout)
        self.assertEqual(self.requests("GetProducts"), [])
        self.assertEqual(self.requests("DescribeSpotPriceHistory"), [])
        self.assertIsNone(json.loads(self.launch("--instance-type", "t3.micro", "--output", "json").stdout)["pricing"])


class TotalsTest(LaunchPricingCase):
    def test_seed_array_of_eight_g5_for_four_hours(self):
        r = self.launch("--instance-type", "g5.xlarge", "--spot", "--count", "8", "--ttl", "4h")
        self.assertIn("Spot savings: 70% ($0.3018/hr vs $1.0060/hr on-demand)", r.stdout)
        self.assertIn("Total for 8 instances over 4h: $9.66 spot vs $32.19 on-demand, saving $22.53 (70%)", r.stdout)

    def test_seed_array_json(self):
        out = self.launch_json("--instance-type", "g5.xlarge", "--spot", "--count", "8", "--ttl", "4h")
        p = out["pricing"]
        self.assertEqual(p["on_demand_hourly"], "8.0480")
        self.assertEqual(p["spot_hourly"], "2.4144")
        self.assertEqual(p["savings_percent"], 70)
        self.assertEqual(p["estimated_total"], {"duration": "4h", "seconds": 14400, "spot": "9.66",
                                                "on_demand": "32.19", "saving": "22.53"})
        self.assertEqual(p["source"], "price-list-api")
        self.assertIs(p["approximate"], False)
        self.assertEqual(p["instance_types"]["g5.xlarge"], {"on_demand_hourly": "1.0060", "spot_hourly": "0.3018",
                                                            "spot_availability_zone": "us-east-1a",
                                                            "savings_percent": 70})
        self.assertNotIn("Spot savings", json.dumps(out))  # JSON only on stdout

    def test_array_without_ttl_totals_per_hour(self):
        r = self.launch("--instance-type", "g5.xlarge", "--spot", "--count", "8")
        self.assertIn("Total for 8 instances: $2.4144/hr spot vs $8.0480/hr on-demand, saving $5.6336/hr (70%)",
                      r.stdout)
        out = self.launch_json("--instance-type", "g5.xlarge", "--spot", "--count", "8")
        self.assertIsNone(out["pricing"]["estimated_total"])

    def test_mixed_array_counts_on_demand_part_at_on_demand_prices(self):
        r = self.launch("--instance-type", "m7i.large", "--spot", "--count", "8", "--spot-count", "6", "--ttl", "4h")
        # 6 x 0.0302 + 2 x 0.1008 = 0.3828/h -> $1.5312; 8 x 0.1008 = 0.8064/h -> $3.2256; saving $1.6944, 52.5%
        self.assertIn("Total for 8 instances (6 spot + 2 on-demand) over 4h: $1.53 vs $3.23 all on-demand, "
                      "saving $1.69 (53%)", r.stdout)
        self.terminate_all()
        p = self.launch_json("--instance-type", "m7i.large", "--spot", "--count", "8", "--spot-count", "6",
                             "--ttl", "4h")["pricing"]
        self.assertEqual(p["spot_hourly"], "0.3828")
        self.assertEqual(p["on_demand_hourly"], "0.8064")
        self.assertEqual(p["savings_percent"], 53)
        self.assertEqual(p["estimated_total"]["spot"], "1.53")
        self.assertEqual(p["estimated_total"]["on_demand"], "3.23")
        self.assertEqual(p["estimated_total"]["saving"], "1.69")

    def test_fallback_members_count_at_on_demand(self):
        self.aws.set_scenario({"capacity": [{"instance_type": "m7i.large", "market": "spot", "available": 0}]})
        r = self.launch("--instance-type", "m7i.large", "--spot", "--spot-fallback", "--count", "2", "--ttl", "4h")
        self.assertIn("Spot savings: 70% ($0.0302/hr vs $0.1008/hr on-demand)", r.stdout)  # before launching
        self.assertIn("Total for 2 instances over 4h: $0.81 on-demand, no spot saving", r.stdout)  # 2 x 0.1008 x 4

    def test_dry_run_totals_the_plan(self):
        r = self.launch("--instance-type", "g5.xlarge", "--spot", "--count", "8", "--ttl", "4h", "--dry-run")
        self.assertIn("Spot savings: 70% ($0.3018/hr vs $1.0060/hr on-demand)", r.stdout)
        self.assertIn("Dry run", r.stdout)
        self.assertIn("Total for 8 instances over 4h: $9.66 spot vs $32.19 on-demand, saving $22.53 (70%)", r.stdout)


class UnknownAndApproximateTest(LaunchPricingCase):
    def test_unknown_spot_price(self):
        r = self.launch("--instance-type", "t3.large", "--spot", "--count", "2", "--ttl", "2h")
        self.assertIn("Spot savings: unknown (spot price unknown vs $0.0832/hr on-demand)", r.stdout)
        self.assertIn("Total for 2 instances over 2h: unknown (no spot price of t3.large in us-east-1a); "
                      "$0.33 on-demand", r.stdout)  # 2 x 0.0832 x 2 = 0.3328
        self.assertNotIn("$0.00", r.stdout)
        self.terminate_all()
        p = self.launch_json("--instance-type", "t3.large", "--spot", "--ttl", "2h")["pricing"]
        self.assertIsNone(p["spot_hourly"])
        self.assertIsNone(p["savings_percent"])
        self.assertEqual(p["on_demand_hourly"], "0.0832")
        self.assertIsNone(p["estimated_total"]["spot"])
        self.assertEqual(p["estimated_total"]["on_demand"], "0.17")
        self.assertEqual(p["unknown"], ["spot price of t3.large in us-east-1a"])

    def test_denied_price_list_uses_the_table_and_says_so(self):
        self.aws.set_scenario({"pricing": {"deny": True}, "on_demand_prices": {"us-east-1": {"g5.xlarge": "9.99"}}})
        r = self.launch("--instance-type", "g5.xlarge", "--spot", "--count", "8", "--ttl", "4h")
        self.assertIn("Spot savings: ~70% ($0.3018/hr vs ~$1.0060/hr on-demand, approximate: spawn's price table of "
                      "2025-11-01)", r.stdout)
        self.assertIn("Total for 8 instances over 4h: $9.66 spot vs ~$32.19 on-demand, saving ~$22.53 (~70%), "
                      "approximate", r.stdout)
        self.assertIn("AccessDeniedException", r.stdout)
        self.assertEqual(len(self.requests("GetProducts")), 1)
        self.assertEqual(len(self.requests("RunInstances")), 1, "prices never stop a launch")
        self.terminate_all()
        p = self.launch_json("--instance-type", "g5.xlarge", "--spot")["pricing"]
        self.assertEqual(p["source"], "fallback-table")
        self.assertEqual(p["as_of"], "2025-11-01")
        self.assertIs(p["approximate"], True)
        self.assertEqual(p["on_demand_hourly"], "1.0060")

    def test_cache_second_launch_asks_no_price_list(self):
        self.launch("--instance-type", "m7i.large", "--spot")
        self.assertEqual(len(self.requests("GetProducts")), 1)
        self.aws.reset_log()
        r = self.launch("--instance-type", "m7i.large", "--spot")
        self.assertEqual(self.requests("GetProducts"), [])
        self.assertIn("Spot savings: 70% ($0.0302/hr vs $0.1008/hr on-demand)", r.stdout)
        self.terminate_all()
        self.assertEqual(self.launch_json("--instance-type", "m7i.large", "--spot")["pricing"]["source"], "cache")


class TtlTest(LaunchPricingCase):
    def test_ttl_tags_the_deadline(self):
        before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        # spored enforces the deadline: an on-demand --ttl installs it (here from an https:// URL).
        out = self.launch_json("--instance-type", "t3.micro", "--ttl", "1h30m", "--agent-url",
                               "https://downloads.example.com/spored", "--agent-sha256", "ab" * 32)
        after = datetime.datetime.now(datetime.timezone.utc)
        [inst] = self.live_instances()
        deadline = datetime.datetime.fromisoformat(self.tags(inst)["spawn:ttl-deadline"].replace("Z", "+00:00"))
        self.assertLessEqual(before + datetime.timedelta(minutes=90), deadline)
        self.assertLessEqual(deadline, after + datetime.timedelta(minutes=90))
        self.assertEqual(inst["InstanceId"], out["instances"][0]["instance_id"])

    def test_ttl_on_demand_without_spored_is_refused_before_any_request(self):
        self.aws.reset_log()
        r = self.spawn("launch", "--instance-type", "t3.micro", "--ami", AMI, "--ttl", "8h")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--ttl needs spored on the instance, and spawn knows no upload", r.stderr)
        self.assertIn("spawn agent upload --bucket BUCKET", r.stderr)
        self.assertEqual(self.requests(), [])

    def test_bad_ttl_is_bad_usage(self):
        for bad in ("nope", "0h", "-1h", "8", ""):
            with self.subTest(ttl=bad):
                self.aws.reset_log()
                r = self.launch("--instance-type", "m7i.large", "--spot", "--ttl", bad, ok=False)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("--ttl", r.stderr.splitlines()[0])
                self.assertEqual(self.requests(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
