"""spored for Graviton (arm64), against the local AWS: one `spawn agent upload` puts both builds
(build/bin/spored and build/bin/spored-aarch64) and remembers each; a Graviton (m7g.large) launch's
instance installs the aarch64 build and an x86-64 (m7i.large) launch's the other, each refusing
the other's bytes; uploading one architecture keeps the other's earlier upload in the same bucket,
and a launch of an architecture with no upload is refused before anything is launched, saying
what to do. Skipped when make did not build spored-aarch64 (SPAWN_ARM64_AGENT=OFF). (The launch
of an architecture never uploaded is in test_agent_install.py.)
"""
import os
import unittest

from agent_install_case import BUCKET, SPORED, SPORED_ARM, AMI, AgentInstallCase, read_bytes


class AgentInstallArm64Test(AgentInstallCase):
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


if __name__ == "__main__":
    unittest.main()
