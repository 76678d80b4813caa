"""spawn cost against the local AWS, to the cent on seeded prices: an on-demand instance launched
ten hours ago at the Price List API's $0.1008/hr, and a spot array member launched three hours
ago in a pool whose price moved from $0.03 to $0.05 two hours ago (DescribeSpotPriceHistory);
totals per array and overall; --since; bad selections refused before any request."""
import datetime
import shutil
import tempfile
import unittest

from spawn_test_case import SpawnTestCase


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class CostTest(SpawnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ami = cls.ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]

    def setUp(self):
        super().setUp()
        self.cache = tempfile.mkdtemp(prefix="spawn-cost-cache-")
        self.addCleanup(shutil.rmtree, self.cache, True)

    def tearDown(self):
        self.aws.set_scenario({})
        self.terminate_all()

    def env(self):
        return {"XDG_CACHE_HOME": self.cache}

    def test_cost_so_far_to_the_cent(self):
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        od = self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", self.ami, "--name", "build", env=self.env())
        od_id = od["instances"][0]["instance_id"]
        self.aws.set_instance_launch_time(od_id, iso(now - datetime.timedelta(hours=10)))
        spot = self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", self.ami, "--spot", "--no-agent",
                               "--count", "2", "--job-array-name", "sim", env=self.env())
        ids = [i["instance_id"] for i in spot["instances"]]
        zones = {i["InstanceId"]: i["Placement"]["AvailabilityZone"] for r in
                 self.ec2.describe_instances(InstanceIds=ids)["Reservations"] for i in r["Instances"]}
        history = {}
        for instance_id in ids:
            self.aws.set_instance_launch_time(instance_id, iso(now - datetime.timedelta(hours=3)))
            history[zones[instance_id]] = [[iso(now - datetime.timedelta(hours=5)), "0.03"],
                                           [iso(now - datetime.timedelta(hours=2)), "0.05"]]
        self.aws.set_scenario({"spot_price_history": {"m7i.large": history}})
        self.ec2.terminate_instances(InstanceIds=[ids[1]])  # ended by the user: its end time is EC2's

        out = self.spawn_json("cost", env=self.env())
        by_id = {i["instance_id"]: i for i in out["instances"]}
        self.assertEqual(by_id[od_id]["cost"], "1.01")       # 10 h x $0.1008
        self.assertEqual(by_id[od_id]["hourly_price"], "0.1008")
        self.assertEqual(by_id[ids[0]]["cost"], "0.13")      # 1 h x $0.03 + 2 h x $0.05
        self.assertEqual(by_id[ids[0]]["hourly_price"], "0.0500")
        self.assertFalse(by_id[ids[0]]["approximate"])
        self.assertEqual(by_id[ids[1]]["state"], "terminated")
        self.assertEqual(by_id[ids[1]]["hourly_price"], "0.0000")
        self.assertEqual(by_id[ids[1]]["cost"], "0.13")       # ended just now
        self.assertEqual(out["arrays"], [{"job_array_id": spot["job_array_id"], "job_array_name": "sim", "cost": "0.26",
                                          "hourly_price": "0.0500", "approximate": False}])
        self.assertEqual(out["total"]["cost"], "1.27")
        self.assertEqual(out["total"]["hourly_price"], "0.1508")

        since = self.spawn_json("cost", "--job-array-name", "sim", "--since", "1h", env=self.env())
        self.assertEqual(since["total"]["cost"], "0.10")      # the last hour at $0.05, two members

        text = self.spawn_ok("cost", "--name", "build", env=self.env()).stdout
        self.assertRegex(text, rf"{od_id} +build +m7i.large +on-demand +running +10.00 +\$0.1008 +\$1.01")
        self.assertIn("Total: $1.01 so far, $0.1008/hr now (compute only", text)

    def test_bad_selections(self):
        for args, says in ((["i-12"], "expected instance ids"), (["--since", "yesterday"], "--since"),
                           (["--name", "a", "--job-array-name", "b"], "at most one")):
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.spawn("cost", *args, env=self.env())
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(says, r.stderr)
                self.assertEqual(self.requests(), [])
        r = self.spawn("cost", "--job-array-name", "nothing", env=self.env())
        self.assertEqual(r.returncode, 1)
        self.assertIn("no spawn instance matches --job-array-name nothing", r.stderr)


if __name__ == "__main__":
    unittest.main()
