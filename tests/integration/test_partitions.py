"""Prices in the other AWS partitions against the local AWS: AWS China's Price List API is
cn-northwest-1's and signed for it; AWS GovCloud (US) has none, so spawn asks no Price List API
at all there (never the commercial one) and says so; regions of two partitions are not priced
together. The local AWS logs each request's signing region."""
import os
import shutil
import subprocess
import tempfile
import unittest

from spawn_test_case import BIN, SpawnTestCase

AMI = "ami-12345678"
GOV_NOTE = ("the AWS Price List API is not available in AWS GovCloud (US) (partition aws-us-gov), and spawn asks no "
            "other partition's")


class PartitionCase(SpawnTestCase):
    def setUp(self):
        super().setUp()
        self.aws.set_scenario({})
        self.cache_home = tempfile.mkdtemp(prefix="spawn-partition-cache-")
        self.addCleanup(shutil.rmtree, self.cache_home, True)

    def tearDown(self):
        self.terminate_all()

    def run_spawn(self, region, *args, only_ec2=False):
        """spawn in region; only_ec2: the local AWS configured for EC2 alone (AWS_ENDPOINT_URL_EC2),
        so that any other service would resolve to its default (real) endpoint."""
        env = dict(self.aws.env(region))
        env["XDG_CACHE_HOME"] = self.cache_home
        if only_ec2:
            del env["AWS_ENDPOINT_URL"]
            env["AWS_ENDPOINT_URL_EC2"] = self.aws.endpoint
        return subprocess.run([os.path.join(BIN, "spawn"), *args], env=env, capture_output=True, text=True,
                              timeout=120)

    def pricing_requests(self):
        return [q for q in self.requests() if q["service"] == "pricing"]


class ChinaTest(PartitionCase):
    def test_price_list_of_china_signed_for_cn_northwest_1(self):
        for region in ("cn-north-1", "cn-northwest-1"):
            self.aws.reset_log()
            r = self.run_spawn(region, "price", "--instance-type", "m7i.large")
            self.assertEqual(r.returncode, 0, r.stderr)
            asked = self.pricing_requests()
            self.assertEqual(len(asked), 1, region)
            self.assertEqual(asked[0]["region"], "cn-northwest-1", f"{region}: signed for China's Price List region")
            self.assertEqual([q["region"] for q in self.requests("DescribeSpotPriceHistory")], [region])


class GovCloudTest(PartitionCase):
    def test_price_says_the_api_is_not_there_and_asks_none(self):
        r = self.run_spawn("us-gov-west-1", "price", "--debug", "--instance-type", "m7i.large",
                           only_ec2=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("On-demand prices unknown: " + GOV_NOTE, r.stdout)
        self.assertEqual(self.pricing_requests(), [])
        # --debug names every request sent: none to any Price List endpoint (commercial or not).
        self.assertIn("spawn: debug: POST " + self.aws.endpoint, r.stderr)
        self.assertNotIn("pricing", r.stderr)
        self.assertEqual([q["region"] for q in self.requests("DescribeSpotPriceHistory")], ["us-gov-west-1"])

    def test_price_of_a_named_govcloud_region(self):
        r = self.run_spawn("us-gov-west-1", "price", "--instance-type", "m7i.large", "--region", "us-gov-east-1",
                           only_ec2=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(GOV_NOTE, r.stdout)
        self.assertEqual(self.pricing_requests(), [])
        # DescribeRegions from the partition's own anchor region.
        self.assertEqual([q["region"] for q in self.requests("DescribeRegions")], ["us-gov-west-1"])

    def test_launch_says_so_and_launches(self):
        r = self.run_spawn("us-gov-west-1", "launch", "--ami", AMI, "--instance-type", "m7i.large", "--spot",
                           only_ec2=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "Spot savings: unknown (spot price unknown vs on-demand price unknown)")
        self.assertEqual(lines[1], "On-demand prices unknown: " + GOV_NOTE)
        self.assertTrue(lines[2].startswith("Launched 1 instance"), r.stdout)
        self.assertEqual(self.pricing_requests(), [])
        self.assertEqual([q["region"] for q in self.requests("RunInstances")], ["us-gov-west-1"])

    def test_a_configured_pricing_endpoint_still_wins(self):
        # AWS_ENDPOINT_URL (the local AWS for every service): the configuration wins over the
        # table, and the request is signed for the region worked in.
        r = self.run_spawn("us-gov-west-1", "price", "--instance-type", "m7i.large")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(GOV_NOTE, r.stdout)
        self.assertEqual([q["region"] for q in self.pricing_requests()], ["us-gov-west-1"])


class MixedPartitionsTest(PartitionCase):
    def test_regions_of_two_partitions_are_a_usage_error(self):
        r = self.run_spawn("us-east-1", "price", "--instance-type", "m7i.large", "--regions", "us-east-1,cn-north-1")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("us-east-1 (aws) and cn-north-1 (aws-cn) are in different AWS partitions", r.stderr)
        self.assertEqual(self.requests(), [])


if __name__ == "__main__":
    unittest.main()
