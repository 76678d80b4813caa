"""What a spot instance gets: the generated user-data, its contents, and hostile values run as data only."""
import base64
import hashlib
import json
import os
import shutil
import tempfile
import unittest

from spot_sandbox import Sandbox
from spot_test_case import AMI, SpotTestCase

# Quotes, $(...), backticks, variables, ;, a newline, unicode, the script's own here-document word.
HOSTILE = ("it's \"$(touch canary1)\" `touch canary2` ${PATH} $HOME; touch canary3 && echo x > canary4\n"
           "line two caf\u00e9 \u2713 \U0001F680 \\ 'SPAWN_CHECKPOINT_BASE64'")
CANARIES = ("canary1", "canary2", "canary3", "canary4")


# Trusted test code (bash builtins only: the sandbox runs nothing else unlogged): the names of the
# SPAWN_* variables exported, but the one ctest itself sets.
EXPORTED = ("for v in $(compgen -e); do case $v in SPAWN_SOURCE_DIR) ;; SPAWN_*) printf '%s\\n' \"$v\" ;; esac; done "
            "> {out}\n")


class UserDataTest(SpotTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="spot-user-data-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        super().tearDown()

    def file(self, name, content, folder=None):
        folder = folder or self.tmp
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode())
        return path

    def sandbox(self):
        box = Sandbox()
        self.addCleanup(box.close)
        return box

    def test_contents_with_a_local_checkpoint_script_and_the_users_own_script(self):
        script = b"#!/bin/bash\n# save the work\ncp -r /data /mnt/checkpoint\n"
        path = self.file("save.sh", script)
        user = "#!/bin/bash\necho 'my own setup'\n"
        self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--on-interruption",
                        "checkpoint", "--checkpoint-script", path, "--user-data", user, "--name", "job")
        user_data = self.user_data_of(self.params("RunInstances"))
        parts = self.mime_parts(user_data)
        self.assertEqual([(t, f) for t, f, _ in parts],
                         [("text/x-shellscript", "00-spawn-spot.sh"), ("text/x-not-multipart", "50-user-data")],
                         "spawn's script first, the user's as its own part")
        spawn_part = parts[0][2].decode()
        self.assertEqual(parts[1][2].decode(), user, "the user's script untouched")
        self.assertTrue(spawn_part.startswith("#!/bin/bash\n"))
        self.assertEqual(self.spot_config_in(spawn_part), {"spot": True, "on_interruption": "checkpoint",
                                                           "checkpoint_script": "/etc/spawn/checkpoint.sh", "notify": []})
        self.assertNotIn("export ", spawn_part, "nothing exported: no later process would see it")
        sha = hashlib.sha256(script).hexdigest()
        self.assertIn(f"# checkpoint script, sha256 {sha}\n", spawn_part)

        # What it does, run in a sandbox: the config, root-only and complete; the script, 0700, byte for byte.
        box = self.sandbox()
        r = box.run(spawn_part)
        self.assertEqual(r.returncode, 0, r.stderr)
        etc = os.path.join(box.root, "etc/spawn")
        with open(os.path.join(etc, "spot-config.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f), {"spot": True, "on_interruption": "checkpoint",
                                            "checkpoint_script": "/etc/spawn/checkpoint.sh", "notify": []})
        self.assertEqual(os.stat(os.path.join(etc, "spot-config.json")).st_mode & 0o777, 0o600)
        with open(os.path.join(etc, "checkpoint.sh"), "rb") as f:
            self.assertEqual(f.read(), script)
        self.assertEqual(os.stat(os.path.join(etc, "checkpoint.sh")).st_mode & 0o777, 0o700)
        self.assertEqual(os.stat(etc).st_mode & 0o777, 0o755)
        box.assert_calls(self, embedded=True)

        tags = self.tags(self.live()[0])
        self.assertEqual(tags["spawn:checkpoint-script"], f"embedded:{sha}")
        self.assertEqual(tags["spawn:on-interruption"], "checkpoint")

    def test_checkpoint_url_is_passed_not_embedded(self):
        url = "s3://my-bucket/scripts/save.sh"
        self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--on-interruption",
                        "checkpoint", "--checkpoint-script", url)
        user_data = self.user_data_of(self.params("RunInstances"))
        self.assertTrue(user_data.startswith("#!/bin/bash\n"), "no --user-data: spawn's script alone")
        self.assertEqual(self.spot_config_in(user_data)["checkpoint_script"], url)
        self.assertNotIn("base64 -d", user_data)
        box = self.sandbox()
        self.assertEqual(box.run(user_data).returncode, 0)
        with open(os.path.join(box.root, "etc/spawn/spot-config.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["checkpoint_script"], url)
        box.assert_calls(self, embedded=False)
        self.assertEqual(self.tags(self.live()[0])["spawn:checkpoint-script"], url)

    def test_an_s3_script_carries_its_buckets_region(self):
        s3 = self.aws.client("s3", region="eu-west-1")
        s3.create_bucket(Bucket="ckpt-in-ireland", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        self.aws.reset_log()
        url = "s3://ckpt-in-ireland/jobs/save.sh"
        self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--on-interruption",
                        "checkpoint", "--checkpoint-script", url)
        config = self.spot_config_in(self.user_data_of(self.params("RunInstances")))
        self.assertEqual(config["checkpoint_script"], url)
        self.assertEqual(config["checkpoint_script_region"], "eu-west-1",
                         "spored signs for the bucket's region, not the instance's (us-east-1)")
        heads = [r for r in self.requests() if r["service"] == "s3"]
        self.assertEqual([r["action"] for r in heads], ["HEAD /ckpt-in-ireland"], "one HeadBucket, nothing else")

    def test_hostile_values_run_only_the_intended_commands(self):
        content = ("#!/bin/bash\n" + HOSTILE + "\nSPAWN_CHECKPOINT_BASE64\n").encode() + b"\x00\xff binary\n"
        folder = os.path.join(self.tmp, "it's $(touch canary1) `x` \u2713")
        path = self.file("save \"me\"\n.sh", content, folder)
        out = self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--count", "2",
                              "--name", HOSTILE, "--job-array-name", "arr " + HOSTILE, "--tag", "team=" + HOSTILE,
                              "--on-interruption", "checkpoint", "--checkpoint-script", path)
        # The values reached EC2 intact.
        live = self.by_index(self.live())
        self.assertEqual(len(live), 2)
        for index, inst in enumerate(live):
            t = self.tags(inst)
            self.assertEqual(t["Name"], HOSTILE)  # the members of one call share their tags
            self.assertEqual(out["instances"][index]["name"], f"{HOSTILE}-{index}")
            self.assertEqual(t["spawn:job-array-name"], "arr " + HOSTILE)
            self.assertEqual(t["team"], HOSTILE)
            self.assertEqual(t["spawn:checkpoint-script"], "embedded:" + hashlib.sha256(content).hexdigest())

        script = self.user_data_of(self.params("RunInstances"))
        box = self.sandbox()
        # Trusted test code appended: what the script exported, as it saw it (nothing of spawn's).
        dump = EXPORTED.format(out=f"{box.dir}/env.out")
        r = box.run(script, append=dump)
        self.assertEqual(r.returncode, 0, r.stderr)
        box.assert_calls(self, embedded=True)
        self.assertEqual(box.files(), {"root", "root/etc", "root/etc/spawn", "root/etc/spawn/spot-config.json",
                                       "root/etc/spawn/checkpoint.sh", "cwd", "env.out"},
                         "no file but the intended ones (and no canary)")
        for canary in CANARIES:
            self.assertFalse(os.path.exists(os.path.join(os.getcwd(), canary)), canary)
        with open(os.path.join(box.dir, "env.out"), encoding="utf-8") as f:
            self.assertEqual(f.read(), "", "nothing exported")
        self.assertEqual(self.tags(live[0])["spawn:job-array-id"], out["job_array_id"], "the array is in the tags")
        with open(os.path.join(box.root, "etc/spawn/checkpoint.sh"), "rb") as f:
            self.assertEqual(f.read(), content)

    def test_hostile_checkpoint_url(self):
        url = "s3://my-bucket/" + HOSTILE
        self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--on-interruption",
                        "checkpoint", "--checkpoint-script", url)
        box = self.sandbox()
        r = box.run(self.user_data_of(self.params("RunInstances")),
                    append=EXPORTED.format(out=f"{box.dir}/env.out"))
        self.assertEqual(r.returncode, 0, r.stderr)
        box.assert_calls(self, embedded=False)
        with open(os.path.join(box.dir, "env.out"), encoding="utf-8") as f:
            self.assertEqual(f.read(), "")
        with open(os.path.join(box.root, "etc/spawn/spot-config.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["checkpoint_script"], url)
        self.assertEqual(box.files(), {"root", "root/etc", "root/etc/spawn", "root/etc/spawn/spot-config.json", "cwd",
                                       "env.out"})
        self.assertEqual(self.tags(self.live()[0])["spawn:checkpoint-script"], url)

    def test_user_data_over_16_kb_is_refused_before_launch(self):
        big = self.file("big.sh", "#!/bin/sh\n" + "#" * 16200 + "\n")
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--user-data", "@" + big)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 2, r.stderr)
        self.assertTrue(lines[0].startswith("spawn: error: the user-data would be "), lines[0])
        self.assertIn("over EC2's limit of 16384 bytes", lines[0])
        self.assertIn("your --user-data 16211 bytes", lines[0])
        self.assertTrue(lines[1].startswith("spawn: hint: ") and "s3://" in lines[1], lines[1])
        self.assertEqual(self.requests(), [], "refused before any request")

    def test_large_embedded_checkpoint_script_counts_too(self):
        path = self.file("save.sh", "#!/bin/sh\n" + "echo x\n" * 2000)
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--on-interruption",
                       "checkpoint", "--checkpoint-script", path)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("embedded checkpoint script", r.stderr)
        self.assertIn("s3://", r.stderr)
        self.assertEqual(self.requests(), [])

    def test_fleet_template_carries_the_same_user_data(self):
        self.spawn_json("launch", "--instance-types", "m7i.large,m6i.large", "--ami", AMI, "--spot",
                        "--user-data", "#cloud-config\npackages: [htop]\n", "--spot-fallback")
        template = self.params("CreateLaunchTemplate")
        parts = self.mime_parts(self.user_data_of(template, "LaunchTemplateData.UserData"))
        self.assertIsNone(self.spot_config_in(parts[0][2].decode())["spot"], "the market is the instance's own")
        self.assertEqual(parts[1][2].decode(), "#cloud-config\npackages: [htop]\n")
        box = self.sandbox()
        self.assertEqual(box.run(parts[0][2].decode()).returncode, 0)
        with open(os.path.join(box.root, "etc/spawn/spot-config.json"), encoding="utf-8") as f:
            self.assertIsNone(json.load(f)["spot"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
