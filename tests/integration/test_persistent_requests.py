"""Persistent spot requests (--on-interruption hibernate) never bring a terminated instance back
(issue 14, item 1). EC2 fulfils a persistent request again with a new instance whenever its
instance is terminated; the local AWS plays that (tests/fakes/local_aws_ec2_state.py). So every
termination spawn makes cancels the request first, the request ends at the TTL (ValidUntil), and
names its instance (spawn:instance-arn) so that spored's role may cancel that one request only.
"""
import time
import unittest

from spot_test_case import AMI, SpotTestCase

HIBERNATE = ("launch", "--instance-type", "m7i.large", "--spot", "--on-interruption", "hibernate")  # the default AMI: hibernation reads its root


class PersistentRequestTest(SpotTestCase):
    def spot_requests(self, **filters):
        flt = [{"Name": k, "Values": [v]} for k, v in filters.items()]
        return self.ec2.describe_spot_instance_requests(Filters=flt)["SpotInstanceRequests"]

    def tearDown(self):
        self.aws.set_scenario({})
        open_ones = [r["SpotInstanceRequestId"] for r in self.spot_requests()
                     if r["State"] in ("open", "active", "disabled")]
        if open_ones:
            self.ec2.cancel_spot_instance_requests(SpotInstanceRequestIds=open_ones)
        super().tearDown()

    def request_of(self, instance_id):
        return self.spot_requests(**{"instance-id": instance_id})[0]

    def test_the_local_aws_relaunches_a_persistent_request_terminated_without_cancelling(self):
        # What happened before the fix, shown on the fake itself: a plain TerminateInstances.
        out = self.spawn_json(*HIBERNATE)
        first = out["instances"][0]["instance_id"]
        self.ec2.terminate_instances(InstanceIds=[first])
        live = self.live()
        self.assertEqual(len(live), 1, "EC2 launched a new instance for the persistent request")
        self.assertNotEqual(live[0]["InstanceId"], first)

    def test_the_request_ends_at_the_ttl_and_names_its_instance(self):
        out = self.spawn_json(*HIBERNATE, "--ttl", "2h")
        instance_id = out["instances"][0]["instance_id"]
        p = self.params("RunInstances")
        deadline = self.tags(self.live()[0])["spawn:ttl-deadline"]
        self.assertEqual(p["InstanceMarketOptions.SpotOptions.ValidUntil"], deadline)
        specs = {p[k]: k.rsplit(".", 1)[0] for k in p if k.endswith(".ResourceType")}
        self.assertIn("spot-instances-request", specs, "the request is tagged at launch (the sweep finds it)")
        request = self.request_of(instance_id)
        tags = {t["Key"]: t["Value"] for t in request.get("Tags", [])}
        self.assertEqual(tags["spawn:launch-id"], self.tags(self.live()[0])["spawn:launch-id"])
        self.assertEqual(tags["spawn:instance-arn"], f"arn:aws:ec2:us-east-1:123456789012:instance/{instance_id}")
        self.assertEqual(request["Type"], "persistent")
        self.assertNotIn("InstanceInitiatedShutdownBehavior", p, "a hibernating instance is meant to stop")

    def test_terminate_cancels_the_persistent_request_first_and_nothing_comes_back(self):
        out = self.spawn_json(*HIBERNATE)
        instance_id = out["instances"][0]["instance_id"]
        self.aws.reset_log()
        self.spawn_ok("terminate", instance_id)
        order = [r["action"] for r in self.requests() if r["action"] in ("CancelSpotInstanceRequests", "TerminateInstances")]
        self.assertEqual(order, ["CancelSpotInstanceRequests", "TerminateInstances"])
        self.assertEqual(self.live(), [], "no instance came back")
        self.assertEqual(self.request_of(instance_id)["State"], "cancelled")

    def test_terminate_of_a_one_time_spot_instance_cancels_nothing(self):
        out = self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot")
        self.aws.reset_log()
        self.spawn_ok("terminate", out["instances"][0]["instance_id"])
        self.assertEqual(len(self.requests("DescribeSpotInstanceRequests")), 1, "the request's type is read")
        self.assertEqual(self.requests("CancelSpotInstanceRequests"), [], "only persistent requests are cancelled")
        self.assertEqual(self.live(), [])

    def test_terminate_goes_ahead_when_the_cancel_is_refused_and_says_what_is_left(self):
        out = self.spawn_json(*HIBERNATE)
        instance_id = out["instances"][0]["instance_id"]
        request_id = self.request_of(instance_id)["SpotInstanceRequestId"]
        self.aws.set_scenario({"deny": [{"action": "CancelSpotInstanceRequests"}]})
        r = self.spawn("terminate", instance_id)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(len(self.requests("TerminateInstances")), 1, "terminated whatever the cancel did")
        self.assertIn("UnauthorizedOperation", r.stderr)
        self.assertIn(f"aws ec2 cancel-spot-instance-requests --region us-east-1 --spot-instance-request-ids {request_id}", r.stderr)
        self.assertIn(f"{instance_id}  running -> shutting-down", r.stdout)

    def test_a_rolled_back_array_leaves_no_request_that_could_launch(self):
        # The members' tags are refused: the launch rolls back, cancelling the requests first.
        before = {x["SpotInstanceRequestId"] for x in self.spot_requests()}
        self.aws.set_scenario({"deny": [{"action": "CreateTags"}]})
        r = self.spawn(*HIBERNATE, "--count", "2", "--job-array-name", "hib")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("cancelled the spot request(s)", r.stderr)
        made = [x for x in self.spot_requests() if x["SpotInstanceRequestId"] not in before]
        self.assertEqual(len(made), 2)
        self.assertEqual({x["State"] for x in made}, {"cancelled"})
        order = [x["action"] for x in self.requests() if x["action"] in ("CancelSpotInstanceRequests", "TerminateInstances")]
        self.assertEqual(order, ["CancelSpotInstanceRequests", "TerminateInstances"])
        self.assertEqual(self.live(), [])

    def test_the_sweep_after_an_unanswered_launch_cancels_and_terminates(self):
        # Every send of the launch loses its reply: the call, then 3 resends (one attempt each here).
        before = {x["SpotInstanceRequestId"] for x in self.spot_requests()}
        self.aws.set_scenario({"lose_reply": [{"action": "RunInstances", "times": 4}]})
        r = self.spawn(*HIBERNATE, env={"AWS_MAX_ATTEMPTS": "1"})
        self.assertEqual(r.returncode, 1, r.stderr)
        runs = self.requests("RunInstances")
        self.assertEqual(len(runs), 4)
        self.assertEqual(len({x["params"]["ClientToken"] for x in runs}), 1, "one ClientToken for every send")
        self.assertEqual(self.live(), [], "nothing left running")
        made = [x for x in self.spot_requests() if x["SpotInstanceRequestId"] not in before]
        self.assertEqual([x["State"] for x in made], ["cancelled"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
