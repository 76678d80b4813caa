"""EC2's request throttling in the local AWS: the token buckets of AWS's "Request throttling for
the Amazon EC2 API" page (numbers in ec2_rate_limits.json, quoted in README.md), switched on by
the scenario's `rate_limits`.

- Request tokens: one bucket per API action (per account and Region), sized by the action's
  category: non-mutating (Describe*, List*, Search*, Get*) 100 / 20 per second; the seven
  "unfiltered and unpaginated" actions (DescribeInstances, ...) 50 / 10 when the call has no
  Filter.N, MaxResults or NextToken; mutating 50 / 5; resource-intensive 50 / 5; the actions of
  the "uncategorized" table their own (RunInstances 5 / 2, CreateTags 100 / 10, ...). Each call
  takes one token.
- Resource tokens: RunInstances and StartInstances 1000 / 2, TerminateInstances and
  StopInstances 1000 / 20 per second, one token per instance. RunInstances needs MaxCount
  tokens (the most it may launch) and is charged what it launched; the others are charged the
  number of InstanceId.N they name.
A call that finds a bucket short is refused (EC2: HTTP 503 RequestLimitExceeded) and takes no
token from any bucket. Buckets start full and refill continuously on the real clock, times
`time_scale`. All credentials are one account here (as moto has one), so buckets are per Region.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

LIMITS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ec2_rate_limits.json")
RESOURCE_COUNTED_BY_IDS = ("TerminateInstances", "StartInstances", "StopInstances")


def load_limits() -> dict[str, Any]:
    with open(LIMITS_PATH, encoding="utf-8") as f:
        return json.load(f)


@dataclass
class Bucket:
    capacity: float
    refill: float          # tokens per second of the (scaled) clock
    tokens: float
    updated: float         # monotonic seconds of the last refill

    def refill_to(self, now: float, scale: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.refill * scale)
            self.updated = now


@dataclass
class Decision:
    """What the rate limiter made of a call: refused (and by which bucket), or admitted with
    resource tokens reserved that settle() charges for real."""
    refused_by: str | None = None
    resource_bucket: str | None = None
    reserved: float = 0


def unfiltered_and_unpaginated(params: dict[str, Any]) -> bool:
    return not any(k.startswith("Filter.") or k in ("MaxResults", "NextToken") for k in params)


class RateLimits:
    """The buckets of one scenario. `config` is the scenario's rate_limits object:
    {"time_scale": 1.0, "request": {action: [capacity, refill]}, "resource": {action: [capacity, refill]}}
    where the last two override the documented numbers."""

    def __init__(self, config: dict[str, Any], clock: Callable[[], float] = time.monotonic):
        self.limits = load_limits()
        self.scale = float(config.get("time_scale", 1.0))
        self.request_overrides = config.get("request") or {}
        self.resource_overrides = config.get("resource") or {}
        self.clock = clock
        self.lock = threading.Lock()
        self.buckets: dict[tuple[str, str], Bucket] = {}
        self.refused: dict[str, int] = {}

    # which bucket

    def request_bucket(self, action: str, params: dict[str, Any]) -> tuple[str, list[float]]:
        """(bucket name, [capacity, refill]) of the request tokens this call takes."""
        categories = self.limits["categories"]
        if action in self.request_overrides:
            return action, self.request_overrides[action]
        unfiltered = categories["unfiltered_unpaginated_non_mutating"]
        if action in unfiltered["actions"] and unfiltered_and_unpaginated(params):
            name = f"{action} (unfiltered)"
            return name, self.request_overrides.get(name, unfiltered["bucket"])
        if action in self.limits["uncategorized"]:
            return action, self.limits["uncategorized"][action]
        if action in categories["resource_intensive"]["actions"]:
            return action, categories["resource_intensive"]["bucket"]
        if action.startswith(tuple(categories["non_mutating"]["prefixes"])):
            return action, categories["non_mutating"]["bucket"]
        return action, categories["mutating"]["bucket"]

    def resource_limit(self, action: str) -> list[float] | None:
        if action in self.resource_overrides:
            return self.resource_overrides[action]
        return self.limits["resource"].get(action)

    def _bucket(self, region: str, name: str, limit: list[float], now: float) -> Bucket:
        key = (region, name)
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = Bucket(float(limit[0]), float(limit[1]), float(limit[0]), now)
        bucket.refill_to(now, self.scale)
        return bucket

    # a call

    def admit(self, region: str, action: str, params: dict[str, Any], replay: bool = False) -> Decision:
        """Takes the call's request token and reserves its resource tokens, or refuses it and
        takes nothing. A replay (the retry of a call already applied, same ClientToken) launches
        nothing and needs no resource token."""
        with self.lock:
            now = self.clock()
            name, limit = self.request_bucket(action, params)
            request = self._bucket(region, name, limit, now)
            resource, need, resource_name = None, 0.0, None
            resource_limit = self.resource_limit(action)
            if resource_limit is not None:
                need = 0.0 if replay else float(resource_need(action, params))
                resource_name = f"{action} (resource)"
                resource = self._bucket(region, resource_name, resource_limit, now)
            if request.tokens < 1:
                return self._refuse(action, f"request:{name}")
            if resource is not None and resource.tokens < need:
                return self._refuse(action, f"resource:{action}")
            request.tokens -= 1
            if resource is not None:
                resource.tokens -= need
            return Decision(resource_bucket=resource_name, reserved=need)

    def settle(self, region: str, decision: Decision, used: float) -> None:
        """Gives back the reserved resource tokens a call did not use (a RunInstances that
        launched fewer than MaxCount, or failed)."""
        if decision.resource_bucket is None:
            return
        with self.lock:
            bucket = self.buckets.get((region, decision.resource_bucket))
            if bucket is not None and used < decision.reserved:
                bucket.tokens = min(bucket.capacity, bucket.tokens + decision.reserved - used)

    def _refuse(self, action: str, by: str) -> Decision:
        self.refused[action] = self.refused.get(action, 0) + 1
        return Decision(refused_by=by)

    def status(self) -> dict[str, Any]:
        with self.lock:
            now = self.clock()
            for bucket in self.buckets.values():
                bucket.refill_to(now, self.scale)
            return {"time_scale": self.scale, "refused": dict(self.refused),
                    "buckets": {f"{region} {name}": round(b.tokens, 3) for (region, name), b in self.buckets.items()}}


def resource_need(action: str, params: dict[str, Any]) -> int:
    """Resource tokens a call needs before it runs: RunInstances its MaxCount, the others one per
    instance they name."""
    if action == "RunInstances":
        try:
            return max(0, int(params.get("MaxCount", "1")))
        except ValueError:
            return 1
    return sum(1 for k in params if k.startswith("InstanceId."))


def validate_config(config: Any, require: Callable[[bool, str, str], None]) -> None:
    """Scenario schema of rate_limits (null, or the object described in README.md)."""
    if config is None:
        return
    require(isinstance(config, dict), "rate_limits", "must be an object or null")
    for key in config:
        require(key in ("time_scale", "request", "resource"), "rate_limits", f"unknown key {key!r}")
    scale = config.get("time_scale", 1.0)
    require(isinstance(scale, (int, float)) and not isinstance(scale, bool) and scale > 0,
            "rate_limits.time_scale", "must be a number > 0")
    for part in ("request", "resource"):
        overrides = config.get(part) or {}
        require(isinstance(overrides, dict), f"rate_limits.{part}", "must be {action: [capacity, refill]}")
        for action, limit in overrides.items():
            ok = (isinstance(limit, list) and len(limit) == 2
                  and all(isinstance(n, (int, float)) and not isinstance(n, bool) and n >= 0 for n in limit)
                  and limit[0] > 0)
            require(ok, f"rate_limits.{part}.{action}", "must be [capacity > 0, refill per second >= 0]")
