"""Shared base for the tests of getting spored onto an instance (test_agent_install.py,
test_agent_install_arm64.py): the local AWS with spawn's bucket behind its https:// front
(tls_relay; spawn refuses a plain-http S3 endpoint for what an instance runs), spawn's config in
a temporary XDG_CONFIG_HOME, the built spored (and spored-aarch64, when make built it), and a
bash sandbox with stubs of the commands the install step runs.
"""
import hashlib
import json
import os
import shlex
import shutil
import tempfile
import unittest

from spawn_test_case import BIN
from spot_sandbox import Sandbox
from spot_test_case import AMI, BucketTestCase

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


class AgentInstallCase(BucketTestCase):
    BUCKET = BUCKET

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not os.access(SPORED, os.X_OK):
            raise unittest.SkipTest(f"{SPORED} is not built (set SPAWN_BIN_DIR)")
        cls.iam = cls.aws.client("iam")
        cls.binary = read_bytes(SPORED)
        cls.sha = hashlib.sha256(cls.binary).hexdigest()
        # The aarch64 build, when make built it (None otherwise: only the x86-64 one is uploaded).
        cls.arm = read_bytes(SPORED_ARM) if os.access(SPORED_ARM, os.R_OK) else None
        cls.arm_sha = hashlib.sha256(cls.arm).hexdigest() if cls.arm else None

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

    # --- the launch: helpers ------------------------------------------------------------------

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
