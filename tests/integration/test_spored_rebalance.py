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
