"""spored's durable event log against the local AWS: each event it handles becomes one object in
spawn's bucket under spawn/events/region=R/day=D/<launch id>/<instance id>/, listed back with
boto3; an S3 that refuses every write (throttled, or a bucket that does not exist) delays neither
the checkpoint nor the shutdown, and spored's stop waits a bounded time for it."""
import datetime
import json
import os
import re
import time
import unittest

from spored_test_case import SporedTestCase, write_script

BUCKET = "spawn-events-test"
LAUNCH = "sl-0123456789abcdef"
SPEC_KEY = f"spawn/launches/{LAUNCH}/spec.json"
KEY = re.compile(r"^spawn/events/region=us-east-1/day=(\d{4}-\d\d-\d\d)/" + LAUNCH +
                 r"/(i-[0-9a-f]+)/(\d{13})-(\d{6})-([a-z_]+)\.json$")
# spored's own bound on the flush at stop (DaemonParts::event_log_flush), plus room for a loaded machine.
FLUSH_BOUND = 5.0
SLACK = 3.0


class EventLogTest(SporedTestCase):
    poll_interval = "200ms"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.aws.client("s3")
        cls.s3.create_bucket(Bucket=BUCKET)
        cls.s3.put_object(Bucket=BUCKET, Key=SPEC_KEY,
                          Body=json.dumps({"version": 1, "launch_id": LAUNCH, "on_interruption": "checkpoint"}))

    def setUp(self):
        super().setUp()
        self.aws.set_scenario({})
        self.addCleanup(self.aws.set_scenario, {})
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="spawn/events/"):
            for o in page.get("Contents", []):
                self.s3.delete_object(Bucket=BUCKET, Key=o["Key"])
        self.aws.reset_log()

    def configure(self, bucket=BUCKET):
        self.script = write_script(os.path.join(self.dir, "ckpt-secret-name.sh"), "echo saved\n")
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": self.script,
                          "notify": [], "spec": f"s3://{bucket}/{SPEC_KEY}", "spec_region": "us-east-1"})

    def events(self):
        """{key: body} of every object of the log, oldest key first."""
        out = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="spawn/events/"):
            for o in page.get("Contents", []):
                out[o["Key"]] = json.loads(self.s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read())
        return dict(sorted(out.items()))

    def event_puts(self):
        """The PutObject requests of the log the local AWS received (S3's REST actions are logged
        as "PUT /bucket/key")."""
        return [r for r in self.aws.requests(service="s3") if r["action"].startswith("PUT /") and "/spawn/events/" in r["action"]]

    def types(self):
        return [body["type"] for body in self.events().values()]

    def test_each_event_is_one_object_under_its_partition(self):
        self.configure()
        self.imds.set_tags({"spawn:job-array-id": "arr-7", "spawn:job-array-name": "sweep",
                            "spawn:job-array-size": "4", "spawn:job-array-index": "2"})
        proc = self.start()
        self.wait_until(lambda: "launch" in self.types(), message="the launch object")
        notice = self.imds.set_notice("terminate", in_seconds=90)
        self.wait_for("shutdown", proc=proc)
        self.wait_until(self.shutdowns, message="shutdown command run")
        self.assertEqual(self.stop(proc), 0)

        events = self.events()
        self.assertEqual([b["type"] for b in events.values()],
                         ["launch", "interruption", "checkpoint", "shutdown", "stopped"])
        for key, body in events.items():
            m = KEY.match(key)
            self.assertIsNotNone(m, key)
            self.assertEqual(m.group(2), self.instance_id)
            self.assertEqual(m.group(5), body["type"])
            self.assertEqual(m.group(1), body["time"][:10])
            self.assertEqual(body["version"], 1)
            self.assertEqual(body["instance_id"], self.instance_id)
            self.assertEqual(body["launch_id"], LAUNCH)
            self.assertEqual(body["region"], "us-east-1")
            self.assertEqual(body["availability_zone"], "us-east-1a")
            self.assertEqual(body["instance_type"], "m7i.large")
            self.assertEqual(body["job_array"], {"id": "arr-7", "name": "sweep", "index": 2})
        by_type = {b["type"]: b for b in events.values()}
        self.assertIn("launch_time", by_type["launch"])
        self.assertEqual(by_type["interruption"]["action"], "terminate")
        self.assertEqual(by_type["interruption"]["notice_time"], notice["time"])
        self.assertIs(by_type["interruption"]["drill"], False)
        self.assertEqual(by_type["checkpoint"]["status"], "ok")
        self.assertEqual(by_type["checkpoint"]["reason"], "interruption")
        self.assertEqual(by_type["shutdown"]["reason"], "interruption")
        # Nothing of the settings: no script, no spec, no bucket name in any object.
        text = json.dumps(events)
        for secret in ("ckpt-secret-name", "spec.json", self.dir):
            self.assertNotIn(secret, text)
        # Each object was one PutObject signed with the instance role, accepted.
        puts = self.event_puts()
        self.assertEqual(len(puts), 5)
        self.assertTrue(all(p["status"] == 200 for p in puts))
        self.assertTrue(self.records("event_log_closed"))

    def test_a_drill_is_logged_as_one(self):
        self.configure()
        asked = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
        self.imds.set_tags({"spawn:drill": asked.strftime("%Y-%m-%dT%H:%M:%SZ") + " 1a2b3c4d"})
        proc = self.start()
        self.imds.set_notice("terminate", in_seconds=90)
        self.wait_for("shutdown", proc=proc)
        self.assertEqual(self.stop(proc), 0)
        notices = [b for b in self.events().values() if b["type"] == "interruption"]
        self.assertEqual(len(notices), 1)
        self.assertIs(notices[0]["drill"], True)

    def assert_prompt_despite_s3(self, proc):
        notice_posted = time.monotonic()
        self.imds.set_notice("terminate", in_seconds=90)
        started = self.wait_for("checkpoint_started", proc=proc)[0]
        self.assertLess(started["seconds_since_detection"], 0.5)
        shutdown = self.wait_for("shutdown", proc=proc)[0]
        self.wait_until(self.shutdowns, message="shutdown command run")
        # The checkpoint (echo) and the shutdown follow at once: no S3 call is waited for.
        self.assertLess(shutdown["seconds_since_detection"], 2.0)
        self.assertLess(time.monotonic() - notice_posted, 2.0 + 1.0)
        self.wait_for("event_log_write_failed", proc=proc)
        stopping = time.monotonic()
        self.assertEqual(self.stop(proc), 0)
        self.assertLess(time.monotonic() - stopping, FLUSH_BOUND + SLACK)
        self.assertTrue(self.records("event_log_unflushed") or self.records("event_log_dropped"))

    def test_a_throttled_s3_delays_neither_checkpoint_nor_shutdown(self):
        self.configure()
        # Every S3 call answered 503 SlowDown (the spec's GET too: the file's settings hold).
        self.aws.set_scenario({"throttle": {"every": 1, "services": ["s3"]}})
        proc = self.start()
        self.assert_prompt_despite_s3(proc)
        self.aws.set_scenario({})
        self.assertEqual(self.events(), {})
        refused = self.event_puts()
        self.assertTrue(refused)
        self.assertTrue(all(r["status"] == 503 for r in refused))

    def test_a_bucket_that_does_not_exist_delays_neither_checkpoint_nor_shutdown(self):
        self.configure(bucket="spawn-no-such-bucket")
        proc = self.start()
        self.assert_prompt_despite_s3(proc)
        failed = self.records("event_log_write_failed")
        self.assertIn("NoSuchBucket", failed[0]["error"])

    def test_no_spec_no_log(self):
        self.config_path({"spot": True, "on_interruption": "terminate", "notify": []})
        proc = self.start()
        self.wait_for("event_log_off", proc=proc)
        self.assertEqual(self.stop(proc), 0)
        self.assertEqual(self.event_puts(), [])


if __name__ == "__main__":
    unittest.main()
