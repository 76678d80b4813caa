"""Getting spored onto an instance, against the local AWS: `spawn agent upload` (the object and its
sha256 in moto's S3, the location remembered), the launch's user-data (the install snippet: the
binary of the machine's architecture, fetched from spawn's bucket with the instance role's own
credentials), the generated snippet run under bash in a sandbox (a matching download installed
and started, a tampered one refused) and once with the real curl against the metadata fake and
the local AWS (its SigV4 signature checked with botocore), the instance profile of each launch
(least privilege, removed with the launch), and the launch's spec in the bucket. A launch of an
architecture with no upload is refused before anything is launched, saying what to do; both
architectures in one upload and each launch installing its own: test_agent_install_arm64.py.

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
import unittest

from agent_install_case import BUCKET, SOURCE, SPORED, TOPIC, AgentInstallCase, read_bytes
from spot_sandbox import Sandbox
from spot_test_case import AMI


class AgentInstallTest(AgentInstallCase):
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
    def run_with_real_curl(self, script, imds):
        """Runs a launch's user-data in a sandbox with the real curl, sed and sha256sum, the metadata
        fake as 169.254.169.254 and the local AWS's https:// S3; asserts spored was installed."""
        box = Sandbox()
        self.addCleanup(box.close)
        for name in ("curl", "sed", "sha256sum", "rm", "uname"):
            real = shutil.which(name, path="/usr/bin:/bin")
            box._write(os.path.join(box.bin, name), f"#!/usr/bin/bash\nexec {real} \"$@\"\n", 0o755)
        for name in ("systemctl", "sleep"):
            box._write(os.path.join(box.bin, name), "#!/usr/bin/bash\nexit 0\n", 0o755)
        seam = "set -euo pipefail\n"
        extra = (f"export spawn_imds={shlex.quote(imds.endpoint)}\nexport CURL_CA_BUNDLE={shlex.quote(self.ca)}\n"
                 f"export AWS_EC2_METADATA_SERVICE_ENDPOINT={shlex.quote(imds.endpoint)}\n")
        r = box.run(script.replace(seam, seam + extra, 1))
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(read_bytes(os.path.join(box.root, "usr/local/bin/spored")), self.binary)
        self.assertTrue(any(e["path"].endswith("/api/token") and e["method"] == "PUT" for e in imds.log()),
                        "IMDSv2: a token first")
        return r

    def test_a_relaunch_template_still_installs_spored_days_later_with_other_credentials(self):
        """Nothing in a --relaunch array's launch template expires (issue 15): no presigned URL, no
        credential. Its user-data, run three days after the launch on an instance whose role
        credentials are not the ones of the launch, installs the same spored with those credentials."""
        if not shutil.which("curl"):
            self.skipTest("curl is not installed")
        sys.path.insert(0, os.path.join(SOURCE, "tests"))
        from fakes.imds_fake_fixture import ImdsFake
        self.upload()
        r = self.spawn("launch", "--instance-types", "m7i.large,m6i.large", "--ami", AMI, "--spot", "--count", "2",
                       "--job-array-name", "late", "--relaunch", "2", env=self.env())
        self.assertEqual(r.returncode, 0, r.stderr)
        template = self.params("CreateLaunchTemplate")
        self.assertTrue(template["LaunchTemplateName"].startswith("spawn-relaunch-"))
        script = self.user_data_of(template, "LaunchTemplateData.UserData")
        for word in ("X-Amz-", "Signature", "Expires", "testing", "Credential"):
            self.assertNotIn(word, script, "nothing presigned, no credential: nothing in the template expires")
        self.assertIn("spored\" handover", script)
        with ImdsFake() as imds:
            imds.advance(3 * 86400)
            imds.set_credentials(role="spawn-spored-x", AccessKeyId="ASIALATERREPLACEMNT1",
                                 SecretAccessKey="later-secret", Token="later-token")
            before = len(self.aws.https_requests())
            self.run_with_real_curl(script, imds)
        heads = [h.decode() for h in self.aws.https_requests()[before:] if h.startswith(b"GET ")]
        self.assertEqual(len(heads), 1, heads)
        self.assertIn("Credential=ASIALATERREPLACEMNT1/", heads[0], "signed with the credentials of that day")
        self.assertIn("x-amz-security-token: later-token", heads[0].lower())

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
            before = len(self.aws.https_requests())
            self.run_with_real_curl(script, imds)
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
                                       "ReadLaunchSpec", "WriteEventLog", "ReadAgent"})
        self_condition = {"StringEquals": {"aws:ResourceTag/spawn:managed": "true"},
                          "ArnLike": {"ec2:SourceInstanceARN": "arn:aws:ec2:*:*:instance/${ec2:InstanceID}"}}
        self.assertEqual(by_sid["TerminateItself"], {"Sid": "TerminateItself", "Effect": "Allow",
                                                     "Action": "ec2:TerminateInstances",
                                                     "Resource": "arn:aws:ec2:*:*:instance/*", "Condition": self_condition})
        self.assertEqual(by_sid["NotifyTopics"]["Resource"], [TOPIC], "the topic only; webhooks need no IAM")
        self.assertEqual(by_sid["ReadCheckpointScripts"]["Resource"], ["arn:aws:s3:::ckpt-bucket/jobs/save.sh"])
        self.assertEqual(by_sid["ReadLaunchSpec"]["Resource"], f"arn:aws:s3:::{BUCKET}/spawn/launches/{launch_id}/*")
        self.assertEqual(by_sid["WriteEventLog"], {"Sid": "WriteEventLog", "Effect": "Allow", "Action": "s3:PutObject",
                                                   "Resource": f"arn:aws:s3:::{BUCKET}/spawn/events/region=*/day=*/{launch_id}/*"})
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

    def test_a_price_alert_reaches_spored_and_lets_its_role_read_spot_prices_only(self):
        self.clean_iam()
        self.upload()
        self.aws.reset_log()
        self.launch("--notify", TOPIC, "--price-alert", "0.12")
        params = self.params("RunInstances")
        config = self.spot_config_in(self.user_data_of(params))
        self.assertEqual(config["price_alert"], "0.1200")
        policy = self.iam.get_role_policy(RoleName=self.launch_role(params), PolicyName="spored")["PolicyDocument"]
        by_sid = {s["Sid"]: s for s in policy["Statement"]}
        self.assertEqual(by_sid["ReadSpotPrices"], {"Sid": "ReadSpotPrices", "Effect": "Allow",
                                                    "Action": "ec2:DescribeSpotPriceHistory", "Resource": "*"})
        self.assertNotIn("DescribeInstances", by_sid, "the price alert reads prices, nothing else")
        # Without the flag, no such statement.
        self.aws.reset_log()
        self.launch("--notify", TOPIC)
        params = self.params("RunInstances")
        self.assertNotIn("price_alert", self.spot_config_in(self.user_data_of(params)))
        policy = self.iam.get_role_policy(RoleName=self.launch_role(params), PolicyName="spored")["PolicyDocument"]
        self.assertNotIn("ReadSpotPrices", {s["Sid"] for s in policy["Statement"]})

    def test_secrets_go_to_the_launch_spec_never_to_user_data(self):
        self.upload()
        hook = "https://hooks.example.com/T0/B0/s3cr3t-webhook"
        script_url = "https://scripts.example.com/save.sh?token=s3cr3t-query"
        local = self.file("save.sh", b"#!/bin/sh\necho s3cr3t-embedded-code\n")
        # The webhook given with the topic again, comma-separated: split, and the topic kept once.
        for args, secret in ((["--notify", f"{TOPIC},{hook}"], "s3cr3t-webhook"),
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
            (["--notify", TOPIC, "--price-alert", "-0.1"], "--price-alert -0.1: expected a spot price"),
            (["--notify", TOPIC, "--price-alert", "abc"], "--price-alert abc: expected a spot price"),
            (["--notify", TOPIC, "--price-alert", "0"], "more than 0"),
            (["--price-alert", "0.1"], "--price-alert needs --notify"),
            (["--notify", TOPIC, "--price-alert", "0.1", "--spot-max-price", "0.08"],
             "--price-alert 0.1000 is not under --spot-max-price 0.08"),
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
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", AMI, "--notify", TOPIC, "--ttl", "1h",
                       "--price-alert", "0.1", env=self.env())
        self.assertEqual(r.returncode, 2)
        self.assertIn("--price-alert needs --spot", r.stderr)
        self.assertEqual(self.requests(), [])

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
