"""The IMDSv2 client over SocketTransport against the loopback metadata fake (socket_probe imds).

One behaviour per test: token reuse, 404 as "no notice", 401 recovery, retries of 503 bursts,
timeouts and refused connections, the hop-limit hint, never IMDSv1.
"""
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fakes.imds_fake_fixture import ImdsFake  # noqa: E402

BIN = os.environ.get("SPAWN_BIN_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))
PROBE = os.path.join(BIN, "socket_probe")


class ImdsClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(PROBE, os.X_OK):
            raise unittest.SkipTest("socket_probe not built (%s)" % PROBE)
        cls.imds = ImdsFake().start()

    @classmethod
    def tearDownClass(cls):
        cls.imds.stop()

    def setUp(self):
        self.imds.reset()

    def probe(self, *args, endpoint=None, timeout=60):
        r = subprocess.run([PROBE, "imds", endpoint or self.imds.endpoint, *args],
                           capture_output=True, text=True, timeout=timeout)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [json.loads(line) for line in r.stdout.splitlines()]

    def assert_v2_only(self):
        for r in self.imds.log():
            if r["method"] == "GET":
                self.assertTrue(r["token_present"], "a GET without token (IMDSv1): %r" % r)

    def test_values_and_no_notice(self):
        out = self.probe("meta-data/instance-id", "meta-data/spot/instance-action",
                         "dynamic/instance-identity/document")
        self.assertEqual(out[0], dict(out[0], ok=True, found=True, body="i-0123456789abcdef0"))
        self.assertEqual(out[1], dict(out[1], ok=True, found=False))
        self.assertEqual(json.loads(out[2]["body"])["region"], "us-east-1")
        self.assert_v2_only()

    def test_notice_seen(self):
        self.imds.set_notice("terminate", time="2026-11-27T10:00:00Z")
        out = self.probe("meta-data/spot/instance-action")
        self.assertEqual(json.loads(out[0]["body"]), {"action": "terminate", "time": "2026-11-27T10:00:00Z"})
        self.assertIsNotNone(self.imds.notice()["first_read_at"])

    def test_token_reused(self):
        self.probe("meta-data/instance-id", "meta-data/spot/instance-action", "--repeat", "5")
        log = self.imds.log()
        self.assertEqual(sum(r["method"] == "PUT" for r in log), 1)
        self.assertEqual(sum(r["method"] == "GET" for r in log), 10)
        put = [r for r in log if r["method"] == "PUT"][0]
        self.assertEqual(put["status"], 200)

    def test_short_token_refreshed(self):
        # A 4 s token is replaced a second before it runs out, so no GET is ever refused.
        out = self.probe("meta-data/instance-id", "--ttl", "4", "--repeat", "6", "--pause-ms", "1000", timeout=60)
        self.assertTrue(all(o["ok"] for o in out), out)
        log = self.imds.log()
        self.assertGreaterEqual(sum(r["method"] == "PUT" for r in log), 2)
        self.assertFalse([r for r in log if r["status"] == 401])

    def test_invalidated_tokens_recovered(self):
        # Invalidate between two reads of one client: the second read gets 401, then a new token.
        proc = subprocess.Popen([PROBE, "imds", self.imds.endpoint, "meta-data/instance-id",
                                 "--repeat", "2", "--pause-ms", "700"], stdout=subprocess.PIPE, text=True)
        time.sleep(0.35)
        self.imds.invalidate_tokens()
        stdout, _ = proc.communicate(timeout=30)
        out = [json.loads(line) for line in stdout.splitlines()]
        self.assertTrue(all(o["ok"] and o["found"] for o in out), out)
        statuses = [(r["method"], r["status"]) for r in self.imds.log()]
        self.assertEqual(statuses, [("PUT", 200), ("GET", 200), ("GET", 401), ("PUT", 200), ("GET", 200)])

    def test_503_burst_retried(self):
        self.imds.fault("503", count=2, path="/latest/meta-data/")
        out = self.probe("meta-data/instance-id")
        self.assertTrue(out[0]["ok"], out)
        gets = [r["status"] for r in self.imds.log() if r["method"] == "GET"]
        self.assertEqual(gets, [503, 503, 200])

    def test_503_beyond_attempts_is_error(self):
        self.imds.fault("503", count=10, path="/latest/meta-data/")
        out = self.probe("meta-data/spot/instance-action")
        self.assertEqual((out[0]["ok"], out[0]["http_status"], out[0]["code"]), (False, 503, "ServiceUnavailable"))
        self.assertEqual(sum(r["method"] == "GET" for r in self.imds.log()), 3)

    def test_throttling_retried(self):
        self.imds.fault("status", status=429, count=1)
        out = self.probe("meta-data/instance-id")
        self.assertTrue(out[0]["ok"], out)

    def test_stall_is_a_timeout_then_retried(self):
        self.imds.fault("stall", seconds=2, count=1, path="/latest/meta-data/")
        out = self.probe("meta-data/instance-id", "--timeout-ms", "500")
        self.assertTrue(out[0]["ok"], out)
        self.assertLess(out[0]["ms"], 1500)

    def test_token_stall_names_hop_limit(self):
        # What a container behind a hop limit of 1 sees: the token PUT never gets its answer.
        self.imds.fault("stall", seconds=3, count=-1, path="/latest/api/token")
        out = self.probe("meta-data/instance-id", "--timeout-ms", "300")
        self.imds.clear_faults()
        self.assertFalse(out[0]["ok"])
        self.assertEqual(out[0]["code"], "RequestTimeout")
        self.assertEqual(out[0]["http_status"], 0)
        self.assertIn("hop limit", out[0]["message"])
        self.assertFalse([r for r in self.imds.log() if r["method"] == "GET"], "GET without a token")

    def test_reset_connection_retried(self):
        self.imds.fault("reset", count=1, path="/latest/meta-data/")
        out = self.probe("meta-data/instance-id")
        self.assertTrue(out[0]["ok"], out)

    def test_refused_then_back(self):
        self.imds.fault("refuse", seconds=0.25)
        time.sleep(0.05)
        out = self.probe("meta-data/instance-id", "--attempts", "5")  # at ~0, .1, .3, .7, 1.5 s
        self.assertTrue(out[0]["ok"], out)
        self.imds.wait_listening()

    def test_refused_is_network_error(self):
        self.imds.fault("refuse", seconds=3)
        time.sleep(0.05)
        out = self.probe("meta-data/instance-id")
        self.assertEqual((out[0]["ok"], out[0]["code"], out[0]["http_status"]), (False, "NetworkError", 0))
        self.assertIn("refused", out[0]["message"])
        self.imds.wait_listening()

    def test_malformed_notice_is_passed_through(self):
        # The client returns bodies as they are; parsing (and rejecting) is the monitor's job.
        self.imds.set_notice("terminate", time="2026-11-27T10:00:00Z")
        self.imds.fault("malformed_notice")
        out = self.probe("meta-data/spot/instance-action")
        self.assertTrue(out[0]["found"])
        with self.assertRaises(ValueError):
            json.loads(out[0]["body"])

    def test_tags_and_credentials(self):
        self.imds.set_tags({"spawn:ttl": "2h"})
        out = self.probe("meta-data/tags/instance/", "meta-data/tags/instance/spawn:ttl",
                         "meta-data/iam/security-credentials/")
        self.assertEqual([o.get("body") for o in out], ["spawn:ttl", "2h", "spawn-instance-role"])

    def test_no_forwarded_header_sent(self):
        # The fake answers 403 to a token PUT carrying X-Forwarded-For: a working client sends none.
        self.probe("meta-data/instance-id")
        self.assertEqual([r["status"] for r in self.imds.log() if r["method"] == "PUT"], [200])


if __name__ == "__main__":
    unittest.main()
