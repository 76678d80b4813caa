#!/usr/bin/env python3
"""(g) Agent idle cost: spored (use the static release binary) polling the loopback metadata fake
with no notice posted, at 1 s and at 250 ms: resident memory (VmRSS and VmHWM from
/proc/<pid>/status, sampled every second: max and final) and CPU (utime + stime from
/proc/<pid>/stat at the start and the end of the window, as % of one core).
Target (docs/PERFORMANCE.md, issue 4): < 5 MiB resident and < 0.2 % of one core at 1 s.

    BENCH=agent_idle bench/run                 # 10 minutes per interval (QUICK=1: 30 s)
    python3 bench/agent_idle.py [--seconds S] [--intervals 1s,250ms]

Start-up (discovery, the first token) is excluded: the window opens after a few polls. The fake is
a Python process of its own and is not counted. A benchmark, not a test: it reports numbers, and
exits 1 only when the 1 s run is over budget.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import benchlib
from fakes.imds_fake_fixture import ImdsFake

RSS_BUDGET_KIB = 5 * 1024
CPU_BUDGET_PERCENT = 0.2


def memory_kib(pid):
    out = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


def measure(spored, interval, seconds):
    with ImdsFake() as imds, tempfile.TemporaryDirectory(prefix="spored-idle-") as tmp:
        config = os.path.join(tmp, "spot-config.json")
        with open(config, "w", encoding="utf-8") as f:
            f.write('{"spot": true}\n')
        log_path = os.path.join(tmp, "spored.log")
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([spored, "--imds-endpoint", imds.endpoint, "--state-dir", os.path.join(tmp, "state"),
                                     "--poll-interval", interval, "--shutdown-command", "", "--config", config],
                                    stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                    env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp})
        try:
            time.sleep(3)
            if proc.poll() is not None:
                with open(log_path, encoding="utf-8", errors="replace") as f:
                    sys.exit(f"spored exited with {proc.returncode}: {f.read()}")
            imds.clear_log()
            cpu0, t0 = benchlib.process_cpu(proc.pid), time.monotonic()
            rss_max = 0
            while time.monotonic() - t0 < seconds:
                time.sleep(1)
                rss_max = max(rss_max, memory_kib(proc.pid)["VmRSS"])
            cpu1, t1 = benchlib.process_cpu(proc.pid), time.monotonic()
            final = memory_kib(proc.pid)
            polls = sum(1 for r in imds.log() if r["path"].endswith("instance-action"))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return {"poll_interval": interval, "seconds": round(t1 - t0, 1), "polls": polls,
            "cpu_percent_of_one_core": round(100.0 * (cpu1 - cpu0) / (t1 - t0), 4),
            "rss_kib_max": rss_max, "rss_kib_final": final["VmRSS"], "rss_kib_peak_hwm": final["VmHWM"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spored", default=os.path.join(os.environ.get("SPAWN_BIN_DIR", os.path.join(benchlib.ROOT, "build", "bin")), "spored"))
    ap.add_argument("--seconds", type=float, default=30 if benchlib.QUICK else 600)
    ap.add_argument("--intervals", default="1s,250ms")
    args = ap.parse_args()
    if not os.access(args.spored, os.X_OK):
        sys.exit(f"bench: no spored at {args.spored} (build first, or set SPAWN_BIN_DIR)")

    runs = []
    for interval in args.intervals.split(","):
        r = measure(args.spored, interval, args.seconds)
        runs.append(r)
        print(f"  spored idle at {interval}: {r['cpu_percent_of_one_core']:.3f} % of one core, "
              f"RSS max {r['rss_kib_max'] / 1024:.2f} MiB (final {r['rss_kib_final'] / 1024:.2f}, "
              f"peak {r['rss_kib_peak_hwm'] / 1024:.2f}), {r['polls']} polls in {r['seconds']} s")
    benchlib.save("agent_idle", {"spored": os.path.abspath(args.spored), "runs": runs,
                                 "budget": {"rss_kib": RSS_BUDGET_KIB, "cpu_percent": CPU_BUDGET_PERCENT, "at": "1s"}})
    at_1s = next((r for r in runs if r["poll_interval"] == "1s"), None)
    if at_1s and (at_1s["rss_kib_peak_hwm"] >= RSS_BUDGET_KIB or at_1s["cpu_percent_of_one_core"] >= CPU_BUDGET_PERCENT):
        print("  OVER BUDGET at 1 s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
