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

Time passes on the real clock (daemon timers); `POST /_spawn/experiment-end` {"id"} lets a test
skip the wait: what is still due (the notice, the interruption) happens at once.

ClientTokens are idempotent as on AWS: the same token gives the same template or experiment
(other parameters with a used token: 409 ConflictException).
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


def is_unsigned_fis(environ: dict[str, Any]) -> bool:
    """An unsigned request (no credential scope to name the service) on one of FIS's paths, not a
    presigned S3 URL (whose credential is in the query): FIS by its path, to be refused as FIS."""
    if environ.get("HTTP_AUTHORIZATION") or "X-Amz-Credential=" in environ.get("QUERY_STRING", ""):
        return False
    path = environ.get("PATH_INFO", "/")
    name = operation_of(environ.get("REQUEST_METHOD", "GET"), path)[0]
    return not name.startswith(environ.get("REQUEST_METHOD", "GET") + " ") and (
        path.startswith("/experimentTemplates") or "json" in environ.get("CONTENT_TYPE", ""))


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


# Filter paths of aws:ec2:spot-instance targets (DescribeInstances' output) the local AWS knows.
FILTER_PATHS = {
    "State.Name": lambda i: i._state.name,
    "Placement.AvailabilityZone": lambda i: i._placement.zone,
    "InstanceType": lambda i: i.instance_type,
}
ACTION_DONE = ("completed", "stopped", "failed", "cancelled")


class _Due:
    """Something an experiment does later: on its daemon timer, or at once when a test ends the
    wait (experiment-end). Runs at most once."""

    def __init__(self, at: float, run: Any) -> None:
        self.at, self.run, self.done, self.lock = at, run, False, threading.Lock()
        self.timer = threading.Timer(max(0.0, at - time.time()), self.fire)
        self.timer.daemon = True
        self.timer.start()

    def fire(self) -> None:
        with self.lock:
            if self.done:
                return
            self.done = True
        self.timer.cancel()
        self.run()

    def cancel(self) -> None:
        with self.lock:
            self.done = True
        self.timer.cancel()


def _page(items: list[Any], request: dict[str, str], key: str) -> dict[str, Any]:
    """maxResults / nextToken paging of a list reply (the token: the index of the next item)."""
    start = int(request.get("nextToken") or 0) if str(request.get("nextToken") or "0").isdigit() else None
    if start is None:
        raise _invalid(f"Invalid nextToken {request.get('nextToken')!r}")
    size = int(request.get("maxResults") or 100)
    out: dict[str, Any] = {key: items[start:start + size]}
    if start + size < len(items):
        out["nextToken"] = str(start + size)
    return out


class Fis:
    """FIS's state: templates, experiments, idempotency tokens, and where each instance's metadata
    fake listens. Thread safe: `lock` guards the state (never held over HTTP or moto calls),
    `token_lock` makes a clientToken's first call and its retries one at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token_lock = threading.Lock()
        self.templates: dict[str, dict[str, Any]] = {}
        self.experiments: dict[str, dict[str, Any]] = {}
        self.tokens: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, token) -> (id, body fingerprint)
        self.metadata: dict[tuple[str, str], str] = {}  # (region, instance id) -> metadata fake URL
        self.due: dict[str, list[_Due]] = {}  # experiment id -> what it still does later

    # --- the control endpoints --------------------------------------------------------------

    def register_metadata(self, request: dict[str, Any], remove: bool = False) -> dict[str, Any]:
        instance_id = request["instance_id"]
        region = request.get("region", "us-east-1")
        if not isinstance(instance_id, str) or not re.fullmatch(r"i-[0-9a-f]+", instance_id):
            raise ValueError(f"instance_id must be an instance id (i-...), got {instance_id!r}")
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
            return [json.loads(json.dumps(e)) for e in self.experiments.values()]

    def end_now(self, experiment_id: str) -> dict[str, Any]:
        """Time passes for one experiment: what is still due (notices, the interruption) happens now."""
        with self.lock:
            if experiment_id not in self.experiments:
                raise KeyError(f"no experiment {experiment_id}")
            due = sorted(self.due.get(experiment_id, []), key=lambda d: d.at)
        for item in due:
            item.fire()
        with self.lock:
            return json.loads(json.dumps(self.experiments[experiment_id]))

    # --- the API -----------------------------------------------------------------------------

    def handle(self, operation: str, labels: dict[str, str], region: str, body: bytes,
               query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        try:
            request = json.loads(body) if body else {}
            request.update(query)
            handler = getattr(self, "_" + re.sub(r"(?<!^)([A-Z])", r"_\1", operation).lower(), None)
            if handler is None:
                raise FisError(404, "ResourceNotFoundException", f"FIS has no operation {operation}")
            return 200, handler(request, labels, region)
        except FisError as e:
            return e.status, {"__error": e.code, "message": e.message}

    def _idempotent(self, kind: str, request: dict[str, Any], make: Any) -> tuple[str, bool]:
        """(id, made now): the thing made for this clientToken before, or a new one."""
        token = request.get("clientToken")
        fingerprint = json.dumps({k: v for k, v in request.items() if k != "clientToken"}, sort_keys=True)
        with self.token_lock:
            known = self.tokens.get((kind, token)) if token else None
            if known:
                if known[1] != fingerprint:
                    raise FisError(409, "ConflictException",
                                   f"The clientToken {token} was already used with other parameters")
                return known[0], False
            made = make()
            if token:
                self.tokens[(kind, token)] = (made, fingerprint)
            return made, True

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

        template_id, _ = self._idempotent("template", request, make)
        return {"experimentTemplate": self._template_view(template_id, region)}

    def _template_view(self, template_id: str, region: str) -> dict[str, Any]:
        with self.lock:
            template = self.templates.get(template_id)
            if template is None or template["region"] != region:
                raise FisError(404, "ResourceNotFoundException", f"Experiment template not found: {template_id}")
            return {k: v for k, v in template.items() if k != "region"}

    def _get_experiment_template(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        return {"experimentTemplate": self._template_view(labels["id"], region)}

    def _delete_experiment_template(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        view = self._template_view(labels["id"], region)
        with self.lock:
            self.templates.pop(labels["id"], None)
        return {"experimentTemplate": view}

    def _list_experiment_templates(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        with self.lock:
            summaries = [{k: t[k] for k in ("id", "arn", "description", "creationTime", "lastUpdateTime", "tags")}
                         for t in self.templates.values() if t["region"] == region]
        return _page(summaries, request, "experimentTemplates")

    def _validate_template(self, request: dict[str, Any]) -> None:
        from moto.iam.models import iam_backends
        role_arn = request.get("roleArn", "")
        try:
            iam_backends[ACCOUNT]["global"].get_role_by_arn(role_arn)
        except Exception:
            raise _invalid(f"Unable to assume role {role_arn}: the role does not exist") from None
        for condition in request.get("stopConditions") or []:
            source, value = condition.get("source"), condition.get("value")
            if source == "none" and value is None:
                continue
            if source == "aws:cloudwatch:alarm" and isinstance(value, str) and value.startswith("arn:aws:cloudwatch:"):
                continue
            raise _invalid(f"Invalid stop condition {condition}: source must be none (without a value) or "
                           "aws:cloudwatch:alarm with the alarm's ARN as its value")
        targets = request.get("targets") or {}
        for name, target in targets.items():
            self._validate_target(name, target)
        if not request.get("actions"):
            raise _invalid("The experiment template must have at least one action")
        for name, action in request["actions"].items():
            if action.get("actionId") != SPOT_INTERRUPTIONS:
                raise _invalid(f"Action {name}: {action.get('actionId')} is not supported here "
                               f"(the local AWS knows {SPOT_INTERRUPTIONS})")
            parameters = action.get("parameters") or {}
            for key in parameters:
                if key != "durationBeforeInterruption":
                    raise _invalid(f"Action {name}: unknown parameter {key} for {SPOT_INTERRUPTIONS}")
            seconds = _duration(parameters.get("durationBeforeInterruption"))
            if not 120 <= seconds <= 900:
                raise _invalid(f"Action {name}: durationBeforeInterruption must be from PT2M to PT15M")
            for key, target in (action.get("targets") or {}).items():
                if key != "SpotInstances":
                    raise _invalid(f"Action {name}: target key {key} is not valid for {SPOT_INTERRUPTIONS}")
                if target not in targets:
                    raise _invalid(f"Action {name}: target {target} is not defined in the template")
            if not action.get("targets"):
                raise _invalid(f"Action {name}: the target SpotInstances is required")

    @staticmethod
    def _validate_target(name: str, target: dict[str, Any]) -> None:
        if target.get("resourceType") != SPOT_INSTANCE:
            raise _invalid(f"Target {name}: resource type {target.get('resourceType')} is not supported here "
                           f"(the local AWS knows {SPOT_INSTANCE})")
        arns, tags = target.get("resourceArns"), target.get("resourceTags")
        if not arns and not tags:
            raise _invalid(f"Target {name}: resourceArns or resourceTags is required")
        if arns and tags:
            raise _invalid(f"Target {name}: resourceArns and resourceTags cannot be used together")
        for arn in arns or []:
            if not re.fullmatch(r"arn:aws:ec2:[a-z0-9-]+:\d{12}:instance/i-[0-9a-f]+", arn):
                raise _invalid(f"Target {name}: {arn} is not the ARN of an EC2 instance")
        for f in target.get("filters") or []:
            if f.get("path") not in FILTER_PATHS:
                raise _invalid(f"Target {name}: filter path {f.get('path')} is not supported here "
                               f"(the local AWS knows {', '.join(FILTER_PATHS)})")
        mode = target.get("selectionMode", "")
        m = re.fullmatch(r"ALL|COUNT\((\d+)\)|PERCENT\((\d+)\)", mode)
        if not m or (m.group(1) and int(m.group(1)) < 1) or (m.group(2) and not 1 <= int(m.group(2)) <= 100):
            raise _invalid(f"Target {name}: selectionMode must be ALL, COUNT(n) or PERCENT(n), got {mode!r}")

    def _start_experiment(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        template = self._template_view(request["experimentTemplateId"], region)

        def make() -> str:
            experiment_id = _new_id("EXP")
            started = time.time()
            actions = {name: dict(action, state={"status": "pending", "reason": "Initial state"})
                       for name, action in template["actions"].items()}
            experiment = {"id": experiment_id,
                          "arn": f"arn:aws:fis:{region}:{ACCOUNT}:experiment/{experiment_id}",
                          "experimentTemplateId": template["id"], "roleArn": template["roleArn"],
                          "targets": template["targets"], "actions": actions,
                          "stopConditions": template["stopConditions"], "tags": request.get("tags", {}),
                          "creationTime": started, "startTime": started,
                          "state": {"status": "initiating", "reason": "Experiment is initiating."},
                          "region": region, "resolved": {}, "deliveries": []}
            with self.lock:
                self.experiments[experiment_id] = experiment
            self._run(experiment)
            return experiment_id

        experiment_id, fresh = self._idempotent("experiment", request, make)
        view = self._experiment_view(experiment_id)
        if fresh:  # FIS answers a start before it has resolved anything
            view["state"] = {"status": "initiating", "reason": "Experiment is initiating."}
        return {"experiment": view}

    def _experiment_view(self, experiment_id: str) -> dict[str, Any]:
        with self.lock:
            experiment = self.experiments.get(experiment_id)
            if experiment is None:
                raise FisError(404, "ResourceNotFoundException", f"Experiment not found: {experiment_id}")
            return json.loads(json.dumps({k: v for k, v in experiment.items()
                                          if k not in ("region", "resolved", "deliveries")}))

    def _get_experiment(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        return {"experiment": self._experiment_view(labels["id"])}

    def _list_experiments(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        wanted = request.get("experimentTemplateId")
        with self.lock:
            summaries = [{k: e[k] for k in ("id", "arn", "experimentTemplateId", "state", "creationTime", "tags")}
                         for e in self.experiments.values()
                         if e["region"] == region and wanted in (None, e["experimentTemplateId"])]
        return _page(json.loads(json.dumps(summaries)), request, "experiments")

    def _stop_experiment(self, request: dict[str, Any], labels: dict[str, str], region: str) -> dict[str, Any]:
        with self.lock:
            experiment = self.experiments.get(labels["id"])
            if experiment is None:
                raise FisError(404, "ResourceNotFoundException", f"Experiment not found: {labels['id']}")
            if experiment["state"]["status"] in ("initiating", "running"):
                experiment["state"] = {"status": "stopped", "reason": "Experiment stopped by the user."}
                experiment["endTime"] = time.time()
                for action in experiment["actions"].values():
                    if action["state"]["status"] not in ACTION_DONE:
                        action["state"] = {"status": "stopped", "reason": "Experiment stopped by the user."}
                due = self.due.pop(labels["id"], [])
            else:
                due = []
        for item in due:  # notices and interruptions not yet given are not given
            item.cancel()
        return {"experiment": self._experiment_view(labels["id"])}

    # --- running an experiment ------------------------------------------------------------------

    def _set_state(self, experiment: dict[str, Any], status: str, reason: str) -> None:
        with self.lock:
            if experiment["state"]["status"] not in ("stopped", "failed", "completed"):
                experiment["state"] = {"status": status, "reason": reason}
                if status in ("failed", "completed"):
                    experiment["endTime"] = time.time()

    def _later(self, experiment: dict[str, Any], at: float, run: Any) -> None:
        with self.lock:
            self.due.setdefault(experiment["id"], []).append(_Due(at, run))

    def _run(self, experiment: dict[str, Any]) -> None:
        """Resolves the targets, gives the notices, and arms the interruptions (lock not held)."""
        region = experiment["region"]
        try:
            resolved = {name: self._resolve(target, region) for name, target in experiment["targets"].items()}
        except FisError as e:
            with self.lock:
                for action in experiment["actions"].values():
                    action["state"] = {"status": "cancelled", "reason": "Experiment failed."}
            self._set_state(experiment, "failed", e.message)
            return
        with self.lock:
            experiment["resolved"] = resolved
            for action in experiment["actions"].values():
                action.update(state={"status": "running", "reason": "Action is running."},
                              startTime=experiment["startTime"])
        for name, action in experiment["actions"].items():
            seconds = _duration(action["parameters"]["durationBeforeInterruption"])
            ids = resolved[action["targets"]["SpotInstances"]]
            end = experiment["startTime"] + seconds
            for instance_id in ids:
                self._notify(experiment, instance_id, end, seconds)
            self._later(experiment, end, lambda name=name, ids=ids: self._interrupt(experiment, name, ids))
        self._set_state(experiment, "running", "Experiment is running.")

    def _resolve(self, target: dict[str, Any], region: str) -> list[str]:
        from moto.ec2.models import ec2_backends
        backend = ec2_backends[ACCOUNT][region]
        filters = {f["path"]: f.get("values") or [] for f in target.get("filters") or []}
        filters.setdefault("State.Name", ["running"])
        arns = target.get("resourceArns") or []
        ids = {arn.rsplit("/", 1)[-1] for arn in arns if arn.split(":")[3] == region}
        tags = target.get("resourceTags") or {}
        found = []
        for reservation in list(backend.reservations.values()):
            for instance in reservation.instances:
                if arns and instance.id not in ids:
                    continue
                if tags and any(_tags_of(instance).get(k) != v for k, v in tags.items()):
                    continue
                if any(FILTER_PATHS[path](instance) not in values for path, values in filters.items()):
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
        return sorted(i.id for i in found)

    def _deliver(self, experiment: dict[str, Any], instance_id: str, url: str, what: str, body: dict[str, Any]) -> None:
        """POST to an instance's metadata fake; a fake that is gone is recorded, not fatal."""
        error = None
        try:
            _post(f"{url}/_fake/{what}", body)
        except Exception as e:  # the fake stopped or refuses: the instance just does not see it
            error = f"{type(e).__name__}: {e}"
            import sys
            print(f"local_aws: FIS could not give {instance_id} its {what} at {url}: {error}", file=sys.stderr, flush=True)
        with self.lock:
            experiment["deliveries"].append({"instance_id": instance_id, "what": what, "url": url,
                                             "time": time.time(), "error": error})

    def _notify(self, experiment: dict[str, Any], instance_id: str, end: float, seconds: float) -> None:
        """The instance's metadata: its tags as EC2 has them now, a rebalance recommendation when
        the notice is more than two minutes away, and the notice (two minutes before `end`)."""
        from moto.ec2.models import ec2_backends
        region = experiment["region"]
        with self.lock:
            url = self.metadata.get((region, instance_id))
        if url is None:
            return
        instance = ec2_backends[ACCOUNT][region].get_instance(instance_id)
        # The metadata service shows tags only to an instance launched with InstanceMetadataTags enabled.
        options = getattr(instance, "metadata_options", None)
        shown = getattr(options, "instance_metadata_tags", "enabled") == "enabled"
        self._deliver(experiment, instance_id, url, "tags", {"tags": _tags_of(instance), "enabled": shown})
        notice = {"action": "terminate", "time": _iso(end)}
        if seconds <= NOTICE_SECONDS:
            self._deliver(experiment, instance_id, url, "notice", notice)
            return
        self._deliver(experiment, instance_id, url, "rebalance", {})
        self._later(experiment, end - NOTICE_SECONDS,
                    lambda: self._deliver(experiment, instance_id, url, "notice", notice))

    def _interrupt(self, experiment: dict[str, Any], action_name: str, ids: list[str]) -> None:
        import local_aws_fleet
        for instance_id in ids:
            try:
                local_aws_fleet.interrupt(instance_id, experiment["region"])
                error = None
            except Exception as e:  # already gone (terminated meanwhile): nothing to interrupt
                error = f"{type(e).__name__}: {e}"
            with self.lock:
                experiment["deliveries"].append({"instance_id": instance_id, "what": "interruption", "url": None,
                                                 "time": time.time(), "error": error})
        with self.lock:
            action = experiment["actions"][action_name]
            action.update(state={"status": "completed", "reason": "Action was completed."}, endTime=time.time())
            done = all(a["state"]["status"] in ACTION_DONE for a in experiment["actions"].values())
        if done:
            self._set_state(experiment, "completed", "Experiment completed.")


def reply_parts(status: int, document: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of a FIS reply (an error's code in x-amzn-ErrorType)."""
    import uuid
    headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", str(uuid.uuid4()))]
    if status >= 300:
        headers.append(("x-amzn-ErrorType", document.pop("__error")))
    return headers, json.dumps(document, default=float).encode()
