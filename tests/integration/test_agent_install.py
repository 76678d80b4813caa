"""Getting spored onto an instance, against the local AWS: `spawn agent upload` (the object and its
sha256 in moto's S3, the location remembered), the launch's user-data (the install snippet: the
binary of the machine's architecture, fetched from spawn's bucket with the instance role's own
credentials), the generated snippet run under bash in a sandbox (a matching download installed
and started, a tampered one refused) and once with the real curl against the metadata fake and
the local AWS (its SigV4 signature checked with botocore), the instance profile of each launch
(least privilege, removed with the launch), and the launch's spec in the bucket. Both
architectures: one upload puts spored and spored-aarch64, a Graviton (arm64) launch's instance
installs the aarch64 one and an x86-64 launch's the other, and a launch of an architecture with
no upload is refused before anything is launched, saying what to do.

spawn refuses a plain-http S3 endpoint for what an instance runs, so S3 is the local AWS behind
its https:// front here (tls_relay; the certificate is trusted through AWS_CA_BUNDLE).
"""
import base64
import hashlib
import json
import os
import shlex
import shutil
import stat
import sys
import tempfile
import unittest
import urllib.parse
import urllib.request

from spawn_test_case import BIN
from spot_sandbox import Sandbox
from spot_test_case import AMI, SpotTestCase

SPORED = os.path.join(BIN, "spored")
SPORED_ARM = os.path.join(BIN, "spored-aarch64")  # built by make unless SPAWN_ARM64_AGENT=OFF
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
        for name in ("rm", "sha256sum", "sed"):
            real = shutil.which(name, path="/usr/bin:/bin")
            self._write(os.path.join(self.bin, name), self._recording(name) + f"exec {real} \"$@\"\n", 0o755)
        # curl: the metadata service's answers (IMDSv2 token, role, credentials), else the
        # download: $AGENT_FILE copied to --output, or exit 22 as curl --fail on a 403. A config
        # read from standard input (--config -) is kept in calls.log.curl-config.
        self._write(os.path.join(self.bin, "curl"), self._recording("curl") + (
            "out=''\nprev=''\nstdin=''\nfor a in \"$@\"; do\n"
            "  if [ \"$prev\" = --output ]; then out=$a; fi\n"
            "  if [ \"$prev\" = --config ] && [ \"$a\" = - ]; then stdin=1; fi\n  prev=$a\ndone\n"
            "url=${!#}\n"
            "case $url in\n"
            "  */latest/api/token) printf 'IMDS-TOKEN'; exit 0 ;;\n"
            "  */iam/security-credentials/) printf 'spawn-spored-role\\n'; exit 0 ;;\n"
            "  */iam/security-credentials/*) printf '{\"Code\": \"Success\", \"AccessKeyId\": \"ASIAINSTANCEROLE0001\", "
            "\"SecretAccessKey\": \"instance-role-secret\", \"Token\": \"instance-role-token\"}\\n'; exit 0 ;;\n"
            "esac\n"
            "if [ -n \"$stdin\" ]; then /usr/bin/cat >> \"$SANDBOX_LOG.curl-config\"; fi\n"
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

    def curl_config(self):
        """What curl read on its standard input (--config -), all calls."""
        try:
            with open(self.log + ".curl-config", encoding="utf-8") as f:
                return f.read()
        except FileNotFoundError:
            return ""


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
        # The aarch64 build, when make built it (None otherwise: only the x86-64 one is uploaded).
        cls.arm = read_bytes(SPORED_ARM) if os.access(SPORED_ARM, os.R_OK) else None
        cls.arm_sha = hashlib.sha256(cls.arm).hexdigest() if cls.arm else None
        cls.https_s3, cls.ca = cls.aws.https()

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="agent-install-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.config_home = os.path.join(self.tmp, "xdg")

    def env(self, **extra):
        env = {"XDG_CONFIG_HOME": self.config_home, "AWS_ENDPOINT_URL_S3": self.https_s3, "AWS_CA_BUNDLE": self.ca}
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
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", *args, env=self.env())
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
        r = self.upload()  # the spored next to spawn (and spored-aarch64 beside it)
        key = f"spawn/agent/{self.sha}/spored"
        self.assertIn(f"s3://{BUCKET}/{key}", r.stdout)
        self.assertIn(self.sha, r.stdout)
        puts = [q for q in self.requests() if q["service"] == "s3"]
        expected = [f"PUT /{BUCKET}/{key}", f"PUT /{BUCKET}/{key}.sha256"]
        if self.arm:
            arm_key = f"spawn/agent/{self.arm_sha}/spored"
            expected += [f"PUT /{BUCKET}/{arm_key}", f"PUT /{BUCKET}/{arm_key}.sha256"]
        self.assertEqual([q["action"] for q in puts], expected)
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
        if self.arm:
            self.assertEqual(self.config()["agent_aarch64"]["architecture"], "aarch64")
            self.assertEqual(self.config()["agent_aarch64"]["sha256"], self.arm_sha)

    def test_upload_with_prefix_binary_and_json(self):
        copy = self.file("spored-copy", self.binary)
        out = json.loads(self.upload("--prefix", "/tools/spawn/", "--binary", copy, "--output", "json").stdout)
        self.assertEqual(len(out["uploads"]), 1, "--binary: that one only")
        upload = out["uploads"][0]
        self.assertEqual(upload["key"], f"tools/spawn/{self.sha}/spored")
        self.assertEqual(upload["sha256"], self.sha)
        self.assertEqual(upload["architecture"], "x86_64")
        self.assertEqual(out["architectures"], ["x86_64"])
        self.assertEqual(out["config"], os.path.join(self.config_home, "spawn", "config.json"))
        self.assertEqual(self.config()["agent"]["key"], upload["key"])

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
        line = next(l for l in user_data.splitlines() if l.strip().startswith("spawn_agent_url="))
        return line.strip()[len("spawn_agent_url='"):-1]

    def agent_url(self):
        return f"{self.https_s3}/{BUCKET}/spawn/agent/{self.sha}/spored"

    def launch_role(self, params):
        """The profile a launch gave its instances: spawn-spored-<launch id>."""
        name = params.get("IamInstanceProfile.Name") or params.get("LaunchTemplateData.IamInstanceProfile.Name")
        self.assertRegex(name or "", r"^spawn-spored-[0-9a-f-]{36}$")
        return name

    def spec_key(self, role):
        return f"spawn/launches/{role.removeprefix('spawn-spored-')}/spec.json"

    def launch_roles(self):
        return sorted(r["RoleName"] for r in self.iam.list_roles(PathPrefix="/spawn/")["Roles"])

    def test_launch_user_data_installs_the_uploaded_agent_with_the_instance_role(self):
        self.clean_iam()
        self.upload()
        self.aws.reset_log()
        self.launch()
        user_data = self.user_data_of(self.params("RunInstances"))
        self.assertIn("case \"$(uname -m)\" in\n  'x86_64')\n", user_data)
        self.assertIn(f"    spawn_agent_url='{self.agent_url()}'\n", user_data)
        self.assertIn(f"    spawn_agent_sha256='{self.sha}' ;;\n", user_data)
        self.assertIn("spawn_agent_region='us-east-1'\n", user_data)
        self.assertLess(user_data.index("spot-config.json"), user_data.index("spawn_agent_url="),
                        "the config is written before spored starts")
        for word in ("X-Amz-", "testing", "Signature"):
            self.assertNotIn(word, user_data, "nothing presigned, no credential: nothing in it expires or grants")
        role = self.launch_role(self.params("RunInstances"))
        self.assertEqual(self.launch_roles(), [role])

    def test_a_fleet_launch_template_carries_the_install_step_and_the_profile(self):
        self.upload()
        r = self.spawn("launch", "--instance-types", "m7i.large,m6i.large", "--ami", AMI, "--spot", "--spot-fallback",
                       env=self.env())
        self.assertEqual(r.returncode, 0, r.stderr)
        template = self.params("CreateLaunchTemplate")
        self.launch_role(template)
        user_data = self.user_data_of(template, "LaunchTemplateData.UserData")
        self.assertIn(f"spawn_agent_url='{self.agent_url()}'\n", user_data)

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
        curls = [c for c in calls if c[0] == "curl"]
        # IMDSv2: a token first, then the role and its credentials, each with the token.
        self.assertIn("X-aws-ec2-metadata-token-ttl-seconds: 300", curls[0])
        self.assertEqual(curls[0][-1], "http://169.254.169.254/latest/api/token")
        self.assertIn("X-aws-ec2-metadata-token: IMDS-TOKEN", curls[1])
        self.assertEqual(curls[2][-1], "http://169.254.169.254/latest/meta-data/iam/security-credentials/spawn-spored-role")
        download = curls[3]
        self.assertEqual(download[-1], self.agent_url(), "the URL as one argument, intact")
        for flag in ("--fail", "--proto", "=https", "--aws-sigv4", "aws:amz:us-east-1:s3", "--config", "-"):
            self.assertIn(flag, download)
        self.assertNotIn("--location", download, "no redirect away from the bucket")
        for call in calls:
            for secret in ("instance-role-secret", "instance-role-token"):
                self.assertFalse(any(secret in a for a in call), f"{secret} on a command line: {call}")
        self.assertEqual(box.curl_config(), 'user = "ASIAINSTANCEROLE0001:instance-role-secret"\n'
                                            'header = "x-amz-security-token: instance-role-token"\n',
                         "the role's credentials reach curl on its standard input")
        self.assertNotIn("instance-role", r.stdout.decode() + r.stderr.decode())
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
        self.assertNotIn("instance-role", r.stderr.decode(), "no credential printed")
        downloads = [c for c in box.calls() if c[0] == "curl" and c[-1] == self.agent_url()]
        self.assertEqual(len(downloads), 5)
        self.assertEqual([c for c in box.calls() if c[0] == "sleep"], [("sleep", "3"), ("sleep", "6"), ("sleep", "9"),
                                                                       ("sleep", "12")])
        self.assertEqual(os.listdir(os.path.join(box.root, "usr/local/bin")), [])

    def test_the_install_snippet_refuses_a_machine_no_upload_fits_before_downloading(self):
        self.upload()
        self.launch()
        box = self.sandbox()
        r = box.run_with(self.user_data_of(self.params("RunInstances")), AGENT_FILE=SPORED, UNAME_M="riscv64")
        self.assertEqual(r.returncode, 1)
        uploaded = "x86_64, aarch64" if self.arm else "x86_64"
        self.assertIn(f"no spored was uploaded for riscv64 (uploaded: {uploaded})", r.stderr.decode())
        self.assertNotIn("curl", box.names())

    def test_a_graviton_type_without_an_arm64_upload_is_refused_before_launching(self):
        self.clean_iam()
        r = self.upload("--arch", "x86_64")
        self.assertNotIn("aarch64", r.stdout, "--arch x86_64: that one only")
        self.assertEqual(sorted(self.config()), ["agent", "version"], "the x86_64 entry only")
        self.aws.reset_log()
        r = self.spawn("launch", "--instance-type", "m7g.large", "--ami", AMI, "--spot", env=self.env())
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("AgentArchitectureMissing", r.stderr)
        self.assertIn("m7g.large is arm64 (aarch64), and spored was uploaded for x86_64 only", r.stderr)
        self.assertIn(f"spawn: hint: 'spawn agent upload --bucket {BUCKET}' uploads every spored built beside spawn",
                      r.stderr)
        self.assertEqual(self.requests("RunInstances"), [], "no instance that would run without spored")
        self.assertEqual(self.launch_roles(), [], "nothing of the launch left behind")

    def arm_or_skip(self):
        if not self.arm:
            self.skipTest(f"{SPORED_ARM} is not built (SPAWN_ARM64_AGENT=OFF)")

    def test_one_upload_serves_both_architectures_and_each_launch_installs_its_own(self):
        self.arm_or_skip()
        self.clean_iam()
        r = self.upload()
        self.assertRegex(r.stdout, r"Uploaded spored \S+ \(x86_64, [0-9.]+ MiB\) to s3://")
        self.assertRegex(r.stdout, r"Uploaded spored \S+ \(aarch64, [0-9.]+ MiB\) to s3://")
        self.assertIn("instance type's architecture (x86_64, aarch64)", r.stdout)
        arm_url = f"{self.https_s3}/{BUCKET}/spawn/agent/{self.arm_sha}/spored"
        for instance_type, machine, binary in (("m7g.large", "aarch64", self.arm), ("m7i.large", "x86_64", self.binary)):
            with self.subTest(instance_type=instance_type):
                self.aws.reset_log()
                r = self.spawn("launch", "--instance-type", instance_type, "--ami", AMI, "--spot", env=self.env())
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(self.params("RunInstances")["InstanceType"], instance_type)
                script = self.user_data_of(self.params("RunInstances"))
                self.assertIn(f"  'aarch64')\n    spawn_agent_url='{arm_url}'\n    spawn_agent_sha256='{self.arm_sha}' ;;\n",
                              script)
                self.assertIn(f"  'x86_64')\n    spawn_agent_url='{self.agent_url()}'\n", script)
                # The instance (uname -m as the type's machine says) fetches and installs its own
                # build: the download served is the object at the URL it asked for.
                box = self.sandbox()
                served = {self.agent_url(): self.binary, arm_url: self.arm}
                r = box.run_with(script, AGENT_FILE=self.file("served-" + machine, binary), UNAME_M=machine)
                self.assertEqual(r.returncode, 0, r.stderr.decode())
                download = [c for c in box.calls() if c[0] == "curl" and c[-1] in served]
                self.assertEqual([c[-1] for c in download], [arm_url if machine == "aarch64" else self.agent_url()])
                self.assertEqual(read_bytes(os.path.join(box.root, "usr/local/bin/spored")), binary)
                # The other machine's build at that URL is refused (its sha256 is not this one's).
                box = self.sandbox()
                other = self.binary if machine == "aarch64" else self.arm
                r = box.run_with(script, AGENT_FILE=self.file("wrong-" + machine, other), UNAME_M=machine)
                self.assertEqual(r.returncode, 1)
                self.assertIn("the download's sha256 is", r.stderr.decode())
                self.assertFalse(os.path.exists(os.path.join(box.root, "usr/local/bin/spored")))

    def test_uploading_one_architecture_keeps_the_other_and_a_missing_one_says_what_to_do(self):
        self.arm_or_skip()
        self.clean_iam()
        r = self.upload("--arch", "aarch64")
        self.assertIn("(aarch64, ", r.stdout)
        self.assertNotIn("(x86_64, ", r.stdout)
        self.assertEqual(sorted(self.config()), ["agent_aarch64", "version"], "the aarch64 entry only")
        self.aws.reset_log()
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", env=self.env())
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("m7i.large is x86_64 (x86_64), and spored was uploaded for aarch64 only", r.stderr)
        self.assertIn(f"'spawn agent upload --bucket {BUCKET}'", r.stderr)
        self.assertEqual(self.requests("RunInstances"), [])
        self.assertEqual(self.launch_roles(), [])

        r = self.upload("--arch", "x86_64")
        self.assertRegex(r.stdout, r"Kept the aarch64 spored uploaded before \(spored \S+, \S+, "
                                   rf"s3://{BUCKET}/spawn/agent/{self.arm_sha}/spored\)")
        self.assertEqual(self.config()["agent_aarch64"]["sha256"], self.arm_sha)
        self.assertEqual(self.config()["agent"]["sha256"], self.sha)
        self.aws.reset_log()
        self.launch()  # x86-64 now has its upload
        self.assertIn(f"spawn_agent_sha256='{self.arm_sha}'", self.user_data_of(self.params("RunInstances")))

    def test_an_upload_to_another_bucket_forgets_the_one_before(self):
        self.arm_or_skip()
        self.upload("--arch", "aarch64")
        self.s3.create_bucket(Bucket="spawn-agent-other")
        self.skip_when_sanitized()
        r = self.spawn_ok("agent", "upload", "--bucket", "spawn-agent-other", "--arch", "x86_64", env=self.env())
        self.assertIn(f"Forgot the aarch64 spored in s3://{BUCKET} (us-east-1): spawn's uploads live in one bucket",
                      r.stdout)
        self.assertNotIn("agent_aarch64", self.config())
        self.assertEqual(self.config()["agent"]["bucket"], "spawn-agent-other")

    def test_upload_arch_refusals_before_any_request(self):
        self.skip_when_sanitized()
        copy = self.file("spored-copy", self.binary)
        cases = [
            (["--arch", "sparc"], "--arch: sparc not in"),
            (["--binary", copy, "--arch", "aarch64"], "--arch aarch64: no --binary is a spored for aarch64"),
            (["--binary", copy, "--binary", SPORED], "are both for x86_64: one spored per architecture"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.spawn("agent", "upload", "--bucket", BUCKET, *args, env=self.env())
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(message, r.stderr)
                self.assertEqual(self.requests(), [])
        self.assertFalse(os.path.exists(self.config_home), "nothing remembered")

    def test_the_real_curl_fetches_with_the_role_and_signs_as_aws_does(self):
        """The snippet's download, run with the real curl: credentials from the metadata fake, the
        object from the local AWS over https; the request's SigV4 signature recomputed by botocore
        with the same credentials must match, and the installed binary is the upload."""
        if not shutil.which("curl"):
            self.skipTest("curl is not installed")
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        sys.path.insert(0, os.path.join(SOURCE, "tests"))
        from fakes.imds_fake_fixture import ImdsFake
        self.upload()
        self.launch()
        script = self.user_data_of(self.params("RunInstances"))
        with ImdsFake() as imds:
            imds.set_credentials(role="spawn-spored-x", AccessKeyId="ASIAREALCURLTEST0001",
                                 SecretAccessKey="real-curl-secret", Token="real-curl-token")
            box = Sandbox()
            self.addCleanup(box.close)
            for name in ("curl", "sed", "sha256sum", "rm", "uname"):
                real = shutil.which(name, path="/usr/bin:/bin")
                box._write(os.path.join(box.bin, name), f"#!/usr/bin/bash\nexec {real} \"$@\"\n", 0o755)
            for name in ("systemctl", "sleep"):
                box._write(os.path.join(box.bin, name), "#!/usr/bin/bash\nexit 0\n", 0o755)
            seam = "set -euo pipefail\n"
            extra = f"export spawn_imds={shlex.quote(imds.endpoint)}\nexport CURL_CA_BUNDLE={shlex.quote(self.ca)}\n"
            before = len(self.aws.https_requests())
            r = box.run(script.replace(seam, seam + extra, 1))
            self.assertEqual(r.returncode, 0, r.stderr.decode())
            self.assertEqual(read_bytes(os.path.join(box.root, "usr/local/bin/spored")), self.binary)
            self.assertTrue(any(e["path"].endswith("/api/token") and e["method"] == "PUT" for e in imds.log()),
                            "IMDSv2: a token first")
        heads = [h for h in self.aws.https_requests()[before:] if h.startswith(b"GET ")]
        self.assertEqual(len(heads), 1, heads)
        lines = heads[0].decode().split("\r\n")
        path = lines[0].split(" ")[1]
        headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}
        self.assertEqual(path, f"/{BUCKET}/spawn/agent/{self.sha}/spored")
        self.assertEqual(headers["x-amz-security-token"], "real-curl-token")
        authorization = headers["authorization"]
        self.assertIn("Credential=ASIAREALCURLTEST0001/", authorization)
        self.assertIn("/us-east-1/s3/aws4_request", authorization)
        # botocore signs the same request with the same credentials and time: same signature.
        request = AWSRequest(method="GET", url=self.https_s3 + path,
                             headers={k: v for k, v in headers.items() if k.lower() in
                                      ("host", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token")})
        auth = S3SigV4Auth(Credentials("ASIAREALCURLTEST0001", "real-curl-secret", "real-curl-token"), "s3", "us-east-1")
        auth._timestamp = lambda: headers["x-amz-date"]  # the time curl signed at
        signed_headers = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
        from botocore.compat import HTTPHeaders

        def headers_to_sign(req):
            out = HTTPHeaders()
            for h in signed_headers:
                if h in req.headers:
                    out[h] = req.headers[h]
            return out
        auth.headers_to_sign = headers_to_sign
        canonical = auth.canonical_request(request)
        request.context["timestamp"] = headers["x-amz-date"]
        string_to_sign = auth.string_to_sign(request, canonical)
        expected = auth.signature(string_to_sign, request)
        self.assertEqual(authorization.split("Signature=")[1], expected, canonical)

    # --- the launch's role, profile and spec ------------------------------------------------------

    def test_each_launch_gets_its_own_least_privilege_role(self):
        self.clean_iam()
        self.upload()
        self.aws.reset_log()
        self.launch("--notify", TOPIC, "--notify", "https://hooks.example.com/T0/B0/secret",
                    "--on-interruption", "checkpoint", "--checkpoint-script", "s3://ckpt-bucket/jobs/save.sh")
        role_name = self.launch_role(self.params("RunInstances"))
        launch_id = role_name.removeprefix("spawn-spored-")
        self.assertEqual([a for a in self.iam_actions() if a != "ListRoles"],
                         ["CreateRole", "PutRolePolicy", "CreateInstanceProfile", "AddRoleToInstanceProfile"])
        role = self.iam.get_role(RoleName=role_name)["Role"]
        self.assertEqual(role["Path"], "/spawn/")
        self.assertEqual(role["AssumeRolePolicyDocument"]["Statement"],
                         [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}])
        self.assertEqual({t["Key"]: t["Value"] for t in role["Tags"]},
                         {"spawn:managed": "true", "spawn:created-by": "spawn", "spawn:launch-id": launch_id})
        policy = self.iam.get_role_policy(RoleName=role_name, PolicyName="spored")["PolicyDocument"]
        by_sid = {s["Sid"]: s for s in policy["Statement"]}
        self.assertEqual(set(by_sid), {"TagItself", "TerminateItself", "NotifyTopics", "ReadCheckpointScripts",
                                       "ReadLaunchSpec", "ReadAgent"})
        self_condition = {"StringEquals": {"aws:ResourceTag/spawn:managed": "true"},
                          "ArnLike": {"ec2:SourceInstanceARN": "arn:aws:ec2:*:*:instance/${ec2:InstanceID}"}}
        self.assertEqual(by_sid["TerminateItself"], {"Sid": "TerminateItself", "Effect": "Allow",
                                                     "Action": "ec2:TerminateInstances",
                                                     "Resource": "arn:aws:ec2:*:*:instance/*", "Condition": self_condition})
        self.assertEqual(by_sid["NotifyTopics"]["Resource"], [TOPIC], "the topic only; webhooks need no IAM")
        self.assertEqual(by_sid["ReadCheckpointScripts"]["Resource"], ["arn:aws:s3:::ckpt-bucket/jobs/save.sh"])
        self.assertEqual(by_sid["ReadLaunchSpec"]["Resource"], f"arn:aws:s3:::{BUCKET}/spawn/launches/{launch_id}/*")
        self.assertEqual(by_sid["ReadAgent"]["Resource"],
                         [f"arn:aws:s3:::{BUCKET}/spawn/agent/{sha}/spored" for sha in (self.sha, self.arm_sha) if sha])
        profile = self.iam.get_instance_profile(InstanceProfileName=role_name)["InstanceProfile"]
        self.assertEqual([r["RoleName"] for r in profile["Roles"]], [role_name])
        self.assertNotIn("secret", json.dumps(policy))

        # Another launch, another topic: a role of its own; the first one is untouched.
        other = "arn:aws:sns:eu-west-1:123456789012:other"
        self.aws.reset_log()
        self.launch("--notify", other)
        second = self.launch_role(self.params("RunInstances"))
        self.assertNotEqual(second, role_name)
        self.assertEqual(self.iam.get_role_policy(RoleName=role_name, PolicyName="spored")["PolicyDocument"], policy)
        second_policy = self.iam.get_role_policy(RoleName=second, PolicyName="spored")["PolicyDocument"]
        self.assertEqual({s["Sid"]: s for s in second_policy["Statement"]}["NotifyTopics"]["Resource"], [other])

    def test_secrets_go_to_the_launch_spec_never_to_user_data(self):
        self.upload()
        hook = "https://hooks.example.com/T0/B0/s3cr3t-webhook"
        script_url = "https://scripts.example.com/save.sh?token=s3cr3t-query"
        local = self.file("save.sh", b"#!/bin/sh\necho s3cr3t-embedded-code\n")
        for args, secret in (([ "--notify", hook], "s3cr3t-webhook"),
                             (["--on-interruption", "checkpoint", "--checkpoint-script", script_url], "s3cr3t-query"),
                             (["--on-interruption", "checkpoint", "--checkpoint-script", local], "s3cr3t-embedded-code")):
            with self.subTest(args=args):
                self.aws.reset_log()
                self.launch("--notify", TOPIC, *args)
                params = self.params("RunInstances")
                user_data = self.user_data_of(params)
                self.assertNotIn(secret, user_data)
                self.assertNotIn(secret.encode(), base64.b64decode(params["UserData"]))
                config = self.spot_config_in(user_data)
                role = self.launch_role(params)
                key = self.spec_key(role)
                self.assertEqual(config["spec"], f"s3://{BUCKET}/{key}")
                self.assertEqual(config["spec_region"], "us-east-1")
                self.assertEqual(config["notify"], [TOPIC], "what is not secret stays in the config file")
                spec = json.loads(self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
                self.assertEqual(spec["version"], 1)
                self.assertEqual(spec["launch_id"], role.removeprefix("spawn-spored-"))
                if secret == "s3cr3t-webhook":
                    self.assertEqual(spec["notify"], [TOPIC, hook])
                elif secret == "s3cr3t-query":
                    self.assertEqual(spec["checkpoint_script"], script_url)
                    self.assertEqual(config["checkpoint_script"], "")
                else:
                    content = read_bytes(local)
                    self.assertEqual(spec["checkpoint_script"], "embedded:" + hashlib.sha256(content).hexdigest())
                    self.assertEqual(base64.b64decode(spec["checkpoint_script_content"]), content)
                puts = [q for q in self.requests() if q["service"] == "s3" and q["action"].startswith("PUT ")]
                self.assertEqual([q["action"] for q in puts], [f"PUT /{BUCKET}/{key}"])
                self.assertLess(self.requests().index(puts[0]), self.requests().index(self.requests("RunInstances")[0]),
                                "the spec exists before any instance could read it")

    def test_a_secret_without_spawns_bucket_is_refused_before_any_request(self):
        r = self.launch("--notify", "https://hooks.example.com/T0/B0/s3cr3t", expect=2)
        self.assertIn("--notify https://hooks.example.com/... would travel in the instance's user-data", r.stderr)
        self.assertIn("spawn agent upload --bucket BUCKET", r.stderr)
        self.assertNotIn("s3cr3t", r.stderr)
        self.assertEqual(self.requests(), [])

    def test_terminate_removes_the_role_profile_and_spec_with_the_last_instance(self):
        self.clean_iam()
        self.upload()
        self.launch("--count", "2", "--job-array-name", "pair")
        role = self.launch_role(self.params("RunInstances"))
        key = self.spec_key(role)
        ids = sorted(i["InstanceId"] for i in self.live())
        self.spawn_ok("terminate", ids[0], env=self.env())
        self.assertEqual(self.launch_roles(), [role], "one instance of the launch is left: its role stays")
        self.s3.head_object(Bucket=BUCKET, Key=key)
        self.aws.reset_log()
        self.spawn_ok("terminate", ids[1], env=self.env())
        actions = self.iam_actions()
        self.assertEqual(self.launch_roles(), [])
        self.assertEqual(self.iam.list_instance_profiles(PathPrefix="/spawn/")["InstanceProfiles"], [])
        self.assertEqual(self.s3.list_objects_v2(Bucket=BUCKET, Prefix=key).get("KeyCount"), 0)
        self.assertEqual(actions, ["RemoveRoleFromInstanceProfile", "DeleteInstanceProfile", "DeleteRolePolicy", "DeleteRole"])

    def test_terminating_a_fleet_array_removes_its_role(self):
        self.clean_iam()
        self.upload()
        r = self.spawn("launch", "--instance-types", "m7i.large,m6i.large", "--count", "3", "--ami", AMI, "--spot",
                       "--job-array-name", "fleet-pair", env=self.env())
        self.assertEqual(r.returncode, 0, r.stderr)
        role = self.launch_role(self.params("CreateLaunchTemplate"))
        self.assertEqual(self.launch_roles(), [role])
        self.spawn_ok("terminate", "--job-array-name", "fleet-pair", "--yes", env=self.env())
        self.assertEqual(self.launch_roles(), [])
        self.assertEqual(self.s3.list_objects_v2(Bucket=BUCKET, Prefix=self.spec_key(role)).get("KeyCount"), 0)

    def test_terminating_a_launch_without_a_role_of_spawns_costs_no_iam_request(self):
        self.launch("--no-agent")
        self.aws.reset_log()
        self.spawn_ok("terminate", self.live()[0]["InstanceId"], env=self.env())
        self.assertEqual(self.iam_actions(), [])

    def test_a_failed_launch_leaves_no_role_and_no_spec(self):
        self.clean_iam()
        self.upload()
        self.aws.set_scenario({"capacity": [{"instance_type": "m7i.large", "market": "spot", "available": 0}]})
        before = self.s3.list_objects_v2(Bucket=BUCKET, Prefix="spawn/launches/").get("KeyCount")
        self.aws.reset_log()
        r = self.launch(expect=1)
        self.assertIn("InsufficientInstanceCapacity", r.stderr)
        self.assertEqual(len(self.requests("PutObject") or [q for q in self.requests() if q["action"].startswith("PUT ")]), 1,
                         "the spec was written")
        self.assertEqual(self.launch_roles(), [])
        self.assertEqual(self.iam.list_instance_profiles(PathPrefix="/spawn/")["InstanceProfiles"], [])
        self.assertEqual(self.s3.list_objects_v2(Bucket=BUCKET, Prefix="spawn/launches/").get("KeyCount"), before)

    def test_a_profile_of_ones_own_is_used_as_given(self):
        self.upload()
        self.iam.create_instance_profile(InstanceProfileName="my-profile")
        self.aws.reset_log()
        self.launch("--iam-instance-profile", "my-profile")
        self.assertEqual(self.iam_actions(), [], "spawn leaves IAM alone")
        self.assertEqual(self.params("RunInstances")["IamInstanceProfile.Name"], "my-profile")
        self.iam.delete_instance_profile(InstanceProfileName="my-profile")

    def test_dry_run_changes_nothing(self):
        self.clean_iam()
        self.upload()
        self.aws.reset_log()
        r = self.launch("--dry-run", "--notify", "https://hooks.example.com/T0/B0/s3cr3t")
        self.assertEqual(self.iam_actions(), [])
        self.assertRegex(r.stderr, r"Dry run: would create the IAM role /spawn/spawn-spored-[0-9a-f-]{36} ")
        self.assertIn(f"Dry run: would write the launch's settings to s3://{BUCKET}/spawn/launches/", r.stderr)
        self.assertEqual([q for q in self.requests() if q["service"] == "s3"], [])
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
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot",
                       env=self.env(AWS_ENDPOINT_URL_S3=self.aws.endpoint))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("the instance would run spored fetched without TLS", r.stderr)
        self.assertEqual(self.requests("RunInstances"), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
