"""EC2 behaviour that real EC2 has and moto 5.2 lacks, patched into moto's classes.

install(state) must run before the first request. What it changes:
- RunInstances: capacity from the scenario (InsufficientInstanceCapacity when fewer
  than MinCount can launch), MaxCount honoured (moto launches MinCount), an
  unpinned launch goes to the first AZ with capacity, InstanceMarketOptions from a
  launch template count, instanceLifecycle is the market (spot) or absent, and a spot
  MaxPrice under the scenario's spot price is SpotMaxPriceTooLow.
- CreateFleet: each override is a capacity pool; pools are tried in allocation
  strategy order, each launching what it can; pools that run short are reported in
  the reply's Errors (instant fleets), as real EC2 does. moto's Fleet is kept and
  only its two launch methods are replaced.
- DescribeInstances: the instance-lifecycle filter (moto: HTTP 500).
- DescribeSpotPriceHistory: prices from the scenario, filters and paging.
- GetSpotPlacementScores: scores from the scenario (placement_scores), which moto lacks.

The capacity check raises InsufficientInstanceCapacity as a moto EC2 error, which
moto serialises with HTTP 400; the middleware in local_aws.py sets the 500 real
EC2 uses.
"""

from __future__ import annotations

import base64
import json
import math
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from local_aws_scenario import ScenarioState, region_of_az

INSUFFICIENT_CAPACITY = "InsufficientInstanceCapacity"

# DescribeSpotPriceHistory offers each scenario price under both Linux descriptions,
# as an account with only VPCs sees them.
SPOT_PRODUCTS = ("Linux/UNIX", "Linux/UNIX (Amazon VPC)")


def capacity_message(instance_type: str, az: str, alternatives: list[str]) -> str:
    message = (f"We currently do not have sufficient {instance_type} capacity in the Availability Zone you "
               f"requested ({az}). Our system will be working on provisioning additional capacity.")
    if alternatives:
        message += (f" You can currently get {instance_type} capacity by not specifying an Availability Zone "
                    f"in your request or choosing {', '.join(alternatives)}.")
    return message


def _zones(backend: Any) -> list[str]:
    return [zone.name for zone in backend.describe_availability_zones()]


def _weight(spec: Any) -> float:
    """A fleet override's WeightedCapacity; EC2 rejects <= 0, here it counts as 1."""
    return spec.weighted_capacity if spec.weighted_capacity > 0 else 1.0


def _room(state: ScenarioState, backend: Any, instance_type: str, market: str, az: str) -> float:
    left = state.capacity.remaining(instance_type, market, backend.region_name, az)
    return math.inf if left is None else left


def install(state: ScenarioState) -> None:
    """Patches moto's EC2 classes so that they consult `state`. Call once, before serving."""
    _install_run_instances(state)
    _install_fleets(state)
    _install_spot_price_history(state)
    _install_placement_scores(state)
    import local_aws_ec2_state
    local_aws_ec2_state.install(state)
    import local_aws_fleet
    local_aws_fleet.install()  # after both: it wraps their Fleet and Instance.terminate
    from moto.ec2 import utils as ec2_utils
    ec2_utils.filter_dict_attribute_mapping["instance-lifecycle"] = "lifecycle"


# --- RunInstances -------------------------------------------------------------

def _install_run_instances(state: ScenarioState) -> None:
    import threading

    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.instances import InstanceBackend
    from moto.ec2.models.spot_requests import SpotInstanceRequest
    from moto.ec2.responses.instances import InstanceResponse

    request_local = threading.local()
    original_response = InstanceResponse.run_instances
    original_backend = InstanceBackend.run_instances

    def response_run_instances(self: Any) -> Any:
        # The backend sees neither MaxCount nor the spot MaxPrice; they travel beside it.
        max_count = self._get_param("MaxCount")
        request_local.max_count = int(max_count) if max_count else None
        request_local.max_price = self._get_param("InstanceMarketOptions.SpotOptions.MaxPrice")
        try:
            result = original_response(self)
        finally:
            request_local.max_count = request_local.max_price = None
        # EC2 gives the instance profile to every instance of the call; moto only to the first.
        reservation = getattr(result, "result", None)
        name = self._get_param("IamInstanceProfile.Name")
        arn = self._get_param("IamInstanceProfile.Arn")
        for instance in (getattr(reservation, "instances", None) or [])[1:]:
            if (name or arn) and not self.ec2_backend.iam_instance_profile_associations.get(instance.id):
                self.ec2_backend.associate_iam_instance_profile(
                    instance_id=instance.id, iam_instance_profile_name=name, iam_instance_profile_arn=arn)
        return result

    def pinned_az(backend: Any, kwargs: dict[str, Any]) -> str | None:
        subnet_id = kwargs.get("subnet_id") or next(
            (nic["SubnetId"] for nic in kwargs.get("nics") or [] if nic.get("SubnetId")), None)
        if subnet_id:
            return backend.get_subnet(subnet_id).availability_zone
        return kwargs.get("placement") or None

    def backend_run_instances(backend: Any, image_id: str, count: int, user_data: Any,
                              security_group_names: list[str], **kwargs: Any) -> Any:
        template = {}
        if kwargs.get("launch_template"):
            template = backend._get_template_from_args(kwargs["launch_template"]).data
        instance_type = kwargs.get("instance_type", "m1.small")
        if kwargs.get("is_instance_type_default") and template.get("InstanceType"):
            instance_type = template["InstanceType"]
        market = kwargs.get("lifecycle") or kwargs.get("instance_market_options") or \
            (template.get("InstanceMarketOptions") or {}).get("MarketType") or "on-demand"
        min_count = count
        max_count = max(getattr(request_local, "max_count", None) or count, min_count)
        max_price = getattr(request_local, "max_price", None) if market == "spot" else None
        request_local.max_count = request_local.max_price = None  # for RunInstances itself, not what it triggers
        region = backend.region_name

        def price_too_low(az: str) -> str | None:
            price = state.spot_price(instance_type, az)
            return price if max_price and price and Decimal(max_price) < Decimal(price) else None

        def fits(az: str) -> bool:
            return _room(state, backend, instance_type, market, az) >= min_count and not price_too_low(az)

        with state.capacity.lock:
            az = pinned_az(backend, kwargs)
            zones = _zones(backend)
            if az is None:
                az = next((z for z in zones if fits(z)), zones[0] if zones else region + "a")
                if az != region + "a":  # moto's own default; naming it would make moto validate it
                    kwargs["placement"] = az
            if price_too_low(az):
                raise EC2ClientError("SpotMaxPriceTooLow", f"Your Spot request price of {max_price} is lower than the "
                                     f"minimum required Spot request fulfillment price of {price_too_low(az)}.")
            room = _room(state, backend, instance_type, market, az)
            if room < min_count:
                others = [z for z in zones if z != az and fits(z)]
                raise EC2ClientError(INSUFFICIENT_CAPACITY, capacity_message(instance_type, az, others))
            launch = int(min(max_count, room))
            reservation = original_backend(backend, image_id, launch, user_data, security_group_names, **kwargs)
            state.capacity.take(instance_type, market, region, az, launch)
        for instance in reservation.instances:
            instance.lifecycle = None if market == "on-demand" else market
            if not kwargs.get("metadata_options"):
                _template_metadata_options(instance, template)
        return reservation

    def launch_instance(self: Any) -> Any:
        # moto drops the request's placement; keep it so that spot capacity is per AZ.
        reservation = self.ec2_backend.run_instances(
            image_id=self.launch_specification.image_id,
            count=1,
            user_data=self.user_data,
            instance_type=self.launch_specification.instance_type,
            is_instance_type_default=not self.launch_specification.instance_type,
            subnet_id=self.launch_specification.subnet_id,
            placement=self.launch_specification.availability_zone,
            key_name=self.launch_specification.key_name,
            security_group_names=[],
            security_group_ids=self.launch_specification.groups,
            spot_fleet_id=self.spot_fleet_id,
            tags=self.all_tags,
            lifecycle="spot",
        )
        # Real EC2 names the request on its instance (DescribeInstances spotInstanceRequestId);
        # moto does not. Clients need it to cancel a persistent request before terminating.
        reservation.instances[0].spot_instance_request_id = self.id
        return reservation.instances[0]

    InstanceResponse.run_instances = response_run_instances
    InstanceBackend.run_instances = backend_run_instances
    SpotInstanceRequest.launch_instance = launch_instance


def _template_metadata_options(instance: Any, template: dict[str, Any]) -> None:
    """A launch template's MetadataOptions (InstanceMetadataTags: whether the metadata service shows
    the instance's tags), which moto does not give the instances it launches from it."""
    options = template.get("MetadataOptions")
    if isinstance(options, dict) and options:
        from moto.ec2.models.instances import MetadataOptions
        instance.metadata_options = MetadataOptions(options)


# --- CreateFleet --------------------------------------------------------------

def _install_fleets(state: ScenarioState) -> None:
    from moto.ec2.models import fleets as fleets_module
    from moto.ec2.responses.fleets import Fleets as FleetsResponse

    class CapacityAwareFleet(fleets_module.Fleet):
        """moto's Fleet whose launches respect scenario capacity and record Errors."""

        __module__ = fleets_module.__name__  # moto's model registry files classes by module

        def __init__(self, *args: Any, **kwargs: Any):
            self.errors: list[dict[str, Any]] = []
            super().__init__(*args, **kwargs)
            # moto's constructor decides the default-capacity remainder from
            # fulfilled_capacity, so the launch methods count what they attempted;
            # from here on it is what was really launched.
            self.fulfilled_capacity = self.fulfilled_on_demand_capacity + self.fulfilled_spot_capacity

        @property
        def instances(self) -> list[dict[str, Any]] | None:
            """As EC2 replies: one entry per (pool, lifecycle) with all its InstanceIds (moto: one per instance)."""
            flat = super().instances
            if flat is None:
                return None
            grouped: dict[str, dict[str, Any]] = {}
            for item in flat:
                key = json.dumps([item["Lifecycle"], item["InstanceType"], item.get("LaunchTemplateAndOverrides")],
                                 sort_keys=True, default=str)
                if key in grouped:
                    grouped[key]["InstanceIds"].extend(item["InstanceIds"])
                else:
                    grouped[key] = dict(item, InstanceIds=list(item["InstanceIds"]))
            return list(grouped.values())

        def create_spot_requests(self, weight_to_add: float) -> list[Any]:
            self._launch(weight_to_add, "spot")
            return self.spot_requests

        def create_on_demand_requests(self, weight_to_add: float) -> None:
            self._launch(weight_to_add, "on-demand")

        def _spec_az(self, spec: Any) -> str | None:
            if spec.subnet_id:
                return self.ec2_backend.get_subnet(spec.subnet_id).availability_zone
            overrides = spec.overrides or {}
            return overrides.get("AvailabilityZone") or (overrides.get("Placement") or {}).get("AvailabilityZone")

        def _ordered_specs(self, market: str) -> list[Any]:
            options = (self.spot_options if market == "spot" else self.on_demand_options) or {}
            strategy = options.get("AllocationStrategy") or "lowest-price"
            region = self.ec2_backend.region_name
            zones = _zones(self.ec2_backend)

            def price(spec: Any) -> Decimal:
                if market == "spot":
                    azs = [self._spec_az(spec)] if self._spec_az(spec) else zones
                    prices = [state.spot_price(spec.instance_type, az) for az in azs]
                else:
                    prices = [state.on_demand_price(region, spec.instance_type)]
                known = [Decimal(p) for p in prices if p is not None]
                return min(known) if known else Decimal("Infinity")

            def priority(spec: Any) -> float:
                value = (spec.overrides or {}).get("Priority")
                return math.inf if value is None else float(value)

            indexed = list(enumerate(self.launch_specs))
            if strategy in ("prioritized", "capacity-optimized-prioritized"):
                indexed.sort(key=lambda pair: (priority(pair[1]), pair[0]))
            elif strategy in ("capacity-optimized",):
                indexed.sort(key=lambda pair: (-self._pool_room(pair[1], market)[1], pair[0]))
            elif strategy != "diversified":
                indexed.sort(key=lambda pair: (price(pair[1]), pair[0]))
            return [spec for _, spec in indexed]

        def _pool_room(self, spec: Any, market: str, used: dict | None = None) -> tuple[str, float, Any]:
            """(az, room, pool) for the spec: its own AZ, or the first AZ with room left.
            `used` counts what this call already planned per pool."""
            used = used if used is not None else {}
            pinned = self._spec_az(spec)
            candidates = [pinned] if pinned else _zones(self.ec2_backend)
            for az in candidates:
                entry, left = state.capacity.pool(spec.instance_type, market, self.ec2_backend.region_name, az)
                pool = (spec.instance_type, az) if entry is None else entry
                room = (math.inf if left is None else left) - used.get(pool, 0)
                if room > 0:
                    return az, room, pool
            return candidates[0], 0, None

        def _launch(self, weight_to_add: float, market: str) -> None:
            specs = self._ordered_specs(market)
            if not specs or weight_to_add <= 0:
                return
            options = (self.spot_options if market == "spot" else self.on_demand_options) or {}
            diversified = options.get("AllocationStrategy") == "diversified"
            with state.capacity.lock:
                plan: dict[tuple[int, str], int] = defaultdict(int)
                used: dict[Any, int] = defaultdict(int)
                short: set[int] = set()
                remaining = weight_to_add
                turn = 0
                while remaining > 0 and len(short) < len(specs):
                    index = turn % len(specs) if diversified else min(i for i in range(len(specs)) if i not in short)
                    turn += 1
                    if index in short:
                        continue
                    spec = specs[index]
                    az, room, pool = self._pool_room(spec, market, used)
                    if room <= 0:
                        short.add(index)
                        self._record_error(spec, market, az)
                        continue
                    plan[(index, az)] += 1
                    used[pool] += 1
                    remaining -= _weight(spec)
                launched = 0.0
                for (index, az), count in plan.items():
                    spec = specs[index]
                    placement = None if spec.subnet_id or az == self.ec2_backend.region_name + "a" else az
                    if market == "spot":
                        self._launch_spot(spec, count, placement)
                    else:
                        self._launch_on_demand(spec, count, placement)
                    launched += count * _weight(spec)
            self.fulfilled_capacity += weight_to_add  # attempted; see __init__
            if market == "spot":
                self.fulfilled_spot_capacity += launched
            else:
                self.fulfilled_on_demand_capacity += launched

        def _template_data(self, spec: Any) -> dict[str, Any]:
            ref = spec.launch_template_spec or {}
            try:
                if ref.get("LaunchTemplateId"):
                    return self.ec2_backend.get_launch_template(ref["LaunchTemplateId"]).latest_version().data
                if ref.get("LaunchTemplateName"):
                    return self.ec2_backend.get_launch_template_by_name(ref["LaunchTemplateName"]).latest_version().data
            except Exception:
                pass
            return {}

        def _apply_template(self, spec: Any, instances: list[Any]) -> None:
            """What moto's fleet drops from the launch template: the shutdown behaviour, the
            instance profile and the metadata options."""
            data = self._template_data(spec)
            behaviour = data.get("InstanceInitiatedShutdownBehavior")
            profile = data.get("IamInstanceProfile") or {}
            for instance in instances:
                _template_metadata_options(instance, data)
                if behaviour:
                    instance.instance_initiated_shutdown_behavior = behaviour
                if (profile.get("Name") or profile.get("Arn")) and \
                        not self.ec2_backend.iam_instance_profile_associations.get(instance.id):
                    self.ec2_backend.associate_iam_instance_profile(
                        instance_id=instance.id, iam_instance_profile_name=profile.get("Name"),
                        iam_instance_profile_arn=profile.get("Arn"))

        def _launch_spot(self, spec: Any, count: int, placement: str | None) -> None:
            before = len(self.spot_requests)
            self._launch_spot_requests(spec, count, placement)
            self._apply_template(spec, [r.instance for r in self.spot_requests[before:]])

        def _launch_spot_requests(self, spec: Any, count: int, placement: str | None) -> None:
            self.spot_requests.extend(self.ec2_backend.request_spot_instances(
                price=spec.spot_price, image_id=spec.image_id, count=count,
                spot_instance_type="one-time" if self.fleet_type == "instant" else "persistent",
                valid_from=None, valid_until=None, launch_group=None, availability_zone_group=None,
                key_name=spec.key_name, security_groups=spec.group_set, user_data=spec.user_data,
                instance_type=spec.instance_type, placement=placement, kernel_id=None, ramdisk_id=None,
                monitoring_enabled=spec.monitoring_enabled, subnet_id=spec.subnet_id,
                spot_fleet_id=self.id, tags=spec.tag_specifications, launch_spec=spec))

        def _launch_on_demand(self, spec: Any, count: int, placement: str | None) -> None:
            reservation = self.ec2_backend.run_instances(
                image_id=spec.image_id, count=count, instance_type=spec.instance_type,
                is_instance_type_default=False, key_name=spec.key_name,
                security_group_names=spec.group_set, user_data=spec.user_data, placement=placement,
                kernel_id=None, ramdisk_id=None, monitoring_enabled=spec.monitoring,
                subnet_id=spec.subnet_id, fleet_id=self.id, tags=spec.tag_specifications)
            for instance in reservation.instances:
                self.on_demand_instances.append({"id": reservation.id, "instance": instance, "launch_spec": spec})
            self._apply_template(spec, reservation.instances)

        def _record_error(self, spec: Any, market: str, az: str) -> None:
            lto: dict[str, Any] = {"LaunchTemplateSpecification": spec.launch_template_spec}
            if spec.overrides:
                lto["Overrides"] = spec.overrides
            error = {"LaunchTemplateAndOverrides": lto, "Lifecycle": market, "ErrorCode": INSUFFICIENT_CAPACITY,
                     "ErrorMessage": capacity_message(spec.instance_type, az, [])}
            if error not in self.errors:
                self.errors.append(error)

    original_create_fleet = FleetsResponse.create_fleet

    def create_fleet(self: Any) -> Any:
        result = original_create_fleet(self)
        fleet = self.ec2_backend.get_fleet(result.result["FleetId"])
        if fleet is not None and fleet.fleet_type == "instant":
            result.result["Errors"] = list(getattr(fleet, "errors", []))
        return result

    fleets_module.Fleet = CapacityAwareFleet
    FleetsResponse.create_fleet = create_fleet


# --- DescribeSpotPriceHistory -------------------------------------------------

def _parse_time(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = str(value).strip()
    try:
        return datetime.fromtimestamp(float(text), tz=timezone.utc)
    except ValueError:
        pass
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def spot_price_history(state: ScenarioState, region: str, instance_types: list[str], products: list[str],
                       az: str | None, filters: dict[str, list[str]], start: Any, end: Any,
                       now: datetime) -> list[dict[str, Any]]:
    """The scenario's spot prices in `region` that pass the filters, newest first.

    Each price is in effect since the top of the previous hour, so any StartTime up
    to now sees it; an EndTime before then sees nothing. A pool in `spot_price_history`
    ({type: {az: [[time, price], ...]}}) has those changes instead: as EC2 answers, the
    price in effect at StartTime and every change after it, up to EndTime.
    """
    stamp = (now - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    start_time, end_time = _parse_time(start), _parse_time(end)
    if end_time is not None and end_time < stamp:
        return []
    if start_time is not None and start_time > now + timedelta(minutes=5):
        return []
    wanted_types = set(instance_types) | set(filters.get("instance-type", []))
    wanted_products = set(products) | set(filters.get("product-description", []))
    wanted_azs = ({az} if az else set()) | set(filters.get("availability-zone", []))
    wanted_prices = {Decimal(p) for p in filters.get("spot-price", [])}
    rows = []
    history = state.get("spot_price_history", {}) or {}
    pools = {(t, z): price for t, by_az in state.get("spot_prices", {}).items() for z, price in by_az.items()}
    for t, by_az in history.items():
        for z in by_az:
            pools.setdefault((t, z), None)
    by_type: dict[str, dict[str, Any]] = {}
    for (t, z), price in pools.items():
        by_type.setdefault(t, {})[z] = price
    for itype, by_az in sorted(by_type.items()):
        if wanted_types and itype not in wanted_types:
            continue
        for zone, price in sorted(by_az.items()):
            if region_of_az(zone) != region or (wanted_azs and zone not in wanted_azs):
                continue
            points = [(stamp, price)]
            if zone in history.get(itype, {}):
                changes = sorted((_parse_time(t), p) for t, p in history[itype][zone])
                first = max([i for i, (t, _) in enumerate(changes) if start_time is None or t <= start_time], default=0)
                points = [(t, p) for t, p in changes[first:] if end_time is None or t <= end_time]
            for when, value in points:
                if wanted_prices and Decimal(value) not in wanted_prices:
                    continue
                for product in SPOT_PRODUCTS:
                    if wanted_products and product not in wanted_products:
                        continue
                    rows.append({"AvailabilityZone": zone, "InstanceType": itype, "ProductDescription": product,
                                 "SpotPrice": _six_places(value), "Timestamp": when})
    rows.sort(key=lambda r: r["Timestamp"], reverse=True)
    return rows


def _six_places(price: str) -> str:
    """EC2 prints spot prices with six decimals ("0.030200"); keep more if given more."""
    value = Decimal(price)
    return f"{value:.6f}" if value == value.quantize(Decimal("0.000001")) else price


def placement_scores(state: ScenarioState, instance_types: list[str], regions: list[str],
                     zones: dict[str, list[tuple[str, str]]] | None = None) -> list[dict[str, Any]]:
    """GetSpotPlacementScores from the scenario's placement_scores {region or AZ name: {type: score}}:
    per region asked, the best score of the types (EC2 scores them together: any of them may fill the
    request); a region with none of them scored is left out, as EC2 leaves out what it cannot score.
    With zones ({region: [(AZ name, AZ id)]}, SingleAvailabilityZone=true): a row per AZ, naming its
    AZ id as EC2 does, its score the AZ's own entry, else its region's."""
    table = state.get("placement_scores", {}) or {}

    def best(key: str) -> int | None:
        scores = [s for t, s in (table.get(key) or {}).items() if t in instance_types]
        return max(scores) if scores else None

    out = []
    for region in regions:
        if zones is None:
            if (score := best(region)) is not None:
                out.append({"Region": region, "Score": score})
            continue
        for name, zone_id in zones.get(region, []):
            score = best(name)
            if score is None:
                score = best(region)
            if score is not None:
                out.append({"Region": region, "AvailabilityZoneId": zone_id, "Score": score})
    return out


def _install_placement_scores(state: ScenarioState) -> None:
    from moto.core.responses import ActionResult
    from moto.ec2.responses.spot_instances import SpotInstances

    def get_spot_placement_scores(self: Any) -> Any:
        from moto.ec2.models import ec2_backends
        regions = self._get_param("RegionNames", []) or [self.region]
        zones = None
        if str(self._get_param("SingleAvailabilityZone", "false")).lower() == "true":
            backends = ec2_backends[self.current_account]
            zones = {r: [(z.name, z.zone_id) for z in backends[r].describe_availability_zones()
                         if z.zone_type == "availability-zone"] for r in regions}
        rows = placement_scores(state, self._get_param("InstanceTypes", []) or [], regions, zones)
        return ActionResult({"SpotPlacementScores": rows})

    SpotInstances.get_spot_placement_scores = get_spot_placement_scores


def _install_spot_price_history(state: ScenarioState) -> None:
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.responses.spot_instances import SpotInstances
    from moto.core.responses import ActionResult

    def describe_spot_price_history(self: Any) -> Any:
        rows = spot_price_history(
            state, self.region,
            instance_types=self._get_param("InstanceTypes", []) or [],
            products=self._get_param("ProductDescriptions", []) or [],
            az=self._get_param("AvailabilityZone"),
            filters=self._filters_from_querystring(),
            start=self._get_param("StartTime"), end=self._get_param("EndTime"),
            now=datetime.now(timezone.utc))
        max_results = int(self._get_param("MaxResults") or 1000)
        if not 1 <= max_results <= 1000:
            raise EC2ClientError("InvalidParameterValue", f"Value ({max_results}) for parameter maxResults is invalid.")
        token = self._get_param("NextToken")
        start = 0
        if token:
            try:
                start = int(base64.urlsafe_b64decode(token.encode()).decode().split(":")[1])
            except (ValueError, IndexError, UnicodeDecodeError):
                raise EC2ClientError("InvalidNextToken", "The token is not valid.")
        page = rows[start:start + max_results]
        result: dict[str, Any] = {"SpotPriceHistory": page}
        if start + max_results < len(rows):
            result["NextToken"] = base64.urlsafe_b64encode(f"sph:{start + max_results}".encode()).decode()
        else:
            result["NextToken"] = ""
        return ActionResult(result)

    SpotInstances.describe_spot_price_history = describe_spot_price_history
