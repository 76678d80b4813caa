"""The model check of the local AWS: every request against the botocore service model of its
operation, the JSON documents the AWS SDKs and CLI are generated from (read with botocore's own
loader, never a copy). A request that does not fit is refused before moto sees it.

What is checked (README.md, "Model check", says the same for users of the fake):
- EC2 (protocol ec2) and the query services (IAM, SNS, STS): Action is an operation, Version the
  model's (or one of the older EC2 versions botocore ships, checked against that version), and
  every other form or query key is a member by its serialized name: EC2 capitalised
  queryName / locationName and `.N` lists; query `.member.N` lists and `.entry.N.key/.value`
  maps (flattened ones without the `member` / `entry`). Values fit their type (integer, long,
  float, double, boolean, timestamp, blob base64), their range (min/max of numbers, lengths of
  strings and lists) and their enum; every required member is present at every level.
- JSON 1.1 (SSM, pricing): the X-Amz-Target operation, the body a JSON object whose keys are
  members (nested objects and arrays walked the same way), JSON types per shape, same ranges,
  enums and required members.
- rest-xml (S3): the operation found from method, path and query (`/{Bucket}/{Key+}?uploads`),
  every query parameter a querystring member of it (or a presigned URL's X-Amz-*, or `x-id`),
  required uri / querystring / header members present, and the querystring values typed. The
  XML body and the headers that are not required members are not checked.
- rest-json (the SSO portal, FIS): the same as rest-xml, header names compared with '_' and '-'
  alike (x-amz-sso_bearer_token); uri labels typed like query values; the JSON body checked like
  JSON 1.1's (its members those without a location: no uri, querystring or header member in it). Operations whose model says they take no signature ("authtype":
  "none": STS AssumeRoleWithWebIdentity, the portal's calls) are let through unsigned
  (takes_unsigned).
Not checked anywhere: `pattern` (AWS applies its own, often different, rules server side), the
length of blobs, the enum of instance types (OPEN_ENUMS: EC2 knows types before the models do
and answers an unknown one with InvalidInstanceType, as moto does), and services without a
botocore model (left to moto).

Refusals: HTTP 400 with `UnknownParameter`, `MissingParameter` or `InvalidParameterValue`
(`InvalidAction` for an unknown operation, `NoSuchVersion` for an unknown Version) naming the
parameter as it was sent, in the protocol's error shape (local_aws.error_reply).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

# Keys a query request may carry that are not members: the action and version, and the
# signature of a request signed in its query string (SigV4 presigned, SigV2).
QUERY_AUTH_KEYS = frozenset({
    "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
    "X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Content-Sha256", "X-Amz-User-Agent",
    "AWSAccessKeyId", "SignatureVersion", "SignatureMethod", "Signature", "Timestamp", "Expires",
    "SecurityToken"})
# botocore adds x-id=<Operation> to some S3 requests; S3 ignores it.
REST_EXTRA_QUERY_KEYS = frozenset({"x-id"})
# Enums that are open lists: EC2 has new instance types before the SDK models list them, and
# answers an unknown one with its own error (InvalidInstanceType), which moto gives too.
OPEN_ENUMS = frozenset({"InstanceType"})
ISO8601 = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
RFC822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
INTEGER = re.compile(r"^-?\d+$")


@dataclass
class Refusal:
    """Why the model refuses a request: an AWS error code, the parameter as sent, a message."""
    code: str
    parameter: str | None
    message: str
    status: int = 400

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "parameter": self.parameter, "message": self.message}


def unknown(key: str) -> Refusal:
    return Refusal("UnknownParameter", key, f"The parameter {key} is not recognized")


def missing(key: str) -> Refusal:
    return Refusal("MissingParameter", key, f"The request must contain the parameter {key}")


def invalid(key: str, value: Any, why: str) -> Refusal:
    shown = value if isinstance(value, str) else json.dumps(value)
    if len(shown) > 200:
        shown = shown[:200] + "..."
    return Refusal("InvalidParameterValue", key, f"Value ({shown}) for parameter {key} is invalid. {why}")


class _Invalid(Exception):
    def __init__(self, refusal: Refusal):
        super().__init__(refusal.message)
        self.refusal = refusal


# --- shapes ----------------------------------------------------------------------------

def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _bounds(shape: Any) -> tuple[Any, Any]:
    return shape.metadata.get("min"), shape.metadata.get("max")


def _check_length(shape: Any, key: str, value: Any, length: int, what: str) -> None:
    low, high = _bounds(shape)
    if low is not None and length < low:
        raise _Invalid(invalid(key, value, f"{what} must have at least {low}, it has {length}."))
    if high is not None and length > high:
        raise _Invalid(invalid(key, value, f"{what} must have at most {high}, it has {length}."))


def _check_string(shape: Any, key: str, value: str) -> None:
    enum = shape.metadata.get("enum")
    if enum and value not in enum and shape.name not in OPEN_ENUMS:
        listed = ", ".join(enum[:12]) + (", ..." if len(enum) > 12 else "")
        raise _Invalid(invalid(key, value, f"It must be one of: {listed}."))
    _check_length(shape, key, value, len(value), "Its length")


def _check_number(shape: Any, key: str, raw: Any, number: float) -> None:
    low, high = _bounds(shape)
    if low is not None and number < low:
        raise _Invalid(invalid(key, raw, f"It must be at least {low}."))
    if high is not None and number > high:
        raise _Invalid(invalid(key, raw, f"It must be at most {high}."))


def _check_timestamp_text(shape: Any, key: str, value: str, default_format: str) -> None:
    form = (shape.serialization.get("timestampFormat") or default_format).lower()
    if form == "unixtimestamp":
        ok = re.match(r"^-?\d+(\.\d+)?$", value) is not None
    elif form == "rfc822":
        ok = RFC822.match(value) is not None
    else:
        ok = ISO8601.match(value) is not None
    if not ok:
        raise _Invalid(invalid(key, value, f"It must be a timestamp ({form})."))


def _check_base64(key: str, value: str) -> None:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _Invalid(invalid(key, value[:40], "It must be base64-encoded.")) from None


def _check_scalar_text(shape: Any, key: str, value: str, timestamp_format: str) -> None:
    """A scalar as the query protocols and REST query strings send it: a string."""
    kind = shape.type_name
    if kind == "string":
        _check_string(shape, key, value)
    elif kind in ("integer", "long"):
        if not INTEGER.match(value):
            raise _Invalid(invalid(key, value, "It must be an integer."))
        number = int(value)
        if kind == "integer" and not -2**31 <= number < 2**31:
            raise _Invalid(invalid(key, value, "It must fit in 32 bits."))
        _check_number(shape, key, value, number)
    elif kind in ("float", "double"):
        try:
            number = float(value)
        except ValueError:
            raise _Invalid(invalid(key, value, "It must be a number.")) from None
        _check_number(shape, key, value, number)
    elif kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise _Invalid(invalid(key, value, "It must be true or false."))
    elif kind == "timestamp":
        _check_timestamp_text(shape, key, value, timestamp_format)
    elif kind == "blob":
        _check_base64(key, value)


# --- the query protocols (ec2, query) ----------------------------------------------------

class _QueryTree:
    """The flat keys of a query request put back into the shape of the input: structures are
    dicts by member name, lists and maps dicts by index. Each node remembers the key prefix it
    was sent under, so messages name parameters as the client wrote them."""

    # (id of a structure shape, ec2?) -> its member names by serialized name. Shapes live as long
    # as the cached service models, so their ids stay theirs.
    _names: dict[tuple[int, bool], dict[str, str]] = {}

    def __init__(self, ec2: bool):
        self.ec2 = ec2

    def member_names(self, shape: Any) -> dict[str, str]:
        """Serialized name -> member name of a structure."""
        key = (id(shape), self.ec2)
        cached = self._names.get(key)
        if cached is None:
            cached = self._names[key] = self._member_names(shape)
        return cached

    def _member_names(self, shape: Any) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, member in shape.members.items():
            if self.ec2:
                if "queryName" in member.serialization:
                    wire = member.serialization["queryName"]
                elif "name" in member.serialization:
                    wire = member.serialization["name"][0].upper() + member.serialization["name"][1:]
                else:
                    wire = name
            else:
                wire = member.serialization.get("name", name)
                if member.type_name == "list" and member.serialization.get("flattened") \
                        and member.member.serialization.get("name"):
                    wire = member.member.serialization["name"]
            out[wire] = name
        return out

    def insert(self, shape: Any, node: dict[str, Any], segments: list[str], i: int, key: str, value: str) -> None:
        kind = shape.type_name
        done = i == len(segments)
        if kind == "structure":
            if done:
                raise _Invalid(invalid(key, value, "It is a structure; set its members instead."))
            names = self.member_names(shape)
            member = names.get(segments[i])
            if member is None:
                raise _Invalid(unknown(key))
            child_shape = shape.members[member]
            prefix = ".".join(segments[:i + 1])
            if child_shape.type_name in ("structure", "list", "map"):
                child = node.setdefault(member, {"__prefix__": prefix, "__items__": {}})
                self.insert(child_shape, child["__items__"], segments, i + 1, key, value)
            else:
                if i + 1 != len(segments):
                    raise _Invalid(unknown(key))
                node[member] = {"__prefix__": prefix, "__value__": value}
        elif kind == "list":
            if done:
                if value == "" and not self.ec2:  # the query protocol's empty list
                    return
                raise _Invalid(unknown(key))
            if not self.ec2 and not shape.serialization.get("flattened"):
                if segments[i] != shape.member.serialization.get("name", "member"):
                    raise _Invalid(unknown(key))
                i += 1
            self._element(shape.member, node, segments, i, key, value)
        elif kind == "map":
            if done:
                raise _Invalid(unknown(key))
            if not shape.serialization.get("flattened"):
                if segments[i] != "entry":
                    raise _Invalid(unknown(key))
                i += 1
            if i + 1 >= len(segments) or not segments[i].isdigit() or int(segments[i]) < 1:
                raise _Invalid(unknown(key))
            entry = node.setdefault(int(segments[i]), {"__prefix__": ".".join(segments[:i + 1]), "__items__": {}})
            key_name = shape.key.serialization.get("name", "key")
            value_name = shape.value.serialization.get("name", "value")
            part = segments[i + 1]
            if part == key_name and i + 2 == len(segments):
                entry["__items__"]["key"] = {"__prefix__": key, "__value__": value}
            elif part == value_name:
                value_shape = shape.value
                if value_shape.type_name in ("structure", "list", "map"):
                    child = entry["__items__"].setdefault("value", {"__prefix__": ".".join(segments[:i + 2]),
                                                                    "__items__": {}})
                    self.insert(value_shape, child["__items__"], segments, i + 2, key, value)
                elif i + 2 == len(segments):
                    entry["__items__"]["value"] = {"__prefix__": key, "__value__": value}
                else:
                    raise _Invalid(unknown(key))
            else:
                raise _Invalid(unknown(key))
        else:
            raise _Invalid(unknown(key))

    def _element(self, member_shape: Any, node: dict[str, Any], segments: list[str], i: int, key: str,
                 value: str) -> None:
        if i >= len(segments) or not segments[i].isdigit() or int(segments[i]) < 1:
            raise _Invalid(unknown(key))
        index = int(segments[i])
        prefix = ".".join(segments[:i + 1])
        if member_shape.type_name in ("structure", "list", "map"):
            child = node.setdefault(index, {"__prefix__": prefix, "__items__": {}})
            self.insert(member_shape, child["__items__"], segments, i + 1, key, value)
        else:
            if i + 1 != len(segments):
                raise _Invalid(unknown(key))
            node[index] = {"__prefix__": prefix, "__value__": value}

    def validate(self, shape: Any, node: dict[str, Any], prefix: str) -> None:
        """Required members, ranges and scalar values of a tree built by insert()."""
        kind = shape.type_name
        if kind == "structure":
            wire = {member: name for name, member in self.member_names(shape).items()}
            for required in shape.required_members:
                if required not in node:
                    raise _Invalid(missing(_join(prefix, wire.get(required, required))))
            for member, child in node.items():
                member_shape = shape.members[member]
                self._validate_child(member_shape, child)
        elif kind == "list":
            _check_length(shape, prefix, f"{len(node)} items", len(node), "The list")
            for child in node.values():
                self._validate_child(shape.member, child)
        elif kind == "map":
            _check_length(shape, prefix, f"{len(node)} entries", len(node), "The map")
            for entry in node.values():
                items = entry["__items__"]
                for part in ("key", "value"):
                    if part not in items:
                        raise _Invalid(missing(f"{entry['__prefix__']}.{part}"))
                self._validate_child(shape.key, items["key"])
                self._validate_child(shape.value, items["value"])

    def _validate_child(self, shape: Any, child: dict[str, Any]) -> None:
        if "__value__" in child:
            _check_scalar_text(shape, child["__prefix__"], child["__value__"], "iso8601")
        else:
            self.validate(shape, child["__items__"], child["__prefix__"])


# --- JSON 1.1 ------------------------------------------------------------------------------

def _json_type_ok(shape: Any, value: Any) -> bool:
    kind = shape.type_name
    if kind == "string":
        return isinstance(value, str)
    if kind in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "double"):
        return (isinstance(value, (int, float)) and not isinstance(value, bool)) or value in ("NaN", "Infinity", "-Infinity")
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "timestamp":
        return (isinstance(value, (int, float)) and not isinstance(value, bool)) or isinstance(value, str)
    if kind == "blob":
        return isinstance(value, str)
    if kind == "structure":
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind == "map":
        return isinstance(value, dict)
    return True


def _validate_json(shape: Any, value: Any, key: str) -> None:
    if getattr(shape, "is_document_type", False):
        return
    if value is None:
        return  # a JSON null is an absent member
    if not _json_type_ok(shape, value):
        raise _Invalid(invalid(key, value, f"It must be a JSON {_json_kind(shape)}."))
    kind = shape.type_name
    if kind == "structure":
        names = {member.serialization.get("name", name): name for name, member in shape.members.items()}
        wire = {name: wire_name for wire_name, name in names.items()}
        for wire_name, item in value.items():
            member = names.get(wire_name)
            if member is None:
                raise _Invalid(unknown(_join(key, wire_name)))
            _validate_json(shape.members[member], item, _join(key, wire_name))
        for required in shape.required_members:
            if value.get(wire.get(required, required)) is None:
                raise _Invalid(missing(_join(key, wire.get(required, required))))
    elif kind == "list":
        _check_length(shape, key, f"{len(value)} items", len(value), "The list")
        for index, item in enumerate(value, 1):
            _validate_json(shape.member, item, f"{key}.{index}")
    elif kind == "map":
        _check_length(shape, key, f"{len(value)} entries", len(value), "The map")
        for map_key, item in value.items():
            _validate_json(shape.key, map_key, f"{key}.{map_key}")
            _validate_json(shape.value, item, f"{key}.{map_key}")
    elif kind == "string":
        _check_string(shape, key, value)
    elif kind in ("integer", "long", "float", "double") and not isinstance(value, str):
        _check_number(shape, key, value, value)
    elif kind == "timestamp" and isinstance(value, str):
        _check_timestamp_text(shape, key, value, "iso8601")
    elif kind == "blob":
        _check_base64(key, value)


def _json_kind(shape: Any) -> str:
    return {"structure": "object", "map": "object", "list": "array", "boolean": "boolean", "string": "string",
            "blob": "base64 string", "timestamp": "number of epoch seconds"}.get(shape.type_name, "number")


# --- REST (S3) -----------------------------------------------------------------------------

@dataclass
class _Route:
    operation: str
    method: str
    path: list[str]              # segments; "{Bucket}" a label, "{Key+}" a greedy one
    query: dict[str, str | None]  # literal query keys of the requestUri (value or None)


def _header_key(name: str) -> str:
    """A header name as compared here: lower case, '_' and '-' alike (CGI environ names cannot
    tell them apart: x-amz-sso_bearer_token arrives as HTTP_X_AMZ_SSO_BEARER_TOKEN)."""
    return name.lower().replace("_", "-")


def _routes(service_model: Any) -> list[_Route]:
    out = []
    for name in service_model.operation_names:
        http = service_model.operation_model(name).http
        uri = http.get("requestUri", "/")
        path, _, query = uri.partition("?")
        literal: dict[str, str | None] = {}
        for part in filter(None, query.split("&")):
            k, eq, v = part.partition("=")
            literal[k] = v if eq else None
        out.append(_Route(name, http.get("method", "POST"), [s for s in path.split("/") if s], literal))
    return out


def _match_path(route: list[str], segments: list[str]) -> dict[str, str] | None:
    labels: dict[str, str] = {}
    for i, part in enumerate(route):
        if part.startswith("{") and part.endswith("+}"):
            rest = segments[i:]
            if not rest:
                return None
            labels[part[1:-2]] = "/".join(rest)
            return labels
        if i >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            labels[part[1:-1]] = segments[i]
        elif part != segments[i]:
            return None
    return labels if len(segments) == len(route) else None


# --- the check ---------------------------------------------------------------------------------

class ModelCheck:
    """Checks requests against botocore's service models; thread safe, models loaded once."""

    def __init__(self) -> None:
        import botocore.session

        self._session = botocore.session.get_session()
        self._loader = self._session.get_component("data_loader")
        self._lock = threading.Lock()
        self._models: dict[tuple[str, str | None], Any] = {}
        self._routes: dict[str, list[_Route]] = {}

    def service_model(self, service: str, version: str | None = None) -> Any:
        """botocore's ServiceModel of `service` (at `version`, else the newest); None if botocore
        has no such service or version."""
        key = (service, version)
        with self._lock:
            if key in self._models:
                return self._models[key]
        from botocore.exceptions import DataNotFoundError, UnknownServiceError
        from botocore.model import ServiceModel
        try:
            data = self._loader.load_service_model(service, "service-2", api_version=version)
            model = ServiceModel(data, service_name=service)
        except (DataNotFoundError, UnknownServiceError):
            model = None
        with self._lock:
            self._models[key] = model
        return model

    def api_versions(self, service: str) -> list[str]:
        try:
            return self._loader.list_api_versions(service, "service-2")
        except Exception:
            return []

    def warm(self, services: tuple[str, ...] = ("ec2", "ssm", "sts")) -> None:
        for service in services:
            self.service_model(service)

    # entry point

    def check(self, protocol: str, service: str, action: str, params: dict[str, Any], body: bytes,
              environ: dict[str, Any]) -> Refusal | None:
        """None when the request fits its operation's model, else why not."""
        model = self.service_model(service)
        if model is None:
            return None
        try:
            if protocol in ("ec2", "query"):
                self._check_query(model, service, params, environ)
            elif protocol == "json":
                self._check_json(model, action, body)
            else:
                self._check_rest(model, service, environ, body)
        except _Invalid as e:
            return e.refusal
        return None

    def _check_query(self, model: Any, service: str, params: dict[str, Any], environ: dict[str, Any]) -> None:
        action = params.get("Action")
        if not action:
            raise _Invalid(Refusal("MissingAction", "Action", "The request must contain the parameter Action"))
        version = params.get("Version")
        if not version:
            raise _Invalid(missing("Version"))
        if version != model.api_version:
            if version not in self.api_versions(service):
                raise _Invalid(Refusal("NoSuchVersion", "Version",
                                       f"The requested version ({version}) of service {service} does not exist"))
            model = self.service_model(service, version)
        if action not in model.operation_names:
            raise _Invalid(Refusal("InvalidAction", action, f"The action {action} is not valid for this web service."))
        shape = model.operation_model(action).input_shape
        tree = _QueryTree(ec2=model.protocol == "ec2")
        root: dict[str, Any] = {}
        for key, value in params.items():
            if key in ("Action", "Version") or key in QUERY_AUTH_KEYS:
                continue
            if shape is None:
                raise _Invalid(unknown(key))
            tree.insert(shape, root, key.split("."), 0, key, value)
        if shape is not None:
            tree.validate(shape, root, "")

    def _check_json(self, model: Any, action: str, body: bytes) -> None:
        if action not in model.operation_names:
            raise _Invalid(Refusal("UnknownOperationException", None, f"Operation {action} is not supported."))
        try:
            document = json.loads(body or b"{}")
        except ValueError:
            raise _Invalid(Refusal("SerializationException", None, "The request body is not valid JSON.")) from None
        if not isinstance(document, dict):
            raise _Invalid(Refusal("SerializationException", None, "The request body must be a JSON object."))
        shape = model.operation_model(action).input_shape
        if shape is None:
            if document:
                raise _Invalid(unknown(next(iter(document))))
            return
        _validate_json(shape, document, "")

    def _rest_route(self, model: Any, service: str, environ: dict[str, Any]) -> tuple[Any, ...] | None:
        """The REST operation of a request (method, path, query, required headers): (route, labels,
        query pairs, query keys, headers by normalised name), or None when no operation fits."""
        with self._lock:
            routes = self._routes.get(service)
        if routes is None:
            routes = _routes(model)
            with self._lock:
                self._routes[service] = routes
        method = environ.get("REQUEST_METHOD", "GET")
        raw_path = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
        raw_path = raw_path.split("?", 1)[0]
        segments = [unquote(s) for s in raw_path.split("/") if s]
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        query_keys = {k for k, _ in query}
        headers = {_header_key(k[5:]): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]

        best: tuple[int, _Route, dict[str, str]] | None = None
        for route in routes:
            if route.method != method:
                continue
            labels = _match_path(route.path, segments)
            if labels is None:
                continue
            if any(k not in query_keys or (v is not None and dict(query).get(k) != v) for k, v in route.query.items()):
                continue
            shape = model.operation_model(route.operation).input_shape
            score = 100 * len(route.query) + len(route.path)
            if shape is not None:
                # Operations that share method and path (PutObject, UploadPart, CopyObject) differ
                # by their required query parameters and headers.
                for name in shape.required_members:
                    member = shape.members[name]
                    location = member.serialization.get("location")
                    wire = member.serialization.get("name", name)
                    if location == "querystring":
                        score += 10 if wire in query_keys else -1000
                    elif location == "header":
                        score += 10 if _header_key(wire) in headers else -1000
            if best is None or score > best[0]:
                best = (score, route, labels)
        if best is None:
            return None
        return best[1], best[2], query, query_keys, headers

    def takes_unsigned(self, protocol: str, service: str, params: dict[str, Any], environ: dict[str, Any]) -> bool:
        """Whether the operation is one AWS serves without a signature ("authtype": "none" /
        smithy.api#noAuth in its model: STS AssumeRoleWithWebIdentity, the SSO portal's calls)."""
        model = self.service_model(service)
        if model is None:
            return False
        name: str | None = None
        if protocol in ("ec2", "query"):
            name = params.get("Action")
        elif protocol in ("rest", "rest-json"):
            found = self._rest_route(model, service, environ)
            name = found[0].operation if found else None
        if not name or name not in model.operation_names:
            return False
        operation = model.operation_model(name)
        return operation.auth_type == "none" or "smithy.api#noAuth" in (operation.auth or [])

    def _check_rest(self, model: Any, service: str, environ: dict[str, Any], body: bytes = b"") -> None:
        found = self._rest_route(model, service, environ)
        if found is None:
            return  # no operation has this method and path: left to the service (404 / 405)
        route, labels, query, query_keys, headers = found
        shape = model.operation_model(route.operation).input_shape
        if model.protocol == "rest-json":
            self._check_rest_json_body(shape, body)
        if shape is None:
            for k in query_keys - set(route.query) - QUERY_AUTH_KEYS - REST_EXTRA_QUERY_KEYS:
                raise _Invalid(unknown(k))
            return
        by_location: dict[tuple[str, str], tuple[str, Any]] = {}
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            if location:
                wire = member.serialization.get("name", name)
                by_location[(location, _header_key(wire) if location == "header" else wire)] = (name, member)
        for k, v in query:
            if k in route.query or k in QUERY_AUTH_KEYS or k in REST_EXTRA_QUERY_KEYS:
                continue
            found = by_location.get(("querystring", k))
            if found is None:
                raise _Invalid(unknown(k))
            member = found[1]
            element = member.member if member.type_name == "list" else member
            _check_scalar_text(element, k, v, "iso8601")
        for (location, wire), (_, member) in by_location.items():
            if location == "uri" and labels.get(wire):
                _check_scalar_text(member, wire, labels[wire], "iso8601")
        for name in shape.required_members:
            member = shape.members[name]
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "uri":
                if not labels.get(wire):
                    raise _Invalid(missing(wire))
            elif location == "querystring":
                if wire not in query_keys:
                    raise _Invalid(missing(wire))
            elif location == "header":
                if _header_key(wire) not in headers:
                    raise _Invalid(missing(wire))


    @staticmethod
    def _check_rest_json_body(shape: Any, body: bytes) -> None:
        """rest-json: the body is a JSON object of the members that have no location (uri,
        querystring, header), each checked like the JSON protocol's, the required ones present."""
        try:
            document = json.loads(body) if body else {}
        except ValueError:
            raise _Invalid(Refusal("SerializationException", None, "The request body is not valid JSON.")) from None
        if not isinstance(document, dict):
            raise _Invalid(Refusal("SerializationException", None, "The request body must be a JSON object."))
        in_body = {} if shape is None else {
            member.serialization.get("name", name): (name, member) for name, member in shape.members.items()
            if not member.serialization.get("location")}
        for wire, value in document.items():
            if wire not in in_body:
                raise _Invalid(unknown(wire))
            _validate_json(in_body[wire][1], value, wire)
        for required in (shape.required_members if shape is not None else []):
            member = shape.members[required]
            wire = member.serialization.get("name", required)
            if not member.serialization.get("location") and document.get(wire) is None:
                raise _Invalid(missing(wire))


def control_query_refusal(path: str, query: str, allowed: dict[str, tuple[str, ...]]) -> str | None:
    """The control endpoints (/_spawn/...) take only the query parameters they document."""
    keys = {k for k, _ in parse_qsl(query, keep_blank_values=True)}
    extra = sorted(keys - set(allowed.get(path, ())))
    return f"unknown query parameter {extra[0]!r} for /_spawn/{path}" if extra else None
