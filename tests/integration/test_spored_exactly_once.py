"""Each notice is handled exactly once: not again when its `time` field moves at every read, and
not again when the agent restarts while the notice is still posted."""
import os
import unittest

from spored_test_case import SporedTestCase, read_text, write_script


class ExactlyOnceTest(SporedTestCase):
    poll_interval = "100ms"

    def setUp(self):
        super().setUp()
        self.runs = os.path.join(self.dir, "runs")
        script = write_script(os.path.join(self.dir, "ckpt.sh"), f"echo \"$INTERRUPTION_TIME\" >> {self.runs}\n")
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": script,
                          "notify": [self.topic_arn]})

    def handled_once(self):
        self.assertEqual(len(read_text(self.runs).split()), 1, read_text(self.runs))
        self.assertEqual(len(self.shutdowns()), 1)
        notices = [t for t in self.create_tags_requests() if "spawn:interruption-notice" in t["tags"]]
        self.assertEqual(len(notices), 1)
        self.assertEqual(len(self.publishes()), 1)

    def test_a_moving_time_field_is_still_one_notice(self):
        proc = self.start()
        self.imds.set_notice("terminate", in_seconds=100, moving=True)
        self.wait_for("shutdown", proc=proc)
        reads_then = self.imds.notice()["reads"]
        # Keep polling a notice whose time moves one second at every read.
        self.wait_until(lambda: self.imds.notice()["reads"] >= reads_then + 15, message="15 more reads")
        first, latest = read_text(self.runs).split()[0], self.imds.notice()["time"]
        self.assertNotEqual(first, latest)  # the time did move
        self.handled_once()
        self.assertEqual(len(self.records("interruption_notice")), 1)

    def test_a_restart_does_not_handle_the_notice_again(self):
        proc = self.start()
        self.imds.set_notice("terminate", in_seconds=100)
        self.wait_for("shutdown", proc=proc)
        self.wait_until(self.shutdowns, message="shutdown command run")
        self.assertEqual(self.stop(proc), 0)

        # systemd's Restart=always: a new process, same state dir, the notice still posted.
        again = self.start(log_name="spored-2.log")
        self.wait_for("already_handled", proc=again, latch="interruption")
        reads_then = self.imds.notice()["reads"]
        self.wait_until(lambda: self.imds.notice()["reads"] >= reads_then + 10, message="10 more reads")
        self.handled_once()
        self.assertEqual(self.records("interruption_notice", proc=again), [])

        # The control: with another (empty) state dir the same notice is handled, so the latch in
        # the state dir is what prevented it above.
        self.state_dir = os.path.join(self.dir, "other-state")
        third = self.start(log_name="spored-3.log")
        self.wait_for("checkpoint_finished", proc=third)
        self.assertEqual(len(read_text(self.runs).split()), 2)

    def test_status_shows_what_was_seen(self):
        proc = self.start()
        notice = self.imds.set_notice("terminate", in_seconds=100)
        self.wait_for("shutdown", proc=proc)
        status = self.run_spored("status", "--state-dir", self.state_dir)
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIn(f"{self.instance_id} in us-east-1 (spot)", status.stdout)
        self.assertIn("spot/instance-action", status.stdout)
        self.assertIn(f"terminate at {notice['time']}", status.stdout)
        self.assertIn("checkpoint ok", status.stdout)
        self.assertIn("running (pid", status.stdout)
        self.stop(proc)
        self.assertIn("not running", self.run_spored("status", "--state-dir", self.state_dir).stdout)


if __name__ == "__main__":
    unittest.main()
