"""`spawn launch --spot --regions a,b,c` (issue 10): the launch goes to the region the ranking puts
first (EC2's placement score, then the spot price), says which and why before launching, and falls
through to the next region on a capacity error, leaving nothing in the region that had none. Bad
input is exit 2 with no request. Each test asserts the requests that reached the local AWS and the
instances EC2 lists in each region."""
import unittest

from spawn_test_case import SpawnTestCase

BASE = ["launch", "--instance-type", "m7i.large", "--spot", "--no-agent", "--count", "2", "--job-array-name", "far"]


class LaunchRegionsTest(SpawnTestCase):
    def setUp(self):
        super().setUp()
        self.aws.set_scenario({"placement_scores": {"us-east-1": {"m7i.large": 3}, "us-west-2": {"m7i.large": 9}}})
        self.addCleanup(self.terminate_everywhere)

    def terminate_everywhere(self):
        self.aws.set_scenario({})
        for region in ("us-east-1", "us-west-2", "eu-west-1"):
            ec2 = self.aws.ec2(region)
            ids = [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
                   if i["State"]["Name"] != "terminated"]
            if ids:
                ec2.terminate_instances(InstanceIds=ids)

    def live_in(self, region):
        ec2 = self.aws.ec2(region)
        flt = [{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}]
        return [i for r in ec2.describe_instances(Filters=flt)["Reservations"] for i in r["Instances"]]

    def launches(self):
        return [(q["region"], q["action"]) for q in self.requests() if q["action"] in ("RunInstances", "CreateFleet")]

    def test_the_region_ranked_first_is_used_and_the_choice_is_said(self):
        r = self.spawn_ok(*BASE, "--regions", "us-east-1,us-west-2")
        self.assertIn("spawn: launching in us-west-2: us-west-2 m7i.large first: the only high placement score (9/10)",
                      r.stderr)
        self.assertIn("then us-east-1 if it has no spot capacity", r.stderr)
        self.assertEqual(len(self.live_in("us-west-2")), 2)
        self.assertEqual(self.live_in("us-east-1"), [])
        self.assertEqual(self.launches(), [("us-west-2", "RunInstances")])
        scores = self.requests("GetSpotPlacementScores")
        self.assertEqual(scores[0]["params"]["TargetCapacity"], "2", "scored for the count launched")

    def test_a_region_without_spot_capacity_is_followed_by_the_next(self):
        self.aws.set_scenario({"placement_scores": {"us-east-1": {"m7i.large": 3}, "us-west-2": {"m7i.large": 9}},
                               "capacity": [{"instance_type": "m7i.large", "market": "spot", "region": "us-west-2",
                                             "available": 0}]})
        r = self.spawn_ok(*BASE, "--regions", "us-east-1,us-west-2", "--output", "json")
        self.assertIn("spawn: no spot capacity in us-west-2 (InsufficientInstanceCapacity); trying us-east-1", r.stderr)
        self.assertEqual(self.live_in("us-west-2"), [], "nothing left where there was no capacity")
        self.assertEqual(len(self.live_in("us-east-1")), 2)
        self.assertEqual(self.launches(), [("us-west-2", "RunInstances"), ("us-east-1", "RunInstances")])

    def test_no_capacity_anywhere_is_the_last_regions_error(self):
        self.aws.set_scenario({"capacity": [{"instance_type": "m7i.large", "market": "spot", "available": 0}]})
        r = self.spawn(*BASE, "--regions", "us-east-1,us-west-2")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(sum(1 for line in r.stderr.splitlines() if line.startswith("spawn: no spot capacity in")), 1)
        self.assertEqual(len(self.launches()), 2, "each region once")
        self.assertEqual(self.live_in("us-east-1") + self.live_in("us-west-2"), [])

    def test_bad_regions_are_usage_errors_with_no_request(self):
        cases = [
            (["--regions", "us-east-1,,us-west-2"], [], "an empty region name"),
            (["--regions", "nowhere"], [], "'nowhere' is not a region name"),
            (["--regions", "auto,us-east-1"], [], "'auto' (every enabled region) stands alone"),
            (["--regions", "us-east-1,cn-north-1"], [], "different AWS partitions"),
            (["--regions", "us-east-1", "--region", "us-west-2"], [], "--regions: not with --region"),
            (["--regions", "us-east-1", "--ami", "ami-12345678"], [], "not with --ami"),
            (["--regions", "us-east-1", "--subnet-id", "subnet-0abc1234"], [], "not with --subnet-id"),
        ]
        for extra, _, message in cases:
            with self.subTest(args=extra):
                self.aws.reset_log()
                r = self.spawn(*BASE, *extra)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(message, r.stderr)
                self.assertEqual(self.requests(), [])
        self.aws.reset_log()
        r = self.spawn("launch", "--instance-type", "m7i.large", "--no-agent", "--regions", "us-east-1,us-west-2")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--regions: needs --spot", r.stderr)
        self.assertEqual(self.requests(), [])

    def test_an_unknown_region_is_one_clear_error_and_launches_nothing(self):
        r = self.spawn(*BASE, "--regions", "us-east-1,xx-nowhere-9")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertTrue(r.stderr.startswith("spawn: error: unknown region 'xx-nowhere-9'"), r.stderr)
        self.assertEqual(self.launches(), [])


if __name__ == "__main__":
    unittest.main()
