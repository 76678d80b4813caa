"""Getting spored onto a spot instance, against the local AWS: `spawn agent upload` (the object and
its sha256 in moto's S3, the location remembered), the launch's user-data (the install snippet with
a presigned URL and the sha256), the generated snippet run under bash in a sandbox (a matching
download installed and started, a tampered one refused), the instance profile spawn-spored
(created once, least privilege, reused), and --notify in spot-config.json.

The launch presigns the agent URL for the S3 endpoint the user has configured, and refuses a
plain-http one (the instance would run code fetched without TLS). The local AWS speaks http, so
the launches here point only S3 at https://127.0.0.1:<same port> (AWS_ENDPOINT_URL_S3): nothing
sends an S3 request at launch, the URL only has to be made, and the test then fetches it over
http from moto to prove it names the uploaded object.
"""
import hashlib
import json
import os
import shlex
import shutil
import stat
import tempfile
import unittest
import urllib.parse
import urllib.request

from spawn_test_case import BIN
from spot_sandbox import Sandbox
from spot_test_case import AMI, SpotTestCase

SPORED = os.path.join(BIN, "spored")
SOURCE = os.environ.get("SPAWN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUCKET = "spawn-agent-test"
TOPIC = "arn:aws:sns:us-east-1:123456789012:spot-alerts"


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class InstallSandbox(Sandbox):
    """spot_sandbox.Sandbox plus the commands the install snippet runs. curl is a stub that copies
    $AGENT_FILE to its --output (or fails with 22 when AGENT_FILE is unset, as curl --fail does on a
    404); systemctl and sleep only record; uname prints $UNAME_M. Everything else logs and runs the
    real program."""

    def __init__(self):
        super().__init__()
        for name in ("rm", "sha256sum"):
            real = shutil.which(name, path="/usr/bin:/bin")
            self._write(os.path.join(self.bin, name), self._recording(name) + f"exec {real} \"$@\"\n", 0o755)
        self._write(os.path.join(self.bin, "curl"), self._recording("curl") + (
            "out=''\nprev=''\nfor a in \"$@\"; do\n"
            "  if [ \"$prev\" = --output ]; then out=$a; fi\n  prev=$a\ndone\n"
            "[ -n \"${AGENT_FILE:-}\" ] || { echo 'curl: (22) The requested URL returned error: 403' >&2; exit 22; }\n"
            "/usr/bin/cat \"$AGENT_FILE\" > \"$out\"\n"), 0o755)
        for name in ("systemctl", "sleep"):
            self._write(os.path.join(self.bin, name), self._recording(name), 0o755)
        self._write(os.path.join(self.bin, "uname"), self._recording("uname") + "printf '%s\\n' \"${UNAME_M:-x86_64}\"\n",
                    0o755)

    @staticmethod
    def _recording(name):
        return ("#!/usr/bin/bash\n"
                f"{{ printf '%s\\037' {name} \"$@\"; printf '\\036'; }} >> \"$SANDBOX_LOG\"\n")

    def run_with(self, script, **env):
        """Runs script with extra environment variables for the stubs (Sandbox.run sets a fixed
        environment, so they are exported by a line put after the script's `set -euo pipefail`)."""
        extra = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())
        return self.run(script.replace("set -euo pipefail\n", "set -euo pipefail\n" + extra, 1))

    def names(self):
        return [c[0] for c in self.calls()]


class AgentInstallTest(SpotTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not os.access(SPORED, os.X_OK):
            raise unittest.SkipTest(f"{SPORED} is not built (set SPAWN_BIN_DIR)")
        cls.s3 = cls.aws.client("s3")
        cls.s3.create_bucket(Bucket=BUCKET)
        cls.iam = cls.aws.client("iam")
        cls.binary = read_bytes(SPORED)
        cls.sha = hashlib.sha256(cls.binary).hexdigest()
        cls.https_s3 = cls.aws.endpoint.replace("http://", "https://")

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="agent-install-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.config_home = os.path.join(self.tmp, "xdg")

    def env(self, **extra):
        env = {"XDG_CONFIG_HOME": self.config_home}
        env.update(extra)
        return env

    def skip_when_sanitized(self):
        if os.environ.get("SPAWN_SANITIZED") == "1":
            # spawn refuses to upload a dynamically linked spored, which is what sanitizer builds
            # make; the release suite runs these.
            self.skipTest("sanitizer builds (SPAWN_SANITIZE) link spored dynamically")

    def upload(self, *args):
        self.skip_when_sanitized()
        return self.spawn_ok("agent", "upload", "--bucket", BUCKET, *args, env=self.env())

    def launch(self, *args, expect=0):
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", *args,
                       env=self.env(AWS_ENDPOINT_URL_S3=self.https_s3))
        self.assertEqual(r.returncode, expect, r.stderr)
        return r

    def config(self):
        with open(os.path.join(self.config_home, "spawn", "config.json"), encoding="utf-8") as f:
            return json.load(f)

    def sandbox(self):
        box = InstallSandbox()
        self.addCleanup(box.close)
        return box

    def file(self, name, content):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(content)
        return path

    def clean_iam(self):
        for profile in self.iam.list_instance_profiles()["InstanceProfiles"]:
            for role in profile["Roles"]:
                self.iam.remove_role_from_instance_profile(InstanceProfileName=profile["InstanceProfileName"],
                                                           RoleName=role["RoleName"])
            self.iam.delete_instance_profile(InstanceProfileName=profile["InstanceProfileName"])
        for role in self.iam.list_roles()["Roles"]:
            for name in self.iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]:
                self.iam.delete_role_policy(RoleName=role["RoleName"], PolicyName=name)
            self.iam.delete_role(RoleName=role["RoleName"])

    def iam_actions(self):
        return [r["action"] for r in self.requests() if r["service"] == "iam"]

    # --- spawn agent upload -----------------------------------------------------------------

    def test_upload_puts_the_binary_and_its_sha256_and_remembers_where(self):
        r = self.upload()  # the spored next to spawn
        key = f"spawn/agent/{self.sha}/spored"
        self.assertIn(f"s3://{BUCKET}/{key}", r.stdout)
        self.assertIn(self.sha, r.stdout)
        puts = [q for q in self.requests() if q["service"] == "s3"]
        self.assertEqual([q["action"] for q in puts], [f"PUT /{BUCKET}/{key}", f"PUT /{BUCKET}/{key}.sha256"])
        self.assertTrue(all(q["authorization_present"] and q["status"] == 200 for q in puts))
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read(), self.binary, "byte for byte")
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key=key + ".sha256")["Body"].read().decode(),
                         f"{self.sha}  spored\n", "sha256sum -c format")

        path = os.path.join(self.config_home, "spawn", "config.json")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700)
        agent = self.config()["agent"]
        self.assertEqual({k: agent[k] for k in ("bucket", "key", "sha256_key", "region", "sha256", "size", "architecture")},
                         {"bucket": BUCKET, "key": key, "sha256_key": key + ".sha256", "region": "us-east-1",
                          "sha256": self.sha, "size": len(self.binary), "architecture": "x86_64"})
        self.assertNotIn("testing", json.dumps(self.config()), "no credential in spawn's config")

    def test_upload_with_prefix_binary_and_json(self):
        copy = self.file("spored-copy", self.binary)
        out = json.loads(self.upload("--prefix", "/tools/spawn/", "--binary", copy, "--output", "json").stdout)
        self.assertEqual(out["key"], f"tools/spawn/{self.sha}/spored")
        self.assertEqual(out["sha256"], self.sha)
        self.assertEqual(out["config"], os.path.join(self.config_home, "spawn", "config.json"))
        self.assertEqual(self.config()["agent"]["key"], out["key"])

    def test_upload_refuses_bad_input_before_any_request(self):
        dynamic = shutil.which("ls")
        script = self.file("not-elf", b"#!/bin/sh\necho hi\n")
        cases = [
            (["--bucket", "Bad_Bucket"], "--bucket: expected an S3 bucket name"),
            (["--bucket", BUCKET, "--binary", os.path.join(self.tmp, "missing")], "no such file"),
            (["--bucket", BUCKET, "--binary", script], "is not spored: not an ELF executable"),
            (["--bucket", BUCKET, "--binary", dynamic], "is dynamically linked"),
            (["--bucket", BUCKET, "--prefix", "a//b"], "--prefix"),
            ([], "--bucket is required"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.spawn("agent", "upload", *args, env=self.env())
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertTrue(r.stderr.startswith("spawn: error: "), r.stderr)
                self.assertIn(message, r.stderr)
                self.assertEqual(self.requests(), [])
        self.assertFalse(os.path.exists(self.config_home), "nothing remembered")

    def test_upload_to_a_missing_bucket_says_how_to_fix_it(self):
        self.skip_when_sanitized()
        r = self.spawn("agent", "upload", "--bucket", "no-such-bucket-here", env=self.env())
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = r.stderr.splitlines()
        self.assertTrue(lines[0].startswith("spawn: error: cannot put spored in s3://no-such-bucket-here: "), lines[0])
        self.assertIn("NoSuchBucket", lines[0])
        self.assertEqual(lines[1], "spawn: hint: create the bucket first (aws s3 mb s3://no-such-bucket-here), or check "
                                   "--region")
        self.assertFalse(os.path.exists(self.config_home))

    # --- the launch ---------------------------------------------------------------------------

    def snippet_url(self, user_data):
        line = next(l for l in user_data.splitlines() if l.startswith("spawn_agent_url="))
        return line[len("spawn_agent_url='"):-1]

    def test_spot_launch_user_data_installs_the_uploaded_agent_with_a_presigned_url(self):
        self.clean_iam()
        self.upload()
        self.aws.reset_log()
        self.launch()
        user_data = self.user_data_of(self.params("RunInstances"))
        self.assertIn(f"spawn_agent_sha256='{self.sha}'\n", user_data)
        self.assertIn("spawn_agent_arch='x86_64'\n", user_data)
        self.assertLess(user_data.index("spot-config.json"), user_data.index("spawn_agent_url="),
                        "the config is written before spored starts")
        url = self.snippet_url(user_data)
        parsed = urllib.parse.urlsplit(url)
        self.assertEqual(f"{parsed.scheme}://{parsed.netloc}", self.https_s3)
        self.assertEqual(parsed.path, f"/{BUCKET}/spawn/agent/{self.sha}/spored")
        query = dict(urllib.parse.parse_qsl(parsed.query))
        self.assertEqual(query["X-Amz-Algorithm"], "AWS4-HMAC-SHA256")
        self.assertEqual(query["X-Amz-Expires"], "3600", "valid for an hour: bounded")
        self.assertTrue(query["X-Amz-Credential"].endswith("/us-east-1/s3/aws4_request"))
        self.assertEqual(query["X-Amz-SignedHeaders"], "host")
        self.assertRegex(query["X-Amz-Signature"], "^[0-9a-f]{64}$")
        self.assertTrue(query["X-Amz-Credential"].startswith("testing/"), "the access key id; never the secret")
        # The URL names the uploaded object (moto ignores the signature; the path and key are real).
        with urllib.request.urlopen(url.replace("https://", "http://", 1), timeout=30) as reply:
            self.assertEqual(reply.read(), self.binary)
        # The instance runs with the profile spawn made.
        self.assertEqual(self.params("RunInstances")["IamInstanceProfile.Name"], "spawn-spored")

    def test_a_fleet_launch_template_carries_the_install_step_and_the_profile(self):
        self.upload()
        r = self.spawn("launch", "--instance-types", "m7i.large,m6i.large", "--ami", AMI, "--spot", "--spot-fallback",
                       env=self.env(AWS_ENDPOINT_URL_S3=self.https_s3))
        self.assertEqual(r.returncode, 0, r.stderr)
        template = self.params("CreateLaunchTemplate")
        self.assertEqual(template["LaunchTemplateData.IamInstanceProfile.Name"], "spawn-spored")
        user_data = self.user_data_of(template, "LaunchTemplateData.UserData")
        self.assertIn(f"spawn_agent_sha256='{self.sha}'\n", user_data)
        self.assertTrue(self.snippet_url(user_data).startswith(f"{self.https_s3}/{BUCKET}/spawn/agent/{self.sha}/spored?"))

    def test_the_url_is_never_printed(self):
        self.upload()
        for args in ((), ("--output", "json"), ("--debug",)):
            with self.subTest(args=args):
                r = self.launch(*args)
                self.assertNotIn("X-Amz-Signature", r.stdout + r.stderr)

    def test_the_install_snippet_installs_a_matching_download_and_starts_it(self):
        self.upload()
        self.launch("--notify", TOPIC)
        script = self.user_data_of(self.params("RunInstances"))
        box = self.sandbox()
        agent = self.file("download", self.binary)
        r = box.run_with(script, AGENT_FILE=agent)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        installed = os.path.join(box.root, "usr/local/bin/spored")
        self.assertEqual(read_bytes(installed), self.binary)
        self.assertEqual(stat.S_IMODE(os.stat(installed).st_mode), 0o755)
        unit = os.path.join(box.root, "etc/systemd/system/spored.service")
        self.assertEqual(read_bytes(unit), read_bytes(os.path.join(SOURCE, "dist/spored.service")))
        self.assertEqual(stat.S_IMODE(os.stat(unit).st_mode), 0o644)
        with open(os.path.join(box.root, "etc/spawn/spot-config.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["notify"], [TOPIC])
        calls = box.calls()
        curl = next(c for c in calls if c[0] == "curl")
        for flag in ("--fail", "--proto", "=https", "--proto-redir", "--location"):
            self.assertIn(flag, curl)
        self.assertEqual(curl[-1], self.snippet_url(script), "the URL as one argument, intact")
        self.assertEqual([c for c in calls if c[0] == "systemctl"],
                         [("systemctl", "daemon-reload"), ("systemctl", "enable", "--now", "--no-block", "spored.service")])
        config_in_place = next(i for i, c in enumerate(calls) if c[0] == "mv" and c[-1].endswith("spot-config.json"))
        self.assertLess(config_in_place, box.names().index("systemctl"), "spot-config.json is in place before spored starts")
        self.assertEqual({f for f in box.files() if f.startswith("root/usr") or f.startswith("root/etc/systemd")},
                         {"root/usr", "root/usr/local", "root/usr/local/bin", "root/usr/local/bin/spored", "root/etc/systemd",
                          "root/etc/systemd/system", "root/etc/systemd/system/spored.service"},
                         "no temporary file left behind")

    def test_the_install_snippet_refuses_a_download_whose_sha256_differs(self):
        self.upload()
        self.launch()
        script = self.user_data_of(self.params("RunInstances"))
        box = self.sandbox()
        tampered = self.file("tampered", self.binary[:-1] + bytes([self.binary[-1] ^ 1]))
        r = box.run_with(script, AGENT_FILE=tampered)
        self.assertEqual(r.returncode, 1, "cloud-init reports the failure")
        bad = hashlib.sha256(read_bytes(tampered)).hexdigest()
        self.assertEqual(r.stderr.decode(), f"spawn: spored not installed: the download's sha256 is {bad}, expected "
                                            f"{self.sha}: refused, not run\n")
        self.assertFalse(os.path.exists(os.path.join(box.root, "usr/local/bin/spored")))
        self.assertEqual(os.listdir(os.path.join(box.root, "usr/local/bin")), [], "the download is removed")
        self.assertNotIn("systemctl", box.names())
        self.assertFalse(os.path.exists(os.path.join(box.root, "etc/systemd/system/spored.service")))
        self.assertTrue(os.path.exists(os.path.join(box.root, "etc/spawn/spot-config.json")), "the config stays")

    def test_the_install_snippet_retries_a_failing_download_a_bounded_number_of_times(self):
        self.upload()
        self.launch()
        box = self.sandbox()
        r = box.run_with(self.user_data_of(self.params("RunInstances")))
        self.assertEqual(r.returncode, 1)
        self.assertIn("spawn: spored not installed: the download failed 5 times", r.stderr.decode())
        self.assertNotIn("X-Amz", r.stderr.decode(), "the URL is not printed")
        self.assertEqual(box.names().count("curl"), 5)
        self.assertEqual([c for c in box.calls() if c[0] == "sleep"], [("sleep", "3"), ("sleep", "6"), ("sleep", "9"),
                                                                       ("sleep", "12")])
        self.assertEqual(os.listdir(os.path.join(box.root, "usr/local/bin")), [])

    def test_the_install_snippet_refuses_another_architecture_before_downloading(self):
        self.upload()
        self.launch()
        box = self.sandbox()
        r = box.run_with(self.user_data_of(self.params("RunInstances")), AGENT_FILE=SPORED, UNAME_M="aarch64")
        self.assertEqual(r.returncode, 1)
        self.assertIn("it is built for x86_64 and this machine is aarch64", r.stderr.decode())
        self.assertNotIn("curl", box.names())

    # --- the instance profile -----------------------------------------------------------------

    def test_the_profile_is_created_once_with_least_privilege_then_reused(self):
        self.clean_iam()
        self.upload()
        self.aws.reset_log()
        self.launch("--notify", TOPIC, "--notify", "https://hooks.example.com/T0/B0/secret",
                    "--on-interruption", "checkpoint", "--checkpoint-script", "s3://ckpt-bucket/jobs/save.sh")
        self.assertEqual(self.iam_actions(), ["GetRole", "CreateRole", "PutRolePolicy", "GetInstanceProfile",
                                              "CreateInstanceProfile", "AddRoleToInstanceProfile"])
        role = self.iam.get_role(RoleName="spawn-spored")["Role"]
        self.assertEqual(role["AssumeRolePolicyDocument"]["Statement"],
                         [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}])
        self.assertEqual({t["Key"]: t["Value"] for t in role["Tags"]}, {"spawn:managed": "true", "spawn:created-by": "spawn"})
        policy = self.iam.get_role_policy(RoleName="spawn-spored", PolicyName="spored")["PolicyDocument"]
        by_sid = {s["Sid"]: s for s in policy["Statement"]}
        self.assertEqual(set(by_sid), {"TagItself", "TerminateItself", "NotifyTopics", "ReadCheckpointScripts"})
        self_condition = {"StringEquals": {"aws:ResourceTag/spawn:managed": "true"},
                          "ArnLike": {"ec2:SourceInstanceARN": "arn:aws:ec2:*:*:instance/${ec2:InstanceID}"}}
        self.assertEqual(by_sid["TerminateItself"], {"Sid": "TerminateItself", "Effect": "Allow",
                                                     "Action": "ec2:TerminateInstances",
                                                     "Resource": "arn:aws:ec2:*:*:instance/*", "Condition": self_condition})
        self.assertEqual(by_sid["TagItself"]["Action"], "ec2:CreateTags")
        self.assertEqual(by_sid["TagItself"]["Condition"]["ForAllValues:StringEquals"]["aws:TagKeys"],
                         ["spawn:interruption-notice", "spawn:interruption-action", "spawn:checkpoint-status"])
        self.assertEqual(by_sid["NotifyTopics"]["Resource"], [TOPIC], "the topic only; webhooks need no IAM")
        self.assertEqual(by_sid["ReadCheckpointScripts"]["Resource"], ["arn:aws:s3:::ckpt-bucket/jobs/save.sh"])
        self.assertNotIn(f"arn:aws:s3:::{BUCKET}", json.dumps(policy), "the agent comes by presigned URL: no role access")
        profile = self.iam.get_instance_profile(InstanceProfileName="spawn-spored")["InstanceProfile"]
        self.assertEqual([r["RoleName"] for r in profile["Roles"]], ["spawn-spored"])
        self.assertEqual(self.params("RunInstances")["IamInstanceProfile.Name"], "spawn-spored")
        self.assertNotIn("secret", policy.__repr__())

        # Again with the same grants: reads only. With a new topic: the policy grows, nothing else.
        self.aws.reset_log()
        self.launch("--notify", TOPIC)
        self.assertEqual(self.iam_actions(), ["GetRole", "GetRolePolicy", "GetInstanceProfile"])
        other = "arn:aws:sns:eu-west-1:123456789012:other"
        self.aws.reset_log()
        self.launch("--notify", other)
        self.assertEqual(self.iam_actions(), ["GetRole", "GetRolePolicy", "PutRolePolicy", "GetInstanceProfile"])
        policy = self.iam.get_role_policy(RoleName="spawn-spored", PolicyName="spored")["PolicyDocument"]
        self.assertEqual({s["Sid"]: s for s in policy["Statement"]}["NotifyTopics"]["Resource"], [TOPIC, other],
                         "instances of the first launch keep their topic")

    def test_a_policy_edited_by_hand_is_put_right(self):
        self.clean_iam()
        self.upload()
        self.launch()
        self.iam.put_role_policy(RoleName="spawn-spored", PolicyName="spored", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}))
        self.aws.reset_log()
        self.launch()
        self.assertIn("PutRolePolicy", self.iam_actions())
        policy = self.iam.get_role_policy(RoleName="spawn-spored", PolicyName="spored")["PolicyDocument"]
        self.assertEqual({s["Action"] for s in policy["Statement"]}, {"ec2:CreateTags", "ec2:TerminateInstances"})

    def test_a_profile_of_ones_own_is_used_as_given(self):
        self.upload()
        self.iam.create_instance_profile(InstanceProfileName="my-profile")
        self.aws.reset_log()
        self.launch("--iam-instance-profile", "my-profile")
        self.assertEqual(self.iam_actions(), [], "spawn leaves IAM alone")
        self.assertEqual(self.params("RunInstances")["IamInstanceProfile.Name"], "my-profile")
        self.iam.delete_instance_profile(InstanceProfileName="my-profile")

    def test_dry_run_changes_nothing_in_iam(self):
        self.clean_iam()
        self.upload()
        self.aws.reset_log()
        r = self.launch("--dry-run")
        self.assertEqual(self.iam_actions(), ["GetRole", "GetInstanceProfile"])
        self.assertIn("Dry run: would create the IAM role spawn-spored", r.stderr)
        self.assertNotIn("IamInstanceProfile.Name", self.params("RunInstances"), "no profile that does not exist yet")

    # --- where spored comes from ----------------------------------------------------------------

    def test_agent_url_and_sha256_flags(self):
        sha = "ab" * 32
        self.launch("--agent-url", "https://downloads.example.com/spored?v=1&x='y'", "--agent-sha256", sha.upper())
        user_data = self.user_data_of(self.params("RunInstances"))
        self.assertEqual(self.snippet_url(user_data).replace("'\\''", "'"), "https://downloads.example.com/spored?v=1&x='y'")
        self.assertIn(f"spawn_agent_sha256='{sha}'\n", user_data)
        self.assertIn("spawn_agent_arch=''\n", user_data, "unknown: not checked on the instance")
        self.assertEqual([r for r in self.requests() if r["service"] == "s3"], [])

    def test_bad_agent_and_notify_flags_are_refused_before_any_request(self):
        cases = [
            (["--notify", "http://hooks.example.com/x"], "--notify: http:// is refused"),
            (["--notify", "arn:aws:sqs:us-east-1:123456789012:q"], "--notify: not an SNS topic ARN"),
            (["--agent-url", "http://example.com/spored", "--agent-sha256", "ab" * 32], "https://"),
            (["--agent-url", "https://example.com/spored"], "--agent-url needs --agent-sha256"),
            (["--agent-url", "https://example.com/spored", "--agent-sha256", "abc"], "--agent-sha256: expected"),
            (["--no-agent", "--agent-url", "https://example.com/spored", "--agent-sha256", "ab" * 32], "--no-agent"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.launch(*args, expect=2)
                self.assertTrue(r.stderr.startswith("spawn: error: "), r.stderr)
                self.assertIn(message, r.stderr)
                self.assertNotIn("hooks.example.com", r.stderr, "a webhook URL may hold a secret")
                self.assertEqual(self.requests(), [])
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--notify", TOPIC, env=self.env())
        self.assertEqual(r.returncode, 2)
        self.assertIn("--notify needs --spot", r.stderr)

    def test_no_agent_known_launches_with_a_warning_and_the_config(self):
        r = self.launch("--notify", TOPIC)
        self.assertIn("spawn: warning: spored is not installed on these instances", r.stderr)
        self.assertIn("--notify will do nothing unless the AMI starts spored", r.stderr)
        user_data = self.user_data_of(self.params("RunInstances"))
        self.assertIn(":  # no agent install step", user_data)
        self.assertIn(TOPIC, user_data, "spot-config.json is still written")
        self.assertEqual(self.iam_actions(), [])
        self.assertNotIn("IamInstanceProfile.Name", self.params("RunInstances"))

    def test_no_agent_flag_is_quiet(self):
        self.upload()
        self.aws.reset_log()
        r = self.launch("--no-agent")
        self.assertNotIn("warning", r.stderr)
        self.assertNotIn("spawn_agent_url", self.user_data_of(self.params("RunInstances")))
        self.assertEqual(self.iam_actions(), [])

    def test_a_plain_http_s3_endpoint_is_refused(self):
        self.upload()
        self.aws.reset_log()
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", env=self.env())
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("the instance would run spored fetched without TLS", r.stderr)
        self.assertEqual(self.requests("RunInstances"), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
