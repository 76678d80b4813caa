"""Shared helpers for the spot launch tests (issue 3): requests and EC2 state as the tests see them."""
import base64
import json
import os
import shlex
import shutil
import tempfile
import email
import email.policy

from spawn_test_case import SpawnTestCase

AMI = "ami-12345678"  # --ami given: no AMI lookup in the request log unless a test wants one


class SpotTestCase(SpawnTestCase):
    def tearDown(self):
        self.aws.set_scenario({})
        self.terminate_all()

    # --- requests ---

    def params(self, action, n=0):
        calls = self.requests(action)
        self.assertGreater(len(calls), n, f"no {action} call #{n}: {[r['action'] for r in self.requests()]}")
        return calls[n]["params"]

    def assert_no_delete_fleets(self):
        self.assertEqual(self.requests("DeleteFleets"), [], "DeleteFleets on an instant fleet terminates its instances")

    def assert_no_fleet(self):
        for action in ("CreateLaunchTemplate", "CreateFleet", "DeleteFleets"):
            self.assertEqual(self.requests(action), [], f"{action} on the RunInstances route")

    def assert_template_created_and_deleted(self):
        created = self.requests("CreateLaunchTemplate")
        self.assertEqual(len(created), 1, "one launch template per launch")
        self.assertTrue(created[0]["params"]["ClientToken"])
        deleted = self.requests("DeleteLaunchTemplate")
        self.assertEqual(len(deleted), 1, "the launch template is deleted afterwards")
        templates = self.ec2.describe_launch_templates()["LaunchTemplates"]
        self.assertEqual(templates, [], "no launch template left behind")
        return created[0]["params"]

    def user_data_of(self, params, key="UserData"):
        return base64.b64decode(params[key]).decode("utf-8")

    @staticmethod
    def spot_config_in(script):
        """The spot-config.json document spawn's script writes (the shell-quoted argument of its
        `printf ... | spawn_write 0600 .../spot-config.json` line), parsed."""
        for line in script.splitlines():
            if line.startswith("printf '%s\\n' ") and "spot-config.json" in line:
                words = shlex.split(line.split(" | spawn_write ")[0])
                return json.loads(words[2])
        raise AssertionError("no spot-config.json line in:\n" + script[:2000])

    @staticmethod
    def mime_parts(user_data):
        """(content type, filename, payload bytes) of each part of a cloud-init multipart."""
        msg = email.message_from_string(user_data, policy=email.policy.compat32)
        assert msg.is_multipart(), user_data[:200]
        return [(p.get_content_type(), p.get_filename(), p.get_payload(decode=True))
                for p in msg.walk() if not p.is_multipart()]

    # --- EC2 state ---

    def live(self, **filters):
        return self.live_instances(**filters)

    def by_index(self, instances):
        return sorted(instances, key=self.member_index)

    @staticmethod
    def lifecycle(instance):
        return instance.get("InstanceLifecycle", "on-demand")


class BucketTestCase(SpotTestCase):
    """A spot test with spawn's bucket: BUCKET (a class attribute) made once, reached over https://
    (spawn uploads and reads the agent and the launches' specs only over TLS), and a config home
    of the test's own, where `spawn agent upload` remembers the bucket."""

    BUCKET = "spawn-test-bucket"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.aws.client("s3")
        cls.s3.create_bucket(Bucket=cls.BUCKET)
        cls.https_s3, cls.ca = cls.aws.https()

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="spawn-bucket-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.config_home = os.path.join(self.tmp, "xdg")

    def env(self, **extra):
        env = {"XDG_CONFIG_HOME": self.config_home, "AWS_ENDPOINT_URL_S3": self.https_s3, "AWS_CA_BUNDLE": self.ca}
        env.update(extra)
        return env

    def upload_agent(self):
        """`spawn agent upload` to BUCKET; skips the test in sanitizer builds, whose spored is
        dynamically linked (spawn uploads only a static one)."""
        if os.environ.get("SPAWN_SANITIZED") == "1":
            self.skipTest("sanitizer builds link spored dynamically, and spawn uploads only a static one")
        self.spawn_ok("agent", "upload", "--bucket", self.BUCKET, env=self.env())
