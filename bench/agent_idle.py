#!/usr/bin/env python3
"""(g) Agent idle cost, side by side with its peer: spored (use the static release binary) and the
"do it yourself" interruption watcher that AWS's docs and blog show for user-data (a bash loop:
one IMDSv2 token from `curl -X PUT .../latest/api/token` with a 21600 s TTL, then every interval
`curl -s -o /dev/null -w '%{http_code}'` of spot/instance-action with the token, a new token
only on a 401, `sleep` between polls), both polling a loopback metadata fake with no notice
posted, in the same window, at 1 s and at 250 ms.

Measured the same way for both:
  - CPU: /proc/<pid>/stat deltas over the window, as % of one core and per poll. spored:
    utime + stime. The peer: its whole process tree, i.e. bash's utime + stime plus cutime +
    cstime (the curl and sleep children bash has reaped; a command substitution's fork is one of
    them and its curl is counted through it).
  - Resident memory: VmRSS (sampled every second: max and final) and VmHWM from
    /proc/<pid>/status, of spored and of bash. Each of the peer's polls also starts a curl and a
    sleep; their peak RSS (GNU time -v, the largest of a few runs against the fake) is reported
    on its own, not added to bash's.
  - Polls: the GET spot/instance-action requests the fake logged in the window. Each watcher has
    its own instance of the same fake (tests/fakes/imds_fake.py), so the counts are exact.
The ratio peer/spored is printed for CPU (of the window, and per poll). The fakes are Python
processes of their own and are not counted.
Target (docs/PERFORMANCE.md, issue 4): spored < 5 MiB resident and < 0.2 % of one core at 1 s.

    BENCH=agent_idle bench/run                 # 10 minutes per interval (QUICK=1: 30 s)
    python3 bench/agent_idle.py [--seconds S] [--intervals 1s,250ms]

Start-up (discovery, the first token) is excluded: the window opens after a few polls. A
benchmark, not a test: it reports numbers, and exits 1 only when spored's 1 s run is over budget.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import benchlib
from fakes.imds_fake_fixture import ImdsFake

RSS_BUDGET_KIB = 5 * 1024
CPU_BUDGET_PERCENT = 0.2

# The peer, as AWS shows it (EC2 user guide and the Spot interruption best-practices post): $1 is
# the metadata endpoint (http://169.254.169.254 on EC2), $2 the seconds between polls.
PEER_SCRIPT = r"""
TOKEN=$(curl -s -X PUT "$1/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600")
while sleep "$2"; do
    HTTP_CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "X-aws-ec2-metadata-token: $TOKEN" \
        "$1/latest/meta-data/spot/instance-action")
    if [[ "$HTTP_CODE" -eq 401 ]]; then
        TOKEN=$(curl -s -X PUT "$1/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600")
    elif [[ "$HTTP_CODE" -eq 200 ]]; then
        break  # the notice: checkpoint and shut down here
    fi
done
"""


def tree_cpu(pid):
    """utime + stime + cutime + cstime of a running process (itself and its reaped children)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def seconds_of(interval):
    """'1s', '250ms', '2m' or a bare number of seconds -> seconds, for sleep(1)."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)?", interval)
    if not m:
        sys.exit(f"bench: bad interval {interval!r}")
    return float(m.group(1)) * {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}[m.group(2)]


def instance_action_polls(imds):
    return sum(1 for r in imds.log() if r["method"] == "GET" and r["path"].endswith("instance-action"))


def ratio(peer, spored):
    return round(peer / spored, 2) if spored > 0 else None


def measure(spored, interval, seconds):
    with ImdsFake() as imds, ImdsFake() as peer_imds, tempfile.TemporaryDirectory(prefix="spored-idle-") as tmp:
        config = os.path.join(tmp, "spot-config.json")
        with open(config, "w", encoding="utf-8") as f:
            f.write('{"spot": true}\n')
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp}
        log_path = os.path.join(tmp, "spored.log")
        peer_log_path = os.path.join(tmp, "peer.log")
        with open(log_path, "wb") as log, open(peer_log_path, "wb") as peer_log:
            proc = subprocess.Popen([spored, "--imds-endpoint", imds.endpoint, "--state-dir", os.path.join(tmp, "state"),
                                     "--poll-interval", interval, "--shutdown-command", "", "--config", config],
                                    stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=env)
            peer = subprocess.Popen(["bash", "-c", PEER_SCRIPT, "peer", peer_imds.endpoint, f"{seconds_of(interval):g}"],
                                    stdout=peer_log, stderr=peer_log, stdin=subprocess.DEVNULL, env=env,
                                    start_new_session=True)
        try:
            time.sleep(3)
            for p, path, name in ((proc, log_path, "spored"), (peer, peer_log_path, "the peer (bash)")):
                if p.poll() is not None:
                    with open(path, encoding="utf-8", errors="replace") as f:
                        sys.exit(f"{name} exited with {p.returncode}: {f.read()}")
            imds.clear_log()
            peer_imds.clear_log()
            cpu0, peer_cpu0, t0 = benchlib.process_cpu(proc.pid), tree_cpu(peer.pid), time.monotonic()
            rss_max = peer_rss_max = 0
            while time.monotonic() - t0 < seconds:
                time.sleep(1)
                rss_max = max(rss_max, benchlib.memory_kib(proc.pid)["VmRSS"])
                peer_rss_max = max(peer_rss_max, benchlib.memory_kib(peer.pid)["VmRSS"])
            cpu1, peer_cpu1, t1 = benchlib.process_cpu(proc.pid), tree_cpu(peer.pid), time.monotonic()
            final, peer_final = benchlib.memory_kib(proc.pid), benchlib.memory_kib(peer.pid)
            polls, peer_polls = instance_action_polls(imds), instance_action_polls(peer_imds)
        finally:
            proc.terminate()
            if peer.poll() is None:
                os.killpg(peer.pid, signal.SIGTERM)  # bash and the curl or sleep it is waiting for
            proc.wait(timeout=30)
            peer.wait(timeout=30)
    window = t1 - t0
    cpu, peer_cpu = cpu1 - cpu0, peer_cpu1 - peer_cpu0
    per_poll = cpu / polls if polls else 0.0
    peer_per_poll = peer_cpu / peer_polls if peer_polls else 0.0
    return {"poll_interval": interval, "seconds": round(window, 1), "polls": polls,
            "cpu_percent_of_one_core": round(100.0 * cpu / window, 4),
            "cpu_ms_per_poll": round(1000.0 * per_poll, 4),
            "rss_kib_max": rss_max, "rss_kib_final": final["VmRSS"], "rss_kib_peak_hwm": final["VmHWM"],
            "peer": {"polls": peer_polls,
                     "cpu_percent_of_one_core": round(100.0 * peer_cpu / window, 4),
                     "cpu_ms_per_poll": round(1000.0 * peer_per_poll, 4),
                     "bash_rss_kib_max": peer_rss_max, "bash_rss_kib_final": peer_final["VmRSS"],
                     "bash_rss_kib_peak_hwm": peer_final["VmHWM"]},
            "ratio_peer_over_spored": {"cpu": ratio(peer_cpu, cpu), "cpu_per_poll": ratio(peer_per_poll, per_poll),
                                       "polls": ratio(peer_polls, polls)},
            "clock_tick_s": 1.0 / os.sysconf("SC_CLK_TCK")}


def child_peaks(runs=5):
    """Peak RSS (KiB) of the processes the peer starts on every poll: its curl (against the fake,
    with a token, exactly as in the loop) and its sleep. The largest of a few runs under GNU time -v."""
    time_bin = "/usr/bin/time"
    if not os.access(time_bin, os.X_OK):
        return {"note": "no /usr/bin/time (GNU time): not measured"}
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}

    def peak(cmd):
        best = 0
        for _ in range(runs):
            r = subprocess.run([time_bin, "-v"] + cmd, env=env, capture_output=True, text=True, timeout=60)
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
            if not m:
                return None
            best = max(best, int(m.group(1)))
        return best

    with ImdsFake() as imds:
        token = imds.token()
        curl = peak(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"X-aws-ec2-metadata-token: {token}",
                     imds.endpoint + "/latest/meta-data/spot/instance-action"])
    return {"curl_rss_kib_peak": curl, "sleep_rss_kib_peak": peak(["sleep", "0"]), "runs": runs,
            "tool": "GNU time -v (maximum resident set size)"}


def fmt_ratio(r, peer_value):
    if r["ratio_peer_over_spored"]["cpu"] is None:
        return f"n/a (spored under one clock tick of {r['clock_tick_s'] * 1000:.0f} ms; peer {peer_value})"
    return f"{r['ratio_peer_over_spored']['cpu']:.1f}x"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spored", default=os.path.join(os.environ.get("SPAWN_BIN_DIR", os.path.join(benchlib.ROOT, "build", "bin")), "spored"))
    ap.add_argument("--seconds", type=float, default=30 if benchlib.QUICK else 600)
    ap.add_argument("--intervals", default="1s,250ms")
    args = ap.parse_args()
    if not os.access(args.spored, os.X_OK):
        sys.exit(f"bench: no spored at {args.spored} (build first, or set SPAWN_BIN_DIR)")
    for tool in ("bash", "curl", "sleep"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode != 0:
            sys.exit(f"bench: the peer needs {tool} on PATH")

    runs = []
    for interval in args.intervals.split(","):
        r = measure(args.spored, interval, args.seconds)
        runs.append(r)
        p = r["peer"]
        print(f"  spored idle at {interval}: {r['cpu_percent_of_one_core']:.3f} % of one core, "
              f"RSS max {r['rss_kib_max'] / 1024:.2f} MiB (final {r['rss_kib_final'] / 1024:.2f}, "
              f"peak {r['rss_kib_peak_hwm'] / 1024:.2f}), {r['polls']} polls in {r['seconds']} s")
        print(f"  peer (bash + curl loop) at {interval}: {p['cpu_percent_of_one_core']:.3f} % of one core, "
              f"bash RSS max {p['bash_rss_kib_max'] / 1024:.2f} MiB (final {p['bash_rss_kib_final'] / 1024:.2f}, "
              f"peak {p['bash_rss_kib_peak_hwm'] / 1024:.2f}), {p['polls']} polls in {r['seconds']} s")
        rr = r["ratio_peer_over_spored"]
        per_poll = f"{rr['cpu_per_poll']:.1f}x" if rr["cpu_per_poll"] is not None else "n/a"
        print(f"  peer/spored CPU at {interval}: {fmt_ratio(r, p['cpu_percent_of_one_core'])}, per poll {per_poll} "
              f"({p['cpu_ms_per_poll']:.3f} vs {r['cpu_ms_per_poll']:.3f} ms of CPU per poll)")
    peaks = child_peaks()
    if peaks.get("curl_rss_kib_peak"):
        print(f"  peer's per-poll processes: curl peak RSS {peaks['curl_rss_kib_peak'] / 1024:.2f} MiB, "
              f"sleep {peaks['sleep_rss_kib_peak'] / 1024:.2f} MiB (GNU time -v, max of {peaks['runs']}), "
              f"on top of bash's")
    else:
        print(f"  peer's per-poll processes: {peaks.get('note', 'curl peak RSS not measured')}")
    benchlib.save("agent_idle", {"spored": os.path.abspath(args.spored), "runs": runs,
                                 "peer": {"script": PEER_SCRIPT.strip(), "per_poll_processes": peaks,
                                          "bash": subprocess.run(["bash", "--version"], capture_output=True,
                                                                 text=True).stdout.split("\n", 1)[0],
                                          "curl": subprocess.run(["curl", "--version"], capture_output=True,
                                                                 text=True).stdout.split("\n", 1)[0]},
                                 "budget": {"rss_kib": RSS_BUDGET_KIB, "cpu_percent": CPU_BUDGET_PERCENT, "at": "1s"}})
    at_1s = next((r for r in runs if r["poll_interval"] == "1s"), None)
    if at_1s and (at_1s["rss_kib_peak_hwm"] >= RSS_BUDGET_KIB or at_1s["cpu_percent_of_one_core"] >= CPU_BUDGET_PERCENT):
        print("  OVER BUDGET at 1 s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
