#!/usr/bin/env python3
"""History: `spawn history` over spored's event log of 10,000 events in the local S3 (1,000
instances over 30 days, 10 events each, in spored's key layout), cold (empty cache) and cached,
next to what a user would do without it: `aws s3 sync` of the log's prefix to a folder (AWS CLI
v1), then a short Python script that groups the events by type and counts interruptions, and
the same sync again (incremental). Measured per run, side by side in one run: wall time and the
requests that reached the local AWS (ListObjectsV2 pages, GetObject, other). QUICK=1: 1,000
events. Results: $BENCH_OUT/history.json, docs/PERFORMANCE.md section 9.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from fakes.local_aws_fixture import LocalAws  # noqa: E402

BUCKET = "spawn-history-bench"
LAUNCH = "sl-00000000000000bb"
KINDS = ("launch", "checkpoint", "rebalance", "checkpoint", "relaunch", "checkpoint", "checkpoint", "checkpoint",
         "interruption", "stopped")
SCRIPT = r"""
import collections, json, os, sys
hours = collections.Counter(); interruptions = collections.Counter()
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            e = json.load(f)
        key = (e["region"], e["instance_type"])
        if e["type"] == "interruption" and not e.get("drill"):
            interruptions[key] += 1
        hours[key] += 0
print(json.dumps({f"{r} {t}": n for (r, t), n in interruptions.items()}))
"""


def events(count: int) -> dict[str, str]:
    now = datetime.datetime.now(datetime.timezone.utc)
    out = {}
    instances = count // len(KINDS)
    for n in range(instances):
        instance = f"i-{n:017x}"
        itype = ("m7i.large", "c7i.large", "m6i.large", "g5.xlarge")[n % 4]
        zone = "us-east-1" + "abcd"[n % 4]
        start = now - datetime.timedelta(hours=(n * 7) % (29 * 24) + 6)
        for seq, kind in enumerate(KINDS):
            when = start + datetime.timedelta(minutes=30 * seq)
            body = {"version": 1, "type": kind, "time": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "instance_id": instance,
                    "launch_id": LAUNCH, "region": "us-east-1", "availability_zone": zone, "instance_type": itype,
                    "lifecycle": "spot"}
            if kind == "launch":
                body["launch_time"] = body["time"]
            if kind == "interruption":
                body.update(action="terminate", notice_time=body["time"], drill=False)
            if kind == "checkpoint":
                body.update(reason="interruption", status="ok", seconds=3.0)
            if kind == "relaunch":
                body.update(status="requested", replacement=f"i-{n + 1:017x}")
            ms = int(when.timestamp() * 1000)
            key = (f"spawn/events/region=us-east-1/day={when.strftime('%Y-%m-%d')}/{LAUNCH}/{instance}/"
                   f"{ms:013d}-{seq:06d}-{kind}.json")
            out[key] = json.dumps(body)
    return out


def requests(aws: LocalAws) -> dict[str, int]:
    out = {"list": 0, "get": 0, "other": 0}
    for r in aws.requests():
        if r["service"] != "s3":
            out["other"] += 1
        elif r["action"].startswith(f"GET /{BUCKET}/"):
            out["get"] += 1
        elif r["action"].rstrip("/") == f"GET /{BUCKET}":
            out["list"] += 1
        else:
            out["other"] += 1
    return out


def measure(aws: LocalAws, command: list[str], env: dict[str, str]) -> dict[str, object]:
    aws.reset_log()
    start = time.monotonic()
    r = benchlib.run(command, env)
    wall = time.monotonic() - start
    if r.status != 0:
        sys.exit(f"bench: {command[0]} failed: {r.stderr.decode(errors='replace')[-2000:]}")
    return {"wall_s": round(wall, 3), "requests": requests(aws)}


def main() -> int:
    count = 1000 if benchlib.QUICK else 10000
    home = tempfile.mkdtemp(prefix="spawn-history-bench-")
    try:
        with LocalAws() as aws:
            s3 = aws.client("s3")
            s3.create_bucket(Bucket=BUCKET)
            objects = events(count)
            put_start = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(16) as pool:
                list(pool.map(lambda kv: s3.put_object(Bucket=BUCKET, Key=kv[0], Body=kv[1].encode()), objects.items()))
            print(f"  {len(objects)} events put in {time.monotonic() - put_start:.1f} s")

            config = os.path.join(home, "config", "spawn")
            os.makedirs(config)
            with open(os.path.join(config, "config.json"), "w", encoding="utf-8") as f:
                json.dump({"version": 1, "agent": {"bucket": BUCKET, "key": "spawn/agent/0/spored",
                                                   "sha256_key": "spawn/agent/0/spored.sha256", "region": "us-east-1",
                                                   "sha256": "0" * 64, "size": 1, "architecture": "x86_64",
                                                   "spawn_version": "0.1.0", "uploaded_at": "2026-11-01T00:00:00Z"}}, f)
            env = dict(os.environ, **aws.env(), XDG_CONFIG_HOME=os.path.join(home, "config"),
                       XDG_CACHE_HOME=os.path.join(home, "cache"))
            spawn = [benchlib.spawn_bin(), "history", "--by", "az", "--output", "json"]
            results = {"events": len(objects),
                       "spawn_cold": measure(aws, spawn, env),
                       "spawn_cached": measure(aws, spawn, env)}
            folder = os.path.join(home, "sync")
            cli_env = benchlib.aws_cli_env(env)
            sync = ["aws", "s3", "sync", f"s3://{BUCKET}/spawn/events/", folder, "--only-show-errors"]
            if shutil.which("aws"):
                script = os.path.join(home, "count.py")
                with open(script, "w", encoding="utf-8") as f:
                    f.write(SCRIPT)
                first = measure(aws, sync, cli_env)
                start = time.monotonic()
                benchlib.run([sys.executable, script, folder], env)
                first["script_s"] = round(time.monotonic() - start, 3)
                first["wall_s"] = round(first["wall_s"] + first["script_s"], 3)
                results["aws_s3_sync_and_script"] = first
                again = measure(aws, sync, cli_env)
                start = time.monotonic()
                benchlib.run([sys.executable, script, folder], env)
                again["wall_s"] = round(again["wall_s"] + time.monotonic() - start, 3)
                results["aws_s3_sync_again_and_script"] = again
            else:
                print("  aws: not installed, the comparison is skipped")
        for name, r in results.items():
            if isinstance(r, dict):
                q = r["requests"]
                print(f"  {name:30s} {r['wall_s']:8.2f} s   list {q['list']:4d}  get {q['get']:6d}  other {q['other']}")
        benchlib.save("history", results)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
