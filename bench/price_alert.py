#!/usr/bin/env python3
"""(j) What --price-alert costs on the instance (issue 10): spored with no price alert, with the
alert at its default 5-minute check, and with the check every 2 s (to measure one check's CPU
well above the clock tick), side by side in one window, each polling its own copy of the metadata
fake at 1 s, the two alerting ones reading their pool's price from one local AWS.

Measured the same way for each:
  - CPU: utime + stime from /proc/<pid>/stat over the window, as % of one core.
  - Resident memory: VmRSS sampled every second (max) and VmHWM at the end.
  - Price reads: the DescribeSpotPriceHistory requests the local AWS logged in the window, and
    per hour.
One check's CPU is (CPU of the 2 s run - CPU of the run without an alert) / its checks; 12 of
them an hour at the default period. A benchmark, not a test: it reports numbers.

    BENCH=price_alert bench/run            # 10 minutes (QUICK=1: 60 s)
    python3 bench/price_alert.py [--seconds S]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import benchlib
from fakes.imds_fake_fixture import ImdsFake
from fakes.local_aws_fixture import LocalAws

# (name, check period, the instance type its metadata fake says, so that the local AWS's log tells
# the two alerting spored's reads apart).
RUNS = (("no alert", None, "m7i.large"), ("alert, 5m check", "5m", "m7i.large"), ("alert, 2s check", "2s", "c7i.large"))


def price_reads(aws, instance_type):
    return sum(1 for r in aws.requests("DescribeSpotPriceHistory") if r["params"].get("InstanceType.1") == instance_type)


def measure(spored, seconds):
    with LocalAws() as aws, tempfile.TemporaryDirectory(prefix="spored-price-") as tmp:
        aws.set_scenario({"spot_prices": {"m7i.large": {"us-east-1a": "0.05"}, "c7i.large": {"us-east-1a": "0.05"}}})
        fakes, procs = [], []
        try:
            for n, (name, every, instance_type) in enumerate(RUNS):
                imds = ImdsFake()
                imds.start()
                imds.set_instance(instance_type=instance_type)
                fakes.append(imds)
                folder = os.path.join(tmp, str(n))
                os.makedirs(folder)
                config = {"spot": True}
                if every:
                    config.update(price_alert="0.10", price_check_interval=every,
                                  notify=["arn:aws:sns:us-east-1:123456789012:alerts"])
                with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
                    json.dump(config, f)
                env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": folder,
                       "AWS_ENDPOINT_URL": aws.endpoint}
                with open(os.path.join(folder, "spored.log"), "wb") as log:
                    procs.append(subprocess.Popen(
                        [spored, "--imds-endpoint", imds.endpoint, "--state-dir", os.path.join(folder, "state"),
                         "--poll-interval", "1s", "--shutdown-command", "", "--config", os.path.join(folder, "config.json")],
                        stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=env))
            time.sleep(5)  # start-up and the first checks are outside the window
            for p in procs:
                if p.poll() is not None:
                    sys.exit(f"spored exited with {p.returncode}")
            aws.reset_log()
            cpu0 = [benchlib.process_cpu(p.pid) for p in procs]
            t0 = time.monotonic()
            rss_max = [0] * len(procs)
            while time.monotonic() - t0 < seconds:
                time.sleep(1)
                rss_max = [max(m, benchlib.memory_kib(p.pid)["VmRSS"]) for m, p in zip(rss_max, procs)]
            cpu1 = [benchlib.process_cpu(p.pid) for p in procs]
            window = time.monotonic() - t0
            reads = [price_reads(aws, t) if every else 0 for _, every, t in RUNS]
            hwm = [benchlib.memory_kib(p.pid)["VmHWM"] for p in procs]
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=30)
            for imds in fakes:
                imds.stop()
    return window, [c1 - c0 for c0, c1 in zip(cpu0, cpu1)], rss_max, hwm, reads


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spored", default=os.path.join(os.environ.get("SPAWN_BIN_DIR", os.path.join(benchlib.ROOT, "build", "bin")), "spored"))
    ap.add_argument("--seconds", type=float, default=60 if benchlib.QUICK else 600)
    args = ap.parse_args()
    if not os.access(args.spored, os.X_OK):
        sys.exit(f"bench: no spored at {args.spored} (build first, or set SPAWN_BIN_DIR)")
    window, cpu, rss_max, hwm, reads = measure(args.spored, args.seconds)
    slow_reads, fast_reads = reads[1], reads[2]
    runs = []
    for (name, every, _), c, r, h in zip(RUNS, cpu, rss_max, hwm):
        runs.append({"run": name, "check_every": every, "cpu_seconds": round(c, 3),
                     "cpu_percent_of_one_core": round(100.0 * c / window, 4), "rss_kib_max": r, "rss_kib_hwm": h})
        print(f"  {name}: {100.0 * c / window:.3f} % of one core, RSS max {r / 1024:.2f} MiB (peak {h / 1024:.2f})")
    per_check_ms = 1000.0 * (cpu[2] - cpu[0]) / fast_reads if fast_reads > 0 else None
    print(f"  price reads in {window:.0f} s: the 5m spored {slow_reads} ({slow_reads * 3600 / window:.1f} an hour), "
          f"the 2s one {fast_reads} ({fast_reads * 3600 / window:.0f} an hour)")
    if per_check_ms is not None:
        print(f"  one check: {per_check_ms:.2f} ms of CPU (the 2s run over the run without an alert, per read); "
              f"12 an hour: {12 * per_check_ms / 1000:.3f} s of CPU an hour "
              f"({100 * 12 * per_check_ms / 1000 / 3600:.5f} % of one core)")
    benchlib.save("price_alert", {"spored": os.path.abspath(args.spored), "seconds": round(window, 1), "runs": runs,
                                  "price_reads": {"five_minute_run": slow_reads, "two_second_run": fast_reads},
                                  "cpu_ms_per_check": round(per_check_ms, 3) if per_check_ms is not None else None})
    return 0


if __name__ == "__main__":
    sys.exit(main())
