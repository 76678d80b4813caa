"""The role spawn-fis-drill (launcher/drill, `spawn interrupt`), evaluated by the IAM policy
simulator: AWS FIS, assuming it, may send the spot interruption notice to spawn's instances that
`spawn interrupt` tagged spawn:drill, and to nothing else; it may find them (DescribeInstances)
and do nothing more. The policy is the one spawn writes (spored_policy_tool --drill-role).
"""
import json
import os
import subprocess
import unittest

from iam_simulator import POLICY_TOOL, SimulatorError, simulate

ACCOUNT = "123456789012"
REGION = "us-east-1"
PRINCIPAL = f"arn:aws:sts::{ACCOUNT}:assumed-role/spawn-fis-drill/FIS-EXP1"
DRILL = "2026-12-04T20:30:05Z 1a2b3c4d"


def instance(instance_id, tags):
    context = {"ec2:Region": REGION, "aws:RequestedRegion": REGION, "aws:PrincipalAccount": ACCOUNT,
               "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/spawn/spawn-fis-drill", "aws:PrincipalType": "AssumedRole",
               "ec2:InstanceID": instance_id}
    for key, value in tags.items():
        context[f"aws:ResourceTag/{key}"] = value
        context[f"ec2:ResourceTag/{key}"] = value
    return f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance_id}", context


class DrillRolePolicyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(POLICY_TOOL, os.X_OK):
            raise AssertionError(f"{POLICY_TOOL} is not built (make build)")
        r = subprocess.run([POLICY_TOOL, "--drill-role", "aws"], capture_output=True, text=True, timeout=60, check=True)
        cls.policy = json.loads(r.stdout)

    def decide(self, action, resource, context):
        request = {"principal": PRINCIPAL, "action": action, "resource": resource, "account": ACCOUNT,
                   "context": context, "identity_policies": [{"name": "send-spot-interruptions", "policy": self.policy}]}
        try:
            (result,) = simulate([request])
        except SimulatorError as e:
            raise AssertionError(str(e)) from None
        self.assertEqual(result["ignored_context_keys"], [], result)
        return result

    def test_fis_may_interrupt_a_drilled_spawn_instance(self):
        arn, context = instance("i-0123456789abcdef0", {"spawn:managed": "true", "spawn:drill": DRILL})
        result = self.decide("ec2:SendSpotInstanceInterruptions", arn, context)
        self.assertEqual(result["decision"], "Allowed", result)
        self.assertEqual(result["allowed_by"], ["InterruptDrilledSpawnInstances"])

    def test_not_a_spawn_instance_that_was_not_drilled(self):
        arn, context = instance("i-0fedcba9876543210", {"spawn:managed": "true"})
        result = self.decide("ec2:SendSpotInstanceInterruptions", arn, context)
        self.assertNotEqual(result["decision"], "Allowed", result)
        self.assertIn("InterruptDrilledSpawnInstances", result["not_applied"], result)

    def test_not_an_instance_spawn_did_not_launch_even_when_tagged_as_a_drill(self):
        arn, context = instance("i-0aaaabbbbccccdddd", {"Name": "not spawn's", "spawn:drill": DRILL})
        result = self.decide("ec2:SendSpotInstanceInterruptions", arn, context)
        self.assertNotEqual(result["decision"], "Allowed", result)
        self.assertIn("InterruptDrilledSpawnInstances", result["not_applied"], result)

    def test_it_may_find_its_targets(self):
        result = self.decide("ec2:DescribeInstances", "*", {"ec2:Region": REGION, "aws:RequestedRegion": REGION})
        self.assertEqual(result["decision"], "Allowed", result)
        self.assertEqual(result["allowed_by"], ["FindTargets"])

    def test_and_nothing_else(self):
        arn, context = instance("i-0123456789abcdef0", {"spawn:managed": "true", "spawn:drill": DRILL})
        for action in ("ec2:TerminateInstances", "ec2:StopInstances", "ec2:CreateTags"):
            with self.subTest(action=action):
                result = self.decide(action, arn, context)
                self.assertNotEqual(result["decision"], "Allowed", result)
                self.assertEqual(result["allowed_by"], [], result)


if __name__ == "__main__":
    unittest.main()
