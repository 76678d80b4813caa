#!/usr/bin/env python3
"""Idle cost of spored: resident memory and CPU while it polls the loopback metadata fake at the
default interval (1 s) with nothing happening. The issue's budget: under 5 MiB resident and under
0.2 % of one core. A benchmark, not a test: it reports, and exits 1 only when a budget is exceeded.

    python3 bench/spored_idle.py [--spored build/bin/spored] [--seconds 60] [--poll-interval 1s]

CPU is utime + stime of the spored process from /proc/<pid>/stat over the measured window (after a
warm-up of a few polls); memory is VmRSS and VmHWM from /proc/<pid>/status at the end. The fake
is a Python process and is not counted.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

from fakes.imds_fake_fixture import ImdsFake  # noqa: E402

RSS_BUDGET_KIB = 5 * 1024
CPU_BUDGET_PERCENT = 0.2


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def memory_kib(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spored", default=os.path.join(os.environ.get("SPAWN_BIN_DIR", os.path.join(HERE, "..", "build", "bin")), "spored"))
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--poll-interval", default="1s")
    args = ap.parse_args()

    with ImdsFake() as imds, tempfile.TemporaryDirectory(prefix="spored-bench-") as tmp:
        config = os.path.join(tmp, "spot-config.json")
        with open(config, "w") as f:
            f.write('{"spot": true}\n')
        log = open(os.path.join(tmp, "spored.log"), "wb")
        proc = subprocess.Popen([args.spored, "--imds-endpoint", imds.endpoint, "--state-dir", os.path.join(tmp, "state"),
                                 "--poll-interval", args.poll_interval, "--shutdown-command", "",
                                 "--config", config],
                                stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp})
        try:
            time.sleep(3)  # start-up and discovery are not idle
            if proc.poll() is not None:
                sys.exit(f"spored exited with {proc.returncode}: {open(os.path.join(tmp, 'spored.log')).read()}")
            imds.clear_log()
            cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
            time.sleep(args.seconds)
            cpu1, t1 = cpu_seconds(proc.pid), time.monotonic()
            mem = memory_kib(proc.pid)
            polls = sum(1 for r in imds.log() if r["path"].endswith("instance-action"))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            log.close()

    cpu_percent = 100.0 * (cpu1 - cpu0) / (t1 - t0)
    result = {"seconds": round(t1 - t0, 1), "poll_interval": args.poll_interval, "polls": polls,
              "cpu_percent_of_one_core": round(cpu_percent, 4), "cpu_budget_percent": CPU_BUDGET_PERCENT,
              "rss_kib": mem.get("VmRSS"), "peak_rss_kib": mem.get("VmHWM"), "rss_budget_kib": RSS_BUDGET_KIB}
    print(json.dumps(result, indent=1))
    ok = cpu_percent < CPU_BUDGET_PERCENT and mem.get("VmHWM", 0) < RSS_BUDGET_KIB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
