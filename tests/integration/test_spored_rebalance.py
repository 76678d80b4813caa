"""A rebalance recommendation: with on_interruption checkpoint the script runs early, the owner is
told, nothing shuts down, and the agent keeps watching for the real notice."""
import json
import os
import unittest

from spored_test_case import SporedTestCase, read_text, write_script


class RebalanceTest(SporedTestCase):
    def test_checkpoint_early_notify_and_keep_watching(self):
        runs = os.path.join(self.dir, "runs")
        script = write_script(os.path.join(self.dir, "ckpt.sh"),
                              f"echo \"$SPAWN_CHECKPOINT_REASON $INTERRUPTION_ACTION\" >> {runs}\n")
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": script,
                          "notify": [self.topic_arn]})
        proc = self.start()
        self.imds.set_rebalance(in_seconds=0)
        self.wait_for("checkpoint_finished", proc=proc, reason="rebalance", status="ok")
        self.wait_until(self.publishes, message="SNS publish")
        self.assertEqual(read_text(runs).splitlines(), ["rebalance rebalance"])
        message = json.loads(self.publishes()[0]["params"]["Message"])
        self.assertEqual(message["event"], "rebalance_recommendation")
        self.assertEqual(self.shutdowns(), [])
        self.assertEqual(self.create_tags_requests(), [])

        # Still watching: the real notice is handled (the script runs again), then shutdown.
        self.imds.set_notice("terminate", in_seconds=100)
        self.wait_for("shutdown", proc=proc)
        self.assertEqual(read_text(runs).splitlines(), ["rebalance rebalance", "interruption terminate"])
        self.wait_until(self.shutdowns, message="shutdown command run")
        self.assertEqual(len(self.records("rebalance_recommendation")), 1)

    def test_a_notice_during_the_rebalance_checkpoint_stops_it_and_gets_its_own_run(self):
        # The rebalance run would take minutes; the notice's checkpoint must not wait for it.
        runs = os.path.join(self.dir, "runs")
        script = write_script(os.path.join(self.dir, "ckpt.sh"), f"""
echo "$SPAWN_CHECKPOINT_REASON start" >> {runs}
if [ "$SPAWN_CHECKPOINT_REASON" = rebalance ]; then sleep 300; fi
echo "$SPAWN_CHECKPOINT_REASON done" >> {runs}
""")
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": script})
        proc = self.start()
        self.imds.set_rebalance(in_seconds=0)
        self.wait_until(lambda: read_text(runs), message="the rebalance run started")
        self.imds.set_notice("terminate", in_seconds=100)
        finished = self.wait_for("checkpoint_finished", proc=proc, reason="interruption", timeout=60)[0]
        self.assertEqual(finished["status"], "ok", finished)
        stopped = self.records("checkpoint_finished", proc)[0]
        self.assertEqual((stopped["reason"], stopped["status"], stopped["stopped_for"]),
                         ("rebalance", "stopped", "interruption"), stopped)
        started = self.records("checkpoint_started", proc)[-1]
        self.assertEqual(started["reason"], "interruption")
        self.assertGreater(started["seconds_available"], 60, "the interruption's run had its time")
        self.assertEqual(read_text(runs).splitlines(), ["rebalance start", "interruption start", "interruption done"])
        self.wait_until(lambda: any("spawn:checkpoint-status" in t["tags"] for t in self.create_tags_requests()),
                        message="the checkpoint-status tag")
        self.assertEqual(self.instance_tags()["spawn:checkpoint-status"], "ok")
        self.wait_until(self.shutdowns, message="shutdown command run")

    def test_without_checkpoint_only_notifies(self):
        self.config_path({"spot": True, "on_interruption": "terminate", "notify": [self.topic_arn]})
        proc = self.start()
        self.imds.set_rebalance(in_seconds=0)
        self.wait_for("rebalance_recommendation", proc=proc)
        self.wait_until(self.publishes, message="SNS publish")
        self.assertEqual(self.records("checkpoint_started"), [])
        self.assertEqual(self.shutdowns(), [])


if __name__ == "__main__":
    unittest.main()
