"""spawn terminate against the local AWS."""
import unittest

from spawn_test_case import SpawnTestCase


class TerminateTest(SpawnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ami = cls.ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]

    def tearDown(self):
        self.terminate_all()

    def launch(self, *args):
        return self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami, *args)

    def test_by_id(self):
        iid = self.launch()["instances"][0]["instance_id"]
        out = self.spawn_json("terminate", iid)
        self.assertEqual(out["terminated"][0]["instance_id"], iid)
        self.assertEqual(self.live_instances(), [])

    def test_by_name(self):
        self.launch("--name", "keep")
        gone = self.launch("--name", "drop")["instances"][0]["instance_id"]
        self.spawn_ok("terminate", "--name", "drop")
        live = self.live_instances()
        self.assertEqual(len(live), 1)
        self.assertNotEqual(live[0]["InstanceId"], gone)

    def test_all_regions(self):
        east = self.launch("--count", "2", "--job-array-name", "everywhere")["instances"]
        west = self.spawn_json("launch", "--region", "us-west-2", "--instance-type", "t3.micro", "--count", "1",
                               "--job-array-name", "everywhere")["instances"]
        self.addCleanup(lambda: self.aws.ec2(region="us-west-2").terminate_instances(
            InstanceIds=[i["instance_id"] for i in west]))
        keep = self.launch("--name", "keep")["instances"][0]["instance_id"]
        out = self.spawn_json("terminate", "--job-array-name", "everywhere", "--all-regions", "--yes")
        gone = {(t["instance_id"], t["region"]) for t in out["terminated"]}
        self.assertEqual(gone, {(i["instance_id"], "us-east-1") for i in east} | {(west[0]["instance_id"], "us-west-2")})
        west_state = self.aws.ec2(region="us-west-2").describe_instances(InstanceIds=[west[0]["instance_id"]])
        self.assertIn(west_state["Reservations"][0]["Instances"][0]["State"]["Name"], ("shutting-down", "terminated"))
        self.assertEqual([i["InstanceId"] for i in self.live_instances()], [keep])
        for args, says in ((["i-0123456789abcdef0", "--all-regions"], "--all-regions: give --name"),
                           (["--name", "x", "--all-regions", "--region", "us-west-2"], "--region")):
            self.aws.reset_log()
            r = self.spawn("terminate", *args)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(says, r.stderr)
            self.assertEqual(self.requests(), [])
        r = self.spawn("terminate", "--name", "nowhere", "--all-regions", "--yes")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no live spawn instance matches --name nowhere in any region", r.stderr)

    def test_job_array_needs_confirmation(self):
        self.launch("--count", "3", "--job-array-name", "arr")
        r = self.spawn("terminate", "--job-array-name", "arr")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--yes", r.stderr)
        self.assertEqual(self.requests("TerminateInstances"), [])
        self.assertEqual(len(self.live_instances()), 3)
        self.spawn_ok("terminate", "--job-array-name", "arr", "--yes")
        self.assertEqual(self.live_instances(), [])
        self.assertEqual(len(self.requests("TerminateInstances")), 1)

    def test_refuses_instances_spawn_did_not_launch(self):
        other = self.ec2.run_instances(ImageId=self.ami, InstanceType="t3.micro", MinCount=1, MaxCount=1)
        iid = other["Instances"][0]["InstanceId"]
        r = self.spawn("terminate", iid)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not a live instance launched by spawn", r.stderr)
        self.assertEqual(self.requests("TerminateInstances"), [])

    def test_unknown_name(self):
        r = self.spawn("terminate", "--name", "nothing-here")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no live spawn instance", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
