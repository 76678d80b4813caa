"""EC2 Fleets of type maintain, as EC2 keeps them and moto 5.2 does not (installed by
local_aws_ec2.install, after its capacity-aware Fleet).

moto creates a maintain fleet's instances once and forgets the fleet: nothing replaces a
member that ends, ModifyFleet and DescribeFleetHistory do not exist, DescribeFleets has no
FleetId, FleetState, CreateTime or ActivityStatus, DescribeFleetInstances names a reservation
as the SpotInstanceRequestId of an on-demand member, and DeleteFleets of an unknown id is a
500. Here:
- A maintain fleet keeps its target: when a member ends (TerminateInstances, a spot
  interruption, an OS shutdown that terminates) and the fleet is active, it launches a
  replacement in the same market through the same pools (scenario capacity applies; what
  cannot be had now is tried again on the next DescribeFleets / DescribeFleetInstances, as
  EC2 keeps trying).
- `POST /_spawn/interrupt {"instance_id"}`: EC2 takes a spot member back (state reason
  Server.SpotInstanceTermination); the fleet replaces it.
- `POST /_spawn/rebalance {"instance_id"}`: a rebalance recommendation for a spot member. With
  CapacityRebalance ReplacementStrategy launch-before-terminate the fleet launches the
  replacement, then terminates the member (at once: time does not pass here, the reply says
  the TerminationDelay EC2 would have waited); with `launch` it only launches the replacement;
  without a strategy nothing happens.
- ModifyFleet (maintain fleets): the new TargetCapacitySpecification, then the fleet follows:
  it launches what is missing, and terminates the newest members beyond the target.
- DescribeFleetHistory: the fleet's records since StartTime, oldest first, in EC2's shape
  (EventType instance-change with EventSubType launched / terminated, fleet-change with
  submitted, active, modify_in_progress, modify_succeeded, deleted_terminating, deleted...),
  MaxResults / NextToken paging, LastEvaluatedTime.
- DeleteFleets: unknown ids and fleets already deleted are UnsuccessfulFleetDeletions
  (fleetIdDoesNotExist, fleetNotInDeletableState); TerminateInstances=true terminates every
  member (no replacement) and leaves the fleet `deleted`.
"""

from __future__ import annotations

import base64
import threading
from datetime import datetime, timezone
from typing import Any

_lock = threading.RLock()
_local = threading.local()

LIVE_STATES = ("pending", "running", "stopping", "stopped")
INTERRUPTION = ("Server.SpotInstanceTermination", "Server.SpotInstanceTermination: Spot instance termination")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


# --- members and targets ---------------------------------------------------------------

def spot_members(fleet: Any) -> list[Any]:
    return [r.instance for r in fleet.spot_requests
            if getattr(r, "instance", None) is not None and r.instance._state.name in LIVE_STATES]


def on_demand_members(fleet: Any) -> list[Any]:
    return [d["instance"] for d in fleet.on_demand_instances if d["instance"]._state.name in LIVE_STATES]


def targets(fleet: Any) -> tuple[int, int]:
    """(spot, on-demand) the fleet keeps: the named parts, the rest in the default type."""
    spec = fleet.target_capacity_specification or {}
    total = int(spec.get("TotalTargetCapacity") or 0)
    spot = int(spec.get("SpotTargetCapacity") or 0)
    on_demand = int(spec.get("OnDemandTargetCapacity") or 0)
    rest = max(0, total - spot - on_demand)
    if (spec.get("DefaultTargetCapacityType") or "on-demand") == "spot":
        spot += rest
    else:
        on_demand += rest
    return spot, on_demand


def record(fleet: Any, event_type: str, sub_type: str, instance_id: str | None = None,
           description: str | None = None) -> None:
    info: dict[str, Any] = {"EventSubType": sub_type}
    if instance_id:
        info["InstanceId"] = instance_id
    if description:
        info["EventDescription"] = description
    if not hasattr(fleet, "history"):
        fleet.history = []
    fleet.history.append({"EventInformation": info, "EventType": event_type, "Timestamp": _now()})


def _refresh(fleet: Any) -> None:
    spot, on_demand = len(spot_members(fleet)), len(on_demand_members(fleet))
    fleet.fulfilled_spot_capacity = float(spot)
    fleet.fulfilled_on_demand_capacity = float(on_demand)
    fleet.fulfilled_capacity = float(spot + on_demand)


def _launch(fleet: Any, count: int, market: str, description: str) -> list[str]:
    """Launches `count` members of one market; records and returns the new ids."""
    members = spot_members if market == "spot" else on_demand_members
    before = {i.id for i in members(fleet)}
    fleet._launch(count, market)
    new = [i.id for i in members(fleet) if i.id not in before]
    for instance_id in new:
        record(fleet, "instance-change", "launched", instance_id, description)
    _refresh(fleet)
    return new


def maintain(fleet: Any, scale_down: bool = False) -> None:
    """What EC2 does for an active maintain fleet: launch what is missing (and, after a
    ModifyFleet, terminate what is beyond the target)."""
    if getattr(fleet, "fleet_type", None) != "maintain" or fleet.state != "active":
        return
    with _lock:
        for market, want in zip(("spot", "on-demand"), targets(fleet)):
            members = spot_members(fleet) if market == "spot" else on_demand_members(fleet)
            if len(members) < want:
                _launch(fleet, want - len(members), market,
                        f'{{"lifecycle": "{market}", "reason": "fulfilling the target capacity"}}')
            elif scale_down and len(members) > want:
                newest = sorted(members, key=lambda i: str(i.launch_time), reverse=True)[:len(members) - want]
                _local.cause = ("termination_notified", None)
                try:
                    fleet.ec2_backend.terminate_instances([i.id for i in newest])
                finally:
                    _local.cause = None
        _refresh(fleet)


def _fleet_of(instance: Any) -> Any:
    fleet_id = getattr(instance, "_spot_fleet_id", None) or getattr(instance, "_fleet_id", None)
    if not fleet_id:
        return None
    return instance.ec2_backend.get_fleet(fleet_id)


# --- install -------------------------------------------------------------------------------

def install() -> None:
    from moto.ec2.models import fleets as fleets_module
    from moto.ec2.models.instances import Instance, StateReason
    from moto.ec2.responses.fleets import Fleets as FleetsResponse

    fleet_class = fleets_module.Fleet  # local_aws_ec2's CapacityAwareFleet
    fleet_class.fleet_id = property(lambda self: self.id)
    fleet_class.fleet_state = property(lambda self: self.state)
    fleet_class.create_time = property(lambda self: self.valid_from)
    fleet_class.activity_status = property(
        lambda self: "fulfilled" if self.fulfilled_capacity >= self.target_capacity else "pending_fulfillment")

    terminate = Instance.terminate

    def terminate_and_replace(self: Any) -> Any:
        fleet = _fleet_of(self)
        was_live = self._state.name in LIVE_STATES
        previous = terminate(self)
        if fleet is None or fleet.fleet_type == "instant" or not was_live:
            return previous
        cause = getattr(_local, "cause", None)
        with _lock:
            if cause and cause[0] == "interrupted":
                self.state_reason = StateReason(INTERRUPTION[1], INTERRUPTION[0])
                record(fleet, "instance-change", "terminated", self.id,
                       f'{{"reason": "spot interruption", "stateReason": "{INTERRUPTION[0]}"}}')
            elif cause and cause[0] == "termination_notified":
                record(fleet, "instance-change", "termination_notified", self.id,
                       '{"reason": "the target capacity was modified down"}')
            elif cause and cause[0] == "rebalance":
                record(fleet, "instance-change", "terminated", self.id,
                       f'{{"reason": "capacity rebalancing", "replacement": "{cause[1]}"}}')
            else:
                record(fleet, "instance-change", "terminated", self.id)
            _refresh(fleet)
            maintain(fleet)
        return previous

    Instance.terminate = terminate_and_replace

    original_create = fleets_module.FleetsBackend.create_fleet

    def create_fleet(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _lock:
            fleet = original_create(self, *args, **kwargs)
            fleet.history = []
            if fleet.fleet_type != "instant":
                record(fleet, "fleet-change", "submitted")
                record(fleet, "fleet-change", "active")
                for instance in spot_members(fleet) + on_demand_members(fleet):
                    record(fleet, "instance-change", "launched", instance.id)
                _refresh(fleet)
            return fleet

    fleets_module.FleetsBackend.create_fleet = create_fleet

    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import EC2ClientError

    def get_fleet_or_fail(backend: Any, fleet_id: str | None) -> Any:
        fleet = backend.get_fleet(fleet_id) if fleet_id else None
        if fleet is None:
            raise EC2ClientError("InvalidFleetId.NotFound", f"The fleet ID '{fleet_id}' does not exist")
        return fleet

    original_describe_fleets = FleetsResponse.describe_fleets

    def describe_fleets(self: Any) -> Any:
        for fleet in self.ec2_backend.describe_fleets(None):
            maintain(fleet)
        return original_describe_fleets(self)

    def describe_fleet_instances(self: Any) -> Any:
        fleet = get_fleet_or_fail(self.ec2_backend, self._get_param("FleetId"))
        maintain(fleet)
        active = []
        for request in fleet.spot_requests:
            instance = getattr(request, "instance", None)
            if instance is not None and instance._state.name in LIVE_STATES:
                active.append({"InstanceId": instance.id, "InstanceType": instance.instance_type,
                               "SpotInstanceRequestId": request.id, "InstanceHealth": "healthy"})
        for instance in on_demand_members(fleet):
            active.append({"InstanceId": instance.id, "InstanceType": instance.instance_type,
                           "InstanceHealth": "healthy"})
        return ActionResult({"ActiveInstances": active, "FleetId": fleet.id})

    def modify_fleet(self: Any) -> Any:
        fleet = get_fleet_or_fail(self.ec2_backend, self._get_param("FleetId"))
        self.error_on_dryrun()
        if fleet.fleet_type != "maintain":
            raise EC2ClientError("InvalidParameterValue",
                                 f"Only fleets of type maintain can be modified; {fleet.id} is {fleet.fleet_type}")
        if fleet.state != "active":
            raise EC2ClientError("IncorrectState", f"The fleet {fleet.id} is {fleet.state}")
        wanted = self._get_param("TargetCapacitySpecification", {}) or {}
        with _lock:
            record(fleet, "fleet-change", "modify_in_progress")
            spec = dict(fleet.target_capacity_specification or {})
            for key in ("TotalTargetCapacity", "SpotTargetCapacity", "OnDemandTargetCapacity",
                        "DefaultTargetCapacityType"):
                if wanted.get(key) is not None:
                    spec[key] = wanted[key] if key == "DefaultTargetCapacityType" else int(wanted[key])
            if wanted.get("TotalTargetCapacity") is not None and wanted.get("SpotTargetCapacity") is None \
                    and wanted.get("OnDemandTargetCapacity") is not None:
                spec["SpotTargetCapacity"] = spec["TotalTargetCapacity"] - spec["OnDemandTargetCapacity"]
            fleet.target_capacity_specification = spec
            fleet.target_capacity = int(spec.get("TotalTargetCapacity") or 0)
            fleet.spot_target_capacity = int(spec.get("SpotTargetCapacity") or 0)
            fleet.on_demand_target_capacity = int(spec.get("OnDemandTargetCapacity") or 0)
            maintain(fleet, scale_down=True)
            record(fleet, "fleet-change", "modify_succeeded")
        return ActionResult({"Return": True})

    def describe_fleet_history(self: Any) -> Any:
        fleet = get_fleet_or_fail(self.ec2_backend, self._get_param("FleetId"))
        start = self._get_param("StartTime")
        start_time = _parse_time(start)
        event_type = self._get_param("EventType")
        rows = [r for r in getattr(fleet, "history", [])
                if (start_time is None or _aware(r["Timestamp"]) >= start_time)
                and (not event_type or r["EventType"] == event_type)]
        max_results = int(self._get_param("MaxResults") or 1000)
        if not 1 <= max_results <= 1000:
            raise EC2ClientError("InvalidParameterValue", f"Value ({max_results}) for parameter MaxResults is invalid.")
        offset = 0
        token = self._get_param("NextToken")
        if token:
            try:
                offset = int(base64.urlsafe_b64decode(token.encode()).decode().split(":")[1])
            except (ValueError, IndexError, UnicodeDecodeError):
                raise EC2ClientError("InvalidNextToken", "The token is not valid.")
        page = rows[offset:offset + max_results]
        result: dict[str, Any] = {"HistoryRecords": page, "FleetId": fleet.id, "StartTime": start_time or _now(),
                                  "LastEvaluatedTime": _now()}
        if offset + max_results < len(rows):
            result["NextToken"] = base64.urlsafe_b64encode(f"fh:{offset + max_results}".encode()).decode()
        return ActionResult(result)

    def delete_fleets(self: Any) -> Any:
        self.error_on_dryrun()
        terminate_members = self._get_bool_param("TerminateInstances")
        done, failed = [], []
        with _lock:
            for fleet_id in self._get_param("FleetIds", []):
                fleet = self.ec2_backend.get_fleet(fleet_id)
                if fleet is None:
                    failed.append({"FleetId": fleet_id, "Error": {
                        "Code": "fleetIdDoesNotExist", "Message": f"The fleet ID '{fleet_id}' does not exist"}})
                    continue
                if fleet.state.startswith("deleted"):
                    failed.append({"FleetId": fleet_id, "Error": {
                        "Code": "fleetNotInDeletableState", "Message": f"The fleet is {fleet.state}"}})
                    continue
                previous = fleet.state
                if terminate_members:
                    fleet.state = "deleted_terminating"
                    record(fleet, "fleet-change", "deleted_terminating")
                    ids = [i.id for i in spot_members(fleet) + on_demand_members(fleet)]
                    if ids:
                        self.ec2_backend.terminate_instances(ids)
                    _refresh(fleet)
                    done.append({"FleetId": fleet_id, "CurrentFleetState": "deleted_terminating",
                                 "PreviousFleetState": previous})
                    fleet.state = "deleted"
                    record(fleet, "fleet-change", "deleted")
                else:
                    fleet.state = "deleted_running"
                    record(fleet, "fleet-change", "deleted_running")
                    done.append({"FleetId": fleet_id, "CurrentFleetState": "deleted_running",
                                 "PreviousFleetState": previous})
        return ActionResult({"SuccessfulFleetDeletions": done, "UnsuccessfulFleetDeletions": failed})

    FleetsResponse.describe_fleets = describe_fleets
    FleetsResponse.describe_fleet_instances = describe_fleet_instances
    FleetsResponse.modify_fleet = modify_fleet
    FleetsResponse.describe_fleet_history = describe_fleet_history
    FleetsResponse.delete_fleets = delete_fleets


def _parse_time(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return _aware(value)
    text = str(value).strip()
    try:
        return datetime.fromtimestamp(float(text), tz=timezone.utc)
    except ValueError:
        pass
    return _aware(datetime.fromisoformat(text.replace("Z", "+00:00")))


# --- control endpoints -----------------------------------------------------------------------

def _instance(instance_id: str, region: str, account: str) -> tuple[Any, Any]:
    from moto.ec2.models import ec2_backends
    backend = ec2_backends[account][region]
    return backend, backend.get_instance(instance_id)


def interrupt(instance_id: str, region: str = "us-east-1", account: str = "123456789012") -> dict[str, Any]:
    """EC2 takes a spot instance back (terminate); a maintain fleet replaces it."""
    backend, instance = _instance(instance_id, region, account)
    if getattr(instance, "lifecycle", None) != "spot":
        raise ValueError(f"{instance_id} is not a spot instance")
    if instance._state.name not in LIVE_STATES:
        raise ValueError(f"{instance_id} is {instance._state.name}")
    fleet = _fleet_of(instance)
    before = {i.id for i in spot_members(fleet) + on_demand_members(fleet)} if fleet else set()
    _local.cause = ("interrupted", None)
    try:
        backend.terminate_instances([instance_id])
    finally:
        _local.cause = None
    from moto.ec2.models.instances import StateReason
    instance.state_reason = StateReason(INTERRUPTION[1], INTERRUPTION[0])
    after = [i.id for i in spot_members(fleet) + on_demand_members(fleet)] if fleet else []
    return {"instance_id": instance_id, "state": instance._state.name, "fleet_id": fleet.id if fleet else None,
            "replacements": [i for i in after if i not in before]}


def rebalance(instance_id: str, region: str = "us-east-1", account: str = "123456789012") -> dict[str, Any]:
    """A rebalance recommendation for a spot member of a fleet: what its CapacityRebalance says."""
    backend, instance = _instance(instance_id, region, account)
    fleet = _fleet_of(instance)
    if fleet is None or getattr(instance, "lifecycle", None) != "spot":
        raise ValueError(f"{instance_id} is not a spot member of a fleet")
    strategy = ((fleet.spot_options or {}).get("MaintenanceStrategies") or {}).get("CapacityRebalance") or {}
    replacement_strategy = strategy.get("ReplacementStrategy")
    out: dict[str, Any] = {"instance_id": instance_id, "fleet_id": fleet.id, "replacement_strategy": replacement_strategy,
                           "replacements": [], "terminated": False,
                           "termination_delay": int(strategy.get("TerminationDelay") or 0) or None}
    if fleet.fleet_type != "maintain" or fleet.state != "active" or replacement_strategy not in (
            "launch", "launch-before-terminate"):
        return out
    with _lock:
        out["replacements"] = _launch(fleet, 1, "spot",
                                      f'{{"reason": "capacity rebalancing", "replaces": "{instance_id}"}}')
        if replacement_strategy == "launch-before-terminate" and out["replacements"]:
            _local.cause = ("rebalance", out["replacements"][0])
            try:
                backend.terminate_instances([instance_id])
            finally:
                _local.cause = None
            out["terminated"] = True
    return out
