"""The policy the simulator rows evaluate is the one spawn writes: for the same grants,
`spawn launch --dry-run` prints, and a launch puts on its own role spawn-spored-<launch id> in
the local AWS, exactly what spored_policy_tool (launcher::spored_policy, the source of
test_spored_role_calls.py) gives; a second launch gets a role of its own and leaves the first
one's policy as it was.
"""
import json
import os
import re
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
MARKER = re.compile(r"Dry run: the policy 'spored' of the IAM role spawn-spored-([0-9a-f-]+) would be:\n")


def printed_policy(stderr):
    """The launch id and the JSON document that follows the dry run's policy line on stderr."""
    m = MARKER.search(stderr)
    assert m, stderr
    policy, _ = json.JSONDecoder().raw_decode(stderr[m.end():])
    return m.group(1), policy


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

    def launch_roles(self):
        return {r["RoleName"]: r for r in self.iam.list_roles(PathPrefix="/spawn/")["Roles"]}

    def test_dry_run_prints_and_the_launch_writes_the_builders_policy(self):
        r = self.launch("--notify", TOPIC, "--dry-run")
        launch_id, printed = printed_policy(r.stderr)
        self.assertEqual(printed, self.builder({"launch_id": launch_id, "sns_topics": [TOPIC], "s3_objects": [SCRIPT]}))
        self.assertEqual(self.iam_actions(), [], "a dry run sends nothing to IAM")
        self.assertEqual(self.launch_roles(), {})

        self.aws.reset_log()
        self.launch("--notify", TOPIC)
        roles = self.launch_roles()
        self.assertEqual(len(roles), 1, roles)
        first = next(iter(roles))
        self.assertEqual(roles[first]["Path"], "/spawn/")
        written = self.iam.get_role_policy(RoleName=first, PolicyName="spored")["PolicyDocument"]
        self.assertEqual(written, self.builder({"launch_id": first.removeprefix("spawn-spored-"),
                                                "sns_topics": [TOPIC], "s3_objects": [SCRIPT]}))
        profile = self.iam.get_instance_profile(InstanceProfileName=first)["InstanceProfile"]
        self.assertEqual([x["RoleName"] for x in profile["Roles"]], [first])
        self.assertEqual(self.requests("RunInstances")[0]["params"]["IamInstanceProfile.Name"], first)

        # Another launch, another topic: a role of its own; the first one's policy is untouched.
        self.aws.reset_log()
        self.launch("--notify", OTHER_TOPIC)
        roles = self.launch_roles()
        self.assertEqual(len(roles), 2, roles)
        second = next(name for name in roles if name != first)
        self.assertEqual(self.iam.get_role_policy(RoleName=second, PolicyName="spored")["PolicyDocument"]
                         ["Statement"][2]["Resource"], [OTHER_TOPIC])
        self.assertEqual(self.iam.get_role_policy(RoleName=first, PolicyName="spored")["PolicyDocument"], written)

    def test_json_output_keeps_stderr_quiet(self):
        r = self.launch("--notify", TOPIC, "--dry-run", "--output", "json")
        self.assertIsNone(MARKER.search(r.stderr))


if __name__ == "__main__":
    unittest.main()
