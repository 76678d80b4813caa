#!/usr/bin/env python3
"""A local AWS for spawn's tests and demo: moto's server app, in process, on 127.0.0.1,
wrapped in a middleware that adds what real AWS does and moto does not.

    python3 tests/fakes/local_aws.py [--port 0] [--port-file F] [--scenario F.json]
                                     [--parent-pid PID] [--verbose]

prints exactly one line, `READY http://127.0.0.1:<port>`, once it accepts connections,
and stops cleanly on SIGTERM or SIGINT. Point the client at it with
AWS_ENDPOINT_URL=http://127.0.0.1:<port>; the service is read from the SigV4
credential scope, as moto does. Scenario schema and control endpoints: README.md.

moto loads in a background thread, so READY comes in about half a second; AWS
requests wait for it, control endpoints (/_spawn/) do not.

Added over moto, driven by the scenario (local_aws_scenario.py): capacity with
InsufficientInstanceCapacity (HTTP 500) and partial instant fleets with Errors,
throttling, EC2's documented rate limits (local_aws_ratelimit.py), lost replies, spot
prices (DescribeSpotPriceHistory), the Price List API (local_aws_pricing.py), AWS FIS
experiments that give spot interruption notices to the instances' metadata fakes
(local_aws_fis.py: moto 5.2.1 keeps FIS templates but has no StartExperiment, so every FIS
call is ours and moto's FIS is never reached). Always on:
the model check of every request against its botocore service model (local_aws_model.py;
refusals are HTTP 400 and kept for the fixture, which fails the test), a request log,
ClientToken idempotency for
RunInstances, CreateFleet and CreateLaunchTemplate (moto ignores the token there and
refuses the retry as a duplicate name), refusal of unsigned requests, SpotMaxPriceTooLow.
Fixed in moto (local_aws_ec2.py): MaxCount (moto launches MinCount), instanceLifecycle
for launch-template spot, the instance-lifecycle filter (moto: HTTP 500), CreateFleet
allocation order and Instances grouping, fleet spot placement, and RunInstances with
an unknown instance profile (moto: IAM's 404 NoSuchEntity; EC2: 400).
Every outgoing connection or name lookup that is not loopback fails (guard_loopback).

moto gaps the C++ client must design around (moto 5.2.1; not fixed here):
- DescribeInstances pages by reservation, not by instance, and without MaxResults
  returns at most 100 reservations plus a NextToken: always follow NextToken.
- Only these DescribeInstances filters work: instance-state-name, instance-id,
  instance-type, availability-zone, architecture, image-id, subnet-id, vpc-id, key-name,
  tag:<key>, tag-key, instance-lifecycle (added here) and a few more. Any other filter
  name (launch-time, ...) is an HTTP 500 InternalError naming the filter, and only once
  some instance exists (moto raises NotImplementedError while filtering).
- Instances are "running" at once; there is no pending state and no state changes
  over time. Terminated instances stay listed as terminated.
- A spot RunInstances creates no spot instance request (real EC2 makes a one-time
  one), so SpotInstanceRequestId is absent; spot interruptions never happen.
- Signatures are not checked; any access key works. Request log records whether an
  Authorization header was present.
- The server closes every connection after one reply (werkzeug's dev server has no
  keep-alive), so connection reuse is never exercised.
- ImageId, InstanceType and KeyName are not validated (moto needs environment
  switches for that), so typos launch happily here and fail on AWS.
- moto answers EC2 errors with HTTP 400 (as EC2 does for client errors) and the
  right code; InsufficientInstanceCapacity is turned into EC2's 500 here.
- moto failures (exceptions) come back as HTTP 500 InternalError whose message names
  the moto error; the traceback goes to stderr.
- CreateFleet with type maintain/request launches at once, like instant; maintain fleets
  then keep their target (replacements, ModifyFleet, DescribeFleetHistory, rebalance:
  local_aws_fleet.py).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs, parse_qsl

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from local_aws_model import ModelCheck, Refusal, control_query_refusal  # noqa: E402
from local_aws_scenario import ScenarioError, ScenarioState  # noqa: E402

CONTROL_PREFIX = "/_spawn/"
# The query parameters each control endpoint takes; any other is refused (400).
CONTROL_QUERY = {"requests": ("action", "service"), "refusals": ("since",), "experiments": ()}
LOOPBACK_NAMES = {"127.0.0.1", "::1", "localhost", "localhost.localdomain", "ip6-localhost"}

# Error codes whose HTTP status moto gets wrong because its EC2 model has no error shapes.
EC2_STATUS_BY_ERROR = {"InsufficientInstanceCapacity": 500}
IDEMPOTENT_EC2_ACTIONS = ("RunInstances", "CreateFleet", "CreateLaunchTemplate")
IDEMPOTENCY_MISMATCH = ("IdempotentParameterMismatch",
                        "Arguments on this idempotent request are inconsistent with arguments used in previous request(s).")
TARGET_SERVICES = {"AmazonSSM": "ssm", "AWSPriceListService": "pricing", "AmazonEC2ContainerRegistry_V20150921": "ecr",
                   "Logs_20140328": "logs", "AmazonDynamoDB": "dynamodb", "AWSSecurityTokenServiceV20110615": "sts"}
SSO_PORTAL_PATHS = ("/federation/", "/assignment/", "/logout")
QUERY_VERSIONS = {"2016-11-15": "ec2", "2011-06-15": "sts", "2010-05-08": "iam", "2010-03-31": "sns",
                  "2012-11-05": "sqs"}


# --- never leave the machine --------------------------------------------------

def _is_loopback(host: Any) -> bool:
    return isinstance(host, str) and (host in LOOPBACK_NAMES or host.startswith("127.") or host == "0.0.0.0")


def guard_loopback() -> None:
    """Makes every outgoing connection and name lookup outside loopback fail at once."""
    original_connect, original_connect_ex = socket.socket.connect, socket.socket.connect_ex
    original_getaddrinfo, original_gethostbyname = socket.getaddrinfo, socket.gethostbyname

    def check(host: Any) -> None:
        if not _is_loopback(host):
            raise OSError(f"local_aws: refusing to reach {host!r}: only 127.0.0.1 is allowed")

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check(address[0])
        return original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check(address[0])
        return original_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_loopback(host.decode() if isinstance(host, bytes) else host):
            raise socket.gaierror(socket.EAI_NONAME, f"local_aws: refusing to resolve {host!r}")
        return original_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host: str) -> str:
        check(host)
        return original_gethostbyname(host)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    socket.getaddrinfo, socket.gethostbyname = getaddrinfo, gethostbyname
    socket.getfqdn = lambda name="": name or "localhost"


# --- what a request is ----------------------------------------------------------

@dataclass
class Call:
    """One AWS request as the client sent it."""
    service: str
    region: str
    action: str
    protocol: str            # "ec2", "query", "json", "rest" (S3) or "rest-json" (the SSO portal, FIS)
    params: dict[str, Any]
    authorization_present: bool
    client_token: str | None = None
    body: bytes = field(default=b"", repr=False)
    access_key_id: str | None = None  # of the SigV4 Credential (not a secret: AWS logs it too)


def flatten(value: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """{"A": [{"B": 1}]} -> {"A.1.B": 1}, the shape of the query protocol's keys."""
    out = {} if out is None else out
    if isinstance(value, dict) and value:
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value, 1):
            flatten(item, f"{prefix}.{index}", out)
    elif prefix:
        out[prefix] = value
    return out


def _unsigned_fis(environ: dict[str, Any]) -> bool:
    import local_aws_fis
    return local_aws_fis.is_unsigned_fis(environ)


def identify(environ: dict[str, Any], body: bytes) -> Call:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    scope = re.search(r"Credential=[^/,\s]+/\d{8}/([^/]+)/([^/]+)/aws4_request", auth)
    region, service = (scope.group(1), scope.group(2).lower()) if scope else ("us-east-1", "")
    target = environ.get("HTTP_X_AMZ_TARGET")
    content_type = environ.get("CONTENT_TYPE", "")
    query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))

    if target:
        protocol = "json"
        action = target.rsplit(".", 1)[-1]
        service = service or TARGET_SERVICES.get(target.split(".", 1)[0], "")
        try:
            params = flatten(json.loads(body or b"{}"))
        except ValueError:
            params = {}
    elif "x-www-form-urlencoded" in content_type or "Action" in query:
        params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)) if body else {}
        params.update(query)
        action = params.get("Action", "")
        service = service or QUERY_VERSIONS.get(params.get("Version", ""), "")
        protocol = "ec2" if service == "ec2" else "query"
    elif service == "fis" or (not service and _unsigned_fis(environ)):
        # AWS FIS (rest-json): the operation from method and path (local_aws_fis); unsigned, by its path.
        import local_aws_fis
        protocol, service = "rest-json", "fis"
        action = local_aws_fis.operation_of(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/"))[0]
        try:
            params = flatten(json.loads(body or b"{}"))
        except ValueError:
            params = {}
        params.update(query)
    elif not service and environ.get("PATH_INFO", "").startswith(SSO_PORTAL_PATHS):
        # The SSO portal (REST-JSON, unsigned: a bearer token instead).
        protocol = "rest-json"
        action = f"{environ.get('REQUEST_METHOD', 'GET')} {environ.get('PATH_INFO', '/')}"
        params = query
        service = "sso"
    else:
        protocol = "rest"
        action = f"{environ.get('REQUEST_METHOD', 'GET')} {environ.get('PATH_INFO', '/')}"
        params = query
        service = service or "s3"
    token = params.get("ClientToken") or params.get("clientToken")
    key = re.search(r"Credential=([^/,\s]+)/", auth)
    return Call(service=service or "unknown", region=region, action=action, protocol=protocol, params=params,
                authorization_present=bool(auth), client_token=token if isinstance(token, str) else None,
                body=body, access_key_id=key.group(1) if key else None)


# --- replies -------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    error_code: str | None = None

    def with_body(self, body: bytes) -> "Reply":
        headers = [(k, v) for k, v in self.headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        return Reply(self.status, headers, body, self.error_code)

    def with_new_request_id(self) -> "Reply":
        """A fresh UUID in the x-amzn-RequestId header and in the EC2 body's requestId
        (moto writes "request-id" in every EC2 body; EC2 writes the header's UUID)."""
        request_id = str(uuid.uuid4())
        body = re.sub(rb"<(requestId|RequestID)>[^<]*</(requestId|RequestID)>",
                      lambda m: b"<%s>%s</%s>" % (m.group(1), request_id.encode(), m.group(2)), self.body, count=1)
        reply = self.with_body(body)
        # moto also sends a "status" header of its own; AWS does not.
        reply.headers = [(k, v) for k, v in reply.headers if k.lower() not in ("x-amzn-requestid", "status")]
        reply.headers.append(("x-amzn-RequestId", request_id))
        return reply


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def error_reply(call: Call, status: int, code: str, message: str) -> Reply:
    """An error in the wire format of the call's protocol."""
    request_id = str(uuid.uuid4())
    if call.protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", request_id),
                   ("x-amzn-ErrorType", code)]
    elif call.protocol == "rest-json":
        body = json.dumps({"message": message}).encode()
        headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", code)]
    elif call.protocol == "ec2":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
                f"<Message>{_xml_escape(message)}</Message></Error></Errors>"
                f"<RequestID>{request_id}</RequestID></Response>").encode()
        headers = [("Content-Type", "text/xml;charset=UTF-8"), ("x-amzn-RequestId", request_id)]
    elif call.protocol == "query":
        kind = "Receiver" if status >= 500 else "Sender"
        body = (f'<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{_xml_escape(message)}'
                f"</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>").encode()
        headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)]
    else:
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>'
                f"{_xml_escape(message)}</Message><RequestId>{request_id}</RequestId></Error>").encode()
        headers = [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)]
    return Reply(status, headers, b"", code).with_body(body)


def throttle_reply(call: Call) -> Reply:
    if call.protocol == "rest-json":
        return error_reply(call, 429, "TooManyRequestsException", "Rate exceeded")
    if call.protocol == "ec2":
        return error_reply(call, 503, "RequestLimitExceeded", "Request limit exceeded.")
    if call.protocol == "json":
        return error_reply(call, 400, "ThrottlingException", "Rate exceeded")
    if call.protocol == "query":
        return error_reply(call, 400, "Throttling", "Rate exceeded")
    return error_reply(call, 503, "SlowDown", "Please reduce your request rate.")


def denied_reply(call: Call) -> Reply:
    """What AWS answers a caller whose policy does not allow the action (scenario `deny`)."""
    if call.protocol == "ec2":
        return error_reply(call, 403, "UnauthorizedOperation", "You are not authorized to perform this operation.")
    if call.protocol == "json":
        return error_reply(call, 400, "AccessDeniedException", f"User is not authorized to perform: {call.action}")
    if call.protocol == "rest-json":
        return error_reply(call, 403, "ForbiddenException", "No access")
    return error_reply(call, 403, "AccessDenied", f"User is not authorized to perform: {call.action}")


def unsigned_reply(call: Call) -> Reply:
    """What AWS answers a request that carries no signature at all."""
    if call.protocol == "ec2":
        return error_reply(call, 401, "AuthFailure", "AWS was not able to validate the provided access credentials")
    if call.protocol == "json":
        return error_reply(call, 400, "MissingAuthenticationTokenException", "Missing Authentication Token")
    if call.service == "fis":  # behind API Gateway, as most rest-json services
        return error_reply(call, 403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    if call.protocol == "rest-json":
        return error_reply(call, 401, "UnauthorizedException", "Session token not found or invalid")
    if call.protocol == "query":
        return error_reply(call, 403, "MissingAuthenticationToken", "Request is missing Authentication Token")
    return error_reply(call, 403, "AccessDenied", "Access Denied")


def _exempt_from_signing(environ: dict[str, Any]) -> bool:
    """Presigned URLs carry their signature in the query; moto's own pages need none."""
    query = environ.get("QUERY_STRING", "")
    path = environ.get("PATH_INFO", "")
    return "X-Amz-Signature=" in query or "Signature=" in query or path.startswith(("/moto-api", "/latest/"))


def error_code_of(reply: Reply) -> str | None:
    if reply.status < 300:
        return None
    for key, value in reply.headers:
        if key.lower() == "x-amzn-errortype" and value:
            return value.split(":", 1)[0].split("#")[-1]
    text = reply.body[:4096].decode("utf-8", "replace")
    match = re.search(r"<Code>([^<]+)</Code>", text)
    if match:
        return match.group(1)
    try:
        kind = json.loads(text).get("__type") or json.loads(text).get("code")
        return str(kind).split("#")[-1] if kind else None
    except (ValueError, AttributeError):
        return None


def issued_access_key_id(reply: Reply) -> str | None:
    """The access key id a successful STS AssumeRole* or SSO GetRoleCredentials reply hands out,
    so that tests can follow it into the calls signed with it."""
    if reply.status >= 300:
        return None
    text = reply.body[:65536].decode("utf-8", "replace")
    match = re.search(r"<AccessKeyId>([^<]+)</AccessKeyId>", text) or re.search(r'"accessKeyId":\s*"([^"]+)"', text)
    return match.group(1) if match else None


def call_wsgi(app: Callable, environ: dict[str, Any]) -> Reply:
    started: dict[str, Any] = {}
    written: list[bytes] = []

    def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
        started["status"], started["headers"] = status, headers
        return written.append

    chunks = app(environ, start_response)
    try:
        written.extend(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return Reply(int(started["status"].split()[0]), list(started["headers"]), b"".join(written))


def _resources_used(call: Call, reply: Reply, replayed: bool) -> float:
    """Resource tokens a call used: instances launched by a RunInstances (none when it failed or
    replayed an earlier reply), the instances named by the others when they succeeded."""
    if reply.status >= 300 or replayed:
        return 0
    if call.action == "RunInstances":
        import xml.etree.ElementTree as ET
        try:
            root = ET.fromstring(reply.body)
        except ET.ParseError:
            return 0
        launched = [e for e in root if e.tag.rsplit("}", 1)[-1] == "instancesSet"]
        return len(list(launched[0])) if launched else 0
    return sum(1 for k in call.params if k.startswith("InstanceId."))


class ReplyLost(ConnectionError):
    """Raised after the connection was shut on purpose; werkzeug then stays quiet."""


# --- state kept beside moto ------------------------------------------------------

class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []
        self._refusals: list[dict[str, Any]] = []  # kept across clear(): tests check them at exit
        self._seq = 0

    def add(self, call: Call, reply: Reply, reply_lost: bool, refusal: Refusal | None = None,
            throttled_by: str | None = None, received: float | None = None) -> None:
        with self._lock:
            self._seq += 1
            entry = {
                "seq": self._seq, "service": call.service, "region": call.region, "action": call.action,
                "params": call.params, "client_token": call.client_token, "status": reply.status,
                "error_code": reply.error_code, "authorization_present": call.authorization_present,
                "reply_lost": reply_lost, "model_error": refusal.as_dict() if refusal else None,
                "throttled_by": throttled_by, "received": round(received or time.time(), 6),
                "time": round(time.time(), 6), "access_key_id": call.access_key_id,
                "issued_access_key_id": issued_access_key_id(reply)}
            self._entries.append(entry)
            if refusal is not None:
                self._refusals.append(entry)

    def entries(self, action: str | None = None, service: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._entries
                    if (action is None or e["action"] == action) and (service is None or e["service"] == service)]

    def refusals(self, since: int = 0) -> list[dict[str, Any]]:
        """Every request the model check refused since the server started (seq > since)."""
        with self._lock:
            return [e for e in self._refusals if e["seq"] > since]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


@dataclass
class IdempotencyCache:
    """First successful reply per (region, action, ClientToken) and the parameters that made it."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    replies: dict[tuple[str, str, str], tuple[dict[str, Any], Reply]] = field(default_factory=dict)
    in_flight: set[tuple[str, str, str]] = field(default_factory=set)  # being applied now (no lock)

    def known(self, key: tuple[str, str, str]) -> bool:
        """A call with this token was applied or is being applied: another one launches nothing."""
        return key in self.replies or key in self.in_flight


def _fingerprint(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k not in ("ClientToken", "clientToken")}


# --- the middleware ----------------------------------------------------------------

class LocalAws:
    """WSGI app: control endpoints, then scenario effects around moto's dispatcher.

    moto loads in the background (load()); the control endpoints answer at once and
    AWS requests wait until moto is there.
    """

    def __init__(self, state: ScenarioState, verbose: bool = False):
        self.state = state
        self.moto_app: Callable | None = None
        self.price_list: Any = None
        self.loaded = threading.Event()
        self.warm = threading.Event()
        self.load_error: str | None = None
        self.log = RequestLog()
        self.model = ModelCheck()
        self.idempotency = IdempotencyCache()
        import local_aws_sso
        self.sso = local_aws_sso.SsoPortal()
        import local_aws_fis
        self.fis = local_aws_fis.Fis()
        self.started = time.time()
        self.verbose = verbose

    def load(self) -> None:
        """Imports moto, patches it (local_aws_ec2), then warms the busiest backends."""
        try:
            from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

            import local_aws_console
            import local_aws_ec2
            import local_aws_pricing

            local_aws_ec2.install(self.state)
            local_aws_console.install()
            self.price_list = local_aws_pricing.PriceList(self.state)
            self.moto_app = DomainDispatcherApplication(create_backend_app)
            self.model.warm()
        except Exception as e:  # reported by main(), which then exits
            self.load_error = f"{type(e).__name__}: {e}"
            import traceback
            traceback.print_exc()
            return
        finally:
            self.loaded.set()
        _warm_up(self.moto_app)
        self.warm.set()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        if environ.get("PATH_INFO", "").startswith(CONTROL_PREFIX):
            return self._control(environ, start_response)
        received = time.time()
        body = _read_body(environ)
        call = identify(environ, body)
        self.loaded.wait()

        throttled_by: str | None = None
        refusal: Refusal | None = None
        limits = self.state.rate_limits if call.service == "ec2" else None
        decision = None
        if self.load_error is not None:
            reply = error_reply(call, 500, "InternalError", f"local_aws: moto did not load: {self.load_error}")
        elif (not call.authorization_present and not _exempt_from_signing(environ)
              and not self.model.takes_unsigned(call.protocol, call.service, call.params, environ)):
            reply = unsigned_reply(call)
        elif not environ.get("PATH_INFO", "").startswith("/moto-api") and (refusal := self.model.check(
                call.protocol, call.service, call.action, call.params, call.body, environ)) is not None:
            reply = error_reply(call, refusal.status, refusal.code, refusal.message)
        elif self.state.denied(call.service, call.action):
            reply = denied_reply(call)
        elif (wrong := self._s3_wrong_region(call, environ)) is not None:
            reply = wrong
        elif self.state.should_throttle(call.service, call.action):
            reply = throttle_reply(call)
            throttled_by = "scenario:throttle"
        elif limits is not None and (decision := limits.admit(
                call.region, call.action, call.params, replay=self._is_replay(call))).refused_by:
            reply = throttle_reply(call)
            throttled_by = decision.refused_by
        else:
            replayed: list[bool] = []
            if call.service == "ec2" and call.action in IDEMPOTENT_EC2_ACTIONS and call.client_token:
                reply = self._idempotent(call, environ, replayed)
            else:
                reply = self._dispatch(call, environ)
            if decision is not None and limits is not None:
                limits.settle(call.region, decision, _resources_used(call, reply, bool(replayed)))

        # A lost reply is one of a call that was applied: a throttled or refused call takes none.
        lost = throttled_by is None and refusal is None and self.state.should_lose_reply(call.service, call.action)
        self.log.add(call, reply, lost, refusal, throttled_by, received)
        if refusal is not None:
            print(f"local_aws: model check refused {call.service} {call.action}: {refusal.code}: {refusal.message}",
                  file=sys.stderr, flush=True)
        if lost:
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            raise ReplyLost(f"reply to {call.action} lost on purpose")
        start_response(f"{reply.status} {_reason(reply.status)}", reply.headers)
        return [reply.body]

    def _s3_wrong_region(self, call: Call, environ: dict[str, Any]) -> Reply | None:
        """Scenario `s3_wrong_region`: what S3 answers a request signed for another region than its
        bucket's (moto serves every bucket in every region). 301 PermanentRedirect or 400
        AuthorizationHeaderMalformed, both with x-amz-bucket-region as S3 sends it; a HeadBucket
        always gets a 301 with the header and no body."""
        status = self.state.get("s3_wrong_region")
        if status is None or call.service != "s3" or call.protocol != "rest":
            return None
        bucket_name = environ.get("PATH_INFO", "/").lstrip("/").split("/", 1)[0]
        if not bucket_name:
            return None
        try:
            from moto.core import DEFAULT_ACCOUNT_ID
            from moto.s3.models import s3_backends
            bucket = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets.get(bucket_name)
        except (ImportError, KeyError):
            return None
        if bucket is None or bucket.region_name == call.region:
            return None
        headers = [("x-amz-bucket-region", bucket.region_name), ("x-amz-request-id", uuid.uuid4().hex[:16].upper()),
                   ("Content-Type", "application/xml")]
        is_head_bucket = environ.get("REQUEST_METHOD") == "HEAD" and environ.get("PATH_INFO", "/").strip("/") == bucket_name
        if is_head_bucket:
            return Reply(301, headers, b"").with_body(b"")
        if status == 301:
            code, message, extra = ("PermanentRedirect", "The bucket you are attempting to access must be addressed "
                                    "using the specified endpoint. Please send all future requests to this endpoint.",
                                    f"<Bucket>{_xml_escape(bucket_name)}</Bucket>"
                                    f"<Endpoint>s3.{bucket.region_name}.amazonaws.com</Endpoint>")
        else:
            code, message, extra = ("AuthorizationHeaderMalformed", "The authorization header is malformed; the region "
                                    f"'{call.region}' is wrong; expecting '{bucket.region_name}'",
                                    f"<Region>{bucket.region_name}</Region>")
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{_xml_escape(message)}"
                f"</Message>{extra}<RequestId>{headers[1][1]}</RequestId></Error>").encode()
        reply = Reply(status, headers, b"").with_body(body)
        reply.error_code = code
        return reply

    def _is_replay(self, call: Call) -> bool:
        """A retry of an idempotent EC2 call already applied (or being applied): EC2 answers it with
        the first call's result and launches nothing, so it takes no resource tokens."""
        if call.service != "ec2" or call.action not in IDEMPOTENT_EC2_ACTIONS or not call.client_token:
            return False
        return self.idempotency.known((call.region, call.action, call.client_token))

    def _idempotent(self, call: Call, environ: dict[str, Any], replayed: list[bool]) -> Reply:
        """The first successful reply for this ClientToken again (replayed gets an entry), or a
        new call."""
        key = (call.region, call.action, call.client_token or "")
        fingerprint = _fingerprint(call.params)
        with self.idempotency.lock:
            seen = self.idempotency.replies.get(key)
            if seen is not None:
                if seen[0] != fingerprint:
                    return error_reply(call, 400, *IDEMPOTENCY_MISMATCH)
                replayed.append(True)
                return seen[1].with_new_request_id()
            self.idempotency.in_flight.add(key)
            try:
                reply = self._dispatch(call, environ)
            finally:
                self.idempotency.in_flight.discard(key)
            if reply.status < 300:
                self.idempotency.replies[key] = (fingerprint, reply)
            return reply

    def _dispatch(self, call: Call, environ: dict[str, Any]) -> Reply:
        if call.service == "sso":
            import local_aws_sso
            if call.action != "GET /federation/credentials":
                return error_reply(call, 404, "ResourceNotFoundException", f"local_aws: the portal has no {call.action}")
            status, document = self.sso.get_role_credentials(
                environ.get("HTTP_X_AMZ_SSO_BEARER_TOKEN"), call.params.get("account_id", ""),
                call.params.get("role_name", ""))
            status, headers, payload = local_aws_sso.reply_parts(status, document)
            reply = Reply(status, headers, b"").with_body(payload)
            reply.error_code = error_code_of(reply)
            return reply
        if call.service == "fis":
            import local_aws_fis
            operation, labels = local_aws_fis.operation_of(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/"))
            query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
            status, document = self.fis.handle(operation, labels, call.region, call.body, query)
            headers, payload = local_aws_fis.reply_parts(status, document)
            reply = Reply(status, headers, b"").with_body(payload)
            reply.error_code = error_code_of(reply)
            return reply
        if call.service == "pricing":
            import local_aws_pricing
            try:
                request = json.loads(call.body or b"{}")
            except ValueError:
                request = {}
            status, document = local_aws_pricing.handle(self.price_list, self.state, call.action, request)
            payload = json.dumps(document).encode()
            headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", str(uuid.uuid4()))]
            if status >= 300:
                headers.append(("x-amzn-ErrorType", document["__type"]))
            reply = Reply(status, headers, b"").with_body(payload)
        else:
            try:
                reply = call_wsgi(self.moto_app, environ)
            except Exception as e:  # moto raised instead of answering: show it as AWS would a 500
                import traceback
                traceback.print_exc()
                reply = error_reply(call, 500, "InternalError", f"local_aws: moto failed: {type(e).__name__}: {e}")
        if call.service == "ec2":
            reply = reply.with_new_request_id()
        reply.error_code = error_code_of(reply)
        if call.service == "ec2" and reply.error_code in EC2_STATUS_BY_ERROR:
            reply.status = EC2_STATUS_BY_ERROR[reply.error_code]
        if call.service == "ec2" and reply.error_code == "NoSuchEntity":
            # moto lets IAM's 404 through; EC2 says the parameter is invalid.
            for key, field_name in (("IamInstanceProfile.Name", "name"), ("IamInstanceProfile.Arn", "arn")):
                if key in call.params:
                    return error_reply(call, 400, "InvalidParameterValue",
                                       f"Value ({call.params[key]}) for parameter iamInstanceProfile.{field_name} "
                                       "is invalid. Invalid IAM Instance Profile name")
        return reply

    # --- /_spawn/ ---

    def _control(self, environ: dict[str, Any], start_response: Callable) -> Any:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ["PATH_INFO"][len(CONTROL_PREFIX):].strip("/")
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        status, document = 404, {"error": f"no control endpoint {method} {environ['PATH_INFO']}"}
        bad_query = control_query_refusal(path, environ.get("QUERY_STRING", ""), CONTROL_QUERY)
        if bad_query is not None:
            status, document = 400, {"error": bad_query}
        elif path == "requests" and method == "GET":
            status, document = 200, self.log.entries(query.get("action"), query.get("service"))
        elif path == "refusals" and method == "GET":
            try:
                since = int(query.get("since", "0"))
                status, document = 200, self.log.refusals(since)
            except ValueError:
                status, document = 400, {"error": "since must be an integer (a seq)"}
        elif path == "reset" and method == "POST":
            self.log.clear()
            status, document = 200, {"ok": True}
        elif path == "scenario" and method == "GET":
            status, document = 200, self.state.doc
        elif path == "scenario" and method == "POST":
            try:
                self.state.replace(json.loads(_read_body(environ) or b"{}"))
                status, document = 200, self.state.doc
            except (ValueError, ScenarioError) as e:
                status, document = 400, {"error": str(e)}
        elif path == "sso-token" and method == "POST":
            try:
                status, document = 200, self.sso.grant(json.loads(_read_body(environ) or b"{}"))
            except (ValueError, KeyError, TypeError) as e:
                status, document = 400, {"error": f"sso-token: {type(e).__name__}: {e}"}
        elif path == "os-shutdown" and method == "POST":
            status, document = self._os_shutdown(environ)
        elif path == "metadata-service" and method in ("POST", "DELETE"):
            try:
                status, document = 200, self.fis.register_metadata(json.loads(_read_body(environ) or b"{}"),
                                                                   remove=method == "DELETE")
            except (ValueError, KeyError, TypeError) as e:
                status, document = 400, {"error": f"metadata-service: {type(e).__name__}: {e}"}
        elif path == "experiments" and method == "GET":
            status, document = 200, self.fis.snapshot()
        elif path == "experiment-end" and method == "POST":
            self.loaded.wait()
            try:
                status, document = 200, self.fis.end_now(json.loads(_read_body(environ) or b"{}")["id"])
            except (ValueError, KeyError, TypeError) as e:
                status, document = 400, {"error": f"experiment-end: {type(e).__name__}: {e}"}
        elif path in ("interrupt", "rebalance") and method == "POST":
            status, document = self._fleet_event(path, environ)
        elif path in ("console-output", "instance-address", "instance-launch-time") and method == "POST":
            status, document = self._instance_view(path, environ)
        elif path == "health" and method == "GET":
            status, document = 200, {"status": "ok" if self.load_error is None else "broken", "pid": os.getpid(),
                                     "uptime_s": round(time.time() - self.started, 3),
                                     "moto_loaded": self.loaded.is_set() and self.load_error is None,
                                     "warm": self.warm.is_set(), "load_error": self.load_error,
                                     "requests": len(self.log.entries()), "scenario_state": self.state.status()}
        payload = json.dumps(document, default=str).encode()
        start_response(f"{status} {_reason(status)}", [("Content-Type", "application/json"),
                                                       ("Content-Length", str(len(payload)))])
        return [payload]

    def _os_shutdown(self, environ: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The instance powers itself off; EC2 applies its InstanceInitiatedShutdownBehavior."""
        self.loaded.wait()
        try:
            request = json.loads(_read_body(environ) or b"{}")
            import local_aws_ec2_state
            return 200, local_aws_ec2_state.os_shutdown(request["instance_id"], request.get("region", "us-east-1"))
        except Exception as e:  # a malformed body, or moto's own error (unknown instance)
            return 400, {"error": f"os-shutdown: {type(e).__name__}: {e}"}

    def _fleet_event(self, path: str, environ: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """A spot interruption or a rebalance recommendation (local_aws_fleet.py)."""
        self.loaded.wait()
        try:
            request = json.loads(_read_body(environ) or b"{}")
            import local_aws_fleet
            act = local_aws_fleet.interrupt if path == "interrupt" else local_aws_fleet.rebalance
            return 200, act(request["instance_id"], request.get("region", "us-east-1"))
        except Exception as e:  # a malformed body, an unknown instance, not a spot member
            return 400, {"error": f"{path}: {type(e).__name__}: {e}"}

    def _instance_view(self, path: str, environ: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """What the instance shows: its console output, its public address (local_aws_console)."""
        self.loaded.wait()
        try:
            request = json.loads(_read_body(environ) or b"{}")
            import local_aws_console
            if path == "console-output":
                return 200, local_aws_console.set_console_output(request)
            if path == "instance-launch-time":
                return 200, local_aws_console.set_instance_launch_time(request)
            return 200, local_aws_console.set_instance_address(request)
        except Exception as e:  # a malformed body, or moto's own error (unknown instance)
            return 400, {"error": f"{path}: {type(e).__name__}: {e}"}


def _read_body(environ: dict[str, Any]) -> bytes:
    """Reads the whole body once and leaves a rewound copy for whoever reads next."""
    stream = environ.get("wsgi.input")
    if isinstance(stream, io.BytesIO):
        return stream.getvalue()
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > 0:
        body = stream.read(length)
    elif environ.get("wsgi.input_terminated") and stream is not None:
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _reason(status: int) -> str:
    from http import HTTPStatus
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


# --- the server --------------------------------------------------------------------

def _warm_up(moto_app: Callable) -> None:
    """First calls build moto's per-service app and backend (about a second each);
    make them now, beside the client's start, not in its first request."""
    from werkzeug.test import EnvironBuilder

    def signed(service: str) -> str:
        return (f"AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, "
                "SignedHeaders=host, Signature=0")

    calls = [
        {"data": "Action=DescribeAvailabilityZones&Version=2016-11-15",
         "headers": {"Authorization": signed("ec2"), "Content-Type": "application/x-www-form-urlencoded"}},
        {"data": json.dumps({"Name": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"}),
         "headers": {"Authorization": signed("ssm"), "Content-Type": "application/x-amz-json-1.1",
                     "X-Amz-Target": "AmazonSSM.GetParameter"}},
    ]
    for call in calls:
        try:
            environ = EnvironBuilder(path="/", method="POST", base_url="http://127.0.0.1", **call).get_environ()
            call_wsgi(moto_app, environ)
        except Exception:
            pass  # only an optimisation


def make_server(app: LocalAws, port: int, verbose: bool) -> Any:
    import socketserver

    from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

    class Handler(WSGIRequestHandler):
        def make_environ(self) -> dict[str, Any]:
            # werkzeug drops header names with '_' (CGI could not tell them from '-'); AWS has one
            # (the SSO portal's x-amz-sso_bearer_token): keep them, as HTTP_X_AMZ_SSO_BEARER_TOKEN.
            environ = super().make_environ()
            for key, value in self.headers.items():
                if "_" in key:
                    environ.setdefault("HTTP_" + key.upper().replace("-", "_"), value)
            return environ

        def log_request(self, *args: Any, **kwargs: Any) -> None:
            if verbose:
                super().log_request(*args, **kwargs)

    class Server(ThreadedWSGIServer):
        daemon_threads = True

        def server_bind(self) -> None:
            # http.server would look up the host's FQDN here: a DNS query, and slow.
            socketserver.TCPServer.server_bind(self)
            self.server_name, self.server_port = self.server_address[:2]

    return Server("127.0.0.1", port, app, handler=Handler)


def _parent_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local AWS (moto + spawn scenarios) on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default)")
    parser.add_argument("--port-file", help="also write the READY line here (atomically)")
    parser.add_argument("--scenario", help="scenario JSON file, laid over default_scenario.json")
    parser.add_argument("--parent-pid", type=int, help="exit when this process is gone")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = parser.parse_args(argv)

    guard_loopback()
    try:
        scenario = {}
        if args.scenario:
            with open(args.scenario, encoding="utf-8") as f:
                scenario = json.load(f)
        state = ScenarioState(scenario)
    except (OSError, ValueError) as e:  # ScenarioError is a ValueError
        print(f"local_aws: bad scenario: {e}", file=sys.stderr)
        return 2

    app = LocalAws(state, verbose=args.verbose)
    server = make_server(app, args.port, args.verbose)
    ready = f"READY http://127.0.0.1:{server.server_port}"

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=app.load, name="moto-loader", daemon=True).start()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()

    if args.port_file:
        partial = f"{args.port_file}.tmp{os.getpid()}"
        with open(partial, "w", encoding="utf-8") as f:
            f.write(ready + "\n")
        os.replace(partial, args.port_file)
    print(ready, flush=True)

    while not stop.wait(0.2):
        if args.parent_pid and not _parent_alive(args.parent_pid):
            break
        if app.load_error is not None:
            print(f"local_aws: moto did not load: {app.load_error}", file=sys.stderr)
            break
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    return 1 if app.load_error is not None else 0


if __name__ == "__main__":
    sys.exit(main())
