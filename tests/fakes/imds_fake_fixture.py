"""ImdsFake: the loopback metadata fake as a context manager for unittest tests.

    from fakes.imds_fake_fixture import ImdsFake      # PYTHONPATH=<repo>/tests

    with ImdsFake() as imds:
        imds.set_notice("terminate", in_seconds=120)
        ... run spored with --imds-endpoint imds.endpoint ...
        self.assertTrue(any(r["path"].endswith("instance-action") for r in imds.log()))

Each instance runs tests/fakes/imds_fake.py in its own process on a free port; leaving the block
stops it. Control calls go through /_fake/ on the same port, so they fail while a "refuse"
fault keeps the port closed (use wait_listening()).
"""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "imds_fake.py")


class ImdsFake:
    def __init__(self, verbose=False, start_timeout=10.0):
        self.verbose = verbose
        self.start_timeout = start_timeout
        self.proc = None
        self.endpoint = None
        self.port = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self):
        cmd = [sys.executable, FAKE, "--port", "0"] + (["--verbose"] if self.verbose else [])
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=None, text=True)
        deadline = time.monotonic() + self.start_timeout
        line = self.proc.stdout.readline()
        if not line.startswith("READY ") or time.monotonic() > deadline:
            self.stop()
            raise RuntimeError("imds_fake did not start: %r" % line)
        self.endpoint = line.split()[1]
        self.port = int(self.endpoint.rsplit(":", 1)[1])
        return self

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # --- control API -------------------------------------------------------------------------

    def control(self, path, body=None, method=None):
        """POST (or GET when body is None and method is None) to /_fake/<path>; returns the JSON."""
        data = None if body is None else json.dumps(body).encode()
        method = method or ("GET" if body is None else "POST")
        req = urllib.request.Request(self.endpoint + "/_fake/" + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"{}")

    def set_notice(self, action="terminate", time=None, in_seconds=None, moving=False):
        body = {"action": action, "moving": moving}
        if time is not None:
            body["time"] = time
        if in_seconds is not None:
            body["in_seconds"] = in_seconds
        return self.control("notice", body)["notice"]

    def clear_notice(self):
        self.control("notice/clear", {})

    def notice(self):
        """{"set", "action", "time", "set_at", "first_read_at", "reads", "now"} (monotonic times)."""
        return self.control("notice")

    def set_rebalance(self, notice_time=None, in_seconds=None):
        body = {}
        if notice_time is not None:
            body["notice_time"] = notice_time
        if in_seconds is not None:
            body["in_seconds"] = in_seconds
        return self.control("rebalance", body)["rebalance"]

    def clear_rebalance(self):
        self.control("rebalance/clear", {})

    def set_lifecycle(self, value):
        self.control("lifecycle", {"value": value})

    def set_instance(self, **fields):
        return self.control("instance", fields)["instance"]

    def set_tags(self, tags=None, enabled=True):
        body = {"enabled": enabled}
        if tags is not None:
            body["tags"] = tags
        self.control("tags", body)

    def set_credentials(self, role="spawn-instance-role", **fields):
        return self.control("credentials", dict(fields, role=role))

    def fault(self, kind, **params):
        """kind: status (status=), 503, stall (seconds=), reset, malformed_notice, moving_time,
        invalidate_tokens, refuse (seconds=); count= (default 1, -1 until clear_faults()),
        path= prefix filter."""
        return self.control("fault", dict(params, kind=kind))

    def clear_faults(self):
        self.control("fault/clear", {})

    def invalidate_tokens(self):
        self.control("tokens/invalidate", {})

    def advance(self, seconds):
        """Moves the fake's token clock forward: tokens expire without waiting."""
        self.control("advance", {"seconds": seconds})

    def reset(self):
        self.control("reset", {})

    def log(self):
        """IMDS requests seen: [{"method", "path", "token_present", "token_valid", "status", "t"}]."""
        return self.control("log")["requests"]

    def clear_log(self):
        self.control("log/clear", {})

    def wait_listening(self, timeout=10.0):
        """Waits until the port accepts connections again (after a "refuse" fault)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.control("help")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        raise TimeoutError("imds_fake still refusing after %.1f s" % timeout)

    # --- an IMDSv2 client for Python tests ---------------------------------------------------

    def request(self, method, path, headers=None, timeout=5):
        """(status, headers, body) of one raw request to the fake's metadata side."""
        req = urllib.request.Request(self.endpoint + path, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, dict(r.headers), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()

    def token(self, ttl=21600):
        status, _, body = self.request("PUT", "/latest/api/token",
                                       {"X-aws-ec2-metadata-token-ttl-seconds": str(ttl)})
        if status != 200:
            raise RuntimeError("token PUT answered %d" % status)
        return body

    def get(self, path, token=None):
        """(status, body) of GET /latest/<path> with a fresh token unless one is given."""
        token = token or self.token()
        status, _, body = self.request("GET", "/latest/" + path.lstrip("/"),
                                       {"X-aws-ec2-metadata-token": token})
        return status, body
