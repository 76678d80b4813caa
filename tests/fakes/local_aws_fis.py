"""AWS FIS (Fault Injection Service, rest-json) as the local AWS answers it: moto 5.2.1 keeps
experiment templates but cannot start an experiment. What `spawn interrupt` drives: experiment
templates (create, get, list, delete), experiments (start, get, list, stop) and the one action
spawn uses, aws:ec2:send-spot-instance-interruptions, which does what EC2 does:

- at the start, FIS resolves each target against the EC2 state of the request's region (running
  instances; resourceArns or resourceTags, filters on State.Name, selectionMode ALL, COUNT(n),
  PERCENT(n)); a target that resolves to nothing, or to an instance that is not spot, fails the
  experiment ("failed", with FIS's reason);
- each resolved instance gets the two-minute notice in its metadata service: its metadata fake,
  registered with `POST /_spawn/metadata-service` (the local AWS first pushes the instance's
  current EC2 tags to it, as the real metadata service shows them; with a durationBeforeInterruption
  over two minutes a rebalance recommendation comes at once and the notice two minutes before the
  end); an instance with no registered fake gets nothing there;
- when durationBeforeInterruption has passed, EC2 interrupts the instance (local_aws_fleet.interrupt:
  Server.SpotInstanceTermination) and the experiment is "completed".

ClientTokens are idempotent as on AWS: the same token gives the same template or experiment.
Errors are rest-json: {"message"} with x-amzn-ErrorType (ValidationException 400,
ResourceNotFoundException 404). Every request still goes through the local AWS's middleware
(request log with the operation name, signature check, model check, scenario faults)."""
from __future__ import annotations

import datetime
import json
import random
import re
import string
import threading
import time
import urllib.request
from typing import Any

ACCOUNT = "123456789012"
SPOT_INTERRUPTIONS = "aws:ec2:send-spot-instance-interruptions"
SPOT_INSTANCE = "aws:ec2:spot-instance"
NOTICE_SECONDS = 120

# (method, path pattern) -> operation, as the model's requestUri says.
ROUTES = [
    ("POST", r"/experimentTemplates", "CreateExperimentTemplate"),
    ("GET", r"/experimentTemplates", "ListExperimentTemplates"),
    ("GET", r"/experimentTemplates/(?P<id>[^/]+)", "GetExperimentTemplate"),
    ("DELETE", r"/experimentTemplates/(?P<id>[^/]+)", "DeleteExperimentTemplate"),
    ("POST", r"/experiments", "StartExperiment"),
    ("GET", r"/experiments", "ListExperiments"),
    ("GET", r"/experiments/(?P<id>[^/]+)", "GetExperiment"),
    ("DELETE", r"/experiments/(?P<id>[^/]+)", "StopExperiment"),
]


def operation_of(method: str, path: str) -> tuple[str, dict[str, str]]:
    """The operation of a request and its path labels; ("METHOD /path", {}) when FIS has none."""
    for route_method, pattern, name in ROUTES:
        m = re.fullmatch(pattern, path.rstrip("/") or "/")
        if m and route_method == method:
            return name, m.groupdict()
    return f"{method} {path}", {}


class FisError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _invalid(message: str) -> FisError:
    return FisError(400, "ValidationException", message)


def _new_id(prefix: str) -> str:
    return prefix + "".join(random.choices(string.ascii_letters + string.digits, k=14))


def _duration(text: Any) -> float:
    """An ISO 8601 duration of minutes and seconds (PT2M, PT2M30S, PT15M) in seconds."""
    m = re.fullmatch(r"PT(?:(\d+)M)?(?:(\d+)S)?", text) if isinstance(text, str) else None
    if not m or not (m.group(1) or m.group(2)):
        raise _invalid(f"durationBeforeInterruption must be an ISO 8601 duration such as PT2M, got {text!r}")
    return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)


def _tags_of(instance: Any) -> dict[str, str]:
    return {t["key"]: t["value"] for t in instance.get_tags()}


def _iso(t: float) -> str:
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy


def _post(url: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with _NO_PROXY.open(request, timeout=5) as reply:
        reply.read()


class Fis:
    """FIS's state: templates, experiments, idempotency tokens, and where each instance's metadata
    fake listens. Thread safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.templates: dict[str, dict[str, Any]] = {}
        self.experiments: dict[str, dict[str, Any]] = {}
        self.tokens: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, token) -> (id, body fingerprint)
        self.metadata: dict[tuple[str, str], str] = {}  # (region, instance id) -> metadata fake URL

    # --- the control endpoint --------------------------------------------------------------

    def register_metadata(self, request: dict[str, Any], remove: bool = False) -> dict[str, Any]:
        instance_id = request["instance_id"]
        region = request.get("region", "us-east-1")
        if remove:
            with self.lock:
                self.metadata.pop((region, instance_id), None)
            return {"instance_id": instance_id, "region": region, "url": None}
        url = str(request["url"]).rstrip("/")
        if not re.fullmatch(r"http://127\.0\.0\.1:\d+", url):
            raise ValueError("url must be http://127.0.0.1:PORT (nothing here talks to another address)")
        with self.lock:
            self.metadata[(region, instance_id)] = url
        return {"instance_id": instance_id, "region": region, "url": url}

    def snapshot(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(e) for e in self.experiments.values()]

    # --- the API -----------------------------------------------------------------------------

    def handle(self, operation: str, labels: dict[str, str], region: str, body: bytes,
               query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        try:
            request = json.loads(body) if body else {}
            handler = getattr(self, "_" + re.sub(r"(?<!^)([A-Z])", r"_\1", operation).lower(), None)
            if handler is None:
                raise FisError(404, "ResourceNotFoundException", f"FIS has no operation {operation}")
            return 200, handler(request, labels, region)
        except FisError as e:
            return e.status, {"__error": e.code, "message": e.message}

    def _idempotent(self, kind: str, request: dict[str, Any], make: Any) -> str:
        token = request.get("clientToken")
        fingerprint = json.dumps({k: v for k, v in request.items() if k != "clientToken"}, sort_keys=True)
        with self.lock:
            known = self.tokens.get((kind, token)) if token else None
        if known:
            if known[1] != fingerprint:
                raise FisError(409, "ConflictException", f"clientToken {token} was used with other parameters")
            return known[0]
        made = make()
        if token:
            with self.lock:
                self.tokens[(kind, token)] = (made, fingerprint)
        return made

    def _create_experiment_template(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        self._validate_template(request)

        def make() -> str:
            now = time.time()
            template_id = _new_id("EXT")
            template = {"id": template_id,
                        "arn": f"arn:aws:fis:{region}:{ACCOUNT}:experiment-template/{template_id}",
                        "description": request.get("description", ""), "targets": request.get("targets", {}),
                        "actions": request["actions"], "stopConditions": request["stopConditions"],
                        "roleArn": request["roleArn"], "tags": request.get("tags", {}),
                        "creationTime": now, "lastUpdateTime": now, "region": region}
            with self.lock:
                self.templates[template_id] = template
            return template_id

        template_id = self._idempotent("template", request, make)
        return {"experimentTemplate": self._template_view(template_id)}

    def _template_view(self, template_id: str) -> dict[str, Any]:
        with self.lock:
            template = self.templates.get(template_id)
        if template is None:
            raise FisError(404, "ResourceNotFoundException", f"Experiment template not found: {template_id}")
        return {k: v for k, v in template.items() if k != "region"}

    def _get_experiment_template(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        return {"experimentTemplate": self._template_view(labels["id"])}

    def _delete_experiment_template(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        view = self._template_view(labels["id"])
        with self.lock:
            self.templates.pop(labels["id"], None)
        return {"experimentTemplate": view}

    def _list_experiment_templates(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        with self.lock:
            ids = [t["id"] for t in self.templates.values() if t["region"] == region]
        return {"experimentTemplates": [self._template_view(i) for i in ids]}

    def _validate_template(self, request: dict[str, Any]) -> None:
        from moto.iam.models import iam_backends
        role_arn = request.get("roleArn", "")
        try:
            iam_backends[ACCOUNT]["global"].get_role_by_arn(role_arn)
        except Exception:
            raise _invalid(f"Unable to assume role {role_arn}: the role does not exist") from None
        targets = request.get("targets") or {}
        for name, target in targets.items():
            if target.get("resourceType") != SPOT_INSTANCE:
                raise _invalid(f"Target {name}: resource type {target.get('resourceType')} is not supported here "
                               f"(the local AWS knows {SPOT_INSTANCE})")
            if not target.get("resourceArns") and not target.get("resourceTags"):
                raise _invalid(f"Target {name}: resourceArns or resourceTags is required")
            if target.get("resourceArns") and target.get("resourceTags"):
                raise _invalid(f"Target {name}: resourceArns and resourceTags cannot be used together")
            if not re.fullmatch(r"ALL|COUNT\(\d+\)|PERCENT\(\d+\)", target.get("selectionMode", "")):
                raise _invalid(f"Target {name}: selectionMode must be ALL, COUNT(n) or PERCENT(n)")
        for name, action in (request.get("actions") or {}).items():
            if action.get("actionId") != SPOT_INTERRUPTIONS:
                raise _invalid(f"Action {name}: {action.get('actionId')} is not supported here "
                               f"(the local AWS knows {SPOT_INTERRUPTIONS})")
            seconds = _duration((action.get("parameters") or {}).get("durationBeforeInterruption"))
            if not 120 <= seconds <= 900:
                raise _invalid(f"Action {name}: durationBeforeInterruption must be from PT2M to PT15M")
            for key, target in (action.get("targets") or {}).items():
                if key != "SpotInstances":
                    raise _invalid(f"Action {name}: target key {key} is not valid for {SPOT_INTERRUPTIONS}")
                if target not in targets:
                    raise _invalid(f"Action {name}: target {target} is not defined in the template")
            if not action.get("targets"):
                raise _invalid(f"Action {name}: the target SpotInstances is required")

    def _start_experiment(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        template = self._template_view(request["experimentTemplateId"])

        def make() -> str:
            experiment_id = _new_id("EXP")
            started = time.time()
            experiment = {"id": experiment_id,
                          "arn": f"arn:aws:fis:{region}:{ACCOUNT}:experiment/{experiment_id}",
                          "experimentTemplateId": template["id"], "roleArn": template["roleArn"],
                          "targets": template["targets"], "actions": template["actions"],
                          "stopConditions": template["stopConditions"], "tags": request.get("tags", {}),
                          "creationTime": started, "startTime": started,
                          "state": {"status": "initiating", "reason": "Experiment is initiating."},
                          "resolved": {}, "region": region}
            with self.lock:
                self.experiments[experiment_id] = experiment
            self._run(experiment)
            return experiment_id

        fresh: list[bool] = []

        def first() -> str:
            fresh.append(True)
            return make()

        experiment_id = self._idempotent("experiment", request, first)
        view = self._experiment_view(experiment_id)
        if fresh:  # FIS answers a start before it has resolved anything
            view["state"] = {"status": "initiating", "reason": "Experiment is initiating."}
        return {"experiment": view}

    def _experiment_view(self, experiment_id: str) -> dict[str, Any]:
        with self.lock:
            experiment = self.experiments.get(experiment_id)
            if experiment is None:
                raise FisError(404, "ResourceNotFoundException", f"Experiment not found: {experiment_id}")
            return {k: (dict(v) if isinstance(v, dict) else v) for k, v in experiment.items()
                    if k not in ("region", "resolved")}

    def _get_experiment(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        return {"experiment": self._experiment_view(labels["id"])}

    def _list_experiments(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        with self.lock:
            ids = [e["id"] for e in self.experiments.values() if e["region"] == region]
        return {"experiments": [self._experiment_view(i) for i in ids]}

    def _stop_experiment(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        with self.lock:
            experiment = self.experiments.get(labels["id"])
            if experiment is None:
                raise FisError(404, "ResourceNotFoundException", f"Experiment not found: {labels['id']}")
            if experiment["state"]["status"] in ("initiating", "running"):
                experiment["state"] = {"status": "stopped", "reason": "Experiment stopped by the user."}
        return {"experiment": self._experiment_view(labels["id"])}

    # --- running an experiment ------------------------------------------------------------------

    def _set_state(self, experiment: dict[str, Any], status: str, reason: str) -> None:
        with self.lock:
            if experiment["state"]["status"] not in ("stopped", "failed", "completed"):
                experiment["state"] = {"status": status, "reason": reason}
                if status in ("failed", "completed"):
                    experiment["endTime"] = time.time()

    def _run(self, experiment: dict[str, Any]) -> None:
        """Resolves the targets, posts the notices, and arms the interruption (lock not held)."""
        region = experiment["region"]
        try:
            resolved = {name: self._resolve(target, region) for name, target in experiment["targets"].items()}
        except FisError as e:
            self._set_state(experiment, "failed", e.message)
            return
        experiment["resolved"] = resolved
        for action in experiment["actions"].values():
            seconds = _duration(action["parameters"]["durationBeforeInterruption"])
            ids = resolved[action["targets"]["SpotInstances"]]
            end = experiment["startTime"] + seconds
            for instance_id in ids:
                self._notify(region, instance_id, end, seconds)
            timer = threading.Timer(seconds, self._interrupt, args=(experiment, region, ids))
            timer.daemon = True
            timer.start()
        self._set_state(experiment, "running", "Experiment is running.")

    def _resolve(self, target: dict[str, Any], region: str) -> list[str]:
        from moto.ec2.models import ec2_backends
        backend = ec2_backends[ACCOUNT][region]
        wanted_states = ["running"]
        for f in target.get("filters") or []:
            if f.get("path") == "State.Name":
                wanted_states = f.get("values") or wanted_states
        arns = target.get("resourceArns") or []
        ids = {arn.rsplit("/", 1)[-1] for arn in arns}
        tags = target.get("resourceTags") or {}
        found = []
        for reservation in backend.reservations.values():
            for instance in reservation.instances:
                if arns and instance.id not in ids:
                    continue
                if tags and any(_tags_of(instance).get(k) != v for k, v in tags.items()):
                    continue
                if instance._state.name not in wanted_states:
                    continue
                found.append(instance)
        if not found:
            raise FisError(400, "ValidationException", "Target resolution returned empty set")
        for instance in found:
            if getattr(instance, "lifecycle", None) != "spot":
                raise FisError(400, "ValidationException",
                               f"Target resolution failed: {instance.id} is not a spot instance")
        mode = target.get("selectionMode", "ALL")
        if m := re.fullmatch(r"COUNT\((\d+)\)", mode):
            found = random.sample(found, min(len(found), int(m.group(1))))
        elif m := re.fullmatch(r"PERCENT\((\d+)\)", mode):
            found = random.sample(found, max(1, len(found) * int(m.group(1)) // 100))
        return [i.id for i in found]

    def _notify(self, region: str, instance_id: str, end: float, seconds: float) -> None:
        """The instance's metadata: its tags as EC2 has them now, a rebalance recommendation when
        the notice is more than two minutes away, and the notice (two minutes before `end`)."""
        from moto.ec2.models import ec2_backends
        with self.lock:
            url = self.metadata.get((region, instance_id))
        if url is None:
            return
        instance = ec2_backends[ACCOUNT][region].get_instance(instance_id)
        _post(url + "/_fake/tags", {"tags": _tags_of(instance), "enabled": True})
        notice = {"action": "terminate", "time": _iso(end)}
        if seconds <= NOTICE_SECONDS:
            _post(url + "/_fake/notice", notice)
            return
        _post(url + "/_fake/rebalance", {})
        timer = threading.Timer(seconds - NOTICE_SECONDS, lambda: _post(url + "/_fake/notice", notice))
        timer.daemon = True
        timer.start()

    def _interrupt(self, experiment: dict[str, Any], region: str, ids: list[str]) -> None:
        import local_aws_fleet
        with self.lock:
            stopped = experiment["state"]["status"] == "stopped"
        if not stopped:
            for instance_id in ids:
                try:
                    local_aws_fleet.interrupt(instance_id, region)
                except Exception:  # already gone (terminated meanwhile): nothing to interrupt
                    pass
        self._set_state(experiment, "completed", "Experiment completed.")


def reply_parts(status: int, document: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of a FIS reply (an error's code in x-amzn-ErrorType)."""
    import uuid
    headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", str(uuid.uuid4()))]
    if status >= 300:
        headers.append(("x-amzn-ErrorType", document.pop("__error")))
    return headers, json.dumps(document, default=float).encode()
