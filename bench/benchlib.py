"""Shared helpers of the comparison benchmarks (bench/*.py): run a command and measure its wall
time and its own CPU time, summarise repetitions, print and save results.

CPU time is the child's user + system time from wait4(2), so it covers exactly that process
(and anything it waited for), never the local AWS server that answers it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any, Sequence

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TESTS = os.path.join(ROOT, "tests")
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

QUICK = os.environ.get("QUICK", "") not in ("", "0")


@dataclass
class Run:
    wall: float   # seconds, from just before fork to reaping
    cpu: float    # the child's user + system seconds
    status: int
    stdout: bytes
    stderr: bytes


def run(command: Sequence[str], env: dict[str, str], stdin: bytes | None = None, timeout: float = 600) -> Run:
    """Runs command, captures its output, and measures it with wait4 (its rusage alone). A command
    still running after timeout seconds is killed (status -9)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(command), env=env, stdout=out, stderr=err,
                                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            if stdin is not None:
                assert proc.stdin is not None
                proc.stdin.write(stdin)
                proc.stdin.close()
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # keeps Popen from waiting again
        out.seek(0)
        err.seek(0)
        return Run(wall, usage.ru_utime + usage.ru_stime, proc.returncode, out.read(), err.read())


def process_cpu(pid: int) -> float:
    """User + system CPU seconds a running process has used so far (/proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (KiB) of a running process, from /proc/<pid>/status."""
    out = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, min, max and the spread (max - min) / median of repeated measurements."""
    med = statistics.median(values)
    return {"median": med, "min": min(values), "max": max(values), "n": len(values),
            "spread": (max(values) - min(values)) / med if med else 0.0}


def fmt_s(s: dict[str, float], unit: str = "s") -> str:
    scale, suffix = (1000.0, "ms") if unit == "ms" else (1.0, "s")
    return (f"{s['median'] * scale:.3f} {suffix} (min {s['min'] * scale:.3f}, max {s['max'] * scale:.3f}, "
            f"n={s['n']})")


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    info: dict[str, Any] = {"cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/loadavg", encoding="utf-8") as f:
            info["loadavg_at_start"] = f.read().split()[:3]
    except OSError:
        pass
    info["aws_cli"] = subprocess.run(["aws", "--version"], capture_output=True, text=True).stdout.strip() or \
        subprocess.run(["aws", "--version"], capture_output=True, text=True).stderr.strip()
    return info


def save(name: str, results: dict[str, Any]) -> None:
    """Writes $BENCH_OUT/<name>.json (default build/bench-results/) for docs/PERFORMANCE.md."""
    out_dir = os.environ.get("BENCH_OUT") or os.path.join(ROOT, "build", "bench-results")
    os.makedirs(out_dir, exist_ok=True)
    results = {"benchmark": name, "quick": QUICK, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "machine": machine(), **results}
    path = os.path.join(out_dir, f"{name}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
    print(f"  -> {os.path.relpath(path, ROOT)}")


def spawn_bin() -> str:
    from fakes.local_aws_fixture import spawn_binary
    path = os.path.abspath(spawn_binary())
    if not os.access(path, os.X_OK):
        sys.exit(f"bench: no spawn binary at {path} (build first, or set SPAWN_BIN_DIR)")
    return path


def aws_cli_env(env: dict[str, str]) -> dict[str, str]:
    """The local AWS environment for the AWS CLI: the same endpoint and credentials as spawn's,
    no pager, no retries that would hide a failure."""
    env = dict(env)
    env.update({"AWS_DEFAULT_REGION": env.get("AWS_REGION", "us-east-1"),  # the CLI v1 reads only this one
                "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    return env


class ReplayProxy:
    """A caching proxy in front of the local AWS, on 127.0.0.1: the first request with a given
    method, path and body goes to the local AWS; identical ones after it get the same reply
    from memory. Signatures and dates (headers) are not part of the key, so every client that
    asks the same question gets the same bytes.

    Why: moto renders a DescribeInstances page of 1,000 instances in about 10 s of its own CPU
    (a real EC2 answers in about a second), so without it the wall time of a listing measures
    moto, and the benchmark takes many minutes. Only for read-only calls whose replies do not
    change during a measurement (listing); never for launches.
    """

    def __init__(self, upstream: str):
        import http.server
        import urllib.parse

        self.upstream = urllib.parse.urlsplit(upstream)
        self.cache: dict = {}
        self.inflight: dict = {}
        self.lock = threading.Lock()
        self.misses = 0
        self.hits = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.handle_any()

            def do_GET(self) -> None:
                self.handle_any()

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, data = proxy.reply(proxy.key(self.command, self.path, body), body, dict(self.headers))
                try:
                    self.send_response(status)
                    for name, value in headers:
                        if name.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting; the reply is cached for its retry

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def key(method: str, path: str, body: bytes) -> tuple:
        """A query-protocol form counts as its set of parameters: the order clients write them in
        does not change the question."""
        import urllib.parse
        try:
            params = urllib.parse.parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
            return method, path, tuple(sorted(params))
        except (UnicodeDecodeError, ValueError):
            return method, path, body

    def reply(self, key: tuple, body: bytes, headers: dict[str, str]) -> tuple:
        """The cached reply, or the local AWS's; one upstream call per key at a time (a client
        that timed out and retries joins the call still running for it)."""
        with self.lock:
            cached = self.cache.get(key)
            if cached is not None:
                self.hits += 1
                return cached
            waiting = self.inflight.get(key)
            if waiting is None:
                self.inflight[key] = threading.Event()
        if waiting is not None:
            waiting.wait()
            return self.reply(key, body, headers)
        try:
            reply = self.forward(key[0], key[1], body, headers)
            with self.lock:
                self.misses += 1
                if 200 <= reply[0] < 300:
                    self.cache[key] = reply
            return reply
        finally:
            with self.lock:
                self.inflight.pop(key).set()

    def forward(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple:
        import http.client

        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=600)
        try:
            headers = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection")}
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            return r.status, r.getheaders(), r.read()
        finally:
            conn.close()

    def __enter__(self) -> "ReplayProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
