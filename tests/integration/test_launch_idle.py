"""`spawn launch --idle-timeout`: spored is installed on any market and told the window, the action
(stop on demand, terminate on one-time spot), the named processes and the CPU threshold (the config
file); the launch records its choice in spawn:idle-timeout, its role may stop only its own instance
when asked to stop, and what cannot work is refused before any request."""
import json
import unittest

from spot_test_case import AMI, BucketTestCase

BUCKET = "spawn-idle-test"


class LaunchIdleTest(BucketTestCase):
    BUCKET = BUCKET

    def test_bad_idle_flags_are_refused_before_any_request(self):
        cases = [
            (["--idle-timeout", "5m"], "at least 10m"),
            (["--idle-timeout", "60"], "with its unit"),
            (["--idle-timeout", "0s"], "with its unit"),
            (["--on-idle", "stop"], "--on-idle needs --idle-timeout"),
            (["--active-process", "python3"], "--active-process needs --idle-timeout"),
            (["--idle-timeout", "1h", "--active-process", "/usr/bin/python3"], "no '/'"),
            (["--idle-timeout", "1h", "--idle-cpu", "0"], "--idle-cpu"),
            (["--idle-timeout", "1h", "--on-idle", "sleep"], "expected stop, hibernate or terminate"),
            (["--idle-timeout", "1h", "--spot", "--on-idle", "stop"], "cannot stop a one-time spot instance"),
            (["--idle-timeout", "1h", "--on-idle", "hibernate"], "hibernation-capable"),
            (["--idle-timeout", "1h", "--no-agent"], "--idle-timeout needs spored"),
        ]
        for args, says in cases:
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, *args, env=self.env())
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(says, r.stderr)
                self.assertEqual(self.requests(), [])

    def test_an_on_demand_launch_that_stops_when_idle(self):
        self.upload_agent()
        self.aws.reset_log()
        self.spawn_ok("launch", "--instance-type", "m7i.large", "--ami", AMI, "--idle-timeout", "90m",
                      "--active-process", "train.py", "--active-process", "blender", "--idle-cpu", "12.5",
                      "--notify", "arn:aws:sns:us-east-1:123456789012:ops", env=self.env())
        params = self.params("RunInstances")
        config = self.spot_config_in(self.user_data_of(params))
        self.assertEqual(config["idle_timeout"], "5400s")
        self.assertEqual(config["on_idle"], "stop")
        self.assertEqual(config["active_processes"], ["train.py", "blender"])
        self.assertEqual(config["idle_cpu"], "12.5")
        self.assertEqual(config["notify"], ["arn:aws:sns:us-east-1:123456789012:ops"], "told of the idle stop on demand too")
        tags = {t["Key"]: t["Value"] for i in self.ec2.describe_instances()["Reservations"] for t in i["Instances"][0]["Tags"]}
        self.assertEqual(tags["spawn:idle-timeout"], "1h30m stop")
        role = params["IamInstanceProfile.Name"]
        policy = self.aws.client("iam").get_role_policy(RoleName=role, PolicyName="spored")["PolicyDocument"]
        if isinstance(policy, str):
            policy = json.loads(policy)
        self.assertEqual([s["Action"] for s in policy["Statement"] if s.get("Sid") == "StopItself"],
                         ["ec2:StopInstances"])
        publish = [s for s in policy["Statement"] if "sns:Publish" in json.dumps(s.get("Action"))]
        self.assertEqual([s["Resource"] for s in publish], [["arn:aws:sns:us-east-1:123456789012:ops"]])

    def test_a_spot_launch_terminates_when_idle_and_its_role_cannot_stop(self):
        self.upload_agent()
        self.aws.reset_log()
        self.spawn_ok("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--idle-timeout", "1h",
                      env=self.env())
        params = self.params("RunInstances")
        config = self.spot_config_in(self.user_data_of(params))
        self.assertEqual(config["on_idle"], "terminate")
        self.assertEqual(config["active_processes"], [])
        self.assertNotIn("idle_cpu", config)
        policy = self.aws.client("iam").get_role_policy(RoleName=params["IamInstanceProfile.Name"],
                                                        PolicyName="spored")["PolicyDocument"]
        if isinstance(policy, str):
            policy = json.loads(policy)
        self.assertEqual([s for s in policy["Statement"] if s.get("Sid") == "StopItself"], [])


if __name__ == "__main__":
    unittest.main()
