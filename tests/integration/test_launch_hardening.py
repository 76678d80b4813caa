"""Launch behaviour that costs money or fails on real AWS though moto alone never shows it
(issue 14, items 2, 3, 8, 9); the local AWS plays what EC2 does (tests/fakes/local_aws_ec2_state.py).

- A power-off from inside the instance ends it (InstanceInitiatedShutdownBehavior=terminate):
  EC2's default, stop, leaves the instance and its volumes billed.
- A dry run of a fleet launch changes nothing: no launch template is made.
- --wait rides out EC2's eventual consistency (InvalidInstanceID.NotFound right after launch).
- A launch call whose reply is lost is sent again with the same ClientToken: EC2 answers with
  what the first call launched, so the launch succeeds, nothing twice.
"""
import json
import unittest
import urllib.request

from spot_test_case import AMI, SpotTestCase


class LaunchHardeningTest(SpotTestCase):
    def os_shutdown(self, instance_id):
        request = urllib.request.Request(self.aws.endpoint + "/_spawn/os-shutdown", method="POST",
                                         data=json.dumps({"instance_id": instance_id}).encode())
        with urllib.request.urlopen(request) as reply:
            return json.load(reply)

    def shutdown_behaviour(self, instance_id):
        a = self.ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="instanceInitiatedShutdownBehavior")
        return a["InstanceInitiatedShutdownBehavior"]["Value"]

    # --- item 2 ---

    def test_a_power_off_inside_the_instance_terminates_it(self):
        for args in (("--instance-type", "m7i.large"),
                     ("--instance-type", "m7i.large", "--spot"),
                     ("--instance-types", "m7i.large,m6i.large", "--spot")):
            with self.subTest(args=args):
                self.aws.reset_log()
                out = self.spawn_json("launch", "--ami", AMI, *args)
                instance_id = out["instances"][0]["instance_id"]
                if self.requests("RunInstances"):
                    self.assertEqual(self.params("RunInstances")["InstanceInitiatedShutdownBehavior"], "terminate")
                else:
                    p = self.params("CreateLaunchTemplate")
                    self.assertEqual(p["LaunchTemplateData.InstanceInitiatedShutdownBehavior"], "terminate")
                self.assertEqual(self.shutdown_behaviour(instance_id), "terminate")
                self.assertEqual(self.os_shutdown(instance_id)["state"], "terminated", "not stopped and billed")

    # --- item 3 ---

    def test_a_dry_run_of_a_fleet_launch_makes_no_launch_template(self):
        r = self.spawn("launch", "--ami", AMI, "--instance-types", "m7i.large,m6i.large", "--spot", "--count", "3",
                       "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Dry run", r.stdout)
        for call in self.requests():
            if call["action"] in ("CreateLaunchTemplate", "RunInstances", "CreateFleet", "CreateTags"):
                self.assertEqual(call["params"].get("DryRun"), "true", f"{call['action']} without DryRun")
        self.assertEqual(self.requests("DeleteLaunchTemplate"), [], "nothing made, nothing to delete")
        self.assertEqual(self.ec2.describe_launch_templates()["LaunchTemplates"], [])
        self.assertEqual(self.live(), [])

    # --- item 8 ---

    def test_wait_rides_out_instances_not_visible_yet(self):
        self.aws.set_scenario({"new_instance_invisible_seconds": 3})
        r = self.spawn("launch", "--ami", AMI, "--instance-type", "m7i.large", "--wait", "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        describes = self.requests("DescribeInstances")
        self.assertIn("InvalidInstanceID.NotFound", [d["error_code"] for d in describes], "the fake did hide it")
        self.assertEqual(json.loads(r.stdout)["instances"][0]["state"], "running")

    # --- item 9 ---

    def test_a_lost_reply_is_answered_by_sending_the_same_token_again(self):
        # 3 attempts of the client's own retries are lost, then the first resend: the second gets
        # EC2's answer to the first call.
        self.aws.set_scenario({"lose_reply": [{"action": "RunInstances", "times": 4}]})
        out = self.spawn_json("launch", "--ami", AMI, "--instance-type", "m7i.large", "--count", "3",
                              "--job-array-name", "resend", timeout=180)
        runs = self.requests("RunInstances")
        self.assertEqual(len(runs), 5)
        self.assertEqual(len({r["params"]["ClientToken"] for r in runs}), 1, "every send of one launch, one token")
        self.assertEqual(len(self.live()), 3, "launched once")
        self.assertEqual(sorted(i["instance_id"] for i in out["instances"]), sorted(i["InstanceId"] for i in self.live()))
        self.assertEqual(self.requests("TerminateInstances"), [], "no sweep: the answer came")

    def test_a_lost_fleet_reply_is_answered_by_sending_the_same_token_again(self):
        self.aws.set_scenario({"lose_reply": [{"action": "CreateFleet", "times": 4}]})
        out = self.spawn_json("launch", "--ami", AMI, "--instance-types", "m7i.large,m6i.large", "--spot",
                              "--count", "2", timeout=180)
        fleets = self.requests("CreateFleet")
        self.assertEqual(len(fleets), 5)
        self.assertEqual(len({r["params"]["ClientToken"] for r in fleets}), 1)
        self.assertEqual(len(self.live()), 2)
        self.assertEqual(len(out["instances"]), 2)
        self.assertEqual(self.ec2.describe_launch_templates()["LaunchTemplates"], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
