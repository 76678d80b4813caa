"""Metadata service trouble is logged and survived, never fatal, and detection works afterwards:
503 bursts, stalls past the 1 s timeout, refused connections, invalidated and expired tokens,
a malformed notice."""
import subprocess
import time
import unittest

from spored_test_case import SporedTestCase


class MetadataFaultsTest(SporedTestCase):
    poll_interval = "200ms"

    def assert_detection_intact(self, proc):
        self.imds.set_notice("terminate", in_seconds=100)
        self.wait_for("shutdown", proc=proc, timeout=30)
        self.wait_until(self.shutdowns, message="shutdown command run")
        self.assertIsNone(proc.poll(), "spored exited")

    def test_503_bursts(self):
        proc = self.start()
        self.imds.fault("503", count=40)
        self.wait_for("metadata_error", proc=proc)
        self.wait_for("metadata_recovered", proc=proc, timeout=30)
        errors = self.records("metadata_error")
        self.assertLess(len(errors), 5)  # logged when it starts (and changes), not at every poll
        self.assertIn("503", errors[0]["error"])
        self.assert_detection_intact(proc)

    def test_stalls(self):
        proc = self.start()
        # Each stalled request hangs 3 s; the client gives up after 1 s (its timeout) and retries.
        self.imds.fault("stall", seconds=3, count=4, path="/latest/meta-data/spot")
        self.wait_for("metadata_error", proc=proc, timeout=30)
        self.wait_for("metadata_recovered", proc=proc, timeout=30)
        self.assertIn("RequestTimeout", self.records("metadata_error")[0]["error"])
        self.assert_detection_intact(proc)

    def test_refused_connections(self):
        proc = self.start()
        self.imds.fault("refuse", seconds=2)
        time.sleep(0.2)
        self.imds.wait_listening(timeout=20)
        self.wait_for("metadata_recovered", proc=proc, timeout=30)
        self.assertIn("NetworkError", self.records("metadata_error")[0]["error"])
        self.assert_detection_intact(proc)

    def test_token_invalidation_and_expiry(self):
        proc = self.start()
        self.imds.invalidate_tokens()
        time.sleep(0.6)
        self.imds.advance(21600)  # six hours on: every token has expired
        time.sleep(0.6)
        log = self.imds.log()
        refused = [r for r in log if r["status"] == 401]
        puts = [r for r in log if r["method"] == "PUT"]
        self.assertTrue(refused, "the fake never refused a token")
        self.assertGreaterEqual(len(puts), 3)  # the first token and one new token after each fault
        self.assertEqual(self.records("metadata_error"), [])  # a 401 is handled in the client, silently
        self.assert_detection_intact(proc)

    def test_a_malformed_notice_is_an_error_then_read_again(self):
        proc = self.start()
        self.imds.set_notice("terminate", in_seconds=100)
        self.imds.fault("malformed_notice", count=3)
        self.wait_for("shutdown", proc=proc, timeout=30)
        self.assertTrue(any("instance-action" in r["error"] for r in self.records("metadata_error")))
        self.assertEqual(len(self.records("interruption_notice")), 1)

    def test_an_unreachable_service_at_start_is_waited_for(self):
        self.imds.fault("503", count=-1, path="/latest/meta-data/instance-id")
        proc = self.start_without_waiting()
        self.wait_for("metadata_error", proc=proc, source="instance")
        time.sleep(1)
        self.assertIsNone(proc.poll())
        self.imds.clear_faults()
        self.wait_for("watching", proc=proc, timeout=20)
        self.assert_detection_intact(proc)

    def start_without_waiting(self):
        log_path = f"{self.dir}/spored.log"
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(self.spored_args(), env=self.env(), stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        proc.log_path = log_path
        self.procs.append(proc)
        return proc


if __name__ == "__main__":
    unittest.main()
