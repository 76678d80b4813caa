"""Profiles the AWS CLI supports, against the local AWS: `spawn list` with an assume-role profile
(source_profile, a chain of roles, credential_source, external_id, duration_seconds,
role_session_name, mfa_serial on a terminal and without one), web identity (environment and
profile) and IAM Identity Center (sso-session and legacy profiles, the token cache of
`aws sso login`). The local AWS logs which key signed each request and which key STS or the SSO
portal handed out, so each test follows the assumed credentials into the EC2 calls. No secret
(keys, session tokens, SSO and web identity tokens) may appear in spawn's output, even with --debug.

Exit status: a profile set up wrong (a source_profile loop, a missing source profile) is found
before anything is sent and is a usage error (2); what only shows when credentials are fetched
(an SSO login missing or expired, an unreadable token cache, an MFA code with no terminal to ask
on, STS refusing) is a failure (1), like any other credentials error."""
import hashlib
import json
import os
import pty
import select
import shutil
import subprocess
import tempfile
import time
import unittest
from datetime import datetime, timedelta, timezone

from spawn_test_case import BIN, SpawnTestCase

ACCOUNT = "123456789012"
BASE_KEY, BASE_SECRET = "AKIABASEPROFILE00001", "base-secret-do-not-print"
SSO_TOKEN = "sso-access-token-do-not-print"
WEB_TOKEN = "eyJ.web-identity-token-do-not-print"


def utc(delta_seconds):
    return (datetime.now(timezone.utc) + timedelta(seconds=delta_seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


class ProfilesTest(SpawnTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="spawn-profiles-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.home = os.path.join(self.dir, "home")
        os.makedirs(self.home)
        self.config = os.path.join(self.dir, "config")
        self.credentials = os.path.join(self.dir, "credentials")
        with open(self.credentials, "w") as f:
            f.write(f"[base]\naws_access_key_id = {BASE_KEY}\naws_secret_access_key = {BASE_SECRET}\n")

    def write_config(self, text):
        with open(self.config, "w") as f:
            f.write(text)

    def env(self, keys=False, **extra):
        """spawn's environment: the shared files of this test, no keys unless asked."""
        env = dict(self.aws.env())
        if not keys:
            del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
        env.update({"AWS_CONFIG_FILE": self.config, "AWS_SHARED_CREDENTIALS_FILE": self.credentials,
                    "HOME": self.home})
        env.update(extra)
        return env

    def run_spawn(self, *args, env, new_session=True):
        # A new session has no controlling terminal: /dev/tty cannot be opened (as under cron or CI).
        return subprocess.run([os.path.join(BIN, "spawn"), *args], env=env, capture_output=True, text=True,
                              timeout=120, start_new_session=new_session)

    def assert_no_secret(self, result, *more):
        for secret in (BASE_SECRET, SSO_TOKEN, WEB_TOKEN, *more):
            self.assertNotIn(secret, result.stdout + result.stderr)

    def ec2_keys(self):
        """The access key ids that signed the EC2 calls."""
        return {q["access_key_id"] for q in self.requests() if q["service"] == "ec2"}

    def assert_listed(self, result):
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("error", result.stderr)
        self.assertTrue(self.ec2_keys(), "spawn list sent no EC2 call")

    def one_error_line(self, result):
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith("spawn: error: "), lines[0])
        return lines[0]

    # --- assume role ----------------------------------------------------------------------

    def test_role_from_a_source_profile(self):
        self.write_config(f"[profile dev]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/spawn-dev\nsource_profile = base\n"
                          "external_id = ext-42\nduration_seconds = 1800\nrole_session_name = alice\n")
        r = self.run_spawn("list", "--debug", env=self.env(AWS_PROFILE="dev"))
        self.assert_listed(r)
        assumed = self.requests("AssumeRole")
        self.assertEqual(len(assumed), 1)
        self.assertEqual({k: assumed[0]["params"].get(k) for k in ("RoleArn", "ExternalId", "DurationSeconds",
                                                                    "RoleSessionName")},
                         {"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/spawn-dev", "ExternalId": "ext-42",
                          "DurationSeconds": "1800", "RoleSessionName": "alice"})
        self.assertEqual(assumed[0]["access_key_id"], BASE_KEY)
        self.assertEqual(assumed[0]["region"], "us-east-1")
        issued = assumed[0]["issued_access_key_id"]
        self.assertTrue(issued.startswith("ASIA"))
        self.assertEqual(self.ec2_keys(), {issued})
        self.assert_no_secret(r)

    def test_default_session_name_and_a_chain_of_roles(self):
        self.write_config(f"[profile top]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/top\nsource_profile = mid\n"
                          f"[profile mid]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/mid\nsource_profile = base\n")
        before = int(time.time())
        r = self.run_spawn("list", "--profile", "top", env=self.env())
        self.assert_listed(r)
        assumed = self.requests("AssumeRole")
        self.assertEqual([q["params"]["RoleArn"] for q in assumed],
                         [f"arn:aws:iam::{ACCOUNT}:role/mid", f"arn:aws:iam::{ACCOUNT}:role/top"])
        self.assertEqual(assumed[0]["access_key_id"], BASE_KEY)
        self.assertEqual(assumed[1]["access_key_id"], assumed[0]["issued_access_key_id"])
        self.assertEqual(self.ec2_keys(), {assumed[1]["issued_access_key_id"]})
        for q in assumed:
            name = q["params"]["RoleSessionName"]
            self.assertTrue(name.startswith("spawn-session-"), name)
            self.assertLessEqual(before, int(name.rsplit("-", 1)[1]))
        self.assert_no_secret(r)

    def test_credential_source_environment(self):
        self.write_config(f"[profile ci]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/ci\ncredential_source = Environment\n")
        # With --profile the environment's keys are not used directly, only as the role's source.
        r = self.run_spawn("list", "--profile", "ci", env=self.env(keys=True))
        self.assert_listed(r)
        assumed = self.requests("AssumeRole")
        self.assertEqual(len(assumed), 1)
        self.assertEqual(assumed[0]["access_key_id"], "testing")
        self.assertEqual(self.ec2_keys(), {assumed[0]["issued_access_key_id"]})

    def test_a_source_profile_loop_is_one_error_and_sends_nothing(self):
        self.write_config(f"[profile a]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/a\nsource_profile = b\n"
                          f"[profile b]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/b\nsource_profile = a\n")
        r = self.run_spawn("list", env=self.env(AWS_PROFILE="a"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("the source_profile chain of profile a loops: a -> b -> a (InvalidConfig)", r.stderr)
        self.assertEqual(r.stderr.count("spawn: error:"), 1)
        self.assertEqual(self.requests(), [])

    def test_mfa_without_a_terminal_is_one_error(self):
        self.write_config(f"[profile mfa]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/mfa\nsource_profile = base\n"
                          f"mfa_serial = arn:aws:iam::{ACCOUNT}:mfa/alice\n")
        r = self.run_spawn("list", env=self.env(AWS_PROFILE="mfa"))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"needs an MFA code (mfa_serial arn:aws:iam::{ACCOUNT}:mfa/alice), but there is no terminal "
                      "to ask on (MFACodeRequired)", r.stderr)
        self.assertIn("spawn: hint: run spawn in a terminal", r.stderr)
        self.assertEqual(self.requests("AssumeRole"), [])
        self.assertEqual([q for q in self.requests() if q["service"] == "ec2"], [])

    def test_mfa_code_typed_on_the_terminal(self):
        self.write_config(f"[profile mfa]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/mfa\nsource_profile = base\n"
                          f"mfa_serial = arn:aws:iam::{ACCOUNT}:mfa/alice\n")
        env = self.env(AWS_PROFILE="mfa")
        pid, fd = pty.fork()  # the child's controlling terminal is this pseudo-terminal
        if pid == 0:
            os.execve(os.path.join(BIN, "spawn"), ["spawn", "list"], env)
        seen, typed = b"", False
        deadline = time.time() + 60
        while time.time() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if not typed and f"Enter MFA code for arn:aws:iam::{ACCOUNT}:mfa/alice: ".encode() in seen:
                os.write(fd, b"908172\n")
                typed = True
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        self.assertTrue(typed, seen)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, seen)
        self.assertNotIn(b"908172", seen)  # not echoed
        assumed = self.requests("AssumeRole")
        self.assertEqual(len(assumed), 1)
        self.assertEqual((assumed[0]["params"]["SerialNumber"], assumed[0]["params"]["TokenCode"]),
                         (f"arn:aws:iam::{ACCOUNT}:mfa/alice", "908172"))
        self.assertEqual(self.ec2_keys(), {assumed[0]["issued_access_key_id"]})

    # --- web identity --------------------------------------------------------------------

    def write_token(self):
        path = os.path.join(self.dir, "token")
        with open(path, "w") as f:
            f.write(WEB_TOKEN + "\n")
        return path

    def assert_web_identity(self, r, role, session_prefix):
        self.assert_listed(r)
        calls = self.requests("AssumeRoleWithWebIdentity")
        self.assertEqual(len(calls), 1)
        self.assertFalse(calls[0]["authorization_present"])  # unsigned, as the SDKs send it
        self.assertEqual(calls[0]["params"]["RoleArn"], role)
        self.assertEqual(calls[0]["params"]["WebIdentityToken"], WEB_TOKEN)
        self.assertTrue(calls[0]["params"]["RoleSessionName"].startswith(session_prefix))
        self.assertEqual(self.ec2_keys(), {calls[0]["issued_access_key_id"]})
        self.assert_no_secret(r)

    def test_web_identity_from_the_environment(self):
        self.write_config("")
        role = f"arn:aws:iam::{ACCOUNT}:role/web"
        r = self.run_spawn("list", "--debug", env=self.env(AWS_WEB_IDENTITY_TOKEN_FILE=self.write_token(),
                                                          AWS_ROLE_ARN=role, AWS_ROLE_SESSION_NAME="github-run-7"))
        self.assert_web_identity(r, role, "github-run-7")

    def test_web_identity_profile(self):
        role = f"arn:aws:iam::{ACCOUNT}:role/web"
        self.write_config(f"[profile eks]\nrole_arn = {role}\nweb_identity_token_file = {self.write_token()}\n")
        r = self.run_spawn("list", "--profile", "eks", env=self.env())
        self.assert_web_identity(r, role, "spawn-session-")

    # --- IAM Identity Center (SSO) ---------------------------------------------------------

    SESSION_CONFIG = (f"[profile dev]\nsso_session = corp\nsso_account_id = {ACCOUNT}\nsso_role_name = Developer\n"
                      "region = us-east-1\n"
                      "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
                      "sso_registration_scopes = sso:account:access\n")

    def write_sso_cache(self, key, expires_at, text=None, token=SSO_TOKEN):
        folder = os.path.join(self.home, ".aws", "sso", "cache")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, hashlib.sha1(key.encode()).hexdigest() + ".json")
        with open(path, "w") as f:
            f.write(text if text is not None else json.dumps(
                {"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": token,
                 "expiresAt": expires_at, "clientId": "c", "clientSecret": "cs", "refreshToken": "rt"}))
        return path

    def test_sso_session_profile(self):
        self.write_config(self.SESSION_CONFIG)
        self.write_sso_cache("corp", utc(3600))
        self.aws.grant_sso_token(SSO_TOKEN, ACCOUNT, "Developer")
        r = self.run_spawn("list", "--debug", env=self.env(AWS_PROFILE="dev"))
        self.assert_listed(r)
        portal = self.requests("GET /federation/credentials")
        self.assertEqual(len(portal), 1)
        self.assertEqual((portal[0]["service"], portal[0]["status"], portal[0]["authorization_present"]),
                         ("sso", 200, False))
        self.assertEqual(portal[0]["params"], {"role_name": "Developer", "account_id": ACCOUNT})
        self.assertEqual(self.ec2_keys(), {portal[0]["issued_access_key_id"]})
        self.assert_no_secret(r)

    def test_legacy_sso_profile(self):
        self.write_config(f"[profile old]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-west-2\n"
                          f"sso_account_id = {ACCOUNT}\nsso_role_name = ReadOnly\n")
        self.write_sso_cache("https://legacy.awsapps.com/start", utc(3600))
        self.aws.grant_sso_token(SSO_TOKEN, ACCOUNT, "ReadOnly")
        r = self.run_spawn("list", "--profile", "old", env=self.env())
        self.assert_listed(r)
        portal = self.requests("GET /federation/credentials")
        self.assertEqual(portal[0]["params"], {"role_name": "ReadOnly", "account_id": ACCOUNT})
        self.assertEqual(self.ec2_keys(), {portal[0]["issued_access_key_id"]})
        self.assert_no_secret(r)

    def test_an_sso_role_as_source_of_an_assumed_role(self):
        self.write_config(self.SESSION_CONFIG +
                          f"[profile admin]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/admin\nsource_profile = dev\n")
        self.write_sso_cache("corp", utc(3600))
        self.aws.grant_sso_token(SSO_TOKEN, ACCOUNT, "Developer")
        r = self.run_spawn("list", "--profile", "admin", env=self.env())
        self.assert_listed(r)
        portal = self.requests("GET /federation/credentials")
        assumed = self.requests("AssumeRole")
        self.assertEqual(assumed[0]["access_key_id"], portal[0]["issued_access_key_id"])
        self.assertEqual(self.ec2_keys(), {assumed[0]["issued_access_key_id"]})

    def test_expired_sso_login_names_aws_sso_login(self):
        self.write_config(self.SESSION_CONFIG)
        self.write_sso_cache("corp", "2024-01-01T00:00:00Z")
        r = self.run_spawn("list", env=self.env(AWS_PROFILE="dev"))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(self.one_error_line(r),
                         "spawn: error: profile dev has an SSO login that expired at 2024-01-01T00:00:00Z; run `aws sso "
                         "login --profile dev` (or `aws sso login --sso-session corp`), then spawn again "
                         "(SSOLoginRequired)")
        self.assertEqual(self.requests(), [])
        self.assert_no_secret(r)

    def test_missing_sso_login(self):
        self.write_config(self.SESSION_CONFIG)
        r = self.run_spawn("list", env=self.env(AWS_PROFILE="dev"))
        self.assertEqual(r.returncode, 1, r.stderr)
        line = self.one_error_line(r)
        self.assertIn("profile dev has no SSO login (no token in ", line)
        self.assertIn("run `aws sso login --profile dev`", line)
        self.assertEqual(self.requests(), [])

    def test_sso_token_the_portal_refuses(self):
        self.write_config(self.SESSION_CONFIG)
        revoked = "sso-token-never-granted-do-not-print"
        self.write_sso_cache("corp", utc(3600), token=revoked)  # not granted: the portal answers 401
        r = self.run_spawn("list", env=self.env(AWS_PROFILE="dev"))
        self.assertEqual(r.returncode, 1, r.stderr)
        line = self.one_error_line(r)
        self.assertIn("profile dev: the SSO portal no longer accepts its login; run `aws sso login --profile dev`", line)
        self.assertIn("(UnauthorizedException, request ", line)
        self.assertEqual([q["status"] for q in self.requests()], [401])
        self.assert_no_secret(r, revoked)

    def test_malformed_sso_cache(self):
        self.write_config(self.SESSION_CONFIG)
        path = self.write_sso_cache("corp", "", text='{"accessToken": "' + SSO_TOKEN + '"')
        r = self.run_spawn("list", env=self.env(AWS_PROFILE="dev"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(f"the SSO token cache {path} is not a JSON object", self.one_error_line(r))
        self.assertEqual(self.requests(), [])
        self.assert_no_secret(r)


if __name__ == "__main__":
    unittest.main()
