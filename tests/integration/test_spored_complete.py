"""`spored complete [--status N]`: the job says it is done; spored tags spawn:completion-status,
notifies, and ends its instance as --on-complete says (terminate, or StopInstances), once."""
import json
import os
import unittest

from spored_test_case import SporedTestCase


class SporedCompleteTest(SporedTestCase):
    def state(self):
        r = self.ec2.describe_instances(InstanceIds=[self.instance_id])["Reservations"][0]["Instances"][0]
        return r["State"]["Name"]

    def complete(self, *args):
        return self.run_spored("complete", "--state-dir", self.state_dir, *args)

    def test_complete_stops_the_instance_after_tagging_and_notifying(self):
        self.config_path({"spot": True, "on_complete": "stop", "notify": [self.topic_arn]})
        proc = self.start()
        r = self.complete("--status", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("completion recorded (status 3)", r.stdout)
        self.wait_for("completion_stop", proc=proc)
        self.assertIn({"spawn:completion-status": "3"}, [c["tags"] for c in self.create_tags_requests()])
        stops = self.aws.requests("StopInstances")
        self.assertEqual([s["params"]["InstanceId.1"] for s in stops], [self.instance_id])
        self.assertNotIn("Hibernate", stops[0]["params"])
        self.assertEqual(self.aws.requests("TerminateInstances"), [])
        self.assertIn(self.state(), ("stopping", "stopped"))
        published = [json.loads(r["params"]["Message"]) for r in self.aws.requests("Publish")]
        self.assertEqual([(m["event"], m["status"]) for m in published], [("completed", 3)])
        self.assertLess(self.aws.requests("Publish")[0]["time"], stops[0]["time"], "told before the end")
        self.assertEqual(self.shutdowns(), [], "never a power-off: it would terminate")

    def test_complete_terminates_by_default_once_even_after_a_restart(self):
        self.config_path({"spot": True})
        proc = self.start()
        self.assertEqual(self.complete().returncode, 0)
        self.wait_for("completion_terminate", proc=proc)
        self.stop(proc)
        again = self.start(log_name="spored-2.log")
        self.wait_for("already_handled", proc=again, latch="completion")
        self.assertEqual(len(self.aws.requests("TerminateInstances")), 1)
        second = self.complete("--status", "1")
        self.assertIn("first status stands", second.stdout)

    def test_bad_status_is_usage(self):
        for args in (["--status", "256"], ["--status", "-1"], ["--status", "x"]):
            r = self.complete(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertTrue(r.stderr.startswith("spored: error:"), r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.state_dir, "complete.json")))


if __name__ == "__main__":
    unittest.main()
