"""Security of what users give spawn and spored, as a user can see it:

- hostile strings (quotes, $(...), backticks, `'; rm -rf / #`, newlines, unicode, kilobytes) in
  --name, --tag, the checkpoint script URL, --notify webhooks and the --user-data file (its name
  and its bytes) reach EC2's tags and the user-data intact, and the generated shell, run under
  bash in a sandbox, runs no injected command; values over EC2's limits are refused (exit 2, in
  test_bad_input.py);
- no secret (secret key, session token, webhook or script URL tokens) in anything spawn or spored
  print, log or write, on success and on error paths;
- spored's checkpoint script cache is owner-only, refuses a planted link, and holds no temporary
  leftovers; its state files hold no secret;
- a checkpoint script named in an instance tag is never read, fetched or run: tags configure
  nothing (anyone allowed ec2:CreateTags could otherwise run code as root on every instance).

What tests/integration already proves is not repeated here (see tests/reliability/README.md).
"""
import email
import email.policy
import base64
import json
import re
import os
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import http.server
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from spawn_test_case import BIN  # noqa: E402
from spored_test_case import HttpsServer, SporedTestCase, read_text  # noqa: E402
from spot_sandbox import Sandbox  # noqa: E402

AMI = "ami-12345678"
# Shell metacharacters, a newline, unicode, and the classic.
HOSTILE = ("'; rm -rf / # it's \"$(touch canary1)\" `touch canary2` ${HOME} $PATH; touch canary3\n"
           "line two caf\u00e9 \u2713 \U0001F680 \\")
# The same without what a URL may not hold (spaces, line breaks): what reaches the generated
# shell as a URL.
URL_HOSTILE = "';rm${IFS}-rf${IFS}/;`touch${IFS}canary4`$(touch${IFS}canary5)\"caf\u00e9"
CANARIES = ("canary1", "canary2", "canary3", "canary4", "canary5", "canary6")

SECRET_KEY = "SECRETxyzSpawnReliability0123456789abcdef"
SESSION_TOKEN = "TOKENabcSpawnReliability" + "Q" * 64
WEBHOOK_TOKEN = "WHPATHtoken7f3e9a"
QUERY_TOKEN = "WHQUERYtoken2b8c4d"
SCRIPT_SIG = "SCRIPTSIGtoken5e1a0f"
SECRETS = (SECRET_KEY, SESSION_TOKEN, WEBHOOK_TOKEN, QUERY_TOKEN, SCRIPT_SIG)


def closed_port():
    """A loopback port nothing listens on (connections to it are refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def files_under(*folders):
    for folder in folders:
        for base, _, names in os.walk(folder):
            for n in names:
                yield os.path.join(base, n)


class SecurityTest(SporedTestCase):
    """One local AWS and one metadata fake for all: spawn runs against the first, spored against both."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self.aws.set_scenario, {})

    # --- spawn ------------------------------------------------------------------------------

    def spawn(self, *args, env=None):
        full = dict(self.aws.env())
        full.update(env or {})
        return subprocess.run([os.path.join(BIN, "spawn"), *args], env=full, capture_output=True, text=True,
                              timeout=120, cwd=self.dir)

    def spawn_ok(self, *args, env=None):
        r = self.spawn(*args, env=env)
        self.assertEqual(r.returncode, 0, f"spawn {args[:3]}: {r.stderr}")
        return r

    @staticmethod
    def tags(instance):
        return {t["Key"]: t["Value"] for t in instance.get("Tags", [])}

    def instance(self, instance_id):
        reservations = self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
        return reservations[0]["Instances"][0]

    def remember_bucket(self, bucket):
        """spawn's config as `spawn agent upload --bucket BUCKET` leaves it (written here, so that
        sanitizer builds, whose spored cannot be uploaded, hold the launch's secrets there too)."""
        self.aws.client("s3").create_bucket(Bucket=bucket)
        folder = os.path.join(self.aws.env()["HOME"], ".config", "spawn")
        os.makedirs(folder, mode=0o700, exist_ok=True)
        sha = "ab" * 32
        path = os.path.join(folder, "config.json")
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as f:
            json.dump({"version": 1, "agent": {"bucket": bucket, "key": f"spawn/agent/{sha}/spored", "region": "us-east-1",
                                               "sha256": sha, "architecture": "x86_64"}}, f)

    def spec_of(self, bucket, run_params):
        """The launch's spec the user-data names (spot-config.json's "spec"), as stored in S3."""
        url = re.search(r'"spec":"s3://[^/]+/([^"]+)"', base64.b64decode(run_params["UserData"]).decode()).group(1)
        return json.loads(self.aws.client("s3").get_object(Bucket=bucket, Key=url)["Body"].read())

    def assert_no_canary(self, *folders):
        for folder in folders + (os.getcwd(), self.dir):
            for base, _, names in os.walk(folder):
                for c in CANARIES:
                    self.assertNotIn(c, names, f"an injected command ran: {os.path.join(base, c)}")

    def test_hostile_values_reach_ec2_intact_and_run_as_data_only(self):
        folder = os.path.join(self.dir, "it's $(touch canary6) `x` \u2713")
        os.mkdir(folder)
        user_path = os.path.join(folder, "user \"data\"\n'; rm -rf ~ #.sh")
        user_bytes = ("#!/bin/bash\n# " + HOSTILE + "\nMIME-Versio: no\n--==spawn-x==\n").encode()
        with open(user_path, "wb") as f:
            f.write(user_bytes)
        webhook = f"https://127.0.0.1:9/hook/{URL_HOSTILE}?q='x'&r=\"y\"#frag"
        long_webhook = "https://127.0.0.1:9/long/" + "w" * 4000
        script_url = f"https://127.0.0.1:9/s/{URL_HOSTILE}?sig='z'"
        self.remember_bucket("spawn-hostile")
        r = self.spawn_ok("launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--no-agent", "--name", HOSTILE,
                          "--tag", "note=" + HOSTILE,
                          "--on-interruption", "checkpoint", "--checkpoint-script", script_url,
                          "--notify", webhook, "--notify", long_webhook, "--user-data", "@" + user_path,
                          "--output", "json")
        instance_id = json.loads(r.stdout)["instances"][0]["instance_id"]

        # Tags: exactly the values given.
        tags = self.tags(self.instance(instance_id))
        self.assertEqual(tags["Name"], HOSTILE)
        self.assertEqual(tags["note"], HOSTILE)
        self.assertEqual(tags["spawn:checkpoint-script"], script_url.split("?")[0], "no query in a tag")

        # The user-data EC2 got: spawn's script, then the user's file byte for byte.
        run = self.aws.requests("RunInstances")[-1]  # the last: setUp made an instance too
        msg = email.message_from_bytes(base64.b64decode(run["params"]["UserData"]), policy=email.policy.compat32)
        parts = [(p.get_filename(), p.get_payload(decode=True)) for p in msg.walk() if not p.is_multipart()]
        self.assertEqual([name for name, _ in parts], ["00-spawn-spot.sh", "50-user-data"])
        self.assertEqual(parts[1][1], user_bytes, "the user's file, untouched")
        script = parts[0][1].decode()
        syntax = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
        self.assertEqual(syntax.returncode, 0, syntax.stderr)

        # Run it: only the intended commands, only the intended files, the values as given.
        box = Sandbox()
        self.addCleanup(box.close)
        ran = box.run(script)
        self.assertEqual(ran.returncode, 0, ran.stderr)
        box.assert_calls(self, embedded=False)
        self.assertEqual(box.files(), {"root", "root/etc", "root/etc/spawn", "root/etc/spawn/spot-config.json", "cwd"})
        with open(os.path.join(box.root, "etc/spawn/spot-config.json"), encoding="utf-8") as f:
            config = json.load(f)
        self.assertEqual(config["notify"], [], "the webhooks are secrets: in the spec only")
        self.assertEqual(config["checkpoint_script"], "", "so is an https:// script URL")
        # The spec holds them exactly as given.
        spec = self.spec_of("spawn-hostile", run["params"])
        self.assertEqual(spec["notify"], [webhook, long_webhook])
        self.assertEqual(spec["checkpoint_script"], script_url)
        self.assert_no_canary(box.dir, folder)

    def upload_unless_sanitized(self, creds):
        """`spawn agent upload` of the built spored: refused in sanitizer builds, which link it
        dynamically (the release suite runs it)."""
        if os.environ.get("SPAWN_SANITIZED") == "1":
            return []
        return [self.spawn_ok("agent", "upload", "--bucket", "spawn-secrets", "--binary", os.path.join(BIN, "spored"),
                              "--debug", env=creds)]

    def test_no_secret_in_what_spawn_prints_or_writes(self):
        creds = {"AWS_ACCESS_KEY_ID": "ASIASPAWNRELIABILITY", "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                 "AWS_SESSION_TOKEN": SESSION_TOKEN}
        webhook = f"https://127.0.0.1:9/services/{WEBHOOK_TOKEN}?token={QUERY_TOKEN}"
        script_url = f"https://127.0.0.1:9/save.sh?sig={SCRIPT_SIG}"
        self.remember_bucket("spawn-secrets")
        spot = ["launch", "--instance-type", "m7i.large", "--ami", AMI, "--spot", "--notify", webhook,
                "--on-interruption", "checkpoint", "--checkpoint-script", script_url, "--debug"]
        # S3 over the local AWS's https:// front: spawn gives instances spored from https:// only.
        https, ca = self.aws.https()
        launch = dict(creds, AWS_ENDPOINT_URL_S3=https, AWS_CA_BUNDLE=ca)
        runs = [
            self.spawn_ok(*spot, "--name", "sec", env=launch),
            self.spawn_ok(*spot, "--count", "2", "--output", "json", env=launch),
            self.spawn_ok("list", "--debug", env=creds),
            self.spawn_ok("list", "--output", "json", env=creds),
            self.spawn_ok("price", "--instance-type", "m7i.large", "--debug", env=creds),
            *self.upload_unless_sanitized(launch),
            # With the upload: an instance profile made, the secrets in the launch's spec.
            self.spawn_ok(*spot, "--name", "sec2", env=launch),
            self.spawn_ok("terminate", "--name", "sec", "--yes", "--debug", env=creds),
            # Bad usage that names the webhook's flag.
            self.spawn(*spot, "--spot-max-price", "abc", env=launch),
        ]
        # Error paths: throttled until the attempts are spent, a reply lost, nobody listening.
        self.aws.set_scenario({"throttle": {"every": 1, "actions": ["RunInstances"]}})
        runs.append(self.spawn(*spot, env=dict(launch, AWS_MAX_ATTEMPTS="2")))
        self.aws.set_scenario({"lose_reply": [{"action": "DescribeInstances", "times": 3}]})
        runs.append(self.spawn("list", "--debug", env=dict(creds, AWS_MAX_ATTEMPTS="1")))
        self.aws.set_scenario({"pricing": {"deny": True}})
        runs.append(self.spawn("price", "--instance-type", "c7i.large", "--debug", env=creds))
        self.aws.set_scenario({})
        runs.append(self.spawn("list", "--endpoint-url", f"http://127.0.0.1:{closed_port()}", env=creds))
        self.assertEqual([r.returncode for r in runs[-5:]], [2, 1, 1, 0, 1], [r.stderr for r in runs[-5:]])
        self.assertIn("RequestLimitExceeded", runs[-4].stderr)

        for r in runs:
            for secret in SECRETS:
                self.assertNotIn(secret, r.stdout, f"{r.args[1:4]} printed a secret")
                self.assertNotIn(secret, r.stderr, f"{r.args[1:4]} printed a secret on stderr")
        home = self.aws.env()["HOME"]
        written = list(files_under(home, self.dir))
        if os.environ.get("SPAWN_SANITIZED") != "1":
            self.assertTrue(any(p.endswith("config.json") for p in written), "spawn's config (the upload) was written")
        for path in written:
            with open(path, "rb") as f:
                content = f.read()
            for secret in SECRETS:
                self.assertNotIn(secret.encode(), content, f"{path} holds a secret")

    # --- spored -----------------------------------------------------------------------------

    def test_no_secret_in_sporeds_log_state_or_status_and_its_cache_is_private(self):
        self.imds.set_credentials(AccessKeyId="ASIASPOREDRELIABLE01", SecretAccessKey=SECRET_KEY, Token=SESSION_TOKEN)
        server = HttpsServer(self.dir)
        self.addCleanup(server.close)
        marker = os.path.join(self.dir, "checkpoint-ran")
        script_path = f"/scripts/save.sh?sig={SCRIPT_SIG}"
        server.files[script_path] = f"#!/bin/bash\necho saving > {shlex.quote(marker)}\n".encode()
        good_hook = server.url(f"/hook/{WEBHOOK_TOKEN}?token={QUERY_TOKEN}")
        dead_hook = f"https://127.0.0.1:{closed_port()}/hook/{WEBHOOK_TOKEN}?token={QUERY_TOKEN}"
        missing_topic = "arn:aws:sns:us-east-1:123456789012:no-such-topic"
        config = self.config_path({"spot": True, "on_interruption": "checkpoint",
                                   "checkpoint_script": server.url(script_path),
                                   "notify": [good_hook, dead_hook, self.topic_arn, missing_topic]})
        # Credentials in its environment too (spored signs with the instance role's; these must
        # not show up either).
        env = self.env(SSL_CERT_FILE=server.cert, AWS_ACCESS_KEY_ID="ASIAENVIRONMENT00001",
                       AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_SESSION_TOKEN=SESSION_TOKEN, AWS_MAX_ATTEMPTS="2")
        proc = self.start(env=env)
        self.wait_for("checkpoint_script_fetched", proc=proc)
        self.imds.set_notice("terminate", in_seconds=100)
        self.wait_for("checkpoint_finished", proc=proc, status="ok")
        self.wait_for("notification_sent", count=2, proc=proc)
        self.wait_for("notification_failed", count=2, proc=proc)
        self.wait_for("shutdown", proc=proc)
        self.assertEqual(self.stop(proc), 0)
        self.assertEqual(read_text(marker), "saving\n")
        self.assertEqual(len(server.bodies), 1, "the live webhook got the notice")
        self.assertTrue(any(r["error_code"] for r in self.aws.requests("Publish")), "an AWS error path was taken")

        outputs = [self.run_spored("status", "--state-dir", self.state_dir, env=env),
                   self.run_spored("status", "--json", "--state-dir", self.state_dir, env=env)]
        self.assertEqual([o.returncode for o in outputs], [0, 0], [o.stderr for o in outputs])
        texts = {"spored.log": self.log_text(proc)}
        with open(proc.log_path, encoding="utf-8") as f:
            texts["spored.log"] = f.read()
        for i, o in enumerate(outputs):
            texts[f"status {i} stdout"], texts[f"status {i} stderr"] = o.stdout, o.stderr
        inputs = {config, server.cert}
        for path in files_under(self.dir):
            if path not in inputs and not path.endswith("-key.pem"):
                with open(path, "rb") as f:
                    texts[path] = f.read().decode("utf-8", "replace")
        self.assertIn(os.path.join(self.state_dir, "events.json"), texts)
        for where, text in texts.items():
            for secret in SECRETS:
                self.assertNotIn(secret, text, f"{where} holds a secret")

        # The cache: owner-only, ours, nothing but the script and its record.
        folder = os.path.join(self.state_dir, "checkpoint")
        st = os.lstat(folder)
        self.assertTrue(stat.S_ISDIR(st.st_mode))
        self.assertEqual((stat.S_IMODE(st.st_mode), st.st_uid), (0o700, os.geteuid()))
        with open(os.path.join(folder, "checkpoint-script.json"), encoding="utf-8") as f:
            copy = json.load(f)["file"]
        self.assertRegex(copy, r"^checkpoint-script\.[0-9a-f]{16}$", "the copy's name cannot be guessed")
        self.assertEqual(sorted(os.listdir(folder)), sorted([copy, "checkpoint-script.json"]))
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(folder, copy)).st_mode), 0o700)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(folder, "checkpoint-script.json")).st_mode), 0o600)
        for name in os.listdir(self.state_dir):
            self.assertNotIn(".tmp-", name, "no temporary file left behind")
            st = os.lstat(os.path.join(self.state_dir, name))
            self.assertEqual(st.st_uid, os.geteuid())
            self.assertEqual(stat.S_IMODE(st.st_mode) & 0o022, 0, f"{name}: nobody else may write it")

    def test_a_planted_cache_folder_is_refused_not_followed(self):
        server = HttpsServer(self.dir)
        self.addCleanup(server.close)
        server.files["/save.sh"] = b"echo planted-or-not\n"
        decoy = os.path.join(self.dir, "decoy")
        os.makedirs(decoy)
        os.makedirs(self.state_dir)
        os.symlink(decoy, os.path.join(self.state_dir, "checkpoint"))
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": server.url("/save.sh")})
        proc = self.start(env=self.env(SSL_CERT_FILE=server.cert))
        failed = self.wait_for("checkpoint_script_fetch_failed", proc=proc)[0]
        self.assertIn("symbolic link", failed["error"])
        self.assertEqual(os.listdir(decoy), [], "nothing written through the link")
        self.assertEqual(server.gets, [], "not even downloaded")
        self.stop(proc)

        # A folder of ours left open to others is closed before anything is written in it.
        os.unlink(os.path.join(self.state_dir, "checkpoint"))
        os.mkdir(os.path.join(self.state_dir, "checkpoint"), 0o777)
        os.chmod(os.path.join(self.state_dir, "checkpoint"), 0o777)
        proc = self.start(env=self.env(SSL_CERT_FILE=server.cert), log_name="spored-2.log")
        self.wait_for("checkpoint_script_fetched", proc=proc)
        self.assertEqual(stat.S_IMODE(os.lstat(os.path.join(self.state_dir, "checkpoint")).st_mode), 0o700)

    def test_a_checkpoint_script_in_an_instance_tag_is_never_fetched_or_run(self):
        gets = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                gets.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "10")
                self.end_headers()
                self.wfile.write(b"echo evil\n")

            def log_message(self, *args):
                pass

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        self.addCleanup(httpd.server_close)
        self.addCleanup(httpd.shutdown)
        url = f"http://127.0.0.1:{httpd.server_address[1]}/save.sh"
        self.imds.set_tags({"Name": "spawn-test", "spawn:managed": "true", "spawn:spot": "true",
                            "spawn:on-interruption": "checkpoint", "spawn:checkpoint-script": url})
        proc = self.start()
        watching = self.records("watching", proc=proc)[0]
        self.assertEqual(watching["config"]["checkpoint_script"]["value"], "", "tags configure nothing")
        self.assertEqual(watching["config"]["on_interruption"]["value"], "terminate")
        self.assertNotIn("spawn:checkpoint-script", [r["path"].rsplit("/", 1)[-1] for r in self.imds.log()])
        self.imds.set_notice("terminate", in_seconds=100)
        self.wait_for("shutdown", proc=proc)
        self.assertEqual(gets, [], "the http:// script was never fetched")
        self.assertEqual(self.records("checkpoint_started", proc=proc), [], "nothing ran")


if __name__ == "__main__":
    unittest.main(verbosity=2)
