"""What EC2 does to instances over time, or by itself, that moto does not (installed by
local_aws_ec2.install). Three behaviours, each one a bill or a lost job on a real account:

1. Spot instance requests of RunInstances. EC2 makes one spot instance request per spot
   instance that RunInstances launches (one-time or persistent, with ValidUntil and the
   interruption behaviour; tagged by TagSpecification ResourceType=spot-instances-request) and
   names it on the instance (spotInstanceRequestId); moto makes none. A persistent request
   whose instance is terminated while the request is still active and valid goes back to
   `open` and EC2 launches a new instance for it - the resurrection a client must prevent by
   cancelling first. Cancelled requests stay listed in state `cancelled` (moto forgets them),
   and their instance keeps running. A request past its ValidUntil is `closed` and launches
   nothing more.
2. The OS-initiated shutdown behaviour. `POST /_spawn/os-shutdown {"instance_id": ...}` plays
   an instance powering itself off (`systemctl poweroff`): EC2 then applies
   InstanceInitiatedShutdownBehavior - `stop` (EC2's default, the instance and its volumes stay
   billed) or `terminate`.
3. Eventual consistency. With the scenario key `new_instance_invisible_seconds` N, an instance
   younger than N seconds is not visible yet: DescribeInstances, CreateTags and
   TerminateInstances naming it by id answer InvalidInstanceID.NotFound, and filtered
   DescribeInstances leave it out - as EC2 does right after RunInstances.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

from local_aws_scenario import ScenarioState

_local = threading.local()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(t: datetime | None) -> datetime | None:
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    text = str(value).strip().replace("Z", "+00:00")
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def install(state: ScenarioState) -> None:
    _install_spot_requests()
    _install_visibility(state)


# --- 1. spot instance requests of RunInstances ----------------------------------------

def _install_spot_requests() -> None:
    from moto.ec2.models.instances import Instance, InstanceBackend
    from moto.ec2.models.spot_requests import SpotInstanceRequest, SpotRequestBackend
    from moto.ec2.responses.instances import InstanceResponse
    from moto.ec2.utils import random_spot_request_id

    response_run_instances = InstanceResponse.run_instances
    backend_run_instances = InstanceBackend.run_instances
    launch_instance = SpotInstanceRequest.launch_instance
    terminate = Instance.terminate

    def run_instances_response(self: Any) -> Any:
        # The backend sees only the market; the rest of SpotOptions travels beside it.
        _local.spot_options = {
            "type": self._get_param("InstanceMarketOptions.SpotOptions.SpotInstanceType") or "one-time",
            "valid_until": _parse_time(self._get_param("InstanceMarketOptions.SpotOptions.ValidUntil")),
            "behavior": self._get_param("InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior") or "terminate",
            "max_price": self._get_param("InstanceMarketOptions.SpotOptions.MaxPrice"),
        }
        try:
            return response_run_instances(self)
        finally:
            _local.spot_options = None

    def run_instances_backend(backend: Any, image_id: str, count: int, user_data: Any,
                              security_group_names: list[str], **kwargs: Any) -> Any:
        options = getattr(_local, "spot_options", None)
        _local.spot_options = None  # for this call, not for what it triggers
        reservation = backend_run_instances(backend, image_id, count, user_data, security_group_names, **kwargs)
        market = kwargs.get("instance_market_options") or kwargs.get("lifecycle")
        if options is not None and market == "spot" and not kwargs.get("spot_fleet_id"):
            for instance in reservation.instances:
                _adopt(backend, instance, image_id, user_data, kwargs, options)
        return reservation

    def _adopt(backend: Any, instance: Any, image_id: str, user_data: Any, kwargs: dict[str, Any],
               options: dict[str, Any]) -> None:
        """Makes the request EC2 would have made for this instance, without launching another."""
        _local.adopt = instance
        try:
            request = SpotInstanceRequest(
                backend, random_spot_request_id(), options["max_price"], image_id, options["type"], None,
                options["valid_until"], None, None, kwargs.get("key_name"), [], user_data,
                kwargs.get("instance_type"), instance.placement, None, None, False, kwargs.get("subnet_id"),
                kwargs.get("tags") or {}, None, options["behavior"])
        finally:
            _local.adopt = None
        request.run_instances_kwargs = dict(kwargs)
        request.run_instances_image = image_id
        request.run_instances_user_data = user_data
        backend.spot_instance_requests[request.id] = request
        instance.spot_instance_request_id = request.id

    def launch_instance_or_adopt(self: Any) -> Any:
        adopted = getattr(_local, "adopt", None)
        if adopted is not None:
            return adopted
        return launch_instance(self)

    def terminate_and_relaunch(self: Any) -> Any:
        previous = terminate(self)
        request_id = getattr(self, "spot_instance_request_id", None)
        backend = self.ec2_backend
        request = backend.spot_instance_requests.get(request_id) if request_id else None
        if request is None:
            return previous
        if getattr(request, "run_instances_kwargs", None) is not None:
            _after_instance_ended(backend, request)
        elif request.type != "persistent" and request.state == "active":
            request.state, request._status_code = "closed", "instance-terminated-by-user"
        return previous

    def _after_instance_ended(backend: Any, request: Any) -> None:
        if request.state in ("cancelled", "closed"):
            return
        valid_until = _aware(request.valid_until)
        if request.type != "persistent":
            request.state, request._status_code = "closed", "instance-terminated-by-user"
            return
        if valid_until is not None and _now() >= valid_until:
            request.state, request._status_code = "closed", "schedule-expired"
            return
        # Persistent and still valid: EC2 opens the request again and fulfils it with a new
        # instance, running the same user-data.
        request.state, request._status_code = "open", "pending-fulfillment"
        kwargs = dict(request.run_instances_kwargs)
        kwargs["lifecycle"] = "spot"
        kwargs.pop("instance_market_options", None)
        kwargs["placement"] = None
        kwargs["subnet_id"] = request.run_instances_kwargs.get("subnet_id")
        try:
            reservation = InstanceBackend.run_instances(backend, request.run_instances_image, 1,
                                                        request.run_instances_user_data, [], **kwargs)
        except Exception:  # no capacity: the request stays open, as on EC2
            return
        instance = reservation.instances[0]
        instance.spot_instance_request_id = request.id
        request.instance = instance
        request.state, request._status_code = "active", "fulfilled"

    def cancel_keeping(self: Any, request_ids: list[str]) -> list[Any]:
        requests = []
        for request_id in request_ids:
            request = self.spot_instance_requests.get(request_id)
            if request is None:
                from moto.ec2.exceptions import EC2ClientError
                raise EC2ClientError("InvalidSpotInstanceRequestID.NotFound",
                                     f"The spot instance request ID '{request_id}' does not exist")
            if request.state in ("open", "active", "disabled"):
                request.state, request._status_code = "cancelled", "request-canceled-and-instance-running"
            requests.append(request)
        return requests

    InstanceResponse.run_instances = run_instances_response
    InstanceBackend.run_instances = run_instances_backend
    SpotInstanceRequest.launch_instance = launch_instance_or_adopt
    Instance.terminate = terminate_and_relaunch
    SpotRequestBackend.cancel_spot_instance_requests = cancel_keeping


def os_shutdown(instance_id: str, region: str = "us-east-1", account: str = "123456789012") -> dict[str, Any]:
    """Plays the instance powering itself off: EC2 applies InstanceInitiatedShutdownBehavior."""
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[account][region]
    instance = backend.get_instance(instance_id)
    behaviour = getattr(instance, "instance_initiated_shutdown_behavior", None) or "stop"
    if behaviour == "terminate":
        backend.terminate_instances([instance_id])
    else:
        backend.stop_instances([instance_id])
    return {"instance_id": instance_id, "shutdown_behavior": behaviour, "state": instance._state.name}


# --- 3. eventual consistency ---------------------------------------------------------

def _install_visibility(state: ScenarioState) -> None:
    from moto.ec2.exceptions import InvalidInstanceIdError
    from moto.ec2.models.instances import InstanceBackend
    from moto.ec2.models.tags import TagBackend

    describe = InstanceBackend.describe_instances
    create_tags = TagBackend.create_tags
    by_ids = InstanceBackend.get_reservations_by_instance_ids
    multi = InstanceBackend.get_multi_instances_by_id

    def young(instance: Any) -> bool:
        seconds = state.get("new_instance_invisible_seconds", 0) or 0
        if seconds <= 0:
            return False
        value = getattr(instance, "launch_time", None)
        launched = _aware(value) if isinstance(value, datetime) else _parse_time(value)
        return launched is not None and (_now() - launched).total_seconds() < seconds

    def hide(reservations: list[Any]) -> list[Any]:
        out = []
        for reservation in reservations:
            visible = [i for i in reservation.instances if not young(i)]
            if visible:
                reservation.instances = visible
                out.append(reservation)
        return out

    def check(backend: Any, instance_ids: list[str]) -> None:
        if not getattr(_local, "client_read", False):
            return  # moto's own lookups inside a call (RunInstances tagging its instances...)
        for reservation in backend.all_reservations():
            for instance in reservation.instances:
                if instance.id in instance_ids and young(instance):
                    raise InvalidInstanceIdError(instance.id)

    def describe_visible(self: Any, filters: Any = None) -> Any:
        if not getattr(_local, "client_read", False):
            return describe(self, filters)
        return hide(describe(self, filters))

    def by_ids_visible(self: Any, instance_ids: list[str], filters: Any = None) -> Any:
        check(self, instance_ids)
        return by_ids(self, instance_ids, filters)

    def multi_visible(self: Any, instance_ids: list[str], filters: Any = None) -> Any:
        check(self, instance_ids)
        return multi(self, instance_ids, filters)

    def create_tags_visible(self: Any, resource_ids: list[str], tags: dict[str, str]) -> Any:
        check(self, [r for r in resource_ids if r.startswith("i-")])
        return create_tags(self, resource_ids, tags)

    # Only what a client asks about is hidden: the checks apply inside these three calls.
    from moto.ec2.responses.instances import InstanceResponse
    from moto.ec2.responses.tags import TagResponse

    def as_client_read(handler: Any) -> Any:
        def wrapped(self: Any) -> Any:
            _local.client_read = True
            try:
                return handler(self)
            finally:
                _local.client_read = False
        return wrapped

    InstanceResponse.describe_instances = as_client_read(InstanceResponse.describe_instances)
    InstanceResponse.terminate_instances = as_client_read(InstanceResponse.terminate_instances)
    TagResponse.create_tags = as_client_read(TagResponse.create_tags)
    InstanceBackend.describe_instances = describe_visible
    TagBackend.create_tags = create_tags_visible
    InstanceBackend.get_reservations_by_instance_ids = by_ids_visible
    InstanceBackend.get_multi_instances_by_id = multi_visible
