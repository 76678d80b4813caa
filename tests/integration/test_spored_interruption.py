"""spored and an interruption notice, end to end: detection time, the checkpoint's variables and
deadline, the owner told (tags, SNS, a webhook) as the local AWS recorded it, then the shutdown."""
import datetime
import json
import os
import time
import unittest

from spored_test_case import HttpsServer, SporedTestCase, read_text, write_script

POLL_SECONDS = 0.25
# What the issue promises: checkpoint start within one poll interval plus 200 ms of the notice.
PROMISE = POLL_SECONDS + 0.2
# The machine running the tests may be loaded (CI runners share cores; the local AWS and the
# fake are Python processes on the same two cores), so the assertion allows one more second of
# scheduling delay. The measured latency is printed, and spored's own timing from detection to
# the script's start is checked separately and tightly below.
CI_SLACK = 1.0


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


class InterruptionTest(SporedTestCase):
    poll_interval = "250ms"

    def checkpoint_config(self, script, **extra):
        config = {"spot": True, "on_interruption": "checkpoint", "checkpoint_script": script, "notify": []}
        config.update(extra)
        self.config_path(config)

    def test_detection_and_checkpoint_start_within_one_poll_interval_plus_200ms(self):
        started = os.path.join(self.dir, "started")
        script = write_script(os.path.join(self.dir, "ckpt.sh"), f"date +%s.%N > {started}\n")
        self.checkpoint_config(script)
        proc = self.start()
        time.sleep(0.6)  # a few polls of an instance without a notice
        before = time.time()
        self.imds.set_notice("terminate", in_seconds=120)
        self.wait_until(lambda: read_text(started).strip(), message="script start")
        latency = float(read_text(started)) - before
        print(f"\nnotice posted -> checkpoint script running: {latency * 1000:.0f} ms "
              f"(promise {PROMISE * 1000:.0f} ms, asserted {(PROMISE + CI_SLACK) * 1000:.0f} ms)")
        self.assertLess(latency, PROMISE + CI_SLACK)
        # spored's own account: from the poll that saw the notice to the script's start.
        started_record = self.wait_for("checkpoint_started", proc=proc)[0]
        self.assertLess(started_record["seconds_since_detection"], 0.2 + CI_SLACK / 2)
        self.assertEqual(started_record["reason"], "interruption")

    def test_the_script_gets_its_variables_and_the_deadline(self):
        env_file = os.path.join(self.dir, "env")
        script = write_script(os.path.join(self.dir, "ckpt.sh"),
                              f"env | grep -E '^(INTERRUPTION|SPAWN)_' | sort > {env_file}\n")
        self.checkpoint_config(script)
        self.imds.set_tags({"Name": "job", "spawn:job-array-id": "arr-7", "spawn:job-array-name": "sweep",
                            "spawn:job-array-size": "4", "spawn:job-array-index": "2"})
        proc = self.start()
        notice = self.imds.set_notice("stop", in_seconds=60)
        self.wait_for("checkpoint_finished", proc=proc, status="ok")
        env = dict(line.split("=", 1) for line in read_text(env_file).splitlines())
        self.assertEqual(env["INTERRUPTION_TIME"], notice["time"])
        self.assertEqual(env["INTERRUPTION_ACTION"], "stop")
        self.assertEqual(env["SPAWN_ON_INTERRUPTION"], "checkpoint")
        self.assertEqual(env["SPAWN_INSTANCE_ID"], self.instance_id)
        self.assertEqual(env["SPAWN_JOB_ARRAY_ID"], "arr-7")
        self.assertEqual(env["SPAWN_JOB_ARRAY_NAME"], "sweep")
        self.assertEqual(env["SPAWN_JOB_ARRAY_SIZE"], "4")
        self.assertEqual(env["SPAWN_JOB_ARRAY_INDEX"], "2")
        # The notice is 60 s away, so notice - 30 s comes before detection + 90 s.
        expected = parse_time(notice["time"]) - datetime.timedelta(seconds=30)
        self.assertEqual(parse_time(env["SPAWN_CHECKPOINT_DEADLINE"]), expected)
        self.assertEqual(self.wait_for("checkpoint_started", proc=proc)[0]["deadline"], env["SPAWN_CHECKPOINT_DEADLINE"])

    def test_owner_is_told_through_tags_sns_and_webhook_before_the_shutdown(self):
        webhook = HttpsServer(self.dir)
        self.addCleanup(webhook.close)
        script = write_script(os.path.join(self.dir, "ckpt.sh"), "echo checkpoint saved\n")
        self.checkpoint_config(script, notify=[self.topic_arn, webhook.url("/hooks/T000/B000/sekrit-token")])
        proc = self.start(env=self.env(SSL_CERT_FILE=webhook.cert))
        notice = self.imds.set_notice("terminate", in_seconds=90)
        self.wait_for("shutdown", proc=proc)
        self.wait_until(self.shutdowns, message="shutdown command run")

        # Tags as the local AWS recorded them, on this instance.
        tags = self.create_tags_requests()
        self.assertEqual([t["resource"] for t in tags], [self.instance_id, self.instance_id])
        self.assertEqual(tags[0]["tags"], {"spawn:interruption-notice": notice["time"],
                                           "spawn:interruption-action": "terminate"})
        self.assertEqual(tags[1]["tags"], {"spawn:checkpoint-status": "ok"})
        self.assertTrue(all(t["status"] == 200 for t in tags))
        on_instance = self.instance_tags()
        self.assertEqual(on_instance["spawn:interruption-notice"], notice["time"])
        self.assertEqual(on_instance["spawn:checkpoint-status"], "ok")

        # SNS Publish, signed with the instance role's credentials from the metadata fake.
        publishes = self.publishes()
        self.assertEqual(len(publishes), 1)
        self.assertEqual(publishes[0]["params"]["TopicArn"], self.topic_arn)
        self.assertEqual(publishes[0]["status"], 200)
        message = json.loads(publishes[0]["params"]["Message"])
        self.assertEqual(message["event"], "spot_interruption")
        self.assertEqual(message["instance_id"], self.instance_id)
        self.assertEqual(message["time"], notice["time"])

        # The webhook got the same document over https.
        self.assertEqual(len(webhook.bodies), 1)
        self.assertEqual(webhook.bodies[0]["content_type"], "application/json")
        self.assertEqual(json.loads(webhook.bodies[0]["body"])["action"], "terminate")

        # Every notification before the shutdown command ran; none of them logged a secret.
        shutdown_at = float(self.shutdowns()[0][0])
        for r in tags + publishes:
            self.assertLessEqual(r["time"], shutdown_at + 0.01)
        sent = self.records("notification_sent")
        self.assertEqual(len(sent), 4)  # two CreateTags, SNS, webhook
        self.assertNotIn("sekrit-token", self.log_text(proc))
        for event in ("interruption_notice", "checkpoint_started", "checkpoint_finished", "notification_sent", "shutdown"):
            self.assertTrue(self.records(event), event)

    def test_a_failing_script_is_still_followed_by_notification_and_shutdown(self):
        script = write_script(os.path.join(self.dir, "ckpt.sh"), "echo 'disk full' >&2\nexit 3\n")
        self.checkpoint_config(script, notify=[self.topic_arn])
        proc = self.start()
        self.imds.set_notice("terminate", in_seconds=90)
        finished = self.wait_for("checkpoint_finished", proc=proc)[0]
        self.assertEqual(finished["status"], "failed")
        self.assertEqual(finished["exit_code"], 3)
        self.wait_for("shutdown", proc=proc)
        self.wait_until(self.shutdowns, message="shutdown command run")
        self.assertEqual(len(self.publishes()), 1)
        self.wait_until(lambda: self.instance_tags().get("spawn:checkpoint-status") == "failed",
                        message="spawn:checkpoint-status=failed")
        output = [r["line"] for r in self.records("checkpoint_output")]
        self.assertIn("disk full", output)


if __name__ == "__main__":
    unittest.main()
