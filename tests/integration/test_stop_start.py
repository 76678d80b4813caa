"""`spawn stop` / `spawn start`: what EC2 can stop is stopped (and only that, refused before any
change otherwise), and the TTL pauses while stopped: start gives back the time that was left, in
the launch's spec (for spored) and the tag."""
import datetime
import json
import time
import unittest

from spot_test_case import AMI, BucketTestCase

BUCKET = "spawn-stop-start-test"


def parse(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


class StopStartTest(BucketTestCase):
    BUCKET = BUCKET

    def launch(self, *args):
        out = self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, *args, env=self.env())
        return out["instances"][0]["instance_id"]

    def instance(self, instance_id):
        return self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]

    def changing_calls(self):
        return [r["action"] for r in self.requests() if r["action"] in ("StopInstances", "StartInstances", "CreateTags")]

    def test_stop_then_start_with_wait(self):
        instance_id = self.launch("--name", "box")
        r = self.spawn_ok("stop", "--name", "box", "--wait", env=self.env())
        self.assertIn(f"{instance_id}  running -> stopping", r.stdout)
        self.assertEqual(self.instance(instance_id)["State"]["Name"], "stopped")
        self.assertNotIn("Hibernate", self.params("StopInstances"))
        r = self.spawn_ok("start", instance_id, "--wait", env=self.env())
        self.assertIn(f"{instance_id}  stopped -> pending", r.stdout)
        self.assertEqual(self.instance(instance_id)["State"]["Name"], "running")

    def test_what_ec2_cannot_do_is_refused_before_any_change(self):
        running = self.launch()
        one_time_spot = self.launch("--spot", "--no-agent")
        self.spawn_ok("stop", running, "--wait", env=self.env())
        cases = [
            (["stop", running], 1, "is stopped: only a running instance can be stopped"),
            (["start", one_time_spot], 1, "only a stopped instance can be started"),
            (["stop", one_time_spot], 1, "one-time spot instance"),
            (["stop", "--name", "nothing-like-this"], 1, "no live spawn instance matches --name nothing-like-this"),
            (["stop"], 2, "exactly one of them"),
            (["start", "i-12"], 2, "expected instance ids"),
        ]
        for args, code, says in cases:
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.spawn(*args, env=self.env())
                self.assertEqual(r.returncode, code, r.stderr)
                self.assertIn(says, r.stderr)
                self.assertEqual(self.changing_calls(), [])
        self.spawn_ok("start", running, env=self.env())
        self.aws.reset_log()
        r = self.spawn("stop", running, "--hibernate", env=self.env())
        self.assertEqual(r.returncode, 1)
        self.assertIn("not launched hibernation-capable", r.stderr)
        self.assertEqual(self.changing_calls(), [])

    def test_the_ttl_pauses_while_stopped(self):
        self.upload_agent()
        instance_id = self.launch("--ttl", "1h")
        tags = self.tags(self.instance(instance_id))
        old = parse(tags["spawn:ttl-deadline"])
        launch_id = tags["spawn:launch-id"]
        self.spawn_ok("stop", instance_id, env=self.env())
        stopped = datetime.datetime.now(datetime.timezone.utc)
        time.sleep(3)
        out = self.spawn_json("start", instance_id, env=self.env())
        started = out["started"][0]
        self.assertEqual(started["previous_ttl_deadline"], tags["spawn:ttl-deadline"])
        new = parse(started["ttl_deadline"])
        paused = (new - old).total_seconds()
        self.assertGreaterEqual(paused, 2, "at least the time it was stopped is given back")
        self.assertLess(paused, 3 + (datetime.datetime.now(datetime.timezone.utc) - stopped).total_seconds() + 2)
        spec = json.loads(self.s3.get_object(Bucket=BUCKET, Key=f"spawn/launches/{launch_id}/spec.json")["Body"].read())
        self.assertEqual(spec["ttl_deadlines"], {instance_id: started["ttl_deadline"]})
        self.assertEqual(self.tags(self.instance(instance_id))["spawn:ttl-deadline"], started["ttl_deadline"])
        actions = [r["action"] for r in self.requests() if r["action"] in ("CreateTags", "StartInstances")]
        self.assertEqual(actions[-2:], ["CreateTags", "StartInstances"], "the deadline is moved before the start")

    def test_the_idle_clock_says_it_starts_again(self):
        self.upload_agent()
        instance_id = self.launch("--idle-timeout", "45m")
        r = self.spawn_ok("stop", instance_id, "--wait", env=self.env())
        self.assertIn("The idle clock stops too", r.stdout)
        r = self.spawn_ok("start", instance_id, env=self.env())
        self.assertIn(f"{instance_id}: the idle clock starts from zero (45m idle: stop)", r.stdout)


if __name__ == "__main__":
    unittest.main()
