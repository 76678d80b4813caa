#!/usr/bin/env python3
"""Listing: `spawn list --output json` against `aws ec2 describe-instances` (AWS CLI v1) over
the same N instances tagged spawn:managed=true in the local AWS; both ask exactly the same
question (spawn's filters: tag spawn:managed=true, every state but terminated; MaxResults 1000,
which is `--page-size 1000` for the CLI) and print JSON.

Measured per run: the client's own CPU seconds (wait4 rusage: user + system) and wall time,
and the local AWS server's CPU during the run (to show how much of the wall time is moto).
The two commands alternate, after one unmeasured warm-up each, so machine noise hits both.
Target (issue 6): spawn's client CPU at most 1/20 of the AWS CLI's.

Both clients talk to benchlib.ReplayProxy in front of the local AWS: the warm-up asks moto,
the measured runs get the same bytes from memory (moto needs ~10 s of CPU per 1,000 instances,
which would otherwise be most of the wall time). BENCH_REPLAY=0 talks to moto directly.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from fakes.local_aws_fixture import LocalAws  # noqa: E402

LIVE_STATES = "pending,running,shutting-down,stopping,stopped"
PER_RESERVATION = 50  # a job array of 50: the AWS CLI pages at 100 reservations, spawn asks for 1000


def populate(aws: LocalAws, target: int, have: int) -> int:
    ec2 = aws.ec2()
    while have < target:
        n = min(PER_RESERVATION, target - have)
        array = f"bench-{have // PER_RESERVATION}"
        tags = [{"Key": k, "Value": v} for k, v in (
            ("spawn:managed", "true"), ("spawn:created-by", "spawn"), ("spawn:version", "0.1.0"),
            ("spawn:job-array-id", f"ja-{array}"), ("spawn:job-array-name", array),
            ("spawn:job-array-size", str(n)), ("Name", array), ("team", "bench"))]
        ec2.run_instances(ImageId="ami-12c6146b", InstanceType="c7i.large", MinCount=n, MaxCount=n,
                          TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])
        have += n
    return have


def warm_up(command: list[str], env: dict[str, str]) -> None:
    """Runs command until it succeeds (at most 15 minutes): the first run waits for moto, which
    takes longer than a client's timeout for thousands of instances; the replay proxy keeps the
    call going and answers the retry from memory."""
    deadline = time.monotonic() + 900
    while True:
        r = benchlib.run(command, env)
        if r.status == 0:
            return
        if time.monotonic() > deadline:
            sys.exit(f"bench: warm-up of {command[0]} failed: {r.stderr.decode(errors='replace')[-2000:]}")


def count_spawn(out: bytes) -> int:
    return len(json.loads(out))


def count_aws(out: bytes) -> int:
    return sum(len(r["Instances"]) for r in json.loads(out)["Reservations"])


def main() -> None:
    sizes = [1000] if benchlib.QUICK else [1000, 5000]
    reps = int(os.environ.get("BENCH_REPS", "3" if benchlib.QUICK else "5"))
    spawn = benchlib.spawn_bin()
    results: dict = {"sizes": {}, "per_reservation": PER_RESERVATION, "repetitions": reps}
    print(f"listing: spawn list --output json vs aws ec2 describe-instances, {reps} runs each, alternating")
    replay = os.environ.get("BENCH_REPLAY", "1") != "0"
    results["replay_proxy"] = replay
    with LocalAws() as aws, (benchlib.ReplayProxy(aws.endpoint) if replay else contextlib.nullcontext()) as proxy:
        env = aws.env()
        if proxy is not None:
            env["AWS_ENDPOINT_URL"] = proxy.endpoint
        commands = {
            "spawn": ([spawn, "list", "--output", "json"], count_spawn),
            "aws_cli": (["aws", "ec2", "describe-instances", "--output", "json", "--page-size", "1000", "--filters",
                         "Name=tag:spawn:managed,Values=true", f"Name=instance-state-name,Values={LIVE_STATES}"],
                        count_aws),
        }
        cli_env = benchlib.aws_cli_env(env)
        have = 0
        for size in sizes:
            have = populate(aws, size, have)
            if proxy is not None:
                proxy.cache.clear()  # the account changed
            samples: dict = {name: {"cpu": [], "wall": [], "server_cpu": []} for name in commands}
            for name, (command, _) in commands.items():
                warm_up(command, cli_env if name == "aws_cli" else env)
            for _ in range(reps):
                for name, (command, count) in commands.items():
                    server_before = benchlib.process_cpu(aws.proc.pid)
                    r = benchlib.run(command, cli_env if name == "aws_cli" else env)
                    server = benchlib.process_cpu(aws.proc.pid) - server_before
                    if r.status != 0:
                        sys.exit(f"bench: {name} failed ({r.status}): {r.stderr.decode(errors='replace')[-2000:]}")
                    if count(r.stdout) != size:
                        sys.exit(f"bench: {name} listed {count(r.stdout)} instances, expected {size}")
                    samples[name]["cpu"].append(r.cpu)
                    samples[name]["wall"].append(r.wall)
                    samples[name]["server_cpu"].append(server)
            row = {name: {k: benchlib.summary(v) for k, v in s.items()} for name, s in samples.items()}
            ratios = [a / b for a, b in zip(samples["aws_cli"]["cpu"], samples["spawn"]["cpu"]) if b > 0]
            wall_ratios = [a / b for a, b in zip(samples["aws_cli"]["wall"], samples["spawn"]["wall"]) if b > 0]
            row["cpu_ratio_aws_over_spawn"] = benchlib.summary(ratios)
            row["wall_ratio_aws_over_spawn"] = benchlib.summary(wall_ratios)
            row["target_met"] = row["cpu_ratio_aws_over_spawn"]["median"] >= 20
            results["sizes"][str(size)] = row
            print(f"  {size} instances:")
            for name in commands:
                print(f"    {name:8} client CPU {benchlib.fmt_s(row[name]['cpu'], 'ms')}   "
                      f"wall {benchlib.fmt_s(row[name]['wall'], 'ms')}   "
                      f"server CPU {row[name]['server_cpu']['median'] * 1000:.0f} ms")
            c = row["cpu_ratio_aws_over_spawn"]
            print(f"    client CPU ratio aws/spawn: median {c['median']:.1f}x (min {c['min']:.1f}, max {c['max']:.1f}); "
                  f"target >= 20x: {'met' if row['target_met'] else 'NOT met'}")
        if proxy is not None:
            results["replay"] = {"answered_by_moto": proxy.misses, "answered_from_memory": proxy.hits}
    benchlib.save("listing", results)


if __name__ == "__main__":
    main()
