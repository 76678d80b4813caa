"""The scenario of the local AWS: what real EC2 would do that moto does not.

A scenario is a JSON document (schema in README.md). The effective scenario is
default_scenario.json with the given document laid over it key by key (a key in
the given document replaces the default's whole value). Replacing the scenario
resets every counter that comes from it: remaining capacity, the throttle count,
the remaining lost replies, the rate limits' token buckets (full again).
"""

from __future__ import annotations

import copy
import json
import os
import threading
from decimal import Decimal, InvalidOperation
from typing import Any

from local_aws_ratelimit import RateLimits, validate_config as validate_rate_limits

DEFAULT_SCENARIO_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "default_scenario.json")

MARKETS = ("spot", "on-demand")
KNOWN_KEYS = ("capacity", "throttle", "lose_reply", "spot_prices", "on_demand_prices", "pricing", "rate_limits",
              "deny", "new_instance_invisible_seconds", "s3_wrong_region", "spot_price_history", "placement_scores", "description")


class ScenarioError(ValueError):
    """A scenario document that does not follow the schema; the message says where."""


def load_default() -> dict[str, Any]:
    with open(DEFAULT_SCENARIO_PATH, encoding="utf-8") as f:
        return json.load(f)


def _require(condition: bool, where: str, what: str) -> None:
    if not condition:
        raise ScenarioError(f"scenario {where}: {what}")


def _check_price(value: Any, where: str) -> None:
    _require(isinstance(value, str), where, "a price is a decimal string such as \"0.1008\"")
    try:
        ok = Decimal(value) >= 0
    except InvalidOperation:
        ok = False
    _require(ok, where, f"{value!r} is not a non-negative decimal")


def validate(doc: Any) -> None:
    """Raises ScenarioError unless doc follows the scenario schema (README.md)."""
    _require(isinstance(doc, dict), "", "must be a JSON object")
    for key in doc:
        _require(key in KNOWN_KEYS, key, f"unknown key (known: {', '.join(KNOWN_KEYS)})")

    for i, entry in enumerate(doc.get("capacity") or []):
        where = f"capacity[{i}]"
        _require(isinstance(entry, dict), where, "must be an object")
        for key in entry:
            _require(key in ("instance_type", "market", "available", "az", "region"), where, f"unknown key {key!r}")
        _require(isinstance(entry.get("instance_type"), str), where, "needs instance_type")
        _require(entry.get("market", "on-demand") in MARKETS, where, "market is spot or on-demand")
        if "available" in entry and entry["available"] is not None:
            n = entry["available"]
            _require(isinstance(n, int) and not isinstance(n, bool) and n >= 0, where, "available is an integer >= 0")

    throttle = doc.get("throttle")
    if throttle is not None:
        _require(isinstance(throttle, dict), "throttle", "must be an object or null")
        every = throttle.get("every")
        _require(isinstance(every, int) and not isinstance(every, bool) and every >= 1, "throttle", "every is an integer >= 1")
        for key in throttle:
            _require(key in ("every", "actions", "services"), "throttle", f"unknown key {key!r}")
        for key in ("actions", "services"):
            if throttle.get(key) is not None:
                _require(isinstance(throttle[key], list) and all(isinstance(a, str) for a in throttle[key]),
                         f"throttle.{key}", "must be a list of strings")

    for i, entry in enumerate(doc.get("lose_reply") or []):
        where = f"lose_reply[{i}]"
        _require(isinstance(entry, dict) and isinstance(entry.get("action"), str), where, "needs action")
        for key in entry:
            _require(key in ("action", "times", "service"), where, f"unknown key {key!r}")
        times = entry.get("times", 1)
        _require(isinstance(times, int) and not isinstance(times, bool) and times >= 1, where, "times is an integer >= 1")

    spot = doc.get("spot_prices") or {}
    _require(isinstance(spot, dict), "spot_prices", "must be {instance_type: {az: price}}")
    for itype, by_az in spot.items():
        _require(isinstance(by_az, dict), f"spot_prices.{itype}", "must be {az: price}")
        for az, price in by_az.items():
            _check_price(price, f"spot_prices.{itype}.{az}")

    history = doc.get("spot_price_history") or {}
    _require(isinstance(history, dict), "spot_price_history", "must be {instance_type: {az: [[time, price], ...]}}")
    for itype, by_az in history.items():
        _require(isinstance(by_az, dict), f"spot_price_history.{itype}", "must be {az: [[time, price], ...]}")
        for az, points in by_az.items():
            where = f"spot_price_history.{itype}.{az}"
            _require(isinstance(points, list) and points, where, "must be a non-empty list of [time, price]")
            for point in points:
                _require(isinstance(point, list) and len(point) == 2 and isinstance(point[0], str), where,
                         "each point is [ISO 8601 time, price]")
                _check_price(point[1], where)

    scores = doc.get("placement_scores") or {}
    _require(isinstance(scores, dict), "placement_scores", "must be {region or AZ name: {instance_type: score}}")
    for region, by_type in scores.items():
        _require(isinstance(by_type, dict), f"placement_scores.{region}", "must be {instance_type: score}")
        for itype, score in by_type.items():
            _require(isinstance(score, int) and not isinstance(score, bool) and 1 <= score <= 10,
                     f"placement_scores.{region}.{itype}", "must be an integer from 1 to 10")

    on_demand = doc.get("on_demand_prices") or {}
    _require(isinstance(on_demand, dict), "on_demand_prices", "must be {region: {instance_type: price}}")
    for region, by_type in on_demand.items():
        _require(isinstance(by_type, dict), f"on_demand_prices.{region}", "must be {instance_type: price}")
        for itype, price in by_type.items():
            _check_price(price, f"on_demand_prices.{region}.{itype}")

    for i, entry in enumerate(doc.get("deny") or []):
        where = f"deny[{i}]"
        _require(isinstance(entry, dict) and isinstance(entry.get("action"), str), where, "needs action")
        for key in entry:
            _require(key in ("action", "service"), where, f"unknown key {key!r}")

    invisible = doc.get("new_instance_invisible_seconds")
    if invisible is not None:
        _require(isinstance(invisible, (int, float)) and not isinstance(invisible, bool) and invisible >= 0,
                 "new_instance_invisible_seconds", "a number of seconds >= 0")

    wrong_region = doc.get("s3_wrong_region")
    _require(wrong_region in (None, 301, 400), "s3_wrong_region", "301 (PermanentRedirect) or 400 (AuthorizationHeaderMalformed)")

    validate_rate_limits(doc.get("rate_limits"), _require)

    pricing = doc.get("pricing")
    if pricing is not None:
        _require(isinstance(pricing, dict), "pricing", "must be an object")
        _require(isinstance(pricing.get("deny", False), bool), "pricing.deny", "must be true or false")


def region_of_az(az: str) -> str:
    """us-east-1a -> us-east-1 (local zones such as us-east-1-bos-1a keep their parent region)."""
    parts = az.split("-")
    if len(parts) > 3:
        return "-".join(parts[:3])
    return az[:-1]


class CapacityLedger:
    """Capacity still available per scenario entry. None means unlimited.

    The most specific entry matching (instance type, market, region, az) decides:
    an entry with az beats one with region, which beats one with neither; only
    that entry's count goes down. `lock` is re-entrant and is held by callers that
    look, then launch, so that the two steps are one.
    """

    def __init__(self, entries: list[dict[str, Any]]):
        self.lock = threading.RLock()
        self._entries = [dict(e, remaining=e.get("available")) for e in entries]

    def _match(self, instance_type: str, market: str, region: str, az: str | None) -> dict[str, Any] | None:
        best, best_rank = None, -1
        for entry in self._entries:
            if entry["instance_type"] != instance_type or entry.get("market", "on-demand") != market:
                continue
            if entry.get("az") is not None and entry["az"] != az:
                continue
            entry_region = entry.get("region") or (region_of_az(entry["az"]) if entry.get("az") else None)
            if entry_region is not None and entry_region != region:
                continue
            rank = 2 if entry.get("az") else (1 if entry.get("region") else 0)
            if rank > best_rank:
                best, best_rank = entry, rank
        return best

    def remaining(self, instance_type: str, market: str, region: str, az: str | None) -> int | None:
        """How many more can launch in that pool; None for unlimited."""
        return self.pool(instance_type, market, region, az)[1]

    def pool(self, instance_type: str, market: str, region: str, az: str | None) -> tuple[int | None, int | None]:
        """(which entry counts these launches or None, how many more it allows or None for unlimited).
        Launches in different AZs share a pool when one entry without az covers them."""
        with self.lock:
            entry = self._match(instance_type, market, region, az)
            if entry is None:
                return None, None
            return self._entries.index(entry), entry["remaining"]

    def take(self, instance_type: str, market: str, region: str, az: str | None, count: int) -> None:
        """Counts `count` launches down; the caller checked remaining() under `lock`."""
        with self.lock:
            entry = self._match(instance_type, market, region, az)
            if entry is not None and entry["remaining"] is not None:
                entry["remaining"] = max(0, entry["remaining"] - count)

    def snapshot(self) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self._entries)


class ScenarioState:
    """The effective scenario plus the counters it drives; safe to share between threads."""

    def __init__(self, doc: dict[str, Any] | None = None):
        self._lock = threading.Lock()
        self.version = 0  # goes up with every replace(), for caches of derived data
        self._defaults = load_default()
        validate(self._defaults)
        self.replace(doc or {})

    def replace(self, doc: dict[str, Any]) -> None:
        """Lays doc over the defaults and resets all counters. Raises ScenarioError."""
        validate(doc)
        effective = copy.deepcopy(self._defaults)
        effective.update(copy.deepcopy(doc))
        with self._lock:
            self._doc = effective
            self.capacity = CapacityLedger(effective.get("capacity") or [])
            self._throttle_count = 0
            self._lose_left = [dict(e, left=e.get("times", 1)) for e in effective.get("lose_reply") or []]
            limits = effective.get("rate_limits")
            self.rate_limits = RateLimits(limits) if limits is not None else None
            self.version += 1

    @property
    def doc(self) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._doc)

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            value = self._doc.get(key)
        return default if value is None else value

    def should_throttle(self, service: str, action: str) -> bool:
        """Counts this call against the throttle; True when it is the Nth matching one."""
        with self._lock:
            rule = self._doc.get("throttle")
            if not rule:
                return False
            if rule.get("actions") and action not in rule["actions"]:
                return False
            if rule.get("services") and service not in rule["services"]:
                return False
            self._throttle_count += 1
            return self._throttle_count % rule["every"] == 0

    def should_lose_reply(self, service: str, action: str) -> bool:
        """True (and one time used up) when this call's reply is to be lost."""
        with self._lock:
            for entry in self._lose_left:
                if entry["action"] != action or entry["left"] <= 0:
                    continue
                if entry.get("service") and entry["service"] != service:
                    continue
                entry["left"] -= 1
                return True
            return False

    def denied(self, service: str, action: str) -> bool:
        """True when the scenario refuses this call as IAM would (no permission)."""
        for entry in self.get("deny", []):
            if entry["action"] == action and entry.get("service", service) == service:
                return True
        return False

    def spot_price(self, instance_type: str, az: str) -> str | None:
        return (self.get("spot_prices", {}).get(instance_type) or {}).get(az)

    def on_demand_price(self, region: str, instance_type: str) -> str | None:
        return (self.get("on_demand_prices", {}).get(region) or {}).get(instance_type)

    def status(self) -> dict[str, Any]:
        with self._lock:
            lose = [{k: v for k, v in e.items()} for e in self._lose_left]
            throttle_count = self._throttle_count
            limits = self.rate_limits
        return {"capacity": self.capacity.snapshot(), "throttle_count": throttle_count, "lose_reply": lose,
                "rate_limits": limits.status() if limits is not None else None}
