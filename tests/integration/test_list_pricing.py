"""spawn list: EC2's lifecycle, the 💰 marker, spot fallback, job arrays with their split and hourly
total, $/HR from the local AWS's prices, --all-regions, and the JSON fields added for prices."""
import json
import os
import pty
import re
import shutil
import subprocess
import tempfile
import unittest

from spawn_test_case import BIN, SpawnTestCase

MANAGED = [{"Key": "spawn:managed", "Value": "true"}]


def table(stdout):
    """Rows of the instance table by id: {column: cell}; job array title lines under "titles"."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    header = lines[0]
    # Columns start where the header's names do (cells are padded by display width; 💰 is 2 wide).
    names = re.findall(r"\S+(?: \S+)*", header)
    rows, titles = {}, []
    for line in lines[1:]:
        if not line.startswith("i-"):
            titles.append(line)
            continue
        cells = re.split(r"\s{2,}", line.replace(" 💰", "💰").strip())
        if len(cells) == len(names):
            row = dict(zip(names, cells))
            row["STATE"] = row["STATE"].replace("💰", " 💰")
            rows[row["ID"]] = row
    rows["titles"] = titles
    return rows


class ListPricingCase(SpawnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ami = cls.ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]

    def setUp(self):
        super().setUp()
        self.aws.set_scenario({})
        self.cache_home = tempfile.mkdtemp(prefix="spawn-list-cache-")
        self.addCleanup(shutil.rmtree, self.cache_home, True)

    def tearDown(self):
        self.terminate_all()

    def env(self, **extra):
        env = {"XDG_CACHE_HOME": self.cache_home}
        env.update(extra)
        return env

    def list(self, *args, **env):
        r = self.spawn("list", *args, env=self.env(**env))
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def list_json(self, *args, **env):
        return {i["instance_id"]: i for i in json.loads(self.list(*args, "--output", "json", **env).stdout)}

    def launch(self, *args):
        out = self.spawn_json("launch", "--ami", self.ami, *args, env=self.env())
        return [i["instance_id"] for i in out["instances"]]

    def raw_instance(self, instance_type, az, spot, tags=(), region="us-east-1"):
        """An instance made with boto3 (not through spawn), tagged as spawn's."""
        kw = {}
        if spot:
            kw["InstanceMarketOptions"] = {"MarketType": "spot", "SpotOptions": {"SpotInstanceType": "one-time"}}
        ec2 = self.aws.ec2(region=region)
        ami = self.ami if region == "us-east-1" else ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        r = ec2.run_instances(ImageId=ami, InstanceType=instance_type, MinCount=1, MaxCount=1,
                              Placement={"AvailabilityZone": az},
                              TagSpecifications=[{"ResourceType": "instance", "Tags": MANAGED + list(tags)}], **kw)
        return r["Instances"][0]["InstanceId"]

    def on_terminal(self, *args, **env):
        """spawn list on a pseudo-terminal: what a person sees."""
        full = dict(self.aws.env())
        full.update(self.env(**env))
        pid, fd = pty.fork()
        if pid == 0:  # the child: becomes spawn, its stdout the terminal
            os.execve(os.path.join(BIN, "spawn"), [os.path.join(BIN, "spawn"), "list", *args], full)
        out = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, out)
        return out.decode().replace("\r\n", "\n")


class LifecycleAndEmojiTest(ListPricingCase):
    def test_lifecycle_is_ec2s_not_a_tag(self):
        # Tags that lie: EC2's InstanceLifecycle is the truth.
        spot = self.raw_instance("m7i.large", "us-east-1a", True, [{"Key": "spawn:spot", "Value": "false"}])
        od = self.raw_instance("m7i.large", "us-east-1a", False, [{"Key": "spawn:spot", "Value": "true"}])
        rows = table(self.list().stdout)
        self.assertEqual(rows[spot]["LIFECYCLE"], "spot")
        self.assertEqual(rows[od]["LIFECYCLE"], "on-demand")
        listed = self.list_json()
        self.assertEqual((listed[spot]["lifecycle"], listed[spot]["spot"]), ("spot", True))
        self.assertEqual((listed[od]["lifecycle"], listed[od]["spot"]), ("on-demand", False))

    def test_money_bag_on_a_utf8_terminal_only(self):
        spot = self.raw_instance("m7i.large", "us-east-1a", True)
        od = self.raw_instance("t3.micro", "us-east-1a", False)
        seen = table(self.on_terminal(LANG="C.UTF-8", LC_ALL="", NO_COLOR=""))
        self.assertEqual(seen[spot]["STATE"], "running 💰")
        self.assertEqual(seen[od]["STATE"], "running")
        for args, env in [(["--no-emoji"], {"LANG": "C.UTF-8"}),
                          ([], {"LANG": "C.UTF-8", "NO_COLOR": "1"}),
                          ([], {"LANG": "C", "LC_ALL": "C"}),
                          ([], {"LANG": "C.UTF-8", "LC_ALL": "POSIX"})]:
            with self.subTest(args=args, env=env):
                out = self.on_terminal(*args, **env)
                self.assertNotIn("💰", out)
                self.assertEqual(table(out)[spot]["STATE"], "running")
        # Not a terminal (a pipe): plain, whatever the locale.
        piped = self.list(LANG="C.UTF-8").stdout
        self.assertNotIn("💰", piped)

    def test_fallback_says_why(self):
        self.aws.set_scenario({"capacity": [{"instance_type": "c7i.large", "market": "spot", "available": 0}]})
        [fell] = self.launch("--instance-type", "c7i.large", "--spot", "--spot-fallback", "--name", "fb")
        [plain] = self.launch("--instance-type", "c7i.large", "--name", "plain")
        rows = table(self.list().stdout)
        self.assertEqual(rows[fell]["LIFECYCLE"], "on-demand (fallback: no spot capacity)")
        self.assertEqual(rows[plain]["LIFECYCLE"], "on-demand")
        listed = self.list_json()
        self.assertIs(listed[fell]["spot_fallback"], True)
        self.assertIs(listed[plain]["spot_fallback"], False)
        self.assertEqual(listed[fell]["tags"]["spawn:spot-fallback"], "true")


class HourlyPriceTest(ListPricingCase):
    def test_each_instance_pays_its_azs_price(self):
        a = self.raw_instance("m7i.large", "us-east-1a", True)
        b = self.raw_instance("m7i.large", "us-east-1b", True)
        od = self.raw_instance("g5.xlarge", "us-east-1c", False)
        c7i = self.raw_instance("c7i.large", "us-east-1c", False)
        rows = table(self.list().stdout)
        self.assertEqual(rows[a]["$/HR"], "$0.0302")
        self.assertEqual(rows[b]["$/HR"], "$0.0310")      # its own AZ, not the cheapest
        self.assertEqual(rows[od]["$/HR"], "$1.0060")
        self.assertEqual(rows[c7i]["$/HR"], "$0.08925")  # exact, not rounded
        listed = self.list_json()
        self.assertEqual(listed[a]["hourly_price"], "0.0302")
        self.assertEqual(listed[b]["hourly_price"], "0.0310")
        self.assertEqual(listed[od]["hourly_price"], "1.0060")
        self.assertIs(listed[od]["hourly_price_approximate"], False)
        # Requests: one spot history for the spot types, one GetProducts per on-demand type.
        history = self.requests("DescribeSpotPriceHistory")
        self.assertTrue(history)
        self.assertEqual({v for q in history for k, v in q["params"].items() if k.startswith("InstanceType.")},
                         {"m7i.large"})
        products = self.requests("GetProducts")
        self.assertEqual(sorted({q["params"]["Filters.1.Value"] for q in products}), ["c7i.large", "g5.xlarge"])

    def test_unknown_price_is_unknown_not_zero(self):
        spot = self.raw_instance("t3.large", "us-east-1a", True)   # no spot history for t3.large
        gone = self.raw_instance("m7i.large", "us-east-1e", True)  # no history in us-east-1e
        rows = table(self.list().stdout)
        self.assertEqual(rows[spot]["$/HR"], "unknown")
        self.assertEqual(rows[gone]["$/HR"], "unknown")
        listed = self.list_json()
        self.assertIsNone(listed[spot]["hourly_price"])
        self.assertIsNone(listed[gone]["hourly_price"])

    def test_stopped_instances_cost_no_compute(self):
        iid = self.raw_instance("m7i.large", "us-east-1a", False)
        self.ec2.stop_instances(InstanceIds=[iid])
        self.aws.reset_log()
        rows = table(self.list().stdout)
        self.assertEqual(rows[iid]["$/HR"], "-")
        self.assertIsNone(self.list_json()[iid]["hourly_price"])
        self.assertEqual(self.requests("GetProducts"), [])
        self.assertEqual(self.requests("DescribeSpotPriceHistory"), [])

    def test_no_instances_no_price_requests(self):
        self.list()
        self.assertEqual([q["action"] for q in self.requests()], ["DescribeInstances"])

    def test_cache_second_list_sends_no_pricing_request(self):
        self.raw_instance("m7i.large", "us-east-1a", False)
        self.list()
        self.assertEqual(len(self.requests("GetProducts")), 1)
        self.aws.reset_log()
        rows = table(self.list().stdout)
        self.assertEqual(self.requests("GetProducts"), [])
        self.assertEqual([r["$/HR"] for k, r in rows.items() if k != "titles"], ["$0.1008"])

    def test_denied_price_list_marks_approximate(self):
        self.aws.set_scenario({"pricing": {"deny": True}})
        od = self.raw_instance("m7i.large", "us-east-1a", False)
        spot = self.raw_instance("m7i.large", "us-east-1a", True)
        out = self.list().stdout
        rows = table(out)
        self.assertEqual(rows[od]["$/HR"], "~$0.1008")
        self.assertEqual(rows[spot]["$/HR"], "$0.0302")  # spot prices are EC2's own: exact
        self.assertIn("~ approximate: on-demand prices from spawn's built-in table of 2025-11-01", out)
        self.assertIn("AccessDeniedException", out)
        r = self.list("--output", "json")
        self.assertIn("spawn: warning: ~ approximate", r.stderr)  # stdout stays pure JSON
        listed = {i["instance_id"]: i for i in json.loads(r.stdout)}
        self.assertEqual(listed[od]["hourly_price"], "0.1008")
        self.assertIs(listed[od]["hourly_price_approximate"], True)
        self.assertIs(listed[spot]["hourly_price_approximate"], False)


class JobArrayTest(ListPricingCase):
    def test_seed_array_of_eight_g5(self):
        ids = self.launch("--instance-type", "g5.xlarge", "--count", "8", "--spot", "--job-array-name", "render")
        out = self.list().stdout
        rows = table(out)
        self.assertEqual(len(rows["titles"]), 1)
        self.assertRegex(rows["titles"][0],
                         r"^job array render \(ja-[0-9a-f]+\): 8 instances, 8 spot \+ 0 on-demand, \$2\.4144/hr in total$")
        for iid in ids:
            self.assertEqual(rows[iid]["$/HR"], "$0.3018")
            self.assertEqual(rows[iid]["LIFECYCLE"], "spot")
        # The title comes right before the array's members, which are together and in index order.
        lines = out.splitlines()
        at = lines.index(rows["titles"][0])
        self.assertEqual([re.split(r"\s+", line)[0] for line in lines[at + 1:at + 9]], ids)

    def test_mixed_array_split_and_total(self):
        solo = self.raw_instance("t3.micro", "us-east-1a", False)
        ids = self.launch("--instance-type", "m7i.large", "--count", "8", "--spot", "--spot-count", "6",
                          "--job-array-name", "mix")
        rows = table(self.list().stdout)
        # 6 x 0.0302 + 2 x 0.1008 = 0.3828
        self.assertRegex(rows["titles"][0], r"^job array mix \(ja-[0-9a-f]+\): 8 instances, 6 spot \+ 2 on-demand, "
                                            r"\$0\.3828/hr in total$")
        self.assertEqual([rows[i]["LIFECYCLE"] for i in ids], ["spot"] * 6 + ["on-demand"] * 2)
        self.assertEqual([rows[i]["$/HR"] for i in ids], ["$0.0302"] * 6 + ["$0.1008"] * 2)
        self.assertEqual(rows[solo]["$/HR"], "$0.0104")

    def test_array_total_unknown_when_a_price_is(self):
        self.launch("--instance-type", "t3.large", "--count", "2", "--spot", "--job-array-name", "nohist")
        rows = table(self.list().stdout)
        self.assertTrue(rows["titles"][0].endswith("2 spot + 0 on-demand, unknown/hr in total"), rows["titles"])


class AllRegionsTest(ListPricingCase):
    def test_every_enabled_region_at_once(self):
        east = self.raw_instance("m7i.large", "us-east-1a", True)
        west = self.raw_instance("g5.xlarge", "us-west-2b", True, region="us-west-2")
        self.addCleanup(lambda: self.aws.ec2(region="us-west-2").terminate_instances(InstanceIds=[west]))
        listed = self.list_json("--all-regions")
        self.assertEqual(listed[east]["region"], "us-east-1")
        self.assertEqual(listed[west]["region"], "us-west-2")
        self.assertEqual(listed[west]["hourly_price"], "0.3390")
        rows = table(self.list("--all-regions").stdout)
        self.assertEqual(rows[west]["AZ"], "us-west-2b")
        self.assertEqual(rows[west]["$/HR"], "$0.3390")
        self.assertNotIn(west, self.list_json())  # without --all-regions: the session's region only

        regions = self.aws.ec2().describe_regions()["Regions"]
        enabled = {r["RegionName"] for r in regions if r["OptInStatus"] != "not-opted-in"
                   and not r["RegionName"].startswith(("cn-", "us-gov-"))}
        self.aws.reset_log()
        self.list("--all-regions")
        self.assertEqual(len(self.requests("DescribeRegions")), 1)
        asked = [q["region"] for q in self.requests("DescribeInstances")]
        self.assertEqual(sorted(asked), sorted(enabled))
        self.assertEqual(sorted({q["region"] for q in self.requests("DescribeSpotPriceHistory")}),
                         ["us-east-1", "us-west-2"])

    def test_all_regions_and_region_exclude_each_other(self):
        r = self.spawn("list", "--all-regions", "--region", "us-west-2")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--region", r.stderr)
        self.assertEqual(self.requests(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
