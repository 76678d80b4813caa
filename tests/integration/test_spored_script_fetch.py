"""The checkpoint script from s3:// (GetObject signed with the instance role's credentials from the
metadata service) or https:// (certificate checked), fetched when the agent starts into a folder only
root may enter, refreshed when it changed, and run from there at the notice."""
import json
import os
import stat
import unittest

from spored_test_case import HttpsServer, SporedTestCase, read_text

BUCKET = "spawn-scripts"



def cached_copy(state_dir):
    """The cached copy of the remote script, as spored's record names it."""
    with open(os.path.join(state_dir, "checkpoint", "checkpoint-script.json"), encoding="utf-8") as f:
        return os.path.join(state_dir, "checkpoint", json.load(f)["file"])

class ScriptFetchTest(SporedTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.aws.client("s3")
        cls.s3.create_bucket(Bucket=BUCKET)

    def put(self, key, body):
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode())

    def test_s3_script_is_fetched_at_start_into_a_private_folder_and_run_from_there(self):
        marker = os.path.join(self.dir, "ran")
        self.put("ckpt/save.sh", f"echo from-s3 > {marker}\n")
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": f"s3://{BUCKET}/ckpt/save.sh"})
        proc = self.start()
        fetched = self.wait_for("checkpoint_script_fetched", proc=proc)[0]
        self.assertEqual(fetched["what"], "fetched")

        gets = [r for r in self.aws.requests(service="s3") if r["action"] == f"GET /{BUCKET}/ckpt/save.sh"]
        self.assertEqual(len(gets), 1)
        self.assertEqual(gets[0]["status"], 200)
        self.assertTrue(gets[0]["authorization_present"])
        # Signed with the instance role: its credentials came from the metadata service.
        self.assertTrue(any("iam/security-credentials/" in r["path"] for r in self.imds.log()))

        folder = os.path.join(self.state_dir, "checkpoint")
        self.assertEqual(stat.S_IMODE(os.lstat(folder).st_mode), 0o700)
        cached = cached_copy(self.state_dir)
        self.assertEqual(stat.S_IMODE(os.stat(cached).st_mode), 0o700)
        # Its name cannot be guessed before it exists: checkpoint-script.<16 random hex digits>.
        self.assertRegex(os.path.basename(cached), r"^checkpoint-script\.[0-9a-f]{16}$")
        self.assertEqual(sorted(os.listdir(folder)), sorted([os.path.basename(cached), "checkpoint-script.json"]))

        self.aws.reset_log()
        self.imds.set_notice("terminate", in_seconds=100)
        started = self.wait_for("checkpoint_started", proc=proc)[0]
        self.assertEqual(started["script"], cached)
        self.wait_for("checkpoint_finished", proc=proc, status="ok")
        self.assertEqual(read_text(marker).strip(), "from-s3")
        # During the two minutes nothing is downloaded: the cached copy is there.
        self.assertEqual([r for r in self.aws.requests(service="s3")], [])

    def test_a_changed_script_is_refreshed_at_the_next_start(self):
        self.put("ckpt/v.sh", "echo v1\n")
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": f"s3://{BUCKET}/ckpt/v.sh"})
        proc = self.start()
        first = self.wait_for("checkpoint_script_fetched", proc=proc)[0]
        self.stop(proc)
        cached = cached_copy(self.state_dir)
        self.assertEqual(read_text(cached), "echo v1\n")

        self.put("ckpt/v.sh", "echo v2\n")
        again = self.start(log_name="spored-2.log")
        updated = self.wait_for("checkpoint_script_fetched", proc=again)[0]
        self.assertEqual(updated["what"], "updated")
        self.assertNotEqual(updated["sha256"], first["sha256"])
        self.assertEqual(read_text(cached_copy(self.state_dir)), "echo v2\n")
        self.assertFalse(os.path.exists(cached), "the replaced copy is removed")

    def test_https_script_with_a_checked_certificate(self):
        server = HttpsServer(self.dir)
        self.addCleanup(server.close)
        marker = os.path.join(self.dir, "ran")
        server.files["/scripts/ckpt.sh"] = f"echo from-https > {marker}\n".encode()
        url = server.url("/scripts/ckpt.sh")
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": url})
        proc = self.start(env=self.env(SSL_CERT_FILE=server.cert))
        self.wait_for("checkpoint_script_fetched", proc=proc)
        self.assertEqual(server.gets, ["/scripts/ckpt.sh"])
        self.imds.set_notice("terminate", in_seconds=100)
        self.wait_for("checkpoint_finished", proc=proc, status="ok")
        self.assertEqual(read_text(marker).strip(), "from-https")

    def test_https_with_an_untrusted_certificate_is_not_fetched(self):
        server = HttpsServer(self.dir)
        self.addCleanup(server.close)
        server.files["/ckpt.sh"] = b"echo never\n"
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": server.url("/ckpt.sh")})
        proc = self.start()  # no SSL_CERT_FILE: the self-signed certificate is not trusted
        failed = self.wait_for("checkpoint_script_fetch_failed", proc=proc)[0]
        self.assertIn("NetworkError", failed["error"])
        self.assertEqual(server.gets, [])
        self.assertFalse(os.path.exists(os.path.join(self.state_dir, "checkpoint", "checkpoint-script.json")))

    def test_https_script_cut_short_is_not_fetched(self):
        # A stream cut by an attacker (or a reset) must not become a shorter script run as root:
        # a body that does not say its length is refused, one shorter than it says is truncated.
        server = HttpsServer(self.dir)
        self.addCleanup(server.close)
        server.raw["/unframed.sh"] = b"HTTP/1.0 200 OK\r\nContent-Type: text/x-sh\r\n\r\n#!/bin/sh\nrm -rf /srv/job/tmp"
        server.raw["/cut.sh"] = b"HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n#!/bin/sh\nrm -rf /srv/job/tmp"
        for path, error in (("/unframed.sh", "InvalidReply"), ("/cut.sh", "NetworkError")):
            with self.subTest(path=path):
                self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": server.url(path)})
                proc = self.start(env=self.env(SSL_CERT_FILE=server.cert), log_name=f"spored{path[:-3]}.log".replace("/", "-"))
                failed = self.wait_for("checkpoint_script_fetch_failed", proc=proc)[0]
                self.assertIn(error, failed["error"])
                self.assertFalse(os.path.exists(os.path.join(self.state_dir, "checkpoint", "checkpoint-script.json")))
                self.stop(proc)

    def test_https_script_over_1_mib_is_not_fetched(self):
        server = HttpsServer(self.dir)
        self.addCleanup(server.close)
        server.files["/big.sh"] = b"#" * (1024 * 1024 + 1)
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": server.url("/big.sh")})
        proc = self.start(env=self.env(SSL_CERT_FILE=server.cert))
        failed = self.wait_for("checkpoint_script_fetch_failed", proc=proc)[0]
        self.assertIn("ReplyTooLarge", failed["error"])
        self.assertFalse(os.path.exists(os.path.join(self.state_dir, "checkpoint", "checkpoint-script.json")))

    def test_http_script_is_refused(self):
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": "http://127.0.0.1:1/c.sh"})
        r = self.run_spored("--config", self.config_path(), "--state-dir", self.state_dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("https:// or s3://", r.stderr)


if __name__ == "__main__":
    unittest.main()
