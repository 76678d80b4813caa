"""`spawn extend`: the TTL deadline moved in the launch's spec (which spored reads again with
If-None-Match) and in the tag spawn:ttl-deadline, for one member or a whole array; a running
spored that read the old deadline follows the new one; bad input sends nothing."""
import datetime
import json
import os
import subprocess
import time
import unittest

from fakes.imds_fake_fixture import ImdsFake
from spawn_test_case import BIN
from spot_test_case import AMI, BucketTestCase

SPORED = os.path.join(BIN, "spored")
BUCKET = "spawn-extend-test"


def iso(t):
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ExtendTest(BucketTestCase):
    BUCKET = BUCKET

    def setUp(self):
        super().setUp()
        self.upload_agent()

    def launch(self, *args):
        out = self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--ttl", "1h", *args,
                              env=self.env())
        return [i["instance_id"] for i in out["instances"]]

    def spec(self, launch_id):
        body = self.s3.get_object(Bucket=BUCKET, Key=f"spawn/launches/{launch_id}/spec.json")["Body"].read()
        return json.loads(body)

    def instance(self, instance_id):
        return self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]

    def metadata(self, **instance):
        imds = ImdsFake()
        imds.start()
        self.addCleanup(imds.stop)
        imds.set_instance(**instance)
        return imds

    def start_spored(self, imds, config_path, log_name):
        log_path = os.path.join(self.tmp, log_name)
        with open(log_path, "ab") as log:
            proc = subprocess.Popen([SPORED, "--imds-endpoint", imds.endpoint, "--state-dir",
                                     os.path.join(self.tmp, log_name + ".state"), "--poll-interval", "200ms",
                                     "--config", config_path, "--spec-refresh", "1s", "--shutdown-command", ""],
                                    env={"PATH": os.environ["PATH"], "HOME": self.tmp, "AWS_ENDPOINT_URL": self.aws.endpoint},
                                    stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        self.addCleanup(lambda: (proc.terminate(), proc.wait()))
        return log_path

    @staticmethod
    def records(log_path, event):
        with open(log_path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.startswith("{") and f'"event":"{event}"' in line]

    def wait_for_record(self, log_path, event, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if found := self.records(log_path, event):
                return found[0]
            time.sleep(0.1)
        with open(log_path, encoding="utf-8") as f:
            self.fail(f"no {event} in:\n{f.read()[-3000:]}")

    def test_one_member_of_an_array_gets_its_own_deadline(self):
        ids = self.launch("--count", "2", "--job-array-name", "ext")
        first = self.tags(self.instance(ids[0]))
        launch_id = first["spawn:launch-id"]
        old = first["spawn:ttl-deadline"]
        self.aws.reset_log()
        out = self.spawn_json("extend", ids[0], "--ttl", "3h", env=self.env())
        new = out["extended"][0]["ttl_deadline"]
        self.assertEqual([r["action"] for r in self.requests() if r["service"] == "ec2"],
                         ["DescribeInstances", "CreateTags"])
        self.assertEqual(out["extended"], [{"instance_id": ids[0], "previous_ttl_deadline": old, "ttl_deadline": new}])
        self.assertGreater(new, old)
        spec = self.spec(launch_id)
        self.assertEqual(spec["ttl_deadlines"], {ids[0]: new})
        self.assertEqual(spec["ttl_deadline"], old, "the other member keeps the launch's deadline")
        self.assertEqual(self.tags(self.instance(ids[0]))["spawn:ttl-deadline"], new)
        self.assertEqual(self.tags(self.instance(ids[1]))["spawn:ttl-deadline"], old)

        until = iso(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5))
        self.spawn_ok("extend", "--job-array-name", "ext", "--until", until, env=self.env())
        self.assertEqual(self.spec(launch_id)["ttl_deadlines"], {ids[0]: until, ids[1]: until})
        for i in ids:
            self.assertEqual(self.tags(self.instance(i))["spawn:ttl-deadline"], until)

    def test_a_running_spored_follows_the_new_deadline(self):
        [instance_id] = self.launch()
        launch_id = self.tags(self.instance(instance_id))["spawn:launch-id"]
        user_data = self.user_data_of(self.params("RunInstances"))
        config = self.spot_config_in(user_data)
        config_path = os.path.join(self.tmp, "spot-config.json")
        with open(config_path, "w", encoding="utf-8") as f:
            json.dump(config, f)
        self.assertEqual(config["spec"], f"s3://{BUCKET}/spawn/launches/{launch_id}/spec.json")

        imds = self.metadata(instance_id=instance_id, region="us-east-1")
        log_path = self.start_spored(imds, config_path, "spored.log")
        wait_for = lambda event: self.wait_for_record(log_path, event)  # noqa: E731

        wait_for("spec_read")
        out = self.spawn_json("extend", instance_id, "--ttl", "2h", env=self.env())
        changed = wait_for("ttl_changed")
        self.assertEqual(changed["to"], out["extended"][0]["ttl_deadline"])
        self.assertEqual(changed["from"], config["ttl_deadline"])

    def test_a_moved_deadline_reaches_the_replacement_of_an_interrupted_member(self):
        """spawn extend of a --relaunch array, then an interruption: the member's spored asks for its
        replacement, which carries the moved deadline in its tag, and the replacement's own spored
        (a new instance id, the same index) takes the moved deadline from the spec (issue 15)."""
        out = self.spawn_json("launch", "--instance-types", "m7i.large,m6i.large", "--ami", AMI, "--spot", "--ttl", "1h",
                              "--count", "2", "--job-array-name", "ext", "--relaunch", "2", env=self.env())
        ids = [i["instance_id"] for i in out["instances"]]
        template = self.params("CreateLaunchTemplate")
        config = self.spot_config_in(self.user_data_of(template, "LaunchTemplateData.UserData"))
        config_path = os.path.join(self.tmp, "member-config.json")
        with open(config_path, "w", encoding="utf-8") as f:
            json.dump(config, f)
        member = next(self.instance(i) for i in ids if self.member_index(self.instance(i)) == 1)
        launch_id = self.tags(member)["spawn:launch-id"]
        moved = self.spawn_json("extend", member["InstanceId"], "--ttl", "5h", env=self.env())["extended"][0]["ttl_deadline"]
        self.assertEqual(self.spec(launch_id)["ttl_deadlines"].get("index:1"), moved, "the index's own entry")

        imds = self.metadata(instance_id=member["InstanceId"], region="us-east-1", instance_type=member["InstanceType"],
                             availability_zone=member["Placement"]["AvailabilityZone"], subnet_id=member.get("SubnetId", ""))
        imds.set_tags(self.tags(self.instance(member["InstanceId"])))
        old_log = self.start_spored(imds, config_path, "member-1.log")
        self.assertEqual(self.wait_for_record(old_log, "ttl_changed")["to"], moved)
        imds.set_notice("terminate", in_seconds=120)
        replacement_id = self.wait_for_record(old_log, "relaunch_requested", timeout=30)["replacement"]
        replacement = self.instance(replacement_id)
        tags = self.tags(replacement)
        self.assertEqual((tags["spawn:generation"], tags["spawn:job-array-index"], tags["spawn:replaces"]),
                         ("1", "1", member["InstanceId"]))
        self.assertEqual(tags["spawn:ttl-deadline"], moved, "the replacement is tagged with the moved deadline")

        new_imds = self.metadata(instance_id=replacement_id, region="us-east-1", instance_type=replacement["InstanceType"],
                                 availability_zone=replacement["Placement"]["AvailabilityZone"])
        new_imds.set_tags(tags)
        new_log = self.start_spored(new_imds, config_path, "member-1-generation-1.log")
        changed = self.wait_for_record(new_log, "ttl_changed")
        self.assertEqual((changed["from"], changed["to"]), (config["ttl_deadline"], moved),
                         "generation 1 follows the deadline spawn extend moved, not the launch's")

    def test_bad_input_sends_nothing(self):
        past = iso(datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1))
        for args in (["i-0123456789abcdef0"], ["i-0123456789abcdef0", "--ttl", "0"], ["i-0123456789abcdef0", "--ttl", "2x"],
                     ["i-0123456789abcdef0", "--until", past], ["i-0123456789abcdef0", "--ttl", "1h", "--until", past],
                     ["--ttl", "1h"], ["bad-id", "--ttl", "1h"], ["--name", "", "--ttl", "1h"],
                     ["i-0123456789abcdef0", "--until", "tomorrow"]):
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.spawn("extend", *args, env=self.env())
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertTrue(r.stderr.startswith("spawn: error: "), r.stderr)
                self.assertEqual(self.requests(), [])

    def test_an_instance_without_a_ttl_or_spec_is_refused_and_nothing_changes(self):
        out = self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", env=self.env())
        no_ttl = out["instances"][0]["instance_id"]
        r = self.spawn("extend", no_ttl, "--ttl", "2h", env=self.env())
        self.assertEqual(r.returncode, 1)
        self.assertIn("has no TTL", r.stderr)
        [with_ttl] = self.launch()
        launch_id = self.tags(self.instance(with_ttl))["spawn:launch-id"]
        self.s3.delete_object(Bucket=BUCKET, Key=f"spawn/launches/{launch_id}/spec.json")
        self.aws.reset_log()
        r = self.spawn("extend", with_ttl, "--ttl", "2h", env=self.env())
        self.assertEqual(r.returncode, 1)
        self.assertIn("has no spored to tell", r.stderr)
        self.assertEqual(self.requests("CreateTags"), [])
        self.assertEqual([r["action"] for r in self.requests() if r["service"] == "s3" and r["action"].startswith("PUT")], [])


if __name__ == "__main__":
    unittest.main()
