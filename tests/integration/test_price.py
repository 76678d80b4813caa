"""spawn price against the local AWS: the seed's figures, exactly, and the requests behind them."""
import datetime
import json
import os
import shutil
import stat
import tempfile
import unittest

from spawn_test_case import SpawnTestCase

TERM_MATCH = {"instanceType", "regionCode", "operatingSystem", "tenancy", "preInstalledSw", "capacitystatus",
              "licenseModel"}


def rows(stdout):
    """The table's rows as lists of cells (cells are separated by two or more spaces)."""
    import re
    lines = [line for line in stdout.splitlines() if line.strip()]
    header = re.split(r"\s{2,}", lines[0].strip())
    out = []
    for line in lines[1:]:
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == len(header):
            out.append(dict(zip(header, cells)))
    return out


def filters(request):
    """GetProducts filters of a logged request: {Field: (Type, Value)}."""
    p = request["params"]
    out = {}
    i = 1
    while f"Filters.{i}.Field" in p:
        out[p[f"Filters.{i}.Field"]] = (p[f"Filters.{i}.Type"], p[f"Filters.{i}.Value"])
        i += 1
    return out


class PriceCase(SpawnTestCase):
    def setUp(self):
        super().setUp()
        self.aws.set_scenario({})
        self.cache_home = tempfile.mkdtemp(prefix="spawn-price-cache-")
        self.addCleanup(shutil.rmtree, self.cache_home, True)

    def price(self, *args, env=None, ok=True):
        full = {"XDG_CACHE_HOME": self.cache_home}
        full.update(env or {})
        r = self.spawn("price", *args, env=full)
        if ok:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r


class SeedTableTest(PriceCase):
    def test_seed_table_exact_figures_sorted_by_spot(self):
        r = self.price("--instance-type", "g5.xlarge,m7i.large,m5.large,c7i.large")
        table = rows(r.stdout)
        self.assertEqual([t["TYPE"] for t in table], ["m7i.large", "c7i.large", "m5.large", "g5.xlarge"])
        by_type = {t["TYPE"]: t for t in table}
        self.assertEqual(by_type["m7i.large"], {
            "TYPE": "m7i.large", "REGION": "us-east-1", "ON-DEMAND/HR": "$0.1008", "SPOT/HR": "$0.0302",
            "CHEAPEST AZ": "us-east-1a", "SPREAD": "$0.0045 (5 AZs)", "SAVINGS": "70%",
            "SCORE": "9/10"})  # the local AWS's default scores (tests/fakes/default_scenario.json)
        self.assertEqual(by_type["g5.xlarge"]["ON-DEMAND/HR"], "$1.0060")
        self.assertEqual(by_type["g5.xlarge"]["SPOT/HR"], "$0.3018")
        self.assertEqual(by_type["g5.xlarge"]["SAVINGS"], "70%")
        # Five decimals are shown as they are, never rounded: $0.08925.
        self.assertEqual(by_type["c7i.large"]["ON-DEMAND/HR"], "$0.08925")
        self.assertEqual(by_type["c7i.large"]["SPOT/HR"], "$0.0355")
        self.assertEqual(by_type["c7i.large"]["CHEAPEST AZ"], "us-east-1b")
        self.assertEqual(by_type["c7i.large"]["SAVINGS"], "60%")      # 60.22%
        self.assertEqual(by_type["m5.large"]["CHEAPEST AZ"], "us-east-1d")
        self.assertEqual(by_type["m5.large"]["SAVINGS"], "61%")       # 60.625%
        self.assertNotIn("~", r.stdout)
        self.assertNotIn("approximate", r.stdout)

        # The requests: the types checked with EC2, one spot history for all types, one
        # GetProducts per type with every TERM_MATCH filter.
        self.assertEqual(len(self.requests("DescribeInstanceTypes")), 1)
        history = self.requests("DescribeSpotPriceHistory")
        self.assertEqual(len(history), 1)
        p = history[0]["params"]
        self.assertEqual(sorted(v for k, v in p.items() if k.startswith("InstanceType.")),
                         ["c7i.large", "g5.xlarge", "m5.large", "m7i.large"])
        self.assertEqual(p["ProductDescription.1"], "Linux/UNIX")
        start = datetime.datetime.fromisoformat(p["StartTime"].replace("Z", "+00:00"))
        back = datetime.datetime.now(datetime.timezone.utc) - start
        self.assertTrue(datetime.timedelta(minutes=59) < back < datetime.timedelta(minutes=62), back)
        products = self.requests("GetProducts")
        self.assertEqual(len(products), 4)
        for req in products:
            self.assertEqual(req["service"], "pricing")
            self.assertEqual(req["region"], "us-east-1")
            self.assertEqual(req["params"]["ServiceCode"], "AmazonEC2")
            f = filters(req)
            self.assertEqual(set(f), TERM_MATCH)
            self.assertTrue(all(kind == "TERM_MATCH" for kind, _ in f.values()))
            self.assertEqual(f["regionCode"][1], "us-east-1")
            self.assertEqual(f["operatingSystem"][1], "Linux")
            self.assertEqual(f["tenancy"][1], "Shared")
            self.assertEqual(f["preInstalledSw"][1], "NA")
            self.assertEqual(f["capacitystatus"][1], "Used")
            self.assertEqual(f["licenseModel"][1], "No License required")
        self.assertEqual(sorted(filters(q)["instanceType"][1] for q in products),
                         ["c7i.large", "g5.xlarge", "m5.large", "m7i.large"])

    def test_json(self):
        r = self.price("--instance-type", "m7i.large,t3.large", "--output", "json")
        out = json.loads(r.stdout)
        self.assertEqual([i["instance_type"] for i in out], ["m7i.large", "t3.large"])
        m7i = out[0]
        self.assertEqual(m7i["on_demand_hourly"], "0.1008")
        self.assertEqual(m7i["on_demand_source"], "price-list-api")
        self.assertIs(m7i["approximate"], False)
        self.assertEqual(m7i["spot_hourly"], "0.0302")
        self.assertEqual(m7i["spot_availability_zone"], "us-east-1a")
        self.assertEqual(m7i["spot_spread"], "0.0045")
        self.assertEqual(m7i["savings_percent"], 70)
        self.assertEqual(m7i["spot_by_availability_zone"], {
            "us-east-1a": "0.0302", "us-east-1b": "0.0310", "us-east-1c": "0.0335", "us-east-1d": "0.0318",
            "us-east-1f": "0.0347"})

    def test_prices_set_in_the_local_aws(self):
        self.aws.set_scenario({
            "spot_prices": {"m7i.large": {"us-east-1a": "0.0411", "us-east-1c": "0.0399"}},
            "on_demand_prices": {"us-east-1": {"m7i.large": "0.1234"}}})
        table = rows(self.price("--instance-type", "m7i.large").stdout)
        self.assertEqual(table[0]["ON-DEMAND/HR"], "$0.1234")
        self.assertEqual(table[0]["SPOT/HR"], "$0.0399")
        self.assertEqual(table[0]["CHEAPEST AZ"], "us-east-1c")
        self.assertEqual(table[0]["SPREAD"], "$0.0012 (2 AZs)")
        self.assertEqual(table[0]["SAVINGS"], "68%")  # 67.67%


class UnknownPriceTest(PriceCase):
    def test_unknown_is_said_never_zero(self):
        # t3.large has no spot history in the seed; eu-west-1 has no spot prices at all.
        r = self.price("--instance-type", "t3.large,m7i.large")
        table = {t["TYPE"]: t for t in rows(r.stdout)}
        self.assertEqual(table["t3.large"]["ON-DEMAND/HR"], "$0.0832")
        self.assertEqual(table["t3.large"]["SPOT/HR"], "unknown")
        self.assertEqual(table["t3.large"]["SAVINGS"], "unknown")
        self.assertEqual(rows(r.stdout)[-1]["TYPE"], "t3.large")  # unknown spot sorts last
        self.assertNotIn("$0.0000", r.stdout)
        self.assertNotIn(" 0%", r.stdout)
        out = json.loads(self.price("--instance-type", "t3.large", "--output", "json").stdout)
        self.assertIsNone(out[0]["spot_hourly"])
        self.assertIsNone(out[0]["savings_percent"])

    def test_on_demand_unknown_when_aws_has_no_product(self):
        self.aws.set_scenario({"on_demand_prices": {"us-east-1": {"m7i.large": "0.1008"}}})
        r = self.price("--instance-type", "g5.xlarge")
        table = rows(r.stdout)
        self.assertEqual(table[0]["ON-DEMAND/HR"], "unknown")
        self.assertEqual(table[0]["SPOT/HR"], "$0.3018")
        self.assertEqual(table[0]["SAVINGS"], "unknown")


class RegionsTest(PriceCase):
    def test_regions_each_asked(self):
        r = self.price("--instance-type", "m7i.large", "--regions", "us-east-1,us-west-2,eu-west-1")
        table = rows(r.stdout)
        self.assertEqual([(t["REGION"], t["SPOT/HR"]) for t in table],
                         [("us-east-1", "$0.0302"), ("us-west-2", "$0.0339"), ("eu-west-1", "unknown")])
        self.assertEqual(table[1]["CHEAPEST AZ"], "us-west-2c")
        self.assertEqual(table[1]["SAVINGS"], "66%")          # 1 - 0.0339/0.1008 = 66.37%
        self.assertEqual(table[2]["ON-DEMAND/HR"], "$0.1120")  # eu-west-1's own on-demand price
        self.assertEqual(sorted(q["region"] for q in self.requests("DescribeSpotPriceHistory")),
                         ["eu-west-1", "us-east-1", "us-west-2"])
        self.assertEqual(sorted(filters(q)["regionCode"][1] for q in self.requests("GetProducts")),
                         ["eu-west-1", "us-east-1", "us-west-2"])
        self.assertTrue(all(q["region"] == "us-east-1" for q in self.requests("GetProducts")))
        regions = self.requests("DescribeRegions")
        self.assertEqual(len(regions), 1)
        self.assertEqual(regions[0]["params"].get("AllRegions"), "true")

    def test_placement_scores_for_the_count_asked(self):
        # EC2's spot placement score of each type in each region, for --count instances: one
        # GetSpotPlacementScores per type over the regions; a region EC2 does not score shows "-".
        self.aws.set_scenario({"placement_scores": {"us-east-1": {"m7i.large": 9, "c7i.large": 4},
                                                    "us-west-2": {"m7i.large": 2}}})
        r = self.price("--instance-type", "m7i.large,c7i.large", "--regions", "us-east-1,us-west-2", "--count", "16")
        scores = {(t["TYPE"], t["REGION"]): t["SCORE"] for t in rows(r.stdout)}
        self.assertEqual(scores, {("m7i.large", "us-east-1"): "9/10", ("c7i.large", "us-east-1"): "4/10",
                                  ("m7i.large", "us-west-2"): "2/10", ("c7i.large", "us-west-2"): "-"})
        asked = self.requests("GetSpotPlacementScores")
        self.assertEqual(sorted(q["params"]["InstanceType.1"] for q in asked), ["c7i.large", "m7i.large"])
        for q in asked:
            self.assertEqual((q["params"]["TargetCapacity"], q["params"]["RegionName.1"], q["params"]["RegionName.2"]),
                             ("16", "us-east-1", "us-west-2"))
            self.assertNotIn("InstanceType.2", q["params"])

        out = json.loads(self.price("--instance-type", "m7i.large,c7i.large", "--regions", "us-east-1,us-west-2",
                                    "--output", "json").stdout)
        self.assertEqual({(i["instance_type"], i["region"]): i["placement_score"] for i in out},
                         {("m7i.large", "us-east-1"): 9, ("c7i.large", "us-east-1"): 4,
                          ("m7i.large", "us-west-2"): 2, ("c7i.large", "us-west-2"): None})
        self.assertEqual(self.requests("GetSpotPlacementScores")[-1]["params"]["TargetCapacity"], "1")  # default

    def test_rank_puts_likely_and_cheap_first_and_says_why(self):
        # The default scores: us-east-1 m7i.large 9, c7i.large 8; us-west-2 m7i.large 7, c7i.large none.
        r = self.price("--instance-type", "m7i.large,c7i.large", "--regions", "us-east-1,us-west-2", "--rank")
        self.assertEqual([(t["REGION"], t["TYPE"], t["SCORE"]) for t in rows(r.stdout)],
                         [("us-east-1", "m7i.large", "9/10"), ("us-east-1", "c7i.large", "8/10"),
                          ("us-west-2", "m7i.large", "7/10"), ("us-west-2", "c7i.large", "-")])
        self.assertIn("us-east-1 m7i.large first: the cheapest spot price ($0.0302/hr) of the 2 choices with a high "
                      "placement score (9/10)", r.stderr)
        # A cheaper pool EC2 is unlikely to fill comes after a dearer likely one.
        self.aws.set_scenario({"placement_scores": {"us-east-1": {"g5.xlarge": 2}, "us-west-2": {"g5.xlarge": 9}}})
        out = json.loads(self.price("--instance-type", "g5.xlarge", "--regions", "us-east-1,us-west-2", "--rank",
                                    "--output", "json").stdout)
        self.assertEqual([(i["region"], i["spot_hourly"], i["placement_score"]) for i in out],
                         [("us-west-2", "0.3390", 9), ("us-east-1", "0.3018", 2)])

    def test_az_rows_each_with_its_own_spot_price_and_score(self):
        # --az: a row per AZ with a spot price; EC2's score for that AZ alone (SingleAvailabilityZone,
        # scores by AZ id, named with DescribeAvailabilityZones); --rank orders the AZ rows and names
        # the first by its AZ.
        self.aws.set_scenario({"placement_scores": {"us-east-1": {"m7i.large": 5}, "us-east-1b": {"m7i.large": 9},
                                                    "us-east-1c": {"m7i.large": 8}}})
        r = self.price("--instance-type", "m7i.large", "--az", "--rank", "--count", "4")
        table = [(t["AZ"], t["SPOT/HR"], t["SCORE"]) for t in rows(r.stdout)]
        self.assertEqual(table, [("us-east-1b", "$0.0310", "9/10"), ("us-east-1c", "$0.0335", "8/10"),
                                 ("us-east-1a", "$0.0302", "5/10"), ("us-east-1d", "$0.0318", "5/10"),
                                 ("us-east-1f", "$0.0347", "5/10")])
        self.assertIn("us-east-1b m7i.large first: the cheapest spot price ($0.0310/hr) of the 2 choices with a high "
                      "placement score (9/10)", r.stderr)
        [asked] = self.requests("GetSpotPlacementScores")
        self.assertEqual((asked["params"]["SingleAvailabilityZone"], asked["params"]["TargetCapacity"]), ("true", "4"))
        self.assertEqual(len(self.requests("DescribeAvailabilityZones")), 1)

        out = json.loads(self.price("--instance-type", "m7i.large", "--az", "--output", "json").stdout)
        self.assertEqual([(i["availability_zone"], i["spot_hourly"], i["placement_score"]) for i in out][:2],
                         [("us-east-1a", "0.0302", 5), ("us-east-1b", "0.0310", 9)], "by spot price without --rank")
        self.assertEqual(set(out[0]), {"instance_type", "region", "availability_zone", "on_demand_hourly", "approximate",
                                       "spot_hourly", "savings_percent", "placement_score",
                                       "interruptions_per_100_hours"})
        self.assertEqual(out[0]["savings_percent"], round(100 * (1 - 0.0302 / float(out[0]["on_demand_hourly"]))))

    def test_az_scores_denied_leave_the_prices(self):
        self.aws.set_scenario({"deny": [{"action": "GetSpotPlacementScores"}]})
        r = self.price("--instance-type", "m7i.large", "--az")
        self.assertEqual({t["SCORE"] for t in rows(r.stdout)}, {"?"})
        self.assertEqual(rows(r.stdout)[0]["SPOT/HR"], "$0.0302")
        self.assertIn("UnauthorizedOperation", r.stderr)

    def test_placement_scores_denied_leaves_the_rest(self):
        # ec2:GetSpotPlacementScores not granted: the prices are still shown, the column says "?"
        # (JSON: null), one warning names the refusal, and the command succeeds.
        self.aws.set_scenario({"placement_scores": {"us-east-1": {"m7i.large": 9}},
                               "deny": [{"action": "GetSpotPlacementScores"}]})
        r = self.price("--instance-type", "m7i.large")
        table = rows(r.stdout)
        self.assertEqual((table[0]["SPOT/HR"], table[0]["SCORE"]), ("$0.0302", "?"))
        warnings = [line for line in r.stderr.splitlines() if line.startswith("spawn: warning: spot placement scores")]
        self.assertEqual(len(warnings), 1, r.stderr)
        self.assertIn("UnauthorizedOperation", warnings[0])
        out = json.loads(self.price("--instance-type", "m7i.large", "--output", "json").stdout)
        self.assertIsNone(out[0]["placement_score"])
        self.assertEqual(out[0]["spot_hourly"], "0.0302")

    def test_region_flag(self):
        table = rows(self.price("--instance-type", "g5.xlarge", "--region", "us-west-2").stdout)
        self.assertEqual(table[0]["REGION"], "us-west-2")
        self.assertEqual(table[0]["SPOT/HR"], "$0.3390")
        self.assertEqual(table[0]["CHEAPEST AZ"], "us-west-2b")


class CacheTest(PriceCase):
    def test_second_run_sends_no_pricing_request(self):
        first = self.price("--instance-type", "m7i.large,g5.xlarge")
        self.assertEqual(len(self.requests("GetProducts")), 2)
        path = os.path.join(self.cache_home, "spawn", "on-demand-us-east-1.json")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700)
        with open(path) as f:
            doc = json.load(f)
        self.assertEqual(doc["prices"]["m7i.large"]["usd_per_hour"], "0.1008")
        self.assertEqual(os.listdir(os.path.dirname(path)), ["on-demand-us-east-1.json"])  # no temporary left

        self.aws.reset_log()
        second = self.price("--instance-type", "m7i.large,g5.xlarge")
        self.assertEqual(self.requests("GetProducts"), [])
        self.assertEqual(second.stdout, first.stdout)
        out = json.loads(self.price("--instance-type", "m7i.large", "--output", "json").stdout)
        self.assertEqual(out[0]["on_demand_source"], "cache")
        self.assertEqual(self.requests("GetProducts"), [])

        # A type not cached yet is asked for, alone.
        self.aws.reset_log()
        self.price("--instance-type", "m7i.large,t3.micro")
        self.assertEqual([filters(q)["instanceType"][1] for q in self.requests("GetProducts")], ["t3.micro"])

    def test_week_old_prices_are_asked_again(self):
        self.price("--instance-type", "m7i.large")
        path = os.path.join(self.cache_home, "spawn", "on-demand-us-east-1.json")
        with open(path) as f:
            doc = json.load(f)
        old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=7, minutes=1)
        doc["prices"]["m7i.large"]["fetched_at"] = old.strftime("%Y-%m-%dT%H:%M:%SZ")
        with open(path, "w") as f:
            json.dump(doc, f)
        self.aws.reset_log()
        self.price("--instance-type", "m7i.large")
        self.assertEqual(len(self.requests("GetProducts")), 1)

    def test_default_cache_is_under_home(self):
        home = tempfile.mkdtemp(prefix="spawn-home-")
        self.addCleanup(shutil.rmtree, home, True)
        env = {"HOME": home, "XDG_CACHE_HOME": ""}
        self.price("--instance-type", "m7i.large", env=env)
        self.assertTrue(os.path.exists(os.path.join(home, ".cache", "spawn", "on-demand-us-east-1.json")))
        self.aws.reset_log()
        self.price("--instance-type", "m7i.large", env=env)
        self.assertEqual(self.requests("GetProducts"), [])


class DeniedPriceListTest(PriceCase):
    def test_fallback_table_marked_approximate(self):
        # The Price List API refuses; the local AWS's own (different) on-demand price must not show.
        self.aws.set_scenario({"pricing": {"deny": True}, "on_demand_prices": {"us-east-1": {"m7i.large": "0.5"}}})
        r = self.price("--instance-type", "m7i.large,g5.xlarge,m7i.xlarge")
        table = {t["TYPE"]: t for t in rows(r.stdout)}
        self.assertEqual(table["m7i.large"]["ON-DEMAND/HR"], "~$0.1008")
        self.assertEqual(table["m7i.large"]["SPOT/HR"], "$0.0302")
        self.assertEqual(table["m7i.large"]["SAVINGS"], "~70%")
        self.assertEqual(table["g5.xlarge"]["ON-DEMAND/HR"], "~$1.0060")
        self.assertIn("~ approximate: on-demand prices from spawn's built-in table of 2025-11-01", r.stdout)
        self.assertIn("AccessDeniedException", r.stdout)
        self.assertIn("pricing:GetProducts", r.stdout)
        # Denied once: not asked again for the other types.
        denied = self.requests("GetProducts")
        self.assertEqual(len(denied), 1)
        self.assertEqual(denied[0]["error_code"], "AccessDeniedException")
        # Fallback prices are not cached: once allowed, the API is asked.
        self.aws.set_scenario({})
        self.aws.reset_log()
        r = self.price("--instance-type", "m7i.large")
        self.assertEqual(rows(r.stdout)[0]["ON-DEMAND/HR"], "$0.1008")
        self.assertEqual(len(self.requests("GetProducts")), 1)

    def test_json_says_approximate(self):
        self.aws.set_scenario({"pricing": {"deny": True}})
        r = self.price("--instance-type", "m7i.large,t3.large", "--output", "json")
        out = {i["instance_type"]: i for i in json.loads(r.stdout)}
        self.assertEqual(out["m7i.large"]["on_demand_hourly"], "0.1008")
        self.assertIs(out["m7i.large"]["approximate"], True)
        self.assertEqual(out["m7i.large"]["on_demand_source"], "fallback-table")
        self.assertEqual(out["m7i.large"]["on_demand_as_of"], "2025-11-01")
        self.assertIn("approximate", r.stderr)

    def test_type_outside_the_table_is_unknown(self):
        self.aws.set_scenario({"pricing": {"deny": True}})
        table = rows(self.price("--instance-type", "t3.nano").stdout)
        self.assertEqual(table[0]["ON-DEMAND/HR"], "unknown")
        self.assertEqual(table[0]["SAVINGS"], "unknown")


class BadInputTest(PriceCase):
    def assert_one_error_line(self, r, status, mention):
        self.assertEqual(r.returncode, status, r.stderr)
        errors = [line for line in r.stderr.splitlines() if line.startswith("spawn: error:")]
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn(mention, errors[0])
        self.assertEqual(r.stdout, "")

    def test_usage_errors_exit_2_without_a_request(self):
        for args, mention in [
            ([], "--instance-type"),
            (["--instance-type", ""], "--instance-type"),
            (["--instance-type", ","], "--instance-type"),
            (["--instance-type", "m7i.large,,g5.xlarge"], "empty entry"),
            (["--instance-type", "M7I LARGE"], "M7I LARGE"),
            (["--instance-type", "m7i.large", "--regions", ""], "--regions"),
            (["--instance-type", "m7i.large", "--regions", "mars"], "mars"),
            (["--instance-type", "m7i.large", "--regions", "us-east-1", "--region", "us-west-2"], "--region"),
            (["--instance-type", "m7i.large", "--region", "mars"], "--region"),
            (["--instance-type", "m7i.large", "--count", "0"], "--count"),
            (["--instance-type", "m7i.large", "--count", "-3"], "--count"),
            (["--instance-type", "m7i.large", "--count", "many"], "--count"),
            (["--instance-type", "m7i.large", "--rank"], "--rank"),
            (["--instance-type", "m7i.large", "--regions", "us-east-1", "--rank"], "--rank"),
        ]:
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.price(*args, ok=False)
                self.assert_one_error_line(r, 2, mention)
                self.assertEqual(self.requests(), [])

    def test_unknown_type_as_ec2_says(self):
        r = self.price("--instance-type", "m7i.large,m7i.huge", ok=False)
        self.assert_one_error_line(r, 1, "m7i.huge")
        self.assertIn("InvalidInstanceType", r.stderr)
        self.assertEqual([q["action"] for q in self.requests()], ["DescribeInstanceTypes"])

    def test_unknown_region(self):
        for args in (["--regions", "us-east-1,xx-fake-9"], ["--region", "xx-fake-9"]):
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.price("--instance-type", "m7i.large", *args, ok=False)
                self.assert_one_error_line(r, 1, "unknown region 'xx-fake-9'")
                self.assertEqual([q["action"] for q in self.requests()], ["DescribeRegions"])

    def test_region_not_enabled(self):
        r = self.price("--instance-type", "m7i.large", "--regions", "ap-east-1", ok=False)
        self.assert_one_error_line(r, 1, "not enabled")


if __name__ == "__main__":
    unittest.main(verbosity=2)
