"""spored's command line: settings validated after parsing, a bad value is one line and exit 2
whatever layer it came from; `spored status` without a state."""
import json
import os
import unittest

from spored_test_case import SporedTestCase, read_text


class CliTest(SporedTestCase):
    def assert_usage_error(self, r, *words):
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertTrue(r.stderr.startswith("spored: "), r.stderr)
        for w in words:
            self.assertIn(w, r.stderr)

    def test_bad_flags(self):
        for args, words in [
            (["--poll-interval", "50ms"], ["--poll-interval 50ms", "100ms and 10s"]),
            (["--poll-interval", "11s"], ["--poll-interval"]),
            (["--log-format", "xml"], ["json or text"]),
            (["--checkpoint-script", "http://example.com/c.sh"], ["https:// or s3://"]),
            (["--notify", "http://hooks.example.com/x"], ["https://"]),
            (["--on-interruption", "reboot"], ["checkpoint, hibernate or terminate"]),
            (["--ttl-deadline", "soon"], ["RFC 3339"]),
            (["--no-such-option"], ["--no-such-option"]),
        ]:
            with self.subTest(args=args):
                self.assert_usage_error(self.run_spored(*args, "--state-dir", self.state_dir), *words)

    def test_bad_environment_and_file(self):
        r = self.run_spored(env=self.env(SPORED_POLL_INTERVAL="5ms"))
        self.assert_usage_error(r, "SPORED_POLL_INTERVAL=5ms")
        path = os.path.join(self.dir, "bad.json")
        with open(path, "w") as f:
            json.dump({"on_interruption": "explode"}, f)
        self.assert_usage_error(self.run_spored("--config", path), path, "on_interruption")
        self.assert_usage_error(self.run_spored("--config", os.path.join(self.dir, "absent.json")), "does not exist")
        with open(path, "w") as f:
            f.write("{not json")
        self.assert_usage_error(self.run_spored("--config", path), "not a JSON object")

    def test_flags_beat_the_environment(self):
        # The environment's bad value is never looked at when the flag is given.
        r = self.run_spored("status", "--state-dir", self.state_dir, "--poll-interval", "1s",
                            env=self.env(SPORED_POLL_INTERVAL="5ms"))
        self.assertNotEqual(r.returncode, 2, r.stderr)

    def test_status_without_state(self):
        r = self.run_spored("status", "--state-dir", os.path.join(self.dir, "never"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("no status", r.stderr)

    def test_help_and_version(self):
        r = self.run_spored("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--shutdown-command", r.stdout)
        self.assertTrue(self.run_spored("--version").stdout.startswith("spored "))

    def test_sigterm_stops_it_cleanly(self):
        proc = self.start()
        self.assertEqual(self.stop(proc), 0)
        self.assertTrue(self.records("spored_stopped"))
        self.assertEqual(json.loads(read_text(os.path.join(self.state_dir, "status.json")))["state"], "stopped")


if __name__ == "__main__":
    unittest.main()
