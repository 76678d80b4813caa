"""Bad input, one table for every command of spawn and spored: each bad command line (or bad
AWS_*/SPORED_* setting, or bad spored config file) exits 2 with one line `spawn: error: ...`
naming what is wrong (spored: `spored: error: ...`), at most one `spawn: hint: ...` line after
it, nothing on stdout, no control character of the value in the message, and nothing sent: the
local AWS logged no request and the metadata fake no read.

The rows of the former tests/integration/test_bad_usage.py and test_spot_bad_usage.py are in
this table (same command lines, same words looked for).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from fakes.imds_fake_fixture import ImdsFake  # noqa: E402
from spawn_test_case import BIN, SpawnTestCase  # noqa: E402

TMP = tempfile.mkdtemp(prefix="bad-input-")


def _file(name, content):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)
    return path


SCRIPT = _file("save.sh", "#!/bin/sh\necho saved\n")
EMPTY = _file("empty.sh", "")
FOLDER = os.path.join(TMP, "a-folder")  # a directory: not readable as a file
os.mkdir(FOLDER)
STATE = os.path.join(TMP, "state")
GOOD_CONFIG = _file("good.json", "{}")


def _config(name, doc):
    return _file(name, doc if isinstance(doc, str) else json.dumps(doc))


L = ["launch", "--instance-type", "m7i.large"]
S = L + ["--spot"]
CP = S + ["--on-interruption", "checkpoint", "--checkpoint-script"]
ID = "i-0abc1234def567890"
SHA = "0" * 64


def env(**kw):
    return kw


# (command line, words the error line names, extra environment). "spored" as the first word
# runs spored; anything else is spawn's arguments.
BAD = [
    # --- spawn, no command or an unknown one ---
    ([], "subcommand", {}),
    (["frobnicate"], "frobnicate", {}),
    (["launc"], "unknown command 'launc'", {}),
    ([""], "unknown command ''", {}),
    (["help"], "unknown command 'help'", {}),
    (["--bogus"], "subcommand", {}),
    (["--output", "yaml"], "subcommand", {}),
    (["launch\nspawn: error: forged"], "unknown command 'launch\\nspawn: error: forged'", {}),

    # --- spawn launch: the basics ---
    (["launch"], "--instance-type", {}),
    (L + ["--bogus"], "--bogus", {}),
    (L + ["--count", "0"], "--count", {}),
    (L + ["--count", "-2"], "--count", {}),
    (L + ["--count", "abc"], "--count", {}),
    (L + ["--count", "10001"], "at most 10000", {}),
    (L + ["--count", "99999999999"], "--count", {}),
    (L + ["--count"], "--count", {}),
    (L + ["--name"], "--name", {}),
    (L + ["--name", ""], "--name", {}),
    (L + ["--name", "x" * 4096], "--name: expected 1 to 200 characters", {}),
    (L + ["--job-array-name", ""], "--job-array-name", {}),
    (L + ["--job-array-name", "a" * 4096, "--count", "2"], "--job-array-name", {}),
    (L + ["--instance-type", "c7i.large"], "--instance-type", {}),
    (["launch", "--instance-type", "not a type"], "--instance-type", {}),
    (["launch", "--instance-type", "m7i\nlarge"], "got 'm7i\\nlarge'", {}),
    (["launch", "--instance-type", ""], "--instance-type", {}),
    (L + ["--ami", "ubuntu"], "--ami", {}),
    (L + ["--ami", "ami-\x1b[31mred"], "got 'ami-\\x1b[31mred'", {}),
    (L + ["--key-name", ""], "--key-name", {}),
    (L + ["--iam-instance-profile", ""], "--iam-instance-profile", {}),
    (L + ["--subnet-id", "nope"], "--subnet-id", {}),
    (L + ["--security-group-ids", "sg-1,,sg-2"], "--security-group-ids", {}),
    (L + ["--security-group-ids", "nope"], "--security-group-ids", {}),
    (L + ["--tag", "novalue"], "--tag", {}),
    (L + ["--tag", "=v"], "--tag", {}),
    (L + ["--tag", "spawn:managed=false"], "--tag", {}),
    (L + ["--tag", "aws:team=ml"], "--tag", {}),
    (L + ["--tag", "k=" + "v" * 4096], "longer than 256", {}),
    (L + ["--tag", "k" * 129 + "=v"], "longer than 128", {}),
    (L + ["--tag", "k=" + "\u2713" * 257], "longer than 256", {}),
    (L + ["--tag", "my key=v"], "a key of letters", {}),
    (L + ["--tag", "a/b=v"], "a key of letters", {}),
    (L + ["--tag", "_index=v"], "a key of letters", {}),
    (L + ["--user-data", "@/nonexistent/file.sh"], "--user-data", {}),
    (L + ["--user-data", "@" + FOLDER], "--user-data", {}),
    (L + ["--user-data", "@"], "--user-data", {}),
    (L + ["--user-data", "@/nonexistent\nspawn: error: forged"], "'/nonexistent\\nspawn: error: forged'", {}),
    (L + ["--user-data", "x" * 20000], "16 KB", {}),
    (L + ["--ttl", "nonsense"], "--ttl", {}),
    (L + ["--ttl", "0s"], "--ttl", {}),
    (L + ["--ttl", "-5h"], "--ttl", {}),
    (L + ["--ttl", "99999999999h"], "--ttl", {}),
    (L + ["--ttl", ""], "--ttl", {}),
    (L + ["--idle-timeout", "5m"], "at least 10m", {}),
    (["launch", "-t", "m7i.large,m6i.large"], "--instance-types m7i.large,m6i.large", {}),
    (L + ["--notify", "arn:aws:sns:us-east-1:123456789012:t"], "--notify needs --spot, --ttl", {}),
    (L + ["--idle-timeout", "600"], "with its unit", {}),
    (L + ["--idle-timeout", ""], "--idle-timeout", {}),
    (L + ["--on-idle", "stop"], "--on-idle needs --idle-timeout", {}),
    (L + ["--idle-timeout", "1h", "--on-idle", "nap"], "--on-idle", {}),
    (L + ["--idle-timeout", "1h", "--active-process", "a b"], "--active-process", {}),
    (L + ["--idle-timeout", "1h", "--active-process", "x\x1b[31m"], "--active-process", {}),
    (L + ["--idle-timeout", "1h", "--idle-cpu", "150"], "--idle-cpu", {}),
    (L + ["--idle-timeout", "1h", "--spot", "--on-idle", "stop"], "one-time spot", {}),
    (L + ["--wait=maybe"], "--wait", {}),
    (L + ["--no-agent", "--agent-url", "https://example.com/spored"], "--agent-url needs --spot", {}),

    # --- spawn launch: spot ---
    (S + ["--spot-max-price", "0"], "--spot-max-price", {}),
    (S + ["--spot-max-price", "-1"], "--spot-max-price", {}),
    (S + ["--spot-max-price", "abc"], "--spot-max-price", {}),
    (S + ["--spot-max-price", "1e3"], "--spot-max-price", {}),
    (S + ["--spot-max-price", "1e999"], "--spot-max-price", {}),
    (S + ["--spot-max-price", "nan"], "--spot-max-price", {}),
    (S + ["--spot-max-price", ""], "--spot-max-price", {}),
    (S + ["--spot-max-price", "0.000"], "--spot-max-price", {}),
    (S + ["--spot-max-price", "1\n2"], "got '1\\n2'", {}),
    (S + ["--spot-max-price"], "--spot-max-price", {}),
    (L + ["--count", "4", "--spot-count", "2"], "--spot-count needs --spot", {}),
    (S + ["--count", "4", "--spot-count", "0"], "--spot-count", {}),
    (S + ["--count", "4", "--spot-count", "5"], "--spot-count", {}),
    (S + ["--spot-count", "2"], "--spot-count", {}),
    (S + ["--count", "4", "--spot-count", "-1"], "--spot-count", {}),
    (S + ["--count", "4", "--spot-count", "many"], "--spot-count", {}),
    (S + ["--on-interruption", "stop"], "--on-interruption", {}),
    (S + ["--on-interruption", "bogus"], "--on-interruption", {}),
    (S + ["--on-interruption", ""], "--on-interruption", {}),
    (S + ["--on-interruption", "checkpoint"], "--checkpoint-script", {}),
    (S + ["--on-interruption", "terminate", "--checkpoint-script", SCRIPT], "--checkpoint-script", {}),
    (S + ["--on-interruption", "hibernate", "--checkpoint-script", SCRIPT], "--checkpoint-script", {}),
    (S + ["--checkpoint-script", SCRIPT], "--checkpoint-script", {}),
    (L + ["--on-interruption", "terminate"], "--on-interruption needs --spot", {}),
    (L + ["--on-interruption", "checkpoint", "--checkpoint-script", SCRIPT], "needs --spot", {}),
    (L + ["--checkpoint-script", SCRIPT], "--checkpoint-script needs --spot", {}),
    (L + ["--spot-max-price", "0.05"], "--spot-max-price needs --spot", {}),
    (L + ["--spot-fallback"], "--spot-fallback needs --spot", {}),
    (L + ["--spot-allocation-strategy", "lowest-price"], "--spot-allocation-strategy needs --spot", {}),
    (L + ["--notify", "arn:aws:sns:us-east-1:123456789012:alerts"], "--notify needs --spot", {}),
    (S + ["--instance-types", "m6i.large", "--on-interruption", "hibernate"], "hibernate", {}),
    (["launch", "--instance-types", "m7i.large,m6i.large", "--spot", "--on-interruption", "hibernate"], "hibernate", {}),
    (S + ["--count", "4", "--spot-count", "2", "--on-interruption", "hibernate"], "hibernate", {}),
    (CP + ["http://example.com/save.sh"], ("https://", "without integrity", "s3://"), {}),
    (CP + [os.path.join(TMP, "missing.sh")], "--checkpoint-script", {}),
    (CP + ["/nonexistent\nx.sh"], "'/nonexistent\\nx.sh'", {}),
    (CP + [TMP], "--checkpoint-script", {}),
    (CP + [EMPTY], "--checkpoint-script", {}),
    (CP + [""], "--checkpoint-script", {}),
    (CP + ["s3://bucket"], "--checkpoint-script", {}),
    (CP + ["s3://Bad_Bucket/save.sh"], "--checkpoint-script", {}),
    (CP + ["ftp://host/save.sh"], "--checkpoint-script", {}),
    (CP + ["https://example.com/" + "k" * 4096], "at most 256 characters", {}),
    (CP + ["s3://my-bucket/" + "k" * 4096], "at most 256 characters", {}),
    (["launch", "--instance-types", "m7i.large,,m6i.large", "--spot"], "--instance-types", {}),
    (["launch", "--instance-types", "m7i.large,", "--spot"], "--instance-types", {}),
    (["launch", "--instance-types", "", "--spot"], "--instance-types", {}),
    (["launch", "--instance-types", "m7i.large,m6i.large,m7i.large", "--spot"], "--instance-types", {}),
    (["launch", "--instance-types", "m7i.large,nope", "--spot"], "--instance-types", {}),
    (S + ["--spot-allocation-strategy", "cheapest"], "--spot-allocation-strategy", {}),
    (S + ["--subnet-id", "subnet-0abc1234,subnet-0abc1234"], "--subnet-id", {}),
    (S + ["--notify", "mailto:ops@example.com"], "--notify", {}),
    (S + ["--notify", "http://hooks.example.com/T0/x"], ("--notify", "https://"), {}),
    (S + ["--notify", ""], "--notify", {}),
    (S + ["--notify", "arn:aws:sns:us-east-1:12:alerts"], "--notify", {}),
    (S + ["--notify", "arn:aws:sns:us-east-1:123456789012:x;rm -rf /"], "--notify", {}),
    (S + ["--agent-url", "https://example.com/spored"], "--agent-sha256", {}),
    (S + ["--agent-url", "http://example.com/spored", "--agent-sha256", SHA], "--agent-url", {}),
    (S + ["--agent-url", "https://example.com/spored", "--agent-sha256", "xyz"], "--agent-sha256", {}),

    # --- global options and AWS settings (any command) ---
    (L + ["--output", "yaml"], "--output: expected table or json, got 'yaml'", {}),
    (L + ["--endpoint-url", "localhost:1"], "--endpoint-url", {}),
    (L + ["--endpoint-url", "ftp://example.com"], "--endpoint-url", {}),
    (L + ["--region", ""], "--region", {}),
    (L + ["--region", "us-east-1\nx"], "got 'us-east-1\\nx'", {}),
    (L + ["--profile", ""], "--profile", {}),
    (["list", "--region", "mars"], "--region", {}),
    (["list", "--region", ""], "--region", {}),
    (["--region", "us-east-1", "list"], "--region", {}),
    (L, "AWS_RETRY_MODE", env(AWS_RETRY_MODE="bogus")),
    (L, "AWS_MAX_ATTEMPTS", env(AWS_MAX_ATTEMPTS="0")),
    (["list"], "AWS_MAX_ATTEMPTS", env(AWS_MAX_ATTEMPTS="abc")),
    (["list"], "AWS_MAX_ATTEMPTS", env(AWS_MAX_ATTEMPTS="-1")),
    (["list"], "not 'bo\\ngus'", env(AWS_RETRY_MODE="bo\ngus")),
    (["list"], "AWS_ENDPOINT_URL", env(AWS_ENDPOINT_URL="ftp://example.com")),
    (["list"], "AWS_REGION", env(AWS_REGION="us east 1")),
    (["list"], "nosuch", env(AWS_PROFILE="nosuch")),
    (["terminate", ID], "AWS_RETRY_MODE", env(AWS_RETRY_MODE="bogus")),
    (["price", "--instance-type", "m7i.large"], "AWS_MAX_ATTEMPTS", env(AWS_MAX_ATTEMPTS="0")),
    (["agent", "upload", "--bucket", "ok-bucket", "--binary", os.path.join(BIN, "spored")], "AWS_RETRY_MODE",
     env(AWS_RETRY_MODE="bogus")),

    # --- spawn list ---
    (["list", "--state", "exploded"], "--state", {}),
    (["list", "--state", ""], "--state", {}),
    (["list", "--state", "run\nning"], "run\\nning", {}),
    (["list", "--tag", "x"], "--tag", {}),
    (["list", "--tag", "=v"], "--tag", {}),
    (["list", "--bogus"], "--bogus", {}),
    (["list", "extra"], "extra", {}),
    (["list", "--all-regions", "--region", "us-east-1"], "--all-regions", {}),
    (["list", "--job-array-name"], "--job-array-name", {}),
    (["list", "--output", "xml"], "--output", {}),

    # --- spawn terminate ---
    (["terminate"], "--name", {}),
    (["terminate", "--yes"], "exactly one", {}),
    (["terminate", "not-an-id"], "not-an-id", {}),
    (["terminate", "i-123"], "i-123", {}),
    (["terminate", ID, "i-XYZ"], "i-XYZ", {}),
    (["terminate", "i-123\nforged"], "'i-123\\nforged'", {}),
    (["terminate", ID, "--name", "x"], "exactly one", {}),
    (["terminate", "--name", "a", "--job-array-name", "b"], "exactly one", {}),
    (["terminate", "--name", ""], "--name", {}),
    (["terminate", "--job-array-name", ""], "--job-array-name", {}),
    (["terminate", "--bogus"], "--bogus", {}),

    # --- spawn history ---
    (["history", "--since", "soon"], "--since", {}),
    (["history", "--since", "-3d"], "--since", {}),
    (["history", "--region", "us-east-1", "--all-regions"], ("--region", "--all-regions"), {}),
    (["history", "--by", "pool"], "--by", {}),
    (["history", "--region", "mars"], "--region", {}),
    (["history", "--bogus"], "--bogus", {}),

    # --- spawn price ---
    (["price"], "--instance-type", {}),
    (["price", "--instance-type", ""], "--instance-type", {}),
    (["price", "--instance-type", "m7i.large,,c7i.large"], "--instance-type", {}),
    (["price", "--instance-type", "not a type"], "--instance-type", {}),
    (["price", "--instance-type", "m7i.large", "--region", "mars"], "--region", {}),
    (["price", "--instance-type", "m7i.large", "--regions", "mars"], "--regions", {}),
    (["price", "--instance-type", "m7i.large", "--regions", ""], "--regions", {}),
    (["price", "--instance-type", "m7i.large", "--regions", "us-east-1,,us-west-2"], "--regions", {}),
    (["price", "--instance-type", "m7i.large", "--regions", "us-east-1", "--region", "us-east-1"], "--regions", {}),

    # --- spawn pool (the name taken, an unknown pool: tests/integration/test_pool.py, after a lookup) ---
    (["pool"], "subcommand", {}),
    (["pool", "create", "p", "--instance-type", "m7i.large"], "--capacity", {}),
    (["pool", "create", "p", "--instance-type", "m7i.large", "--capacity", "0"], "--capacity", {}),
    (["pool", "create", "p", "--instance-type", "m7i.large", "--capacity", "101"], "more than 100", {}),
    (["pool", "create", "p", "--instance-type", "m7i.large", "--capacity", "3", "--spot-count", "4"], "--spot-count", {}),
    (["pool", "create", "p", "--instance-type", "m7i.large", "--capacity", "3", "--spot-count", "-1"], "--spot-count", {}),
    (["pool", "create", "p", "--instance-type", "m7i.large", "--capacity", "2", "--on-interruption", "hibernate"],
     "not in a pool", {}),
    (["pool", "create", "p", "--instance-type", "m7i.large", "--capacity", "2", "--on-interruption", "checkpoint"],
     "--checkpoint-script", {}),
    (["pool", "create", "p", "--instance-type", "m7i.large", "--capacity", "2", "--ttl", "1h"], "--ttl", {}),
    (["pool", "create", "a/b", "--instance-type", "m7i.large", "--capacity", "2"], "pool name", {}),
    (["pool", "create", "p", "--capacity", "2"], "--instance-type", {}),
    (["pool", "create", "p", "--instance-type", "m7i.large", "--capacity", "2", "--tag", "spawn:pool=x"], "--tag", {}),
    (["pool", "resize", "p", "--capacity", "0"], "--capacity", {}),
    (["pool", "resize", "p", "--capacity", "500"], "more than 100", {}),
    (["pool", "resize", "p", "--capacity", "2", "--spot-count", "3"], "--spot-count", {}),
    (["pool", "resize", "p"], "--capacity", {}),
    (["pool", "status"], "NAME", {}),

    # --- spawn agent ---
    (["agent"], "subcommand", {}),
    (["agent", "bogus"], "subcommand", {}),
    (["agent", "upload"], "--bucket", {}),
    (["agent", "upload", "--bucket", "A_B"], "--bucket", {}),
    (["agent", "upload", "--bucket", "ok-bucket", "--prefix", "a//b"], "--prefix", {}),
    (["agent", "upload", "--bucket", "ok-bucket", "--prefix", "a\nb"], "--prefix", {}),
    (["agent", "upload", "--bucket", "ok-bucket", "--binary", "/nonexistent"], "--binary", {}),
    (["agent", "upload", "--bucket", "ok-bucket", "--binary", SCRIPT], "not spored", {}),
    (["agent", "upload", "--bucket", "ok-bucket", "--binary", "/bin/sh"], "dynamically linked", {}),
    (["agent", "upload", "--bucket", "ok-bucket", "--output", "yaml"], "--output", {}),

    # --- spored: flags ---
    (["spored", "--poll-interval", "5ms"], "--poll-interval 5ms", {}),
    (["spored", "--poll-interval", "11s"], "--poll-interval", {}),
    (["spored", "--poll-interval", "abc"], "--poll-interval", {}),
    (["spored", "--poll-interval", "5\nms"], "--poll-interval", {}),
    (["spored", "--poll-interval"], "--poll-interval", {}),
    (["spored", "--log-format", "xml"], "--log-format", {}),
    (["spored", "--imds-endpoint", "not a url"], "--imds-endpoint", {}),
    (["spored", "--imds-endpoint", "ftp://127.0.0.1:1"], "--imds-endpoint", {}),
    (["spored", "--state-dir", "relative/state"], "--state-dir", {}),
    (["spored", "--state-dir", ""], "--state-dir", {}),
    (["spored", "--shutdown-command", "echo 'unterminated"], "--shutdown-command", {}),
    (["spored", "--spot", "maybe"], "--spot", {}),
    (["spored", "--on-interruption", "reboot"], "--on-interruption", {}),
    (["spored", "--checkpoint-script", "http://example.com/save.sh"], ("--checkpoint-script", "https://"), {}),
    (["spored", "--checkpoint-script", "relative.sh"], "--checkpoint-script", {}),
    (["spored", "--checkpoint-script", "s3://bucket"], "--checkpoint-script", {}),
    (["spored", "--notify", "http://hooks.example.com/T0/x"], ("--notify", "https://"), {}),
    (["spored", "--notify", "mailto:\nx"], "--notify", {}),
    (["spored", "--ttl-deadline", "tomorrow"], "--ttl-deadline", {}),
    (["spored", "--idle-timeout", "ten"], "--idle-timeout", {}),
    (["spored", "status", "--output", "yaml"], "--output", {}),
    (["spored", "--on-idle", "nap"], "--on-idle", {}),
    (["spored", "--idle-cpu", "0"], "--idle-cpu", {}),
    (["spored", "--active-process", "/bin/sh"], "--active-process", {}),
    (["spored", "--proc-root", "proc"], "--proc-root", {}),
    (["spored", "--bogus"], "--bogus", {}),
    (["spored", "extra"], "extra", {}),
    (["spored", "status", "--bogus"], "--bogus", {}),
    (["spored", "--config", "/nonexistent/spot-config.json"], "does not exist", {}),
    (["spored", "--config", "/nonexistent\nx"], "/nonexistent\\nx", {}),
    (["spored", "--config", FOLDER], FOLDER, {}),
    # --- spored: environment ---
    (["spored"], "SPORED_POLL_INTERVAL=5ms", env(SPORED_POLL_INTERVAL="5ms")),
    (["spored"], "SPORED_LOG_FORMAT", env(SPORED_LOG_FORMAT="xml")),
    (["spored"], "SPAWN_NOTIFY", env(SPAWN_NOTIFY="http://hooks.example.com/T0/x")),
    (["spored"], "SPAWN_CHECKPOINT_SCRIPT", env(SPAWN_CHECKPOINT_SCRIPT="relative.sh")),
    (["spored"], "AWS_EC2_METADATA_SERVICE_ENDPOINT", env(AWS_EC2_METADATA_SERVICE_ENDPOINT="169.254.169.254")),
    (["spored"], "does not exist", env(SPORED_CONFIG="/nonexistent/spot-config.json")),
    # --- spored: config file content ---
    (["spored", "--config", _config("not-json.json", "{not json")], "not a JSON object", {}),
    (["spored", "--config", _config("empty.json", "")], "not a JSON object", {}),
    (["spored", "--config", _config("array.json", [])], "not a JSON object", {}),
    (["spored", "--config", _config("number.json", {"poll_interval": 5})], "poll_interval", {}),
    (["spored", "--config", _config("interval.json", {"poll_interval": "5ms"})], "poll_interval", {}),
    (["spored", "--config", _config("action.json", {"on_interruption": "explode"})], "on_interruption", {}),
    (["spored", "--config", _config("http-script.json", {"checkpoint_script": "http://example.com/save.sh"})],
     ("checkpoint_script", "https://"), {}),
    (["spored", "--config", _config("http-notify.json", {"notify": ["http://hooks.example.com/T0/x"]})],
     ("notify", "https://"), {}),
    (["spored", "--config", _config("notify-type.json", {"notify": [1]})], "notify", {}),
    (["spored", "--config", _config("format.json", {"log_format": "xml"})], "log_format", {}),
    (["spored", "--config", _config("spot.json", {"spot": "maybe"})], "spot", {}),
    (["spored", "--config", _config("ttl.json", {"ttl_deadline": "soon"})], "ttl_deadline", {}),
    (["spored", "--config", _config("shutdown.json", {"shutdown_command": "echo 'x"})], "shutdown_command", {}),
]


class BadInputTest(SpawnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.imds = ImdsFake()
        cls.imds.start()

    @classmethod
    def tearDownClass(cls):
        cls.imds.stop()
        shutil.rmtree(TMP, ignore_errors=True)
        super().tearDownClass()

    def run_row(self, args, extra):
        if args[:1] == ["spored"]:
            # Everything spored would need to run is loopback or temporary: a row that is not
            # refused polls the fake (and fails the test), never 169.254.169.254.
            full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": TMP, "LANG": "C.UTF-8",
                        "AWS_ENDPOINT_URL": self.aws.endpoint, "SPORED_CONFIG": GOOD_CONFIG,
                        "SPORED_STATE_DIR": STATE, "SPORED_SHUTDOWN_COMMAND": "",
                        "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.imds.endpoint}
            full_env.update(extra)
            return "spored", subprocess.run([os.path.join(BIN, "spored"), *args[1:]], env=full_env,
                                            capture_output=True, text=True, timeout=15)
        return "spawn", self.spawn(*args, env=extra, timeout=30)

    def test_each_bad_input_exits_2_with_one_line_and_sends_nothing(self):
        self.assertGreaterEqual(len(BAD), 60)
        rows = BAD
        if os.environ.get("SPAWN_SANITIZED") == "1":
            # Sanitizer builds link spored dynamically, and `agent upload` refuses it before it
            # gets to what the row is about; the release suite runs those rows.
            rows = [row for row in BAD if os.path.join(BIN, "spored") not in row[0]]
        for args, mention, extra in rows:
            with self.subTest(args=args, env=extra):
                self.aws.reset_log()
                self.imds.reset()
                program, r = self.run_row(args, extra)
                self.assertEqual(r.returncode, 2, f"{args}: {r.stderr}")
                self.assertEqual(r.stdout, "")
                lines = r.stderr.split("\n")
                self.assertEqual(lines[-1], "", "stderr ends with a line break")
                lines = lines[:-1]
                self.assertTrue(lines and lines[0].startswith(f"{program}: error: "), r.stderr)
                for word in (mention if isinstance(mention, tuple) else (mention,)):
                    self.assertIn(word, lines[0])
                if program == "spawn":
                    self.assertLessEqual(len(lines), 2, r.stderr)
                    if len(lines) == 2:
                        self.assertTrue(lines[1].startswith("spawn: hint: "), r.stderr)
                else:
                    self.assertEqual(len(lines), 1, r.stderr)
                self.assertFalse(any(ord(c) < 0x20 or ord(c) == 0x7f for c in "".join(lines)),
                                 f"a control character in {r.stderr!r}")
                self.assertEqual(self.requests(), [], f"{args} sent a request to AWS")
                self.assertEqual(self.imds.log(), [], f"{args} asked the metadata service")
        self.assertFalse(os.path.exists(STATE), "no state dir made by a refused spored")


if __name__ == "__main__":
    unittest.main(verbosity=2)
