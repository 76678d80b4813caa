"""Self-test of the metadata fake: EC2's token rules, 401/404, the notice, and each fault."""
import json
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fakes.imds_fake_fixture import ImdsFake  # noqa: E402

TTL = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN = "X-aws-ec2-metadata-token"


def header(headers, name):
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return None


class FakeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.imds = ImdsFake().start()

    @classmethod
    def tearDownClass(cls):
        cls.imds.stop()

    def setUp(self):
        self.imds.reset()


class TokenRules(FakeTest):
    def test_put_returns_token_and_ttl(self):
        status, headers, body = self.imds.request("PUT", "/latest/api/token", {TTL: "21600"})
        self.assertEqual(status, 200)
        self.assertTrue(body)
        self.assertEqual(header(headers, TTL), "21600")
        self.assertEqual(header(headers, "Server"), "EC2ws")

    def test_ttl_must_be_between_1_and_21600(self):
        for bad in ("0", "21601", "-5", "abc", ""):
            status, _, _ = self.imds.request("PUT", "/latest/api/token", {TTL: bad})
            self.assertEqual(status, 400, bad)
        status, _, _ = self.imds.request("PUT", "/latest/api/token")
        self.assertEqual(status, 400)
        for good in ("1", "21600"):
            status, _, _ = self.imds.request("PUT", "/latest/api/token", {TTL: good})
            self.assertEqual(status, 200, good)

    def test_forwarded_put_is_forbidden(self):
        status, _, _ = self.imds.request("PUT", "/latest/api/token", {TTL: "60", "X-Forwarded-For": "10.0.0.1"})
        self.assertEqual(status, 403)

    def test_versioned_token_path_is_forbidden(self):
        status, _, _ = self.imds.request("PUT", "/2021-03-23/api/token", {TTL: "60"})
        self.assertEqual(status, 403)

    def test_get_without_token_is_401(self):
        status, headers, body = self.imds.request("GET", "/latest/meta-data/instance-id")
        self.assertEqual(status, 401)
        self.assertIn("401 - Unauthorized", body)

    def test_get_with_unknown_token_is_401(self):
        status, _ = self.imds.get("meta-data/instance-id", token="not-a-token")
        self.assertEqual(status, 401)

    def test_get_reply_carries_remaining_ttl(self):
        token = self.imds.token(ttl=100)
        self.imds.advance(30)
        status, headers, body = self.imds.request("GET", "/latest/meta-data/instance-id", {TOKEN: token})
        self.assertEqual(status, 200)
        self.assertIn(int(header(headers, TTL)), (69, 70))

    def test_expired_token_is_401(self):
        token = self.imds.token(ttl=10)
        self.assertEqual(self.imds.get("meta-data/instance-id", token)[0], 200)
        self.imds.advance(11)
        self.assertEqual(self.imds.get("meta-data/instance-id", token)[0], 401)

    def test_real_expiry(self):
        token = self.imds.token(ttl=1)
        time.sleep(1.1)
        self.assertEqual(self.imds.get("meta-data/instance-id", token)[0], 401)

    def test_invalidate_tokens(self):
        token = self.imds.token()
        self.imds.invalidate_tokens()
        self.assertEqual(self.imds.get("meta-data/instance-id", token)[0], 401)
        self.assertEqual(self.imds.get("meta-data/instance-id")[0], 200)  # a new token works

    def test_get_on_token_path_is_not_allowed(self):
        status, _, _ = self.imds.request("GET", "/latest/api/token")
        self.assertEqual(status, 405)


class Metadata(FakeTest):
    def test_identity(self):
        self.assertEqual(self.imds.get("meta-data/instance-id"), (200, "i-0123456789abcdef0"))
        self.assertEqual(self.imds.get("meta-data/instance-life-cycle"), (200, "spot"))
        self.assertEqual(self.imds.get("meta-data/placement/region"), (200, "us-east-1"))
        self.assertEqual(self.imds.get("meta-data/placement/availability-zone"), (200, "us-east-1a"))
        status, body = self.imds.get("dynamic/instance-identity/document")
        doc = json.loads(body)
        self.assertEqual((doc["region"], doc["instanceId"], doc["accountId"]),
                         ("us-east-1", "i-0123456789abcdef0", "123456789012"))

    def test_set_instance_and_lifecycle(self):
        self.imds.set_instance(region="eu-west-1", availability_zone="eu-west-1b", instance_type="c7g.xlarge")
        self.imds.set_lifecycle("on-demand")
        self.assertEqual(self.imds.get("meta-data/ami-launch-index"), (200, "0"))
        self.imds.set_instance(ami_launch_index=12)  # its place in a launch of several
        self.assertEqual(self.imds.get("meta-data/ami-launch-index"), (200, "12"))
        self.assertEqual(self.imds.get("meta-data/placement/region"), (200, "eu-west-1"))
        self.assertEqual(self.imds.get("meta-data/instance-type"), (200, "c7g.xlarge"))
        self.assertEqual(self.imds.get("meta-data/instance-life-cycle"), (200, "on-demand"))
        self.assertEqual(json.loads(self.imds.get("dynamic/instance-identity/document")[1])["region"], "eu-west-1")

    def test_the_primary_interfaces_subnet(self):
        mac = self.imds.get("meta-data/mac")[1]
        self.assertEqual(self.imds.get(f"meta-data/network/interfaces/macs/{mac}/subnet-id"),
                         (200, "subnet-0fake000000000001"))
        self.imds.set_instance(subnet_id="subnet-0abc", mac="0e:11:22:33:44:55")
        self.assertEqual(self.imds.get("meta-data/network/interfaces/macs/0e:11:22:33:44:55/subnet-id"), (200, "subnet-0abc"))
        self.imds.set_instance(subnet_id="")  # no subnet named (EC2-Classic, or a test that says so)
        self.assertEqual(self.imds.get("meta-data/network/interfaces/macs/0e:11:22:33:44:55/subnet-id")[0], 404)

    def test_absent_path_is_404_html(self):
        token = self.imds.token()
        status, headers, body = self.imds.request("GET", "/latest/meta-data/nothing-here", {TOKEN: token})
        self.assertEqual(status, 404)
        self.assertIn("text/html", header(headers, "Content-Type"))
        self.assertIn("<title>404 - Not Found</title>", body)

    def test_listing(self):
        status, body = self.imds.get("meta-data/")
        self.assertEqual(status, 200)
        lines = body.split("\n")
        self.assertIn("instance-id", lines)
        self.assertIn("placement/", lines)
        self.assertNotIn("spot/", lines)

    def test_tags(self):
        self.imds.set_tags({"Name": "x", "spawn:ttl": "2h"})
        status, body = self.imds.get("meta-data/tags/instance")
        self.assertEqual((status, sorted(body.split("\n"))), (200, ["Name", "spawn:ttl"]))
        self.assertEqual(self.imds.get("meta-data/tags/instance/"), (200, body))
        self.assertEqual(self.imds.get("meta-data/tags/instance/spawn:ttl"), (200, "2h"))
        self.imds.set_tags(enabled=False)
        self.assertEqual(self.imds.get("meta-data/tags/instance")[0], 404)

    def test_credentials(self):
        self.assertEqual(self.imds.get("meta-data/iam/security-credentials/"), (200, "spawn-instance-role"))
        creds = json.loads(self.imds.get("meta-data/iam/security-credentials/spawn-instance-role")[1])
        for k in ("Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"):
            self.assertIn(k, creds)
        self.imds.set_credentials(role="other", AccessKeyId="ASIAOTHER")
        creds = json.loads(self.imds.get("meta-data/iam/security-credentials/other")[1])
        self.assertEqual(creds["AccessKeyId"], "ASIAOTHER")
        self.imds.set_credentials(role=None)
        self.assertEqual(self.imds.get("meta-data/iam/security-credentials/")[0], 404)


class Notice(FakeTest):
    def test_no_notice_is_404(self):
        self.assertEqual(self.imds.get("meta-data/spot/instance-action")[0], 404)
        self.assertFalse(self.imds.notice()["set"])

    def test_notice(self):
        self.imds.set_notice("stop", time="2026-11-27T10:00:00Z")
        status, body = self.imds.get("meta-data/spot/instance-action")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), {"action": "stop", "time": "2026-11-27T10:00:00Z"})
        self.assertEqual(self.imds.get("meta-data/spot/termination-time"), (200, "2026-11-27T10:00:00Z"))
        info = self.imds.notice()
        self.assertTrue(info["set"])
        self.assertLessEqual(info["set_at"], info["first_read_at"])
        self.assertLessEqual(info["first_read_at"], time.monotonic())
        self.imds.clear_notice()
        self.assertEqual(self.imds.get("meta-data/spot/instance-action")[0], 404)

    def test_notice_in_seconds_is_whole_second_utc(self):
        n = self.imds.set_notice("hibernate", in_seconds=120)
        self.assertRegex(n["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_bad_action_is_rejected(self):
        with self.assertRaises(Exception):
            self.imds.set_notice("explode")

    def test_rebalance(self):
        self.assertEqual(self.imds.get("meta-data/events/recommendations/rebalance")[0], 404)
        self.imds.set_rebalance(notice_time="2026-11-27T09:58:00Z")
        status, body = self.imds.get("meta-data/events/recommendations/rebalance")
        self.assertEqual((status, json.loads(body)), (200, {"noticeTime": "2026-11-27T09:58:00Z"}))


class Faults(FakeTest):
    def test_503_burst(self):
        token = self.imds.token()
        self.imds.fault("503", count=2)
        self.assertEqual(self.imds.get("meta-data/instance-id", token)[0], 503)
        self.assertEqual(self.imds.get("meta-data/instance-id", token)[0], 503)
        self.assertEqual(self.imds.get("meta-data/instance-id", token)[0], 200)

    def test_status_fault_with_path_filter(self):
        token = self.imds.token()
        self.imds.fault("status", status=429, count=1, path="/latest/meta-data/spot/")
        self.assertEqual(self.imds.get("meta-data/instance-id", token)[0], 200)
        self.assertEqual(self.imds.get("meta-data/spot/instance-action", token)[0], 429)
        self.assertEqual(self.imds.get("meta-data/spot/instance-action", token)[0], 404)

    def test_stall(self):
        token = self.imds.token()
        self.imds.fault("stall", seconds=0.6, count=1)
        start = time.monotonic()
        self.assertEqual(self.imds.get("meta-data/instance-id", token)[0], 200)
        self.assertGreaterEqual(time.monotonic() - start, 0.55)
        start = time.monotonic()
        self.imds.get("meta-data/instance-id", token)
        self.assertLess(time.monotonic() - start, 0.5)

    def test_reset_closes_unanswered(self):
        self.imds.fault("reset", count=1)
        with self.assertRaises(Exception):
            self.imds.token()
        self.imds.token()

    def test_malformed_notice(self):
        self.imds.set_notice("terminate", time="2026-11-27T10:00:00Z")
        self.imds.fault("malformed_notice", count=1)
        status, body = self.imds.get("meta-data/spot/instance-action")
        self.assertEqual(status, 200)
        with self.assertRaises(ValueError):
            json.loads(body)
        self.assertEqual(json.loads(self.imds.get("meta-data/spot/instance-action")[1])["action"], "terminate")

    def test_moving_time(self):
        self.imds.set_notice("terminate", time="2026-11-27T10:00:00Z")
        self.imds.fault("moving_time")
        token = self.imds.token()
        times = [json.loads(self.imds.get("meta-data/spot/instance-action", token)[1])["time"] for _ in range(3)]
        self.assertEqual(times, ["2026-11-27T10:00:00Z", "2026-11-27T10:00:01Z", "2026-11-27T10:00:02Z"])

    def test_refuse(self):
        self.imds.fault("refuse", seconds=0.8)
        time.sleep(0.2)
        s = socket.socket()
        s.settimeout(2)
        with self.assertRaises(ConnectionRefusedError):
            s.connect(("127.0.0.1", self.imds.port))
        s.close()
        self.imds.wait_listening(timeout=5)
        self.assertEqual(self.imds.get("meta-data/instance-id")[0], 200)

    def test_log(self):
        self.imds.clear_log()
        token = self.imds.token()
        self.imds.get("meta-data/instance-id", token)
        self.imds.request("GET", "/latest/meta-data/instance-id")
        log = self.imds.log()
        self.assertEqual([(r["method"], r["path"], r["token_present"], r["status"]) for r in log], [
            ("PUT", "/latest/api/token", False, 200),
            ("GET", "/latest/meta-data/instance-id", True, 200),
            ("GET", "/latest/meta-data/instance-id", False, 401),
        ])
        self.assertTrue(log[0]["t"] <= log[1]["t"] <= log[2]["t"] <= time.monotonic())

    def test_unknown_fault_is_400(self):
        with self.assertRaises(Exception):
            self.imds.fault("meteor")


if __name__ == "__main__":
    unittest.main()
