#!/usr/bin/env python3
"""Job-array launch: N instances as one `spawn launch --count N`, against N separate launches
(what the original Go spawn does: its launchJobArray runs one RunInstances per member, in
parallel goroutines). API calls are counted from the local AWS request log (GET
/_spawn/requests), by action; wall time and client CPU are measured around the commands.

  one launch        spawn launch --count N --job-array-name bench (the AMI looked up as usual)
  separate (spawn)  N x `spawn launch --ami <same AMI> --name bench-i`, P at a time (the AMI
                    given, so each launch is spared the lookup: the cheapest separate launch)
  separate (Go API) the Go spawn's calls replayed with boto3: N RunInstances of one instance,
                    each with its member tags (index included) in TagSpecifications, from P
                    threads. Only its call count and wall time mean something: the client is
                    Python, not Go, so its CPU is not reported.

Target (issue 6): at most 3 API calls for the launch itself. Since issue 9 the members of one
RunInstances are indexed by that call's own tags (spawn:job-array-index-base plus each one's
AmiLaunchIndex): no CreateTags; any there are (a fleet's members) are reported separately.

Under EC2's rate limits (issue 9): `spawn launch --count N --job-array-name bench` for N = 500
and 5,000 (BENCH_LIMITED_SIZES; QUICK: 150 and 1,200) against a local AWS with the scenario's
rate_limits on (EC2's documented token buckets, real clock: CreateTags 100 then 10 a second,
RunInstances 5 then 2 a second and 1,000 instances then 2 a second; tests/fakes/README.md).
Printed per size: client calls, calls refused (RequestLimitExceeded), seconds of rate-limit
wait (summed over calls, and the wall-clock part of it, as concurrent waits overlap), wall time, whether the launch succeeded and every member carries its index, and the
goal of issue 9 (500: <= 10 calls and < 10 s of wait; 5,000: <= 30 calls). The wait is read
from the request log: for each refused call, the time from its arrival to the arrival of the
next call with the same action and parameters (its retry), i.e. the backoff spawn slept plus
nothing else; a refused call never retried counts as given up.
"""

from __future__ import annotations

import collections
import concurrent.futures
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from fakes.local_aws_fixture import LocalAws  # noqa: E402

TYPE = "c7i.large"
AMI = "ami-12c6146b"


def calls(aws: LocalAws) -> dict[str, int]:
    return dict(collections.Counter(r["action"] for r in aws.requests()))


def live_members(aws: LocalAws, array: str) -> list[dict]:
    # moto takes minutes to describe thousands of instances: a read timeout for that, not 30 s.
    ec2 = aws.client("ec2", read_timeout=900)
    out = []
    for page in ec2.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "tag:spawn:job-array-name", "Values": [array]},
                     {"Name": "instance-state-name", "Values": ["pending", "running"]}]):
        for r in page["Reservations"]:
            out.extend(r["Instances"])
    return out


def member_index(instance: dict) -> int:
    """A member's index as spawn and spored read it: its own spawn:job-array-index tag, else its launch
    call's spawn:job-array-index-base plus its AmiLaunchIndex (-1: none)."""
    tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
    if "spawn:job-array-index" in tags:
        return int(tags["spawn:job-array-index"])
    if "spawn:job-array-index-base" in tags:
        return int(tags["spawn:job-array-index-base"]) + instance["AmiLaunchIndex"]
    return -1


def one_launch(aws: LocalAws, spawn: str, n: int) -> dict:
    aws.reset_log()
    r = benchlib.run([spawn, "launch", "--instance-type", TYPE, "--count", str(n), "--job-array-name", "bench",
                      "--output", "json"], aws.env())
    if r.status != 0:
        sys.exit(f"bench: spawn launch --count {n} failed: {r.stderr.decode(errors='replace')[-2000:]}")
    by_action = calls(aws)
    members = live_members(aws, "bench")
    indices = sorted(member_index(i) for i in members)
    if indices != list(range(n)):
        sys.exit(f"bench: the job array has {len(members)} live members, indices not 0..{n - 1}")
    launch_calls = {a: c for a, c in by_action.items() if a != "CreateTags"}
    return {"wall": r.wall, "cpu": r.cpu, "calls_by_action": by_action,
            "launch_calls": sum(launch_calls.values()), "create_tags_calls": by_action.get("CreateTags", 0),
            "total_calls": sum(by_action.values())}


def separate_spawn(aws: LocalAws, spawn: str, n: int, parallel: int) -> dict:
    aws.reset_log()
    env = aws.env()

    def launch(i: int) -> benchlib.Run:
        return benchlib.run([spawn, "launch", "--instance-type", TYPE, "--ami", AMI, "--name", f"sep-{i}",
                             "--tag", "bench=separate", "--output", "json"], env)

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        runs = list(pool.map(launch, range(n)))
    wall = time.perf_counter() - start
    failed = [r for r in runs if r.status != 0]
    if failed:
        sys.exit(f"bench: {len(failed)} separate launches failed: {failed[0].stderr.decode(errors='replace')[-2000:]}")
    by_action = calls(aws)
    return {"wall": wall, "cpu": sum(r.cpu for r in runs), "parallel": parallel, "calls_by_action": by_action,
            "total_calls": sum(by_action.values())}


def separate_go_api(aws: LocalAws, n: int, parallel: int) -> dict:
    aws.reset_log()
    clients = [aws.ec2() for _ in range(parallel)]

    def launch(i: int) -> None:
        tags = [{"Key": k, "Value": v} for k, v in (
            ("spawn:managed", "true"), ("spawn:job-array-id", "go-bench"), ("spawn:job-array-name", "go-bench"),
            ("spawn:job-array-size", str(n)), ("spawn:job-array-index", str(i)), ("Name", f"go-bench-{i}"))]
        clients[i % parallel].run_instances(ImageId=AMI, InstanceType=TYPE, MinCount=1, MaxCount=1,
                                            TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        list(pool.map(launch, range(n)))
    wall = time.perf_counter() - start
    by_action = calls(aws)
    return {"wall": wall, "parallel": parallel, "calls_by_action": by_action, "total_calls": sum(by_action.values())}


def rate_limit_wait(log: list[dict]) -> tuple[float, float, int]:
    """(seconds between each refused call and its retry, summed over calls; the wall-clock seconds
    in which at least one call was waiting so; refused calls never retried)."""
    intervals, gave_up = [], 0
    for i, call in enumerate(log):
        if not call.get("throttled_by"):
            continue
        retry = next((c for c in log[i + 1:] if c["action"] == call["action"] and c["params"] == call["params"]), None)
        if retry is None:
            gave_up += 1
        else:
            intervals.append((call["received"], retry["received"]))
    summed = sum(end - start for start, end in intervals)
    covered, reach = 0.0, float("-inf")
    for start, end in sorted(intervals):
        if end > reach:
            covered += end - max(start, reach)
            reach = end
    return summed, covered, gave_up


def limited_launch(spawn: str, n: int) -> dict:
    """One `spawn launch --count n` under EC2's rate limits, in a fresh local AWS."""
    with LocalAws(scenario={"rate_limits": {}}) as aws:
        r = benchlib.run([spawn, "launch", "--instance-type", TYPE, "--count", str(n), "--job-array-name", "bench",
                          "--output", "json"], aws.env(), timeout=3600)
        log = sorted(aws.requests(), key=lambda c: c["seq"])
        waited, waited_wall, gave_up = rate_limit_wait(log)
        indexed = False
        if r.status == 0:
            members = live_members(aws, "bench")
            indexed = sorted(member_index(i) for i in members) == list(range(n))
    refused = [c for c in log if c.get("throttled_by")]
    error = next((line for line in r.stderr.decode(errors="replace").splitlines() if line.startswith("spawn: error:")), "")
    return {"instances": n, "status": r.status, "indexed": indexed, "wall": r.wall, "calls": len(log),
            "calls_by_action": dict(collections.Counter(c["action"] for c in log)),
            "refused": len(refused), "refused_by": dict(collections.Counter(c["throttled_by"] for c in refused)),
            "rate_limit_wait_s": round(waited, 3), "rate_limit_wait_wall_s": round(waited_wall, 3),
            "refused_never_retried": gave_up, "error": error[:300]}


def limited(spawn: str) -> dict:
    sizes = [int(x) for x in os.environ.get("BENCH_LIMITED_SIZES", "150,1200" if benchlib.QUICK else "500,5000").split(",")]
    goals = {500: (10, 10.0), 5000: (30, None)}
    print(f"job array under EC2's rate limits (documented buckets, real clock): {', '.join(map(str, sizes))} members")
    rows = []
    for n in sizes:
        row = limited_launch(spawn, n)
        calls_goal, wait_goal = goals.get(n, (None, None))
        if calls_goal is not None:
            row["goal"] = {"calls_at_most": calls_goal, "wait_under_s": wait_goal,
                           "met": row["status"] == 0 and row["indexed"] and row["calls"] <= calls_goal
                           and (wait_goal is None or row["rate_limit_wait_s"] < wait_goal)}
        rows.append(row)
        outcome = "launched, every member indexed" if row["status"] == 0 and row["indexed"] else \
            f"FAILED (exit {row['status']}): {row['error']}"
        print(f"  {n:5} members: {row['calls']} client calls, {row['refused']} refused "
              f"{json.dumps(row['refused_by'], sort_keys=True)}, {row['rate_limit_wait_s']:.1f} s of rate-limit wait "
              f"(summed over calls; {row['rate_limit_wait_wall_s']:.1f} s of wall time with a call waiting)"
              f"{f' ({gave_up} refused calls never retried)' if (gave_up := row['refused_never_retried']) else ''}, "
              f"wall {row['wall']:.1f} s: {outcome}")
        print(f"  {'':5}          calls {json.dumps(row['calls_by_action'], sort_keys=True)}")
        if "goal" in row:
            goal = row["goal"]
            wait = f" and < {goal['wait_under_s']:.0f} s of wait" if goal["wait_under_s"] is not None else ""
            print(f"  {'':5}          goal (issue 9): <= {goal['calls_at_most']} calls{wait}, launched and indexed: "
                  f"{'met' if goal['met'] else 'NOT met'}")
    return {"sizes": sizes, "runs": rows}


def main() -> None:
    spawn = benchlib.spawn_bin()
    part = os.environ.get("BENCH_JOB_ARRAY", "all")  # all, limited (rate limits only), compare (without)
    under_limits = limited(spawn) if part in ("all", "limited") else None
    if part == "limited":
        benchlib.save("job_array_limited", {"under_rate_limits": under_limits})
        return
    n = int(os.environ.get("BENCH_ARRAY", "50" if benchlib.QUICK else "500"))
    reps = int(os.environ.get("BENCH_REPS", "1" if benchlib.QUICK else "3"))
    parallel = int(os.environ.get("BENCH_PARALLEL", "4"))
    print(f"job array: {n} instances, one launch vs {n} separate launches ({parallel} at a time), {reps} run(s)")
    samples: dict = {"one_launch": [], "separate_spawn": [], "separate_go_api": []}
    for rep in range(reps):
        # A fresh local AWS per repetition: moto slows down as instances pile up.
        with LocalAws() as aws:
            samples["one_launch"].append(one_launch(aws, spawn, n))
        with LocalAws() as aws:
            samples["separate_spawn"].append(separate_spawn(aws, spawn, n, parallel))
        with LocalAws() as aws:
            samples["separate_go_api"].append(separate_go_api(aws, n, parallel))
        print(f"  run {rep + 1}: one launch {samples['one_launch'][-1]['wall']:.2f} s, "
              f"separate spawn {samples['separate_spawn'][-1]['wall']:.2f} s, "
              f"Go API {samples['separate_go_api'][-1]['wall']:.2f} s")

    results: dict = {"instances": n, "repetitions": reps, "parallel": parallel, "runs": samples,
                     "under_rate_limits": under_limits}
    for name, runs in samples.items():
        results[name] = {"wall": benchlib.summary([r["wall"] for r in runs]),
                         "calls_by_action": runs[-1]["calls_by_action"],
                         "total_calls": runs[-1]["total_calls"]}
        if "cpu" in runs[0]:
            results[name]["cpu"] = benchlib.summary([r["cpu"] for r in runs])
    one = results["one_launch"]
    one["launch_calls"] = samples["one_launch"][-1]["launch_calls"]
    one["create_tags_calls"] = samples["one_launch"][-1]["create_tags_calls"]
    one["target_met"] = one["launch_calls"] <= 3
    results["wall_ratio_separate_spawn_over_one"] = results["separate_spawn"]["wall"]["median"] / one["wall"]["median"]
    results["wall_ratio_go_api_over_one"] = results["separate_go_api"]["wall"]["median"] / one["wall"]["median"]

    for name in samples:
        row = results[name]
        cpu = f"   client CPU {benchlib.fmt_s(row['cpu'])}" if "cpu" in row else ""
        print(f"  {name:16} wall {benchlib.fmt_s(row['wall'])}{cpu}")
        print(f"  {'':16} calls {row['total_calls']}: {json.dumps(row['calls_by_action'], sort_keys=True)}")
    print(f"  one launch: {one['launch_calls']} calls for the launch itself (target <= 3: "
          f"{'met' if one['target_met'] else 'NOT met'}), plus {one['create_tags_calls']} CreateTags for the indices")
    print(f"  wall, separate/one: spawn {results['wall_ratio_separate_spawn_over_one']:.1f}x, "
          f"Go API pattern {results['wall_ratio_go_api_over_one']:.1f}x")
    benchlib.save("job_array", results)


if __name__ == "__main__":
    main()
