#!/usr/bin/env python3
"""(f) Interruption detection: how long from a spot notice becoming visible in the metadata
service to the checkpoint script running, spored against the loopback metadata fake.

    BENCH=interruption bench/run              # 200 notices per interval (QUICK=1: 20)
    python3 bench/interruption.py [--notices N] [--intervals 1s,250ms]

For each notice: a fresh state dir (the event store would latch a second notice), spored started
and watching, a random wait in [0, interval) so that arrivals are uniform over the poll period
(not aligned with it), POST /_fake/notice, then the time until the script's first line runs.
Start: the fake's set_at, the moment it starts answering the notice (not the first read).
End: the script's first line, `echo $EPOCHREALTIME` (a bash builtin: no process is started to
read a clock). The fake reports CLOCK_MONOTONIC and bash only has the wall clock, so the bench
pairs one reading of each clock, taken back to back, to put both on the wall clock; the error of
that pairing is microseconds. The bash start is part of what is measured, as it is part of the
checkpoint starting.

Reported per interval: p50 / p99 / max, next to what the peers' poll intervals imply for uniform
arrivals (mean interval/2, max interval): 5 s (AWS's suggestion), 2 s (aws-node-termination-
handler), 60 s (the original Go spawn). Target: p99 under one poll interval + 100 ms.
"""
import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import benchlib
from fakes.imds_fake_fixture import ImdsFake

PEERS = {"aws_suggestion_5s": 5.0, "aws_node_termination_handler_2s": 2.0, "original_go_spawn_60s": 60.0}


def seconds_of(interval):
    return float(interval[:-2]) / 1000 if interval.endswith("ms") else float(interval[:-1])


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1)))))
    return ordered[k]


def wall_minus_monotonic():
    """time.time() - time.monotonic(), from the closest of a few back-to-back pairs."""
    best = None
    for _ in range(5):
        a = time.monotonic()
        w = time.time()
        b = time.monotonic()
        if best is None or b - a < best[0]:
            best = (b - a, w - (a + b) / 2)
    return best[1]


def wait_for_file(path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path, encoding="ascii") as f:
                text = f.read().strip()
            if text:
                return text
        except FileNotFoundError:
            pass
        time.sleep(0.002)
    return None


def wait_for_log(path, needle, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(path, encoding="utf-8", errors="replace") as f:
            if needle in f.read():
                return True
        time.sleep(0.01)
    return False


def one_notice(spored, imds, interval, tmp, n):
    run_dir = os.path.join(tmp, f"run-{n}")
    os.mkdir(run_dir)
    started = os.path.join(run_dir, "started")
    script = os.path.join(run_dir, "ckpt.sh")
    with open(script, "w", encoding="ascii") as f:
        f.write(f"echo $EPOCHREALTIME > {started}\n")
    config = os.path.join(run_dir, "spot-config.json")
    with open(config, "w", encoding="ascii") as f:
        f.write('{"spot": true, "on_interruption": "checkpoint", "checkpoint_script": "%s"}\n' % script)
    log_path = os.path.join(run_dir, "spored.log")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([spored, "--imds-endpoint", imds.endpoint, "--state-dir", os.path.join(run_dir, "state"),
                                 "--poll-interval", interval, "--shutdown-command", "", "--config", config],
                                stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": run_dir,
                                     "AWS_ENDPOINT_URL": "http://127.0.0.1:9"})  # notifications fail fast, locally
    try:
        if not wait_for_log(log_path, '"event":"watching"', 15):
            sys.exit(f"spored did not start:\n{open(log_path).read()}")
        time.sleep(random.uniform(0, seconds_of(interval)))
        offset = wall_minus_monotonic()
        set_at = imds.set_notice("terminate", in_seconds=120)["set_at"]
        text = wait_for_file(started, 10 + seconds_of(interval))
        if text is None:
            sys.exit(f"the checkpoint never started:\n{open(log_path).read()}")
        return float(text) - (set_at + offset)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        imds.clear_notice()
        shutil.rmtree(run_dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spored", default=os.path.join(os.environ.get("SPAWN_BIN_DIR", os.path.join(benchlib.ROOT, "build", "bin")), "spored"))
    ap.add_argument("--notices", type=int, default=20 if benchlib.QUICK else 200)
    ap.add_argument("--intervals", default="1s,250ms")
    args = ap.parse_args()
    if not os.access(args.spored, os.X_OK):
        sys.exit(f"bench: no spored at {args.spored} (build first, or set SPAWN_BIN_DIR)")

    results = []
    with ImdsFake() as imds, tempfile.TemporaryDirectory(prefix="spored-detect-") as tmp:
        for interval in args.intervals.split(","):
            latencies = [one_notice(args.spored, imds, interval, tmp, n) for n in range(args.notices)]
            period = seconds_of(interval)
            r = {"poll_interval": interval, "notices": len(latencies),
                 "p50_s": percentile(latencies, 50), "p99_s": percentile(latencies, 99), "max_s": max(latencies),
                 "mean_s": statistics.mean(latencies), "target_p99_s": period + 0.1,
                 "met": percentile(latencies, 99) < period + 0.1}
            results.append(r)
            print(f"  notice -> checkpoint at {interval}: p50 {r['p50_s'] * 1000:.0f} ms, p99 {r['p99_s'] * 1000:.0f} ms, "
                  f"max {r['max_s'] * 1000:.0f} ms over {r['notices']} notices (target p99 < {r['target_p99_s'] * 1000:.0f} ms)")
    peers = {name: {"mean_s": s / 2, "max_s": s} for name, s in PEERS.items()}
    for name, p in peers.items():
        print(f"  {name}: uniform arrivals give mean {p['mean_s']:.1f} s, max {p['max_s']:.0f} s")
    benchlib.save("interruption", {"spored": os.path.abspath(args.spored), "runs": results, "peers_implied": peers})
    return 0


if __name__ == "__main__":
    sys.exit(main())
