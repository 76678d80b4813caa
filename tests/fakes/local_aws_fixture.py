"""LocalAws: the local AWS (local_aws.py) as a context manager for unittest tests.

    from fakes.local_aws_fixture import LocalAws, run_spawn      # PYTHONPATH=<repo>/tests

    with LocalAws(scenario={"capacity": [...]}) as aws:
        r = run_spawn(["launch", "--instance-type", "m7i.large"], aws.env())
        self.assertEqual(len(aws.requests("RunInstances")), 1)

Each LocalAws runs local_aws.py in its own process on a free port (state is per
process), with a fresh temporary HOME so that no real ~/.aws is read. Leaving the
block stops it (SIGTERM, then SIGKILL after stop_timeout).

The local AWS refuses requests that do not fit their botocore service model (the model
check, README.md). A refusal fails the test that caused it: leaving the block (stop())
raises AssertionError naming every refused request not yet reported, and test bases call
check_refusals() after each test. A test that sends such a request on purpose wraps it in
`with aws.expect_refusals() as refused:`.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterator

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "local_aws.py")
ACCESS_KEY = "testing"
SECRET_KEY = "testing"
REGION = "us-east-1"
# Passed through to spawn from the test's own environment; everything AWS_* is not.
PASS_THROUGH = ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "LD_LIBRARY_PATH",
                "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS")


class LocalAwsError(RuntimeError):
    """The local AWS did not start, or a control call failed."""


class LocalAws:
    def __init__(self, scenario: dict[str, Any] | None = None, verbose: bool = False,
                 start_timeout: float = 60.0, stop_timeout: float = 10.0, wait_warm: bool = True):
        self.scenario = scenario
        self.wait_warm = wait_warm
        self.verbose = verbose
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.proc: subprocess.Popen | None = None
        self.endpoint: str | None = None
        self.home: str | None = None
        self._stderr_path: str | None = None
        self._relay: Any = None                      # tls_relay.TlsRelay, started by https()
        self._expected_refusals: set[int] = set()   # seq of refusals a test asked for
        self._reported_refusals: set[int] = set()   # seq of refusals already raised

    # --- lifetime ---

    def __enter__(self) -> "LocalAws":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop_server()

    def start(self) -> None:
        self.home = tempfile.mkdtemp(prefix="local-aws-home-")
        command = [sys.executable, SERVER, "--port", "0", "--parent-pid", str(os.getpid())]
        if self.scenario is not None:
            path = os.path.join(self.home, "scenario.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(self.scenario, f)
            command += ["--scenario", path]
        if self.verbose:
            command.append("--verbose")
        self._stderr_path = os.path.join(self.home, "local_aws.stderr")
        with open(self._stderr_path, "wb") as stderr:
            self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
                                         env=_server_env())
        line = self._read_ready_line()
        if not line.startswith("READY "):
            self._stop_server()
            raise LocalAwsError(f"local AWS did not start: {line!r}\n{self.server_log()}")
        self.endpoint = line.split(" ", 1)[1].strip()
        if self.wait_warm:
            self._wait_warm()

    def _wait_warm(self) -> None:
        """The server answers at once but loads moto in the background (a few seconds on a
        busy machine); waiting here keeps that out of the first timed request of a test."""
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            health = self.health()
            if health.get("load_error"):
                self._stop_server()
                raise LocalAwsError(f"local AWS could not load moto: {health['load_error']}")
            if health.get("warm"):
                return
            time.sleep(0.05)
        self._stop_server()
        raise LocalAwsError(f"local AWS not warm after {self.start_timeout} s\n{self.server_log()}")

    def _read_ready_line(self) -> str:
        assert self.proc is not None and self.proc.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + self.start_timeout
        try:
            while time.monotonic() < deadline:
                if selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    return self.proc.stdout.readline().decode("utf-8", "replace")
                if self.proc.poll() is not None:
                    break
            return "<no READY line>"
        finally:
            selector.close()

    def stop(self) -> None:
        """Stops the server; raises AssertionError if it refused requests (model check) that no
        test expected and none has reported yet."""
        unreported: list[dict[str, Any]] = []
        if self.proc is not None and self.proc.poll() is None and self.endpoint:
            try:
                unreported = self._unreported_refusals()
            except (LocalAwsError, OSError):
                unreported = []
        self._stop_server()
        if unreported:
            self._reported_refusals.update(e["seq"] for e in unreported)
            raise AssertionError(describe_refusals(unreported))

    def https(self) -> tuple[str, str]:
        """An https:// endpoint in front of this one and the certificate to trust (AWS_CA_BUNDLE
        for spawn, CURL_CA_BUNDLE for curl), started on first use (tls_relay)."""
        if self._relay is None:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            from tls_relay import TlsRelay
            assert self.endpoint and self.home
            self._relay = TlsRelay(int(self.endpoint.rsplit(":", 1)[1]), self.home)
        return self._relay.endpoint, self._relay.cert

    def https_requests(self) -> list[bytes]:
        """The request heads that came through https() (each up to its blank line)."""
        return self._relay.requests() if self._relay is not None else []

    def _stop_server(self) -> None:
        if self._relay is not None:
            self._relay.close()
            self._relay = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=self.stop_timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=self.stop_timeout)
            if self.proc.stdout is not None:
                self.proc.stdout.close()
            self.proc = None
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None

    def server_log(self) -> str:
        """What the server wrote on stderr so far (tracebacks; every request with verbose=True)."""
        try:
            with open(self._stderr_path or "", encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # --- for the code under test ---

    def env(self, region: str = REGION) -> dict[str, str]:
        """A complete environment for spawn: this endpoint, test credentials, an empty HOME."""
        env = {k: os.environ[k] for k in PASS_THROUGH if k in os.environ}
        env.update({
            "AWS_ENDPOINT_URL": self.endpoint or "",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": region,
            "AWS_EC2_METADATA_DISABLED": "true",
            "HOME": self.home or "",
        })
        return env

    def client(self, service: str, region: str = REGION, retries: int = 0, read_timeout: int = 30) -> Any:
        """A boto3 client bound to this endpoint; by default it does not retry."""
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            service, endpoint_url=self.endpoint, region_name=region,
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            config=Config(retries={"total_max_attempts": retries + 1, "mode": "standard"},
                          connect_timeout=5, read_timeout=read_timeout))

    def ec2(self, region: str = REGION, retries: int = 0) -> Any:
        return self.client("ec2", region, retries)

    # --- control endpoints ---

    def requests(self, action: str | None = None, service: str | None = None) -> list[dict[str, Any]]:
        """Every AWS request received since the last reset_log(), oldest first."""
        query = {k: v for k, v in (("action", action), ("service", service)) if v}
        suffix = "?" + urllib.parse.urlencode(query) if query else ""
        return self._control("GET", "requests" + suffix)

    def reset_log(self) -> None:
        """Clears the request log; refused requests stay for check_refusals() and stop()."""
        self._control("POST", "reset")

    def refusals(self) -> list[dict[str, Any]]:
        """Every request the model check refused since the server started (log entries whose
        model_error is set), whether or not expected."""
        return self._control("GET", "refusals")

    def _unreported_refusals(self) -> list[dict[str, Any]]:
        return [e for e in self.refusals()
                if e["seq"] not in self._expected_refusals and e["seq"] not in self._reported_refusals]

    def check_refusals(self) -> None:
        """Raises AssertionError naming each refused request that no test expected (each is
        reported once)."""
        unreported = self._unreported_refusals()
        if unreported:
            self._reported_refusals.update(e["seq"] for e in unreported)
            raise AssertionError(describe_refusals(unreported))

    @contextlib.contextmanager
    def expect_refusals(self) -> Iterator[list[dict[str, Any]]]:
        """Refusals of the requests sent inside the block are expected: they fill the list
        yielded, and neither check_refusals() nor stop() complains about them."""
        before = {e["seq"] for e in self.refusals()}
        got: list[dict[str, Any]] = []
        try:
            yield got
        finally:
            new = [e for e in self.refusals() if e["seq"] not in before]
            self._expected_refusals.update(e["seq"] for e in new)
            got.extend(new)

    def set_scenario(self, scenario: dict[str, Any]) -> dict[str, Any]:
        """Replaces the scenario (laid over the defaults); returns the effective one."""
        return self._control("POST", "scenario", scenario)

    def grant_sso_token(self, access_token: str, account_id: str, role_name: str,
                        expires_in: float = 3600) -> dict[str, Any]:
        """Makes the SSO portal take access_token for that role in that account (local_aws_sso)."""
        return self._control("POST", "sso-token", {"access_token": access_token, "account_id": account_id,
                                                   "role_name": role_name, "expires_in": expires_in})

    def set_console_output(self, instance_id: str, output: str, append: bool = False,
                           region: str = "us-east-1") -> dict[str, Any]:
        """What GetConsoleOutput shows for the instance (local_aws_console)."""
        return self._control("POST", "console-output",
                             {"instance_id": instance_id, "output": output, "append": append, "region": region})

    def set_instance_address(self, instance_id: str, public_ip: str | None,
                             region: str = "us-east-1") -> dict[str, Any]:
        """The instance's public address (127.0.0.1 in tests), or none."""
        return self._control("POST", "instance-address",
                             {"instance_id": instance_id, "public_ip": public_ip, "region": region})

    def set_instance_launch_time(self, instance_id: str, launch_time: str, region: str = "us-east-1") -> dict[str, Any]:
        """When EC2 says the instance was launched (ISO 8601)."""
        return self._control("POST", "instance-launch-time",
                             {"instance_id": instance_id, "launch_time": launch_time, "region": region})

    def get_scenario(self) -> dict[str, Any]:
        return self._control("GET", "scenario")

    def health(self) -> dict[str, Any]:
        return self._control("GET", "health")

    def register_metadata_service(self, instance_id: str, url: str, region: str = REGION) -> dict[str, Any]:
        """The metadata fake of an instance: where AWS FIS posts its notices (local_aws_fis)."""
        return self._control("POST", "metadata-service", {"instance_id": instance_id, "url": url, "region": region})

    def unregister_metadata_service(self, instance_id: str, region: str = REGION) -> dict[str, Any]:
        return self._control("DELETE", "metadata-service", {"instance_id": instance_id, "region": region})

    def experiments(self) -> list[dict[str, Any]]:
        """Every FIS experiment started: its API view plus "region", "resolved" ({target: [instance
        ids]}) and "deliveries" ([{"instance_id", "what": tags|rebalance|notice|interruption, "url",
        "time", "error"}])."""
        return self._control("GET", "experiments")

    def end_experiment(self, experiment_id: str) -> dict[str, Any]:
        """Time passes for a FIS experiment: its pending notices and interruptions happen now."""
        return self._control("POST", "experiment-end", {"id": experiment_id})

    def interrupt(self, instance_id: str, region: str = REGION) -> dict[str, Any]:
        """EC2 takes a spot instance back; a maintain fleet replaces it (local_aws_fleet.py)."""
        return self._control("POST", "interrupt", {"instance_id": instance_id, "region": region})

    def rebalance(self, instance_id: str, region: str = REGION) -> dict[str, Any]:
        """A rebalance recommendation for a spot fleet member (local_aws_fleet.py)."""
        return self._control("POST", "rebalance", {"instance_id": instance_id, "region": region})

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.endpoint}/_spawn/{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with _NO_PROXY.open(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            raise LocalAwsError(f"{method} /_spawn/{path}: HTTP {e.code}: {e.read().decode(errors='replace')}") from None


def describe_refusals(entries: list[dict[str, Any]]) -> str:
    """The AssertionError text for requests the model check refused."""
    lines = [f"the local AWS refused {len(entries)} request(s) that do not fit the AWS service model "
             "(tests/fakes/README.md, Model check):"]
    for e in entries:
        error = e.get("model_error") or {}
        lines.append(f"  {e['service']} {e['action']}: {error.get('code')}: {error.get('message')}")
    return "\n".join(lines)


# Control calls go straight to 127.0.0.1 even when the test's environment names a proxy.
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def spawn_binary() -> str:
    """$SPAWN_BIN_DIR/spawn, or build/bin/spawn in the source tree."""
    bin_dir = os.environ.get("SPAWN_BIN_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "bin")
    return os.path.join(bin_dir, "spawn")


def run_spawn(args: list[str], env: dict[str, str], input: str | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess:
    """Runs spawn with exactly `env` (use LocalAws.env()); text stdout/stderr captured."""
    return subprocess.run([spawn_binary(), *args], env=env, input=input, capture_output=True, text=True,
                          timeout=timeout)
