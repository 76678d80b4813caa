"""Shared base for spored's integration tests: build/bin/spored against the loopback metadata
fake (tests/fakes/imds_fake.py) and the local AWS (moto), each test in a fresh temporary state dir.

One metadata fake and one local AWS per test class (the local AWS takes seconds to start); the
fake is reset and the request log cleared before each test. spored runs with a short poll
interval, AWS_ENDPOINT_URL at the local AWS, no AWS credentials in its environment (it signs with
the instance role the fake serves, as on EC2), HOME in the temporary folder, and:
  - --shutdown-command: a script that appends "<epoch seconds> shutdown" to shutdown.log;
  - `wall` on PATH: a script that appends its message to wall.log (no terminal is disturbed).
Its stderr (JSON lines) goes to spored.log in the temporary folder; records() parses it.

SPAWN_SPORED_ARCH=aarch64 (the ctest entries named *.aarch64) runs build/bin/spored-aarch64
instead, the same tests: natively on an arm64 machine, through the kernel's binfmt_misc when a
qemu-aarch64 handler is registered there, else as `qemu-aarch64-static spored-aarch64 ...`
(Debian's qemu-user-static). spored_command() is what to start.

The instance the fake describes is a real instance in the local AWS (run in setUp), so CreateTags
and TerminateInstances act on something that exists and can be checked with DescribeInstances.
"""
import http.server
import json
import os
import platform
import shlex
import shutil
import signal
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

from fakes.imds_fake_fixture import ImdsFake
from fakes.local_aws_fixture import LocalAws

BIN = os.environ.get("SPAWN_BIN_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))
# The machine of the spored under test, as `uname -m` says it; x86_64 (build/bin/spored) unless set.
ARCH = os.environ.get("SPAWN_SPORED_ARCH") or "x86_64"
SPORED = os.path.join(BIN, "spored" if ARCH == "x86_64" else f"spored-{ARCH}")
QEMU = f"qemu-{ARCH}-static"


def binfmt_runs(arch):
    """True when the kernel runs binaries of arch itself: the host's own machine, or an enabled
    qemu-<arch> handler in binfmt_misc."""
    if platform.machine() == arch:
        return True
    try:
        with open(f"/proc/sys/fs/binfmt_misc/qemu-{arch}", encoding="utf-8") as f:
            return f.readline().strip() == "enabled"
    except OSError:
        return False


def emulator():
    """[] when the host runs SPORED itself; ["<path of qemu-ARCH-static>"] when it needs the
    emulator in front; None when it cannot run it (no qemu-user-static)."""
    if binfmt_runs(ARCH):
        return []
    qemu = shutil.which(QEMU)
    return [qemu] if qemu else None


def spored_command():
    """The argv prefix that runs the spored under test (see the module's docstring)."""
    return emulator() + [SPORED]


def skip_unless_runnable():
    """Raises SkipTest when the spored under test is not built or this host cannot run it."""
    if not os.access(SPORED, os.X_OK):
        raise unittest.SkipTest(f"{SPORED} is not built (set SPAWN_BIN_DIR; the aarch64 one needs SPAWN_ARM64_AGENT)")
    if emulator() is None:
        raise unittest.SkipTest(f"{ARCH} binaries need {QEMU} here (Debian's qemu-user-static; scripts/bootstrap)")
TOPIC_NAME = "spot-alerts"


def read_text(path):
    """The file's text, "" when it does not exist (yet)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def write_script(path, body, mode=0o755):
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)
    os.chmod(path, mode)
    return path


def poll(predicate, timeout):
    """The predicate's first true value, asked every 50 ms for timeout seconds; None when none came."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value or None
        time.sleep(0.05)


class HttpsServer:
    """An https:// server on 127.0.0.1 with a self-signed certificate for 127.0.0.1 (spored trusts it
    through SSL_CERT_FILE=server.cert): GET serves `files` (path -> bytes), or `raw` (path -> the
    whole reply, head included, written as is before the connection closes without a TLS
    close_notify: a cut stream); POST records the body."""

    def __init__(self, folder):
        self.cert = os.path.join(folder, "https-cert.pem")
        key = os.path.join(folder, "https-key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out",
                        self.cert], check=True, capture_output=True)
        self.files = {}
        self.raw = {}
        self.bodies = []
        self.gets = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.gets.append(self.path)
                if self.path in outer.raw:
                    self.wfile.write(outer.raw[self.path])
                    self.close_connection = True  # closed without unwrap(): no close_notify
                    return
                body = outer.files.get(self.path)
                self.send_response(404 if body is None else 200)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                outer.bodies.append({"path": self.path, "body": self.rfile.read(n).decode(),
                                     "content_type": self.headers.get("Content-Type")})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"https://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class SporedTestCase(unittest.TestCase):
    poll_interval = "200ms"

    @classmethod
    def setUpClass(cls):
        skip_unless_runnable()
        cls.imds = ImdsFake()
        cls.imds.start()
        cls.aws = LocalAws()
        try:
            cls.aws.start()
        except Exception:
            cls.imds.stop()
            raise
        cls.ec2 = cls.aws.ec2()
        cls.sns = cls.aws.client("sns")
        cls.topic_arn = cls.sns.create_topic(Name=TOPIC_NAME)["TopicArn"]

    @classmethod
    def tearDownClass(cls):
        cls.aws.stop()
        cls.imds.stop()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="spored-test-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.state_dir = os.path.join(self.dir, "state")
        self.procs = []
        # A request the local AWS's model check refused fails the test that sent it (checked
        # after spored is stopped).
        self.addCleanup(self.aws.check_refusals)
        self.addCleanup(self.stop_all)
        self.imds.reset()
        self.aws.reset_log()
        reservation = self.ec2.run_instances(ImageId="ami-12345678", InstanceType="m7i.large", MinCount=1, MaxCount=1)
        self.instance_id = reservation["Instances"][0]["InstanceId"]
        self.imds.set_instance(instance_id=self.instance_id, region="us-east-1")
        bin_dir = os.path.join(self.dir, "bin")
        os.mkdir(bin_dir)
        write_script(os.path.join(bin_dir, "wall"),
                     f'#!/bin/sh\nprintf "%s\\n" "$*" >> {shlex.quote(os.path.join(self.dir, "wall.log"))}\n')
        self.shutdown_script = write_script(
            os.path.join(self.dir, "record-shutdown.sh"),
            f'#!/bin/sh\necho "$(date +%s.%N) shutdown $*" >> {shlex.quote(os.path.join(self.dir, "shutdown.log"))}\n')

    # --- running spored -------------------------------------------------------------------

    def env(self, **extra):
        env = {
            "PATH": os.path.join(self.dir, "bin") + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.dir,
            "AWS_ENDPOINT_URL": self.aws.endpoint,
            "LANG": "C.UTF-8",
        }
        env.update(extra)
        return env

    def spored_args(self, *args, shutdown=True, poll=None):
        full = [*spored_command(), "--imds-endpoint", self.imds.endpoint, "--state-dir", self.state_dir,
                "--poll-interval", poll or self.poll_interval, "--config", self.config_path()]
        if shutdown:
            full += ["--shutdown-command", shlex.quote(self.shutdown_script)]
        return full + list(args)

    def config_path(self, content=None):
        """The spot config file (the one the launch's user-data writes); {} unless written."""
        path = os.path.join(self.dir, "spot-config.json")
        if content is not None or not os.path.exists(path):
            with open(path, "w", encoding="utf-8") as f:
                json.dump(content or {}, f)
        return path

    def start(self, *args, env=None, log_name="spored.log", **kw):
        """Starts spored (daemon) and waits until it watches (its "watching" record)."""
        log_path = os.path.join(self.dir, log_name)
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(self.spored_args(*args, **kw), env=env or self.env(), stdout=log, stderr=log,
                                    stdin=subprocess.DEVNULL)
        proc.log_path = log_path
        self.procs.append(proc)
        self.wait_for("watching", proc=proc, timeout=15)
        return proc

    def stop(self, proc, timeout=30):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return proc.returncode

    def stop_all(self):
        for p in self.procs:
            self.stop(p)

    def run_spored(self, *args, env=None, timeout=20):
        """spored run to completion (status, bad usage): CompletedProcess with text output."""
        return subprocess.run([*spored_command(), *args], env=env or self.env(), capture_output=True, text=True, timeout=timeout)

    # --- what it did ----------------------------------------------------------------------

    def records(self, event=None, proc=None):
        path = proc.log_path if proc is not None else os.path.join(self.dir, "spored.log")
        out = []
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    line = line.strip()
                    if not line.startswith("{"):
                        continue
                    try:
                        r = json.loads(line)
                    except ValueError:
                        continue
                    if event is None or r.get("event") == event:
                        out.append(r)
        except FileNotFoundError:
            pass
        return out

    def wait_for(self, event, count=1, proc=None, timeout=20, **fields):
        """Waits until `count` records of event (with those field values) are logged; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            found = [r for r in self.records(event, proc) if all(r.get(k) == v for k, v in fields.items())]
            if len(found) >= count:
                return found
            if proc is not None and proc.poll() is not None:
                self.fail(f"spored exited ({proc.returncode}) before logging {event}:\n{self.log_text(proc)}")
            if time.monotonic() > deadline:
                self.fail(f"no {count} x {event} {fields or ''} within {timeout} s:\n{self.log_text(proc)}")
            time.sleep(0.05)

    def log_text(self, proc=None):
        path = proc.log_path if proc is not None else os.path.join(self.dir, "spored.log")
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.read()[-6000:]
        except FileNotFoundError:
            return "<no log>"

    def shutdowns(self):
        try:
            with open(os.path.join(self.dir, "shutdown.log"), encoding="utf-8") as f:
                return [line.split() for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def walls(self):
        try:
            with open(os.path.join(self.dir, "wall.log"), encoding="utf-8") as f:
                return [line.rstrip("\n") for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def instance_tags(self):
        reservations = self.ec2.describe_instances(InstanceIds=[self.instance_id])["Reservations"]
        return {t["Key"]: t["Value"] for t in reservations[0]["Instances"][0].get("Tags", [])}

    def create_tags_requests(self):
        """The CreateTags calls the local AWS received, as {key: value} dicts, oldest first."""
        out = []
        for r in self.aws.requests("CreateTags"):
            p = r["params"]
            tags = {}
            n = 1
            while f"Tag.{n}.Key" in p:
                tags[p[f"Tag.{n}.Key"]] = p.get(f"Tag.{n}.Value", "")
                n += 1
            out.append({"resource": p.get("ResourceId.1"), "tags": tags, "status": r["status"], "time": r["time"]})
        return out

    def publishes(self):
        return [r for r in self.aws.requests("Publish") if r["service"] == "sns"]

    def wait_until(self, predicate, timeout=20, message="condition"):
        value = poll(predicate, timeout)
        if not value:
            self.fail(f"{message} not met within {timeout} s:\n{self.log_text()}")
        return value
