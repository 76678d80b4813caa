#!/usr/bin/env python3
"""Start-up: what a command costs before it does any real work. `spawn --help` (no AWS at all),
`spawn list` on an empty account, and `aws ec2 describe-instances` on the same empty account
(the AWS CLI's nearest equivalent), plus `aws --version` as the AWS CLI's floor (its Python
interpreter and imports, no request) and /bin/true as the harness's floor (fork, exec, wait4). Client CPU seconds (wait4) and wall time; the commands
alternate, after one unmeasured warm-up each.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from fakes.local_aws_fixture import LocalAws  # noqa: E402


def main() -> None:
    reps = int(os.environ.get("BENCH_REPS", "5" if benchlib.QUICK else "15"))
    spawn = benchlib.spawn_bin()
    print(f"start-up: {reps} runs each, alternating, empty account")
    with LocalAws() as aws:
        env = aws.env()
        cli_env = benchlib.aws_cli_env(env)
        commands = {
            "spawn --help": ([spawn, "--help"], env),
            "spawn list": ([spawn, "list"], env),
            "aws ec2 describe-instances": (["aws", "ec2", "describe-instances", "--output", "json"], cli_env),
            "aws --version": (["aws", "--version"], cli_env),
            "/bin/true (harness floor)": (["/bin/true"], env),
        }
        samples: dict = {name: {"cpu": [], "wall": []} for name in commands}
        for rep in range(reps + 1):
            for name, (command, e) in commands.items():
                r = benchlib.run(command, e)
                if r.status != 0:
                    sys.exit(f"bench: {name} failed ({r.status}): {r.stderr.decode(errors='replace')[-2000:]}")
                if rep:
                    samples[name]["cpu"].append(r.cpu)
                    samples[name]["wall"].append(r.wall)
    results = {"repetitions": reps, "commands": {n: {k: benchlib.summary(v) for k, v in s.items()}
                                                 for n, s in samples.items()}}
    c = results["commands"]
    results["wall_ratio_describe_over_spawn_list"] = (c["aws ec2 describe-instances"]["wall"]["median"]
                                                      / c["spawn list"]["wall"]["median"])
    results["cpu_ratio_describe_over_spawn_list"] = (c["aws ec2 describe-instances"]["cpu"]["median"]
                                                     / c["spawn list"]["cpu"]["median"])
    for name, row in c.items():
        print(f"  {name:28} wall {benchlib.fmt_s(row['wall'], 'ms')}   CPU {benchlib.fmt_s(row['cpu'], 'ms')}")
    print(f"  empty listing, aws/spawn: wall {results['wall_ratio_describe_over_spawn_list']:.1f}x, "
          f"CPU {results['cpu_ratio_describe_over_spawn_list']:.1f}x")
    benchlib.save("startup", results)


if __name__ == "__main__":
    main()
