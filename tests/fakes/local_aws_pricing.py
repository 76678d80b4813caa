"""The AWS Price List Query API (service "pricing", JSON 1.1, AWSPriceListService.*).

moto has no pricing service. This one serves EC2 product documents built from the
scenario's on_demand_prices. For each (region, instance type) it serves the Linux,
shared-tenancy, no-software, capacitystatus=Used product at exactly the scenario
price, plus the neighbours a real query without enough filters also returns
(capacity reservations, dedicated and host tenancy, SQL Web, Windows, RHEL, SUSE),
priced differently, so a client that filters loosely picks the wrong price here as
it would against AWS.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
from decimal import Decimal
from typing import Any

from local_aws_scenario import ScenarioState

ACCOUNT_ID = "123456789012"
PUBLICATION = "2025-11-01T00:00:00Z"
VERSION = "20251101000000"
ON_DEMAND_TERM = "JRTCKXETXF"   # AWS's offer term code for on-demand
HOURLY_RATE = "6YS6EN2CT7"      # AWS's rate code for the hourly dimension
RESERVED_TERM = "4NA7Y494T4"    # 1yr standard no-upfront
MAX_RESULTS = 100

LOCATIONS = {
    "us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)", "us-west-2": "US West (Oregon)",
    "ca-central-1": "Canada (Central)", "eu-west-1": "EU (Ireland)", "eu-west-2": "EU (London)",
    "eu-west-3": "EU (Paris)", "eu-central-1": "EU (Frankfurt)", "eu-north-1": "EU (Stockholm)",
    "eu-south-1": "EU (Milan)", "ap-south-1": "Asia Pacific (Mumbai)", "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)", "ap-northeast-3": "Asia Pacific (Osaka)",
    "ap-southeast-1": "Asia Pacific (Singapore)", "ap-southeast-2": "Asia Pacific (Sydney)",
    "sa-east-1": "South America (Sao Paulo)",
}
USAGE_PREFIX = {
    "us-east-1": "", "us-east-2": "USE2-", "us-west-1": "USW1-", "us-west-2": "USW2-", "ca-central-1": "CAN1-",
    "eu-west-1": "EU-", "eu-west-2": "EUW2-", "eu-west-3": "EUW3-", "eu-central-1": "EUC1-", "eu-north-1": "EUN1-",
    "eu-south-1": "EUS1-", "ap-south-1": "APS3-", "ap-northeast-1": "APN1-", "ap-northeast-2": "APN2-",
    "ap-northeast-3": "APN3-", "ap-southeast-1": "APS1-", "ap-southeast-2": "APS2-", "sa-east-1": "SAE1-",
}
FAMILIES = {"m": "General purpose", "t": "General purpose", "a": "General purpose", "c": "Compute optimized",
            "r": "Memory optimized", "x": "Memory optimized", "z": "Memory optimized", "g": "GPU instance",
            "p": "GPU instance", "i": "Storage optimized", "d": "Storage optimized", "h": "Storage optimized"}

# (operatingSystem, tenancy, preInstalledSw, capacitystatus, licenseModel, operation, usage kind, extra per vCPU-hour)
# extra None = host tenancy: the instance itself is free, the host is billed.
VARIANTS = [
    ("Linux", "Shared", "NA", "Used", "No License required", "RunInstances", "BoxUsage", Decimal("0")),
    ("Linux", "Shared", "NA", "AllocatedCapacityReservation", "No License required", "RunInstances", "Reservation", Decimal("0")),
    ("Linux", "Shared", "NA", "UnusedCapacityReservation", "No License required", "RunInstances", "UnusedBox", Decimal("0")),
    ("Linux", "Dedicated", "NA", "Used", "No License required", "RunInstances", "DedicatedUsage", Decimal("0.0050")),
    ("Linux", "Host", "NA", "Used", "No License required", "RunInstances", "HostBoxUsage", None),
    ("Linux", "Shared", "SQL Web", "Used", "No License required", "RunInstances:0200", "BoxUsage", Decimal("0.0170")),
    ("Windows", "Shared", "NA", "Used", "License Included", "RunInstances:0002", "BoxUsage", Decimal("0.0460")),
    ("RHEL", "Shared", "NA", "Used", "No License required", "RunInstances:0010", "BoxUsage", Decimal("0.0072")),
    ("SUSE", "Shared", "NA", "Used", "No License required", "RunInstances:000g", "BoxUsage", Decimal("0.0062")),
]


SIZE_FACTORS = {"nano": 0.25, "micro": 0.5, "small": 1, "medium": 2, "large": 4, "xlarge": 8}


def _size_factor(instance_type: str) -> str:
    """AWS's normalization factor: large = 4, xlarge = 8, 2xlarge = 16..."""
    size = instance_type.split(".", 1)[-1]
    if size in SIZE_FACTORS:
        return f"{SIZE_FACTORS[size]:g}"
    if size.endswith("xlarge") and size[:-6].isdigit():
        return str(8 * int(size[:-6]))
    return "NA"


class PricingError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _instance_types() -> dict[str, Any]:
    import moto
    path = os.path.join(os.path.dirname(moto.__file__), "ec2", "resources", "instance_types.json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


class PriceList:
    """Builds product documents on demand; the instance type data is read once."""

    def __init__(self, state: ScenarioState):
        self._state = state
        self._types: dict[str, Any] | None = None
        self._cache: tuple[int, list[dict[str, Any]]] | None = None

    def _type_info(self, instance_type: str) -> dict[str, Any]:
        if self._types is None:
            self._types = _instance_types()
        return self._types.get(instance_type, {})

    def attributes(self, region: str, instance_type: str, variant: tuple) -> dict[str, str]:
        os_name, tenancy, software, capacity, license_model, operation, usage, _ = variant
        info = self._type_info(instance_type)
        vcpu = info.get("VCpuInfo", {}).get("DefaultVCpus", 2)
        memory = info.get("MemoryInfo", {}).get("SizeInMiB", 8192) / 1024
        processor = info.get("ProcessorInfo", {})
        gpus = info.get("GpuInfo", {}).get("Gpus", [])
        maker = processor.get("Manufacturer", "Intel")
        return {
            "instanceType": instance_type,
            "instanceFamily": FAMILIES.get(instance_type[:1], "General purpose"),
            "vcpu": str(vcpu),
            "memory": f"{memory:g} GiB",
            "gpu": str(sum(g.get("Count", 0) for g in gpus)) if gpus else "0",
            "storage": "EBS only" if not info.get("InstanceStorageSupported") else
                       f"{info.get('InstanceStorageInfo', {}).get('TotalSizeInGB', 0)} GB NVMe SSD",
            "networkPerformance": info.get("NetworkInfo", {}).get("NetworkPerformance", "Up to 12.5 Gigabit"),
            "processorArchitecture": "64-bit",
            "physicalProcessor": {"Intel": "Intel Xeon Scalable", "AMD": "AMD EPYC",
                                  "AWS": "AWS Graviton"}.get(maker, maker),
            "clockSpeed": f"{processor.get('SustainedClockSpeedInGhz', 3.0)} GHz",
            "currentGeneration": "Yes" if info.get("CurrentGeneration", True) else "No",
            "location": LOCATIONS.get(region, region),
            "locationType": "AWS Region",
            "regionCode": region,
            "servicecode": "AmazonEC2",
            "servicename": "Amazon Elastic Compute Cloud",
            "operatingSystem": os_name,
            "tenancy": tenancy,
            "preInstalledSw": software,
            "capacitystatus": capacity,
            "licenseModel": license_model,
            "operation": operation,
            "usagetype": f"{USAGE_PREFIX.get(region, '')}{usage}:{instance_type}",
            "marketoption": "OnDemand",
            "availabilityzone": "NA",
            "ecu": "NA",
            "normalizationSizeFactor": _size_factor(instance_type),
            "vpcnetworkingsupport": "true",
            "classicnetworkingsupport": "false",
        }

    def products(self, service_code: str) -> list[dict[str, Any]]:
        """Every product document (as dicts) for the service, in a stable order."""
        if service_code != "AmazonEC2":
            return []
        version = self._state.version
        if self._cache is not None and self._cache[0] == version:
            return self._cache[1]
        docs = []
        for region, by_type in sorted(self._state.get("on_demand_prices", {}).items()):
            for instance_type, price in sorted(by_type.items()):
                vcpu = int(self._type_info(instance_type).get("VCpuInfo", {}).get("DefaultVCpus", 2))
                for variant in VARIANTS:
                    extra = variant[-1]
                    amount = Decimal("0") if extra is None else Decimal(price) + extra * vcpu
                    docs.append(self._document(region, instance_type, variant, amount))
        self._cache = (version, docs)
        return docs

    def _document(self, region: str, instance_type: str, variant: tuple, amount: Decimal) -> dict[str, Any]:
        attributes = self.attributes(region, instance_type, variant)
        digest = hashlib.sha1(json.dumps(attributes, sort_keys=True).encode()).digest()
        sku = base64.b32encode(digest).decode()[:16]
        os_name, tenancy = variant[0], variant[1]
        shown = f"{amount.normalize():f}" if amount else "0.00"
        kind = "On Demand" if tenancy == "Shared" else f"{tenancy}"
        od_key = f"{sku}.{ON_DEMAND_TERM}"
        terms: dict[str, Any] = {"OnDemand": {od_key: {
            "priceDimensions": {f"{od_key}.{HOURLY_RATE}": {
                "unit": "Hrs", "endRange": "Inf", "beginRange": "0", "appliesTo": [],
                "description": f"${shown} per {kind} {os_name} {instance_type} Instance Hour",
                "rateCode": f"{od_key}.{HOURLY_RATE}",
                "pricePerUnit": {"USD": f"{amount:.10f}"}}},
            "sku": sku, "effectiveDate": PUBLICATION, "offerTermCode": ON_DEMAND_TERM, "termAttributes": {}}}}
        if variant[3] == "Used" and amount:
            reserved = (amount * Decimal("0.63")).quantize(Decimal("0.0001"))
            rs_key = f"{sku}.{RESERVED_TERM}"
            terms["Reserved"] = {rs_key: {
                "priceDimensions": {f"{rs_key}.{HOURLY_RATE}": {
                    "unit": "Hrs", "endRange": "Inf", "beginRange": "0", "appliesTo": [],
                    "description": f"{os_name} ({instance_type}), No Upfront",
                    "rateCode": f"{rs_key}.{HOURLY_RATE}", "pricePerUnit": {"USD": f"{reserved:.10f}"}}},
                "sku": sku, "effectiveDate": PUBLICATION, "offerTermCode": RESERVED_TERM,
                "termAttributes": {"LeaseContractLength": "1yr", "OfferingClass": "standard",
                                   "PurchaseOption": "No Upfront"}}}
        return {"product": {"productFamily": "Compute Instance", "attributes": attributes, "sku": sku},
                "serviceCode": "AmazonEC2", "terms": terms, "version": VERSION, "publicationDate": PUBLICATION}


def _matches(doc: dict[str, Any], filters: list[dict[str, Any]]) -> bool:
    fields = {k.lower(): v for k, v in doc["product"]["attributes"].items()}
    fields["productfamily"] = doc["product"]["productFamily"]
    fields["sku"] = doc["product"]["sku"]
    for f in filters:
        kind, value = f.get("Type", "TERM_MATCH"), f.get("Value", "")
        actual = fields.get(str(f.get("Field", "")).lower())
        if kind in ("TERM_MATCH", "EQUALS"):
            ok = actual == value
        elif kind == "CONTAINS":
            ok = actual is not None and value in actual
        elif kind == "ANY_OF":
            ok = actual in [v.strip() for v in value.split(",")]
        elif kind == "NONE_OF":
            ok = actual not in [v.strip() for v in value.split(",")]
        else:
            raise PricingError(400, "InvalidParameterException", f"Invalid filter type: {kind}")
        if not ok:
            return False
    return True


def _page(items: list[Any], body: dict[str, Any], tag: str) -> tuple[list[Any], str | None]:
    max_results = body.get("MaxResults", MAX_RESULTS)
    if not isinstance(max_results, int) or not 1 <= max_results <= MAX_RESULTS:
        raise PricingError(400, "InvalidParameterException", f"MaxResults must be between 1 and {MAX_RESULTS}")
    start = 0
    if body.get("NextToken"):
        try:
            prefix, offset = base64.urlsafe_b64decode(body["NextToken"].encode()).decode().split(":")
            assert prefix == tag
            start = int(offset)
        except Exception:
            raise PricingError(400, "InvalidNextTokenException", "The pagination token is invalid. Try again without a pagination token.")
    end = start + max_results
    token = base64.urlsafe_b64encode(f"{tag}:{end}".encode()).decode() if end < len(items) else None
    return items[start:end], token


def handle(price_list: PriceList, state: ScenarioState, action: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Answers one Price List API call: (HTTP status, JSON body). Errors use the JSON 1.1 shape."""
    try:
        if (state.get("pricing") or {}).get("deny"):
            raise PricingError(400, "AccessDeniedException",
                               f"User: arn:aws:iam::{ACCOUNT_ID}:user/testing is not authorized to perform: "
                               f"pricing:{action} because no identity-based policy allows the pricing:{action} action")
        if action == "GetProducts":
            if not body.get("ServiceCode"):
                raise PricingError(400, "InvalidParameterException", "ServiceCode is required")
            docs = [d for d in price_list.products(body["ServiceCode"]) if _matches(d, body.get("Filters") or [])]
            page, token = _page(docs, body, "gp")
            reply: dict[str, Any] = {"FormatVersion": body.get("FormatVersion", "aws_v1"),
                                     "PriceList": [json.dumps(d, separators=(",", ":")) for d in page]}
        elif action == "DescribeServices":
            services = [{"ServiceCode": "AmazonEC2",
                         "AttributeNames": sorted(price_list.attributes("us-east-1", "m7i.large", VARIANTS[0]))}]
            if body.get("ServiceCode"):
                services = [s for s in services if s["ServiceCode"] == body["ServiceCode"]]
            page, token = _page(services, body, "ds")
            reply = {"Services": page, "FormatVersion": body.get("FormatVersion", "aws_v1")}
        elif action == "GetAttributeValues":
            name = str(body.get("AttributeName", "")).lower()
            values = sorted({v for d in price_list.products(body.get("ServiceCode", ""))
                             for k, v in d["product"]["attributes"].items() if k.lower() == name})
            page, token = _page([{"Value": v} for v in values], body, "av")
            reply = {"AttributeValues": page}
        else:
            raise PricingError(400, "UnknownOperationException", f"Unknown operation {action}")
        if token:
            reply["NextToken"] = token
        return 200, reply
    except PricingError as e:
        return e.status, {"__type": e.code, "Message": e.message}
