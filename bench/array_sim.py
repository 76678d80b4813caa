#!/usr/bin/env python3
"""(h) Array simulation: what spot with spawn saves on a long job array, and what the relaunch of
issue 15 changes. A seeded discrete-event Monte-Carlo simulation, standard library only; nothing
runs against AWS or the local AWS.

    BENCH=array_sim bench/run                  # 1,000 trials (QUICK=1: 50)
    python3 bench/array_sim.py [--trials N] [--seed S] [--members M] [--hours H] [--relaunch N]

Modelled: an array of 64 members (BENCH_SIM_MEMBERS), each with 24 hours of work
(BENCH_SIM_HOURS), over 1,000 trials (BENCH_SIM_TRIALS), under three strategies:
  on-demand           every member on on-demand; never interrupted.
  spot, no relaunch   an interrupted member stays down until someone notices and relaunches it by
                      hand (HUMAN_DELAY_H, "next morning"), from its checkpoint.
  spot + relaunch N   spored asks for the replacement on the notice (`--relaunch N`): running
                      2-3 minutes after the notice in another pool, resuming from the checkpoint;
                      after N relaunches of an index, the next interruption of it waits for a hand
                      relaunch as above (the index is never left unfinished).
The array completes when its last member does. Every strategy starts every member at time 0; the
first boot is the same for all of them and is left out.

Inputs, not measurements:
  - Pools are (instance type, AZ): 3 types x 3 AZs of us-east-1, each given an interruption band
    of AWS's Spot Instance Advisor ("frequency of interruption": the rate at which Spot reclaimed
    capacity over the trailing month, published in the bands <5%, 5-10%, 10-15%, 15-20%, >20%).
    A band becomes a monthly probability p (its midpoint; 25% for ">20%") and that an hourly
    hazard -ln(1 - p) / 730 (730 hours a month), constant over time, independent between
    instances. Real interruptions come in bursts per pool; this model has none.
  - Prices: on-demand is g5.xlarge's us-east-1 list price, $1.006/h (assumed, as listed when
    written). The three types are treated as doing the work equally fast at that on-demand price
    (their names are labels; the real g6.xlarge and g4dn.xlarge list lower and differ in speed),
    and each pool's spot price is a fixed 27-34% of it (assumed; spot prices move).
  - The job checkpoints every 30 minutes of work and on the two-minute notice (spored's
    checkpoint); the notice checkpoint succeeds 95% of the time, else the work since the last
    periodic checkpoint is lost. The checkpoint itself takes no work time.
  - An interrupted instance is billed to the end of its two-minute notice; a replacement from the
    moment it runs, including 5 minutes of boot + install + restore before work resumes. No
    minimum charge, per-second billing.
  - Placement (first launch and every relaunch): price-capacity-optimized, approximated as the
    pool with the lowest band, then the lowest spot price, that has room (16 instances a pool, more
    when the array is larger than 128);
    a relaunch avoids the pool just interrupted when another has room.
  - A replacement always gets capacity (no insufficient-capacity errors), and the rebalance
    recommendation (`--rebalance move`) is not modelled.

Printed per strategy over the trials: completion time (the last member's finish) p50 / p90 / max,
mean cost and its ratio to all on-demand, instance-hours wasted (lost work + resume overhead +
notice time), interruptions, relaunches by spored and by hand. Then a sweep: all nine pools in one
band at a time. Common random numbers: each member draws from its own seeded stream, so the
strategies see the same luck member by member.
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import random
import statistics
import sys
from dataclasses import dataclass, replace

HOURS_PER_MONTH = 730.0
# The Spot Instance Advisor's bands -> the monthly interruption probability this model uses.
BANDS = {"<5%": 0.025, "5-10%": 0.075, "10-15%": 0.125, "15-20%": 0.175, ">20%": 0.25}
ON_DEMAND_PRICE = 1.006  # g5.xlarge, us-east-1, $/h (assumed list price)
HUMAN_DELAY_H = 8.0      # an interruption noticed and relaunched by hand the next morning


def hourly_hazard(monthly: float) -> float:
    """The constant hourly rate whose probability of at least one event in a 730-hour month is
    `monthly`."""
    return -math.log(1.0 - monthly) / HOURS_PER_MONTH


@dataclass(frozen=True)
class Pool:
    name: str          # "type/AZ"
    band: str          # a key of BANDS, or a label when hazard is given directly
    spot_price: float  # $/h
    hazard: float      # interruptions per instance-hour


def pool(name: str, band: str, spot_share: float) -> Pool:
    return Pool(name, band, round(ON_DEMAND_PRICE * spot_share, 4), hourly_hazard(BANDS[band]))


# The nine pools of the default ("mixed") scenario: band and spot price as a share of on-demand.
DEFAULT_POOLS = (
    pool("g5.xlarge/us-east-1a", "<5%", 0.33), pool("g5.xlarge/us-east-1b", "5-10%", 0.31),
    pool("g5.xlarge/us-east-1c", "10-15%", 0.30), pool("g6.xlarge/us-east-1a", "5-10%", 0.32),
    pool("g6.xlarge/us-east-1b", "15-20%", 0.29), pool("g6.xlarge/us-east-1c", ">20%", 0.27),
    pool("g4dn.xlarge/us-east-1a", "10-15%", 0.30), pool("g4dn.xlarge/us-east-1b", ">20%", 0.28),
    pool("g4dn.xlarge/us-east-1c", "<5%", 0.34),
)


# Beyond the Advisor's bands: hourly rates for instances that live hours, not a month (if the
# Advisor's share were per instance launched rather than per month of running). Not AWS inputs.
STRESS = {"stress 1/100h": 0.01, "stress 1/24h": 1 / 24}


def sweep_rows() -> dict[str, float]:
    """The sweep's rows: each Advisor band, then the stress rates; label -> hourly hazard."""
    return {**{band: hourly_hazard(p) for band, p in BANDS.items()}, **STRESS}


def in_band(pools: tuple[Pool, ...], band: str, hazard: float) -> tuple[Pool, ...]:
    """The same pools (same prices), all with one hazard."""
    return tuple(replace(p, band=band, hazard=hazard) for p in pools)


@dataclass(frozen=True)
class Params:
    members: int = 64
    work_h: float = 24.0
    on_demand_price: float = ON_DEMAND_PRICE
    checkpoint_every_h: float = 0.5
    notice_h: float = 2 / 60
    notice_checkpoint_ok: float = 0.95
    resume_h: float = 5 / 60
    replace_latency_h: tuple[float, float] = (2 / 60, 3 / 60)  # notice -> replacement running
    human_delay_h: float = HUMAN_DELAY_H
    relaunch_limit: int = 3
    pool_capacity: int = 16


ON_DEMAND, NO_RELAUNCH, RELAUNCH = "on-demand", "spot, no relaunch", "spot + relaunch"
STRATEGIES = (ON_DEMAND, NO_RELAUNCH, RELAUNCH)


@dataclass
class Trial:
    """One run of the array under one strategy."""
    completion_h: float = 0.0
    cost: float = 0.0
    billed_h: float = 0.0
    lost_work_h: float = 0.0
    overhead_h: float = 0.0
    notice_h: float = 0.0
    interruptions: int = 0
    auto_relaunches: int = 0
    hand_relaunches: int = 0

    @property
    def wasted_h(self) -> float:
        return self.lost_work_h + self.overhead_h + self.notice_h


@dataclass
class Member:
    rng: random.Random
    saved_h: float = 0.0     # work checkpointed so far
    relaunches: int = 0      # by spored
    pool: int = -1
    started: float = 0.0     # the current instance's running time
    overhead: float = 0.0    # the current instance's time before work resumes
    finished: float | None = None


def pick_pool(pools: tuple[Pool, ...], used: list[int], capacity: int, avoid: int) -> int:
    """Price-capacity-optimized, approximated: the lowest band, then the lowest price, among the
    pools with room; the pool to avoid only when no other has room."""
    order = sorted(range(len(pools)), key=lambda i: (pools[i].hazard, pools[i].spot_price, i))
    for i in order:
        if i != avoid and used[i] < capacity:
            return i
    if avoid >= 0 and used[avoid] < capacity:
        return avoid
    raise ValueError("no pool has room: pool_capacity x pools must be >= members")


def kept_at_notice(done_h: float, every_h: float, notice_ok: bool) -> float:
    """The work (since the instance's resume) a checkpoint keeps: all of it when the notice
    checkpoint succeeds, else what the last periodic checkpoint saved."""
    if notice_ok:
        return done_h
    return math.floor(done_h / every_h + 1e-9) * every_h


def simulate(params: Params, pools: tuple[Pool, ...], strategy: str, seed: int, trial: int) -> Trial:
    """One trial of the array under `strategy`: events (time, seq, kind, member) in a heap."""
    if params.pool_capacity * len(pools) < params.members:
        raise ValueError("pool_capacity x pools must be >= members")
    on_demand = strategy == ON_DEMAND
    members = [Member(random.Random(f"{seed}/{trial}/{m}")) for m in range(params.members)]
    used = [0] * len(pools)
    out = Trial()
    events: list[tuple[float, int, str, int, int]] = []
    seq = 0

    def push(t: float, kind: str, m: int, arg: int = -1) -> None:
        nonlocal seq
        heapq.heappush(events, (t, seq, kind, m, arg))
        seq += 1

    def price(p: int) -> float:
        return params.on_demand_price if on_demand else pools[p].spot_price

    def bill(p: int, hours: float) -> None:
        out.billed_h += hours
        out.cost += hours * price(p)

    def start(t: float, m: int, p: int) -> None:
        """Member m's instance is running in pool p at t: it ends at its finish or interruption."""
        mem = members[m]
        mem.pool, mem.started = p, t
        hazard = 0.0 if on_demand else pools[p].hazard
        to_finish = mem.overhead + params.work_h - mem.saved_h
        to_interrupt = mem.rng.expovariate(1.0) / hazard if hazard > 0 else math.inf
        push(t + min(to_finish, to_interrupt), "finish" if to_finish <= to_interrupt else "notice", m)

    def request(t: float, m: int, avoid: int, latency: float) -> None:
        """A replacement for member m asked for at t, running `latency` later."""
        p = pick_pool(pools, used, params.pool_capacity, avoid)
        used[p] += 1
        members[m].overhead = params.resume_h
        out.overhead_h += params.resume_h
        push(t + latency, "start", m, p)

    def notice(t: float, m: int) -> None:
        mem = members[m]
        out.interruptions += 1
        done = max(0.0, t - mem.started - mem.overhead)
        kept = kept_at_notice(done, params.checkpoint_every_h, mem.rng.random() < params.notice_checkpoint_ok)
        mem.saved_h += kept
        out.lost_work_h += done - kept
        out.overhead_h -= max(0.0, mem.overhead - (t - mem.started))  # overhead not reached
        bill(mem.pool, t - mem.started + params.notice_h)
        out.notice_h += params.notice_h
        used[mem.pool] -= 1
        latency = mem.rng.uniform(*params.replace_latency_h)
        if strategy == RELAUNCH and mem.relaunches < params.relaunch_limit:
            mem.relaunches += 1
            out.auto_relaunches += 1
            request(t, m, mem.pool, latency)
        else:
            push(t + params.human_delay_h, "hand", m, mem.pool)
            out.hand_relaunches += 1

    for m in range(params.members):
        p = pick_pool(pools, used, params.pool_capacity, -1)
        used[p] += 1
        start(0.0, m, p)
    while events:
        t, _, kind, m, arg = heapq.heappop(events)
        mem = members[m]
        if kind == "start":
            start(t, m, arg)
        elif kind == "notice":
            notice(t, m)
        elif kind == "hand":
            request(t, m, arg, mem.rng.uniform(*params.replace_latency_h))
        else:  # finish
            mem.finished = t
            bill(mem.pool, t - mem.started)
            used[mem.pool] -= 1
    out.completion_h = max(mem.finished for mem in members)
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1)))))
    return ordered[k]


def summarize(trials: list[Trial], on_demand_cost: float, work_h: float) -> dict:
    """Over the trials; `late_share` is the share of trials whose array finished more than an
    hour after the work alone would have."""
    completion = [t.completion_h for t in trials]
    cost = statistics.fmean(t.cost for t in trials)
    return {
        "trials": len(trials),
        "completion_h": {"p50": percentile(completion, 50), "p90": percentile(completion, 90),
                         "max": max(completion), "mean": statistics.fmean(completion)},
        "cost_mean": cost,
        "cost_p90": percentile([t.cost for t in trials], 90),
        "cost_vs_on_demand": cost / on_demand_cost,
        "billed_h_mean": statistics.fmean(t.billed_h for t in trials),
        "wasted_h_mean": statistics.fmean(t.wasted_h for t in trials),
        "interruptions_mean": statistics.fmean(t.interruptions for t in trials),
        "auto_relaunches_mean": statistics.fmean(t.auto_relaunches for t in trials),
        "hand_relaunches_mean": statistics.fmean(t.hand_relaunches for t in trials),
        "late_share": sum(1 for t in trials if t.completion_h > work_h + 1) / len(trials),
    }


def run_strategies(params: Params, pools: tuple[Pool, ...], trials: int, seed: int,
                   strategies: tuple[str, ...] = STRATEGIES) -> dict[str, dict]:
    on_demand_cost = params.members * params.work_h * params.on_demand_price
    return {s: summarize([simulate(params, pools, s, seed, i) for i in range(trials)], on_demand_cost,
                         params.work_h)
            for s in strategies}


def label(strategy: str, params: Params) -> str:
    return f"{strategy} {params.relaunch_limit}" if strategy == RELAUNCH else strategy


def print_table(results: dict[str, dict], params: Params) -> None:
    print(f"  {'strategy':<19} {'completion p50':>14} {'p90':>7} {'max':>7} {'late':>5} {'cost':>9} {'vs OD':>6} "
          f"{'wasted':>8} {'interr.':>7} {'relaunch auto/hand':>18}")
    for s, r in results.items():
        c = r["completion_h"]
        print(f"  {label(s, params):<19} {c['p50']:>12.2f} h {c['p90']:>5.2f} h {c['max']:>5.2f} h "
              f"{r['late_share'] * 100:>4.0f}% ${r['cost_mean']:>8.2f} {r['cost_vs_on_demand'] * 100:>5.1f}% "
              f"{r['wasted_h_mean']:>6.2f} h {r['interruptions_mean']:>7.2f} "
              f"{r['auto_relaunches_mean']:>9.2f}/{r['hand_relaunches_mean']:.2f}")


def print_sweep(sweep: dict[str, dict], params: Params) -> None:
    print(f"  {'band':<13} {'hazard/h':>8} {'interr.':>7} | {'no relaunch: p50':>16} {'p90':>7} {'late':>5} "
          f"{'cost':>6} | {'relaunch ' + str(params.relaunch_limit) + ': p50':>16} {'p90':>7} {'late':>5} "
          f"{'cost':>6} {'by hand':>7}")
    for row, r in sweep.items():
        cells = []
        for s in (NO_RELAUNCH, RELAUNCH):
            x = r[s]
            cells.append(f"{x['completion_h']['p50']:>14.2f} h {x['completion_h']['p90']:>5.2f} h "
                         f"{x['late_share'] * 100:>4.0f}% {x['cost_vs_on_demand'] * 100:>5.1f}%")
        print(f"  {row:<13} {r['hazard_per_h']:>8.5f} {r[NO_RELAUNCH]['interruptions_mean']:>7.2f} | "
              f"{cells[0]} | {cells[1]} {r[RELAUNCH]['hand_relaunches_mean']:>7.2f}")


def main() -> None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import benchlib

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    trials = int(os.environ.get("BENCH_SIM_TRIALS", 50 if benchlib.QUICK else 1000))
    ap.add_argument("--trials", type=int, default=trials)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--members", type=int, default=int(os.environ.get("BENCH_SIM_MEMBERS", 64)))
    ap.add_argument("--hours", type=float, default=float(os.environ.get("BENCH_SIM_HOURS", 24)))
    ap.add_argument("--relaunch", type=int, default=3, help="relaunches per index (spawn launch --relaunch N)")
    args = ap.parse_args()
    if args.trials < 1 or args.members < 1 or args.hours <= 0 or args.relaunch < 0:
        ap.error("--trials, --members and --hours must be positive, --relaunch at least 0")
    # 16 a pool for 64 members; more for a larger array, so that eight pools can always hold it.
    capacity = max(16, math.ceil(args.members / (len(DEFAULT_POOLS) - 1)))
    params = Params(members=args.members, work_h=args.hours, relaunch_limit=args.relaunch, pool_capacity=capacity)

    print(f"  {params.members} members x {params.work_h:g} h of work, {args.trials} trials, seed {args.seed}; "
          f"on-demand ${params.on_demand_price}/h (g5.xlarge us-east-1, assumed)")
    print("  inputs, not measurements: Spot Instance Advisor bands as monthly p = band midpoint (>20%: 25%),")
    print(f"  hazard = -ln(1-p)/730 per hour; checkpoint every {params.checkpoint_every_h * 60:.0f} min + on the "
          f"notice ({params.notice_checkpoint_ok:.0%} succeed), resume {params.resume_h * 60:.0f} min, replacement "
          f"{params.replace_latency_h[0] * 60:.0f}-{params.replace_latency_h[1] * 60:.0f} min after the notice, "
          f"hand relaunch {params.human_delay_h:g} h later")
    print(f"  pools (band, spot $/h; placement: lowest band, then price, {params.pool_capacity} a pool):")
    for i in range(0, len(DEFAULT_POOLS), 3):
        print("    " + ", ".join(f"{p.name} {p.band} ${p.spot_price:.3f}" for p in DEFAULT_POOLS[i:i + 3]))
    mixed = run_strategies(params, DEFAULT_POOLS, args.trials, args.seed)
    print_table(mixed, params)
    print("  sweep: all nine pools at one rate (the Advisor's bands, then two stress rates that are not AWS inputs);"
          " cost = vs on-demand")
    sweep = {row: {"hazard_per_h": hazard,
                   **run_strategies(params, in_band(DEFAULT_POOLS, row, hazard), args.trials, args.seed,
                                    (NO_RELAUNCH, RELAUNCH))}
             for row, hazard in sweep_rows().items()}
    print_sweep(sweep, params)
    benchlib.save("array_sim", {
        "inputs": {"params": {**params.__dict__, "replace_latency_h": list(params.replace_latency_h)},
                   "bands_monthly": BANDS, "stress_per_h": STRESS, "hours_per_month": HOURS_PER_MONTH,
                   "trials": args.trials, "seed": args.seed, "pools": [p.__dict__ for p in DEFAULT_POOLS]},
        "mixed": mixed, "sweep": sweep})


if __name__ == "__main__":
    main()
