"""Cross-check: spawn's partition table (aws/config/partitions) against the botocore on the machine.

build/bin/partition_tool prints the table and what spawn resolves for a list of regions; botocore
answers the same from its own data: partitions.json (which partition a region is in, its DNS
suffix), endpoints.json (IAM's partition endpoint and signing region, the regions the Price List
API is listed in) and each service's endpoint rule set (the URL and signing region an SDK uses).
When botocore learns a partition or changes an endpoint, this test names what the table lacks.
Skipped when botocore is not installed.
"""
import json
import os
import re
import subprocess
import unittest

try:
    from botocore.endpoint_provider import EndpointProvider, RuleSetStandardLibrary
    from botocore.loaders import create_loader
except ImportError:  # pragma: no cover - the skip below says why
    EndpointProvider = None

BIN = os.environ.get("SPAWN_BIN_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))
TOOL = os.path.join(BIN, "partition_tool")

# Region names no partition lists, to compare the patterns on: new regions of each partition,
# and names that fit none (botocore then takes the aws partition).
SYNTHETIC = ["us-gov-north-7", "cn-south-3", "us-iso-north-9", "us-isob-west-4", "us-isof-north-2",
             "eu-isoe-south-5", "eusc-de-west-2", "eusc-fr-east-1", "mx-east-9", "xx-mars-1", "us-east-x",
             "uS-east-1", "us_east-1", "cn-north", "us-gov-1"]
# Services spawn calls by their endpoint prefix, with the model name of their rule set.
REGIONAL = {"EC2": "ec2", "SSM": "ssm", "SNS": "sns", "STS": "sts", "S3": "s3"}


def resolve(provider, region):
    """(url, signing region) of a rule set for a region, as an SDK client of that region would."""
    endpoint = provider.resolve_endpoint(Region=region, UseFIPS=False, UseDualStack=False)
    schemes = endpoint.properties.get("authSchemes") or [{}]
    return endpoint.url, schemes[0].get("signingRegion", region)


@unittest.skipIf(EndpointProvider is None, "botocore is not installed")
class PartitionsAgainstBotocore(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(TOOL, os.X_OK):
            raise unittest.SkipTest(f"{TOOL} is not built (set SPAWN_BIN_DIR)")
        loader = create_loader()
        cls.partitions = loader.load_data("partitions")
        cls.endpoints = loader.load_data("endpoints")
        cls.library = RuleSetStandardLibrary(cls.partitions)
        cls.providers = {name: EndpointProvider(loader.load_service_model(name, "endpoint-rule-set-1"), cls.partitions)
                         for name in ["iam", "pricing", *REGIONAL.values()]}
        cls.listed = sorted(r for p in cls.partitions["partitions"] for r in p["regions"]
                            if not r.endswith("-global"))
        out = subprocess.run([TOOL, *cls.listed, *SYNTHETIC], capture_output=True, text=True, check=True).stdout
        cls.spawn = json.loads(out)
        cls.table = {p["id"]: p for p in cls.spawn["partitions"]}

    def legacy(self, partition_id):
        return next(p for p in self.endpoints["partitions"] if p["partition"] == partition_id)

    def test_every_botocore_partition_is_in_the_table(self):
        ids = [p["id"] for p in self.partitions["partitions"]]
        self.assertEqual(sorted(self.table), sorted(ids))

    def test_dns_suffix_and_region_pattern(self):
        for p in self.partitions["partitions"]:
            ours = self.table[p["id"]]
            self.assertEqual(ours["dns_suffix"], p["outputs"]["dnsSuffix"], p["id"])
            # botocore writes a single alternative in a group (^eusc\-(de)\-...); the same pattern.
            theirs = re.sub(r"\((\w+)\)", r"\1", p["regionRegex"])
            self.assertEqual(ours["region_regex"], theirs, p["id"])

    def test_regions_land_in_botocores_partition(self):
        for region in self.listed + SYNTHETIC:
            self.assertEqual(self.spawn["regions"][region]["partition"], self.library.aws_partition(region)["name"],
                             region)

    def test_regional_endpoints_as_the_rule_sets_resolve_them(self):
        for region in self.listed:
            ours = self.spawn["regions"][region]
            for service_id, model in REGIONAL.items():
                url, signing = resolve(self.providers[model], region)
                self.assertEqual(ours["endpoints"][service_id], url, f"{service_id} in {region}")
                self.assertEqual(ours["signing_regions"][service_id], signing, f"{service_id} in {region}")

    def test_iam_endpoint_and_signing_region(self):
        for region in self.listed:
            url, signing = resolve(self.providers["iam"], region)
            ours = self.spawn["regions"][region]
            self.assertEqual(ours["endpoints"]["IAM"], url, region)
            self.assertEqual(ours["signing_regions"]["IAM"], signing, region)
        # endpoints.json says the same of the partitions that list IAM's partition endpoint.
        for p in self.endpoints["partitions"]:
            iam = p["services"].get("iam")
            if not iam or "partitionEndpoint" not in iam:
                continue
            endpoint = iam["endpoints"][iam["partitionEndpoint"]]
            self.assertEqual(self.table[p["partition"]]["iam_host"], endpoint["hostname"], p["partition"])
            self.assertEqual(self.table[p["partition"]]["iam_region"], endpoint["credentialScope"]["region"],
                             p["partition"])

    def test_price_list_api_where_botocore_lists_it(self):
        for p in self.partitions["partitions"]:
            ours = self.table[p["id"]]
            listed = sorted((self.legacy(p["id"])["services"].get("api.pricing") or {}).get("endpoints", {}))
            if not listed:
                self.assertEqual(ours["price_list_region"], "", f"{p['id']} lists no Price List API")
                continue
            self.assertIn(ours["price_list_region"], listed, p["id"])
            url, signing = resolve(self.providers["pricing"], ours["price_list_region"])
            for region in self.listed:
                if self.spawn["regions"][region]["partition"] != p["id"]:
                    continue
                got = self.spawn["regions"][region]
                self.assertEqual(got["price_list"], {"url": url, "signing_region": signing}, region)
                self.assertEqual(got["endpoints"]["Pricing"], url, region)
                self.assertEqual(got["signing_regions"]["Pricing"], signing, region)

    def test_what_spawn_has_always_used_and_the_partitions_of_issue_14(self):
        """Literal values, so that a botocore change cannot move them unnoticed."""
        r = self.spawn["regions"]
        self.assertEqual(r["eu-west-1"]["price_list"],
                         {"url": "https://api.pricing.us-east-1.amazonaws.com", "signing_region": "us-east-1"})
        self.assertEqual(r["cn-north-1"]["price_list"], {"url": "https://api.pricing.cn-northwest-1.amazonaws.com.cn",
                                                         "signing_region": "cn-northwest-1"})
        self.assertIsNone(r["us-gov-west-1"]["price_list"])
        self.assertIsNone(r["us-gov-east-1"]["price_list"])
        self.assertEqual(r["us-gov-east-1"]["endpoints"]["IAM"], "https://iam.us-gov.amazonaws.com")
        self.assertEqual(r["us-gov-east-1"]["signing_regions"]["IAM"], "us-gov-west-1")
        self.assertEqual(r["cn-northwest-1"]["endpoints"]["IAM"], "https://iam.cn-north-1.amazonaws.com.cn")
        self.assertEqual(r["cn-northwest-1"]["endpoints"]["EC2"], "https://ec2.cn-northwest-1.amazonaws.com.cn")


if __name__ == "__main__":
    unittest.main()
