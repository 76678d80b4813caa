#!/usr/bin/env python3
"""(h) Relaunch: how long from a spot notice to the member's replacement being asked of EC2, and
what one relaunch costs in API calls (issue 15). spored against the metadata fake and the local
AWS, as in tests/integration/test_relaunch.py.

    BENCH=relaunch bench/run                   # 100 drills (QUICK=1: 10)
    python3 bench/relaunch.py [--drills N] [--poll-interval 1s]

One `spawn launch --spot --count N --relaunch 1` (three types, so each replacement has another
pool); then, for each member in turn, a fresh spored with the config of the array's launch
template, the metadata fake playing that member, a random wait in [0, poll interval) so that
notices arrive uniformly over the poll period, and POST /_fake/notice. Measured on the wall clock
from just before the notice is posted:
  - to the CreateFleet reaching the local AWS (its request log's `received`): "requested";
  - to spored logging relaunch_requested (EC2's answer read, the instance id known): "answered".
Then: replacements per index (exactly one each: zero duplicates), and the requests spored sent
for the relaunch (CreateFleet, and the CreateTags of spawn:relaunch-status). Target (issue 15):
notice -> replacement requested <= 5 s at p99, zero duplicates.
"""
import argparse
import base64
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import benchlib
from interruption import percentile, seconds_of, wait_for_log  # the same helpers as (f)
from fakes.imds_fake_fixture import ImdsFake
from fakes.local_aws_fixture import LocalAws

TYPES = "m7i.large,m6i.large,c7i.large"


def tags(instance):
    return {t["Key"]: t["Value"] for t in instance.get("Tags", [])}


def members(ec2, name):
    out = []
    for page in ec2.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "tag:spawn:job-array-name", "Values": [name]}]):
        out.extend(i for r in page["Reservations"] for i in r["Instances"])
    return out


def template_config(ec2):
    [t] = [t for t in ec2.describe_launch_templates()["LaunchTemplates"]
           if t["LaunchTemplateName"].startswith("spawn-relaunch-")]
    data = ec2.describe_launch_template_versions(LaunchTemplateName=t["LaunchTemplateName"])["LaunchTemplateVersions"][0]
    script = base64.b64decode(data["LaunchTemplateData"]["UserData"]).decode()
    line = next(l for l in script.splitlines() if l.startswith("printf '%s\\n' ") and "spot-config.json" in l)
    return json.loads(shlex.split(line.split(" | spawn_write ")[0])[2])


def drill(spored, imds, aws, member, config, interval, tmp, n):
    run_dir = os.path.join(tmp, f"drill-{n}")
    os.mkdir(run_dir)
    config_path = os.path.join(run_dir, "spot-config.json")
    with open(config_path, "w", encoding="utf-8") as f:
        json.dump(config, f)
    imds.set_instance(instance_id=member["InstanceId"], instance_type=member["InstanceType"],
                      availability_zone=member["Placement"]["AvailabilityZone"], subnet_id=member.get("SubnetId", ""))
    imds.set_tags(tags(member))
    log_path = os.path.join(run_dir, "spored.log")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": run_dir, "AWS_ENDPOINT_URL": aws.endpoint}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([spored, "--imds-endpoint", imds.endpoint, "--state-dir", os.path.join(run_dir, "state"),
                                 "--poll-interval", interval, "--shutdown-command", "", "--config", config_path],
                                stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=env)
    try:
        if not wait_for_log(log_path, '"event":"watching"', 15):
            sys.exit(f"spored did not start:\n{open(log_path).read()}")
        time.sleep(random.uniform(0, seconds_of(interval)))
        before = len(aws.requests("CreateFleet"))
        t0 = time.time()
        imds.set_notice("terminate", in_seconds=120)
        if not wait_for_log(log_path, '"event":"relaunch_requested"', 30):
            sys.exit(f"no relaunch:\n{open(log_path).read()}")
        answered = time.time() - t0
        fleets = aws.requests("CreateFleet")[before:]
        requested = min(f["received"] for f in fleets) - t0
        return requested, answered
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        imds.clear_notice()
        shutil.rmtree(run_dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--drills", type=int, default=10 if benchlib.QUICK else 100)
    ap.add_argument("--poll-interval", default="1s")
    args = ap.parse_args()
    bin_dir = os.environ.get("SPAWN_BIN_DIR", os.path.join(benchlib.ROOT, "build", "bin"))
    spored = os.path.join(bin_dir, "spored")
    with LocalAws() as aws, ImdsFake() as imds, tempfile.TemporaryDirectory(prefix="spored-relaunch-") as tmp:
        ec2 = aws.ec2()
        launch = subprocess.run([os.path.join(bin_dir, "spawn"), "launch", "--spot", "--count", str(args.drills),
                                 "--instance-types", TYPES, "--job-array-name", "drill", "--ami", "ami-12345678",
                                 "--relaunch", "1", "--agent-url", "https://downloads.example.com/spored",
                                 "--agent-sha256", "ab" * 32, "--output", "json"],
                                env=aws.env(), capture_output=True, text=True, timeout=600)
        if launch.returncode != 0:
            sys.exit(f"bench: the launch failed:\n{launch.stderr}")
        config = template_config(ec2)
        originals = sorted(members(ec2, "drill"), key=lambda i: int(tags(i)["spawn:job-array-index"]))
        aws.reset_log()
        requested, answered = [], []
        for n, member in enumerate(originals):
            r, a = drill(spored, imds, aws, member, config, args.poll_interval, tmp, n)
            requested.append(r)
            answered.append(a)
        replacements = [i for i in members(ec2, "drill") if "spawn:replaces" in tags(i)]
        per_index = {}
        for i in replacements:
            per_index.setdefault(tags(i)["spawn:job-array-index"], []).append(i["InstanceId"])
        duplicates = sum(len(v) - 1 for v in per_index.values())
        same_pool = sum(1 for i in replacements
                        for o in originals if o["InstanceId"] == tags(i)["spawn:replaces"]
                        and o["InstanceType"] == i["InstanceType"])
        calls = {}
        for q in aws.requests():
            calls[q["action"]] = calls.get(q["action"], 0) + 1
    result = {
        "drills": len(requested), "poll_interval": args.poll_interval,
        "requested_p50_s": percentile(requested, 50), "requested_p99_s": percentile(requested, 99),
        "requested_max_s": max(requested),
        "answered_p50_s": percentile(answered, 50), "answered_p99_s": percentile(answered, 99),
        "replacements": len(replacements), "indices_replaced": len(per_index), "duplicates": duplicates,
        "replacements_in_the_interrupted_pool": same_pool,
        "requests_per_drill": {k: v / len(requested) for k, v in sorted(calls.items())},
        "target": {"requested_p99_s": 5.0, "duplicates": 0},
    }
    result["met"] = result["requested_p99_s"] <= 5.0 and duplicates == 0 and len(per_index) == len(requested)
    print(f"  notice -> replacement requested (CreateFleet at EC2), poll {args.poll_interval}: "
          f"p50 {result['requested_p50_s'] * 1000:.0f} ms, p99 {result['requested_p99_s'] * 1000:.0f} ms, "
          f"max {result['requested_max_s'] * 1000:.0f} ms over {len(requested)} drills")
    print(f"  notice -> EC2's answer read (relaunch_requested): p50 {result['answered_p50_s'] * 1000:.0f} ms, "
          f"p99 {result['answered_p99_s'] * 1000:.0f} ms")
    print(f"  replacements {len(replacements)} for {len(per_index)} indices, {duplicates} duplicates, "
          f"{same_pool} in the pool just interrupted")
    print(f"  requests per drill (all of spored's): {json.dumps(result['requests_per_drill'])}")
    print(f"  target (issue 15): p99 <= 5 s, zero duplicates: {'met' if result['met'] else 'NOT met'}")
    benchlib.save("relaunch", result)
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
