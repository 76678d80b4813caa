"""The policy the simulator rows evaluate is the one spawn writes: for the same grants,
`spawn launch --dry-run` prints, and a launch puts on the role spawn-spored in the local AWS,
exactly what spored_policy_tool (launcher::spored_policy, the source of test_spored_role_calls.py)
gives; a dry run against a role that already has a policy prints the merged one it would write.
"""
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from iam_simulator import SimulatorError, spored_policies  # noqa: E402
from spawn_test_case import SpawnTestCase  # noqa: E402
from spot_test_case import AMI  # noqa: E402

TOPIC = "arn:aws:sns:us-east-1:123456789012:spot-alerts"
OTHER_TOPIC = "arn:aws:sns:eu-west-1:123456789012:other-alerts"
SCRIPT = "ckpt-bucket/jobs/save.sh"
MARKER = "Dry run: the policy 'spored' of the IAM role spawn-spored would be:\n"


def printed_policy(stderr):
    """The JSON document that follows the dry run's policy line on stderr."""
    at = stderr.index(MARKER) + len(MARKER)
    policy, _ = json.JSONDecoder().raw_decode(stderr[at:])
    return policy


class SporedPolicyIsDataTest(SpawnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.aws.client("iam")

    def launch(self, *args):
        # An explicit agent URL: spored is installed, so spawn manages the role, and no upload is needed.
        return self.spawn_ok("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot",
                             "--agent-url", "https://downloads.example.com/spored", "--agent-sha256", "ab" * 32,
                             "--on-interruption", "checkpoint", "--checkpoint-script", f"s3://{SCRIPT}", *args)

    def iam_actions(self):
        return [r["action"] for r in self.requests() if r["service"] == "iam"]

    def builder(self, grants):
        try:
            return spored_policies([grants])[0]
        except SimulatorError as e:
            raise AssertionError(str(e)) from None

    def test_dry_run_prints_and_the_launch_writes_the_builders_policy(self):
        expected = self.builder({"sns_topics": [TOPIC], "s3_objects": [SCRIPT]})
        r = self.launch("--notify", TOPIC, "--dry-run")
        self.assertEqual(printed_policy(r.stderr), expected)
        self.assertEqual(self.iam_actions(), ["GetRole", "GetInstanceProfile"], "a dry run only reads IAM")

        self.aws.reset_log()
        self.launch("--notify", TOPIC)
        written = self.iam.get_role_policy(RoleName="spawn-spored", PolicyName="spored")["PolicyDocument"]
        self.assertEqual(written, expected)

        # The role exists now: a dry run with another topic prints what it would write, both topics.
        self.aws.reset_log()
        r = self.launch("--notify", OTHER_TOPIC, "--dry-run")
        self.assertIn("Dry run: would update the policy 'spored' of the IAM role spawn-spored", r.stderr)
        self.assertEqual(printed_policy(r.stderr), self.builder({"sns_topics": [TOPIC, OTHER_TOPIC], "s3_objects": [SCRIPT]}))
        self.assertNotIn("PutRolePolicy", self.iam_actions())

    def test_json_output_keeps_stderr_quiet(self):
        r = self.launch("--notify", TOPIC, "--dry-run", "--output", "json")
        self.assertNotIn(MARKER, r.stderr)


if __name__ == "__main__":
    unittest.main()
