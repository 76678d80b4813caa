"""EC2's rate limits and the model check during `spawn launch`, each proven from the local AWS's
state and request log (helpers: aws_faults_case.py).

Every launch runs under EC2's documented rate limits (the scenario's rate_limits: request token
buckets per action, resource tokens for RunInstances and TerminateInstances, on the real clock;
tests/fakes/README.md). Two tests shrink a bucket so that the limits bite with a small array: the
index tags of a fleet's members beyond the CreateTags bucket, and a launch larger than the
RunInstances resource bucket can ever admit. An array beyond EC2's burst of 1,000 instances is
launched in calls of 1,000, paced by the bucket's refill, with nothing refused. And a request the
local AWS's model check refuses (a misspelled parameter, put there by a proxy) fails at once with
one line naming it.
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from aws_faults_case import AMI, AwsFaultsCase, MisspellingProxy  # noqa: E402


class AwsRateLimitsTest(AwsFaultsCase):
    def test_job_array_tags_beyond_the_create_tags_bucket(self):
        # A fleet's members are tagged one by one (its pools each number from 0). CreateTags bucket
        # shrunk to 3 tokens and 3 a second (EC2: 100 and 10): the 8 index tags meet an empty
        # bucket, are refused with EC2's 503, wait, and all land; nothing rolled back.
        r = self.launch({"rate_limits": {"request": {"CreateTags": [3, 3]}}}, "--instance-types",
                        "m7i.large,m6i.large", "--count", "8", "--job-array-name", "limited")
        out = self.report(r)
        self.assert_exactly(out, 8, lifecycles=["on-demand"] * 8)
        limited = [c for c in self.log if c["throttled_by"] == "request:CreateTags"]
        self.assertTrue(limited, "the bucket never ran dry")
        for call in limited:
            self.assertEqual((call["status"], call["error_code"]), (503, "RequestLimitExceeded"))
        tagged = {c["params"]["ResourceId.1"] for c in self.calls("CreateTags") if c["status"] == 200}
        self.assertEqual(tagged, {i["instance_id"] for i in out["instances"]}, "every member tagged once it got through")
        self.assertEqual(self.calls("TerminateInstances"), [], "nothing rolled back")

    def test_launch_larger_than_the_resource_bucket_leaves_nothing(self):
        # RunInstances resource bucket shrunk to 6 instances that never refill: no launch of 8 can be
        # admitted (EC2's 1000 a burst makes the same of an array of 5,000 in one call). spawn gives up
        # with EC2's error and leaves nothing running.
        r = self.launch({"rate_limits": {"resource": {"RunInstances": [6, 0]}}}, "--instance-type", "m7i.large",
                        "--count", "8")
        error = self.assert_nothing_left(r)
        self.assertIn("RequestLimitExceeded", error)
        refused = [c for c in self.calls("RunInstances") if c["throttled_by"] == "resource:RunInstances"]
        self.assertTrue(refused, [c["throttled_by"] for c in self.calls("RunInstances")])

    @unittest.skipIf(os.environ.get("SPAWN_SANITIZED") == "1",
                     "the local AWS's 1,001 launches take most of a minute of CI; the plain run proves the pacing "
                     "and the unit tests (LaunchPacing, TerminateInBatches) run under the sanitizers")
    def test_array_beyond_the_burst_launches_in_calls_of_1000_after_the_refill(self):
        # EC2 admits one RunInstances for at most 1,000 instances (its resource bucket), then 2 a
        # second: 1,001 members are two calls, the second after the refill it needs (a couple of
        # seconds for 1), refused never; every member indexed by its call's base, no CreateTags.
        r = self.launch({}, "--instance-type", "c7i.large", "--count", "1001", "--job-array-name", "big")
        out = self.report(r)
        run = self.calls("RunInstances")
        self.assertEqual([(c["params"]["MinCount"], c["params"]["MaxCount"], c["status"]) for c in run],
                         [("1000", "1000", 200), ("1", "1", 200)])
        self.assertEqual([c for c in self.log if c.get("throttled_by")], [], "paced: nothing refused")
        self.assertEqual(len({c["params"]["ClientToken"] for c in run}), 2, "a token per call")
        self.assertEqual(self.calls("CreateTags"), [])
        self.assertIn("launching 1 more in 2 s (1000 of 1001 launched)", r.stderr)
        live = self.live()
        self.assertEqual(sorted(self.member_index(i) for i in live), list(range(1001)))
        self.assertEqual(sorted(self.tags(i)["spawn:job-array-index-base"] for i in live)[-1], "1000")
        self.assertEqual([i["job_array_index"] for i in out["instances"]], list(range(1001)))

    def test_a_request_the_model_refuses_fails_at_once_naming_the_parameter(self):
        # A misspelled parameter (what a slip in a request builder would send): the local AWS's
        # model check answers EC2's 400 UnknownParameter; spawn does not retry it, prints one error
        # line naming the parameter, and launches nothing.
        self.aws.reset_log()
        with MisspellingProxy(self.aws.endpoint, b"&InstanceType=", b"&InstanceTyp=") as proxy, \
                self.aws.expect_refusals() as refused:
            started = time.monotonic()
            r = self.spawn("launch", "--ami", AMI, "--instance-type", "m7i.large", env={"AWS_ENDPOINT_URL": proxy.endpoint})
            elapsed = time.monotonic() - started
        self.assertEqual(r.returncode, 1, r.stderr)
        errors = [line for line in r.stderr.splitlines() if line.startswith("spawn: error: ")]
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn("The parameter InstanceTyp is not recognized (UnknownParameter, request ", errors[0])
        self.assertEqual([(c["status"], c["error_code"]) for c in self.requests("RunInstances")],
                         [(400, "UnknownParameter")], "a 400 is not retried")
        self.assertEqual([e["model_error"]["parameter"] for e in refused], ["InstanceTyp"])
        self.assertLess(elapsed, 30, "no retry storm, no hang")
        self.assertEqual(self.live(), [])

    # --- EC2 Fleet route ------------------------------------------------------------------------

if __name__ == "__main__":
    unittest.main(verbosity=2)
