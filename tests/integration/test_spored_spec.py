"""The launch's spec: spored reads s3://<bucket>/spawn/launches/<id>/spec.json with the instance
role, and the settings the user-data does not carry (webhooks, an embedded checkpoint script)
come from it; instance tags configure nothing; a bucket in another region is found through S3's
own wrong-region answers (scenario s3_wrong_region), as the SDKs' region redirector does."""
import base64
import hashlib
import json
import os
import unittest

from spored_test_case import HttpsServer, SporedTestCase, read_text

BUCKET = "spawn-spec-eu"
KEY = "spawn/launches/l-5e1f2a/spec.json"


def spec_document(marker, webhook):
    script = f"#!/bin/bash\necho \"$SPAWN_CHECKPOINT_REASON\" > {marker}\n".encode()
    return {"version": 1, "launch_id": "l-5e1f2a", "on_interruption": "checkpoint",
            "checkpoint_script": "embedded:" + hashlib.sha256(script).hexdigest(),
            "checkpoint_script_content": base64.b64encode(script).decode(), "notify": [webhook]}


class SporedSpecTest(SporedTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.aws.client("s3", region="eu-central-1")
        cls.s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})

    def tearDown(self):
        self.aws.set_scenario({})
        super().tearDown()

    def spec_gets(self):
        return [r for r in self.aws.requests(service="s3") if r["action"] == f"GET /{BUCKET}/{KEY}"]

    def start_with_spec(self, config, server):
        self.config_path(config)
        return self.start(env=self.env(SSL_CERT_FILE=server.cert))

    def test_secrets_come_from_the_spec_and_tags_configure_nothing(self):
        server = HttpsServer(self.dir)
        self.addCleanup(server.close)
        marker = os.path.join(self.dir, "checkpointed")
        webhook = server.url("/hooks/T0/B0/secret-token")
        self.s3.put_object(Bucket=BUCKET, Key=KEY, Body=json.dumps(spec_document(marker, webhook)).encode())
        # A tag naming a script: anyone allowed ec2:CreateTags could set it. Never read.
        evil = os.path.join(self.dir, "evil-ran")
        self.imds.set_tags({"Name": "job", "spawn:checkpoint-script": f"/bin/touch {evil}",
                            "spawn:ttl-deadline": "2020-01-01T00:00:00Z"})
        # What the user-data writes when there is a spec: no webhook, no script.
        proc = self.start_with_spec({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": "",
                                     "notify": [], "spec": f"s3://{BUCKET}/{KEY}", "spec_region": "eu-central-1"},
                                    server)
        read = self.wait_for("spec_read", proc=proc)[0]
        self.assertEqual(read["launch_id"], "l-5e1f2a")
        self.assertNotIn("secret-token", self.log_text(proc))
        gets = self.spec_gets()
        self.assertEqual([g["status"] for g in gets], [200])
        self.assertEqual(gets[0]["region"], "eu-central-1")

        self.imds.set_notice("terminate", in_seconds=100)
        self.wait_for("checkpoint_finished", proc=proc, status="ok")
        self.assertEqual(read_text(marker).strip(), "interruption")
        self.wait_until(lambda: server.bodies, message="the webhook from the spec")
        self.assertEqual(server.bodies[0]["path"], "/hooks/T0/B0/secret-token")
        self.assertFalse(os.path.exists(evil))
        self.assertEqual([r for r in self.aws.requests(service="ec2") if r["action"] == "TerminateInstances"], [],
                         "the tag's TTL is not read")
        status = json.loads(read_text(os.path.join(self.state_dir, "status.json")))
        self.assertEqual(status["spec"]["state"], "read")

    def test_a_bucket_in_another_region_is_found_through_s3s_answer(self):
        for answer in (301, 400):
            with self.subTest(answer=answer):
                self.aws.set_scenario({"s3_wrong_region": answer})
                self.aws.reset_log()
                marker = os.path.join(self.dir, f"ran-{answer}")
                self.s3.put_object(Bucket=BUCKET, Key=KEY,
                                   Body=json.dumps(spec_document(marker, "https://127.0.0.1:9/x")).encode())
                self.state_dir = os.path.join(self.dir, f"state-{answer}")
                os.makedirs(self.state_dir)
                # spawn of an earlier version wrote no spec_region: the instance's region is tried first.
                self.config_path({"spot": True, "on_interruption": "checkpoint", "spec": f"s3://{BUCKET}/{KEY}"})
                proc = self.start("--spec-refresh", "1s", log_name=f"spored-{answer}.log")
                self.wait_for("spec_read", proc=proc)
                # Asked again every second: the bucket's region is remembered, no wrong turn again.
                self.wait_until(lambda: len(self.spec_gets()) >= 4, message="spec asked again")
                gets = self.spec_gets()
                self.assertEqual([(g["region"], g["status"]) for g in gets[:2]],
                                 [("us-east-1", answer), ("eu-central-1", 200)])
                self.assertEqual({(g["region"], g["status"]) for g in gets[2:]}, {("eu-central-1", 304)})
                heads = [r for r in self.aws.requests(service="s3") if r["action"] == f"HEAD /{BUCKET}"]
                self.assertEqual(len(heads), 1)
                self.stop(proc)

    def test_an_unreadable_spec_is_retried_and_the_file_holds_meanwhile(self):
        self.config_path({"spot": True, "on_interruption": "terminate", "spec": f"s3://{BUCKET}/missing/spec.json",
                          "spec_region": "eu-central-1"})
        proc = self.start()
        failed = self.wait_for("spec_read_failed", proc=proc)[0]
        self.assertIn("NoSuchKey", failed["error"])
        self.wait_for("watching", proc=proc)
        self.imds.set_notice("terminate", in_seconds=100)
        self.wait_until(lambda: self.shutdowns(), message="the shutdown the file's settings ask for")


if __name__ == "__main__":
    unittest.main()
