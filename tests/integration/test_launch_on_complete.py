"""`spawn launch --on-complete terminate|stop|hibernate`: spored is installed and told (the config
file), the launch's role may stop only its own instance when asked to stop, and what EC2 could
not do is refused before any request."""
import json
import unittest

from spot_test_case import AMI, BucketTestCase

BUCKET = "spawn-on-complete-test"


class LaunchOnCompleteTest(BucketTestCase):
    BUCKET = BUCKET

    def test_what_ec2_cannot_do_is_refused_before_any_request(self):
        cases = [
            (["--spot", "--on-complete", "stop"], "cannot stop a one-time spot instance"),
            (["--on-complete", "hibernate"], "hibernation-capable"),
            (["--spot", "--no-agent", "--on-complete", "terminate"], "--no-agent"),
            (["--on-complete", "pause"], "expected terminate, stop or hibernate"),
        ]
        for args, says in cases:
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, *args, env=self.env())
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(says, r.stderr)
                self.assertEqual(self.requests(), [])

    def test_an_on_demand_launch_that_stops_when_done(self):
        self.upload_agent()
        self.aws.reset_log()
        self.spawn_ok("launch", "--instance-type", "m7i.large", "--ami", AMI, "--on-complete", "stop", env=self.env())
        params = self.params("RunInstances")
        config = self.spot_config_in(self.user_data_of(params))
        self.assertEqual(config["on_complete"], "stop")
        self.assertEqual(params["InstanceInitiatedShutdownBehavior"], "terminate",
                         "a power-off still terminates; stopping goes through StopInstances")
        role = params["IamInstanceProfile.Name"]
        iam = self.aws.client("iam")
        policy = iam.get_role_policy(RoleName=role, PolicyName="spored")["PolicyDocument"]
        if isinstance(policy, str):
            policy = json.loads(policy)
        stop = [s for s in policy["Statement"] if s.get("Sid") == "StopItself"]
        self.assertEqual(len(stop), 1)
        self.assertEqual(stop[0]["Action"], "ec2:StopInstances")


if __name__ == "__main__":
    unittest.main()
