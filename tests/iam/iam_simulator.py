"""The IAM policy simulator for the tests, and the calls it evaluates.

simulate(requests): every request through @cloud-copilot/iam-simulate in one node process
(tests/iam/simulate.mjs; installed by scripts/bootstrap from package-lock.json).
spored_policies(grants): the policies spawn writes for the spawn-spored role, from spawn's own
builder (build/bin/spored_policy_tool).
Calls: rows of a calls file (spored_calls.json) made into simulator requests, with the request
context AWS builds for a call signed by an instance's role credentials (the keys are listed in
tests/iam/README.md, each with the AWS page that says so).
"""
import json
import os
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
SIMULATE = os.path.join(HERE, "simulate.mjs")
MODULE = os.path.join(HERE, "node_modules", "@cloud-copilot", "iam-simulate", "package.json")
BIN = os.environ.get("SPAWN_BIN_DIR", os.path.join(HERE, "..", "..", "build", "bin"))
POLICY_TOOL = os.path.join(BIN, "spored_policy_tool")

DECISIONS = ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied")


class SimulatorError(RuntimeError):
    pass


def simulator_version():
    """The installed simulator's version; SimulatorError when it is not installed."""
    if not shutil.which("node"):
        raise SimulatorError("node is not on PATH; scripts/bootstrap installs Node.js and the IAM simulator")
    if not os.path.exists(MODULE):
        raise SimulatorError(f"{MODULE} is missing: run scripts/bootstrap (npm ci --prefix tests/iam)")
    with open(MODULE, encoding="utf-8") as f:
        return json.load(f)["version"]


def simulate(requests):
    """One result per request, in order (see simulate.mjs for both shapes)."""
    simulator_version()
    r = subprocess.run(["node", SIMULATE], input=json.dumps({"requests": requests}), capture_output=True,
                       text=True, timeout=300)
    if r.returncode != 0:
        raise SimulatorError(f"simulate.mjs failed ({r.returncode}): {r.stderr.strip()}")
    results = json.loads(r.stdout)["results"]
    if len(results) != len(requests):
        raise SimulatorError(f"simulate.mjs answered {len(results)} of {len(requests)} requests")
    return results


def spored_policies(grants):
    """The spawn-spored policy for each grants object (SporedGrants' members), in order."""
    if not os.access(POLICY_TOOL, os.X_OK):
        raise SimulatorError(f"{POLICY_TOOL} is not built (make build; set SPAWN_BIN_DIR)")
    r = subprocess.run([POLICY_TOOL], input=json.dumps(grants), capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise SimulatorError(f"spored_policy_tool: {r.stderr.strip()}")
    return json.loads(r.stdout)


def combined(decisions):
    """The decision on a call that needs several authorizations (one per resource, as for
    RunInstances): any explicit deny wins, then any implicit deny; allowed only if all are."""
    if "Error" in decisions:
        return "Error"
    if "ExplicitlyDenied" in decisions:
        return "ExplicitlyDenied"
    return "Allowed" if decisions and all(d == "Allowed" for d in decisions) else "ImplicitlyDenied"


class World:
    """The account, the role and the resources the calls of a calls file name."""

    def __init__(self, world):
        self.partition = world["partition"]
        self.region = world["region"]
        self.account = world["account"]
        self.role_name = world["role"]["name"]
        self.role_id = world["role"]["id"]
        self.instances = world["instances"]
        self.resources = world.get("resources", {})

    def instance_arn(self, name):
        return f"arn:{self.partition}:ec2:{self.region}:{self.account}:instance/{self.instances[name]['id']}"

    def caller_context(self, name):
        """What AWS puts in the request context of a call signed with the role credentials EC2
        hands to the instance `name` (IMDS iam/security-credentials): the principal is the role
        session named after the instance id."""
        instance_id = self.instances[name]["id"]
        principal = f"arn:{self.partition}:sts::{self.account}:assumed-role/{self.role_name}/{instance_id}"
        context = {
            "ec2:SourceInstanceARN": self.instance_arn(name),
            "aws:PrincipalArn": f"arn:{self.partition}:iam::{self.account}:role/{self.role_name}",
            "aws:PrincipalAccount": self.account,
            "aws:PrincipalType": "AssumedRole",
            "aws:userid": f"{self.role_id}:{instance_id}",
            "aws:SecureTransport": "true",
        }
        return principal, context

    def target(self, request):
        """(resource ARN, the resource's account, the keys AWS gives for that resource)."""
        if "instance" in request:
            instance = self.instances[request["instance"]]
            context = {"ec2:InstanceID": instance["id"]}
            for key, value in instance.get("tags", {}).items():
                context[f"aws:ResourceTag/{key}"] = value
                context[f"ec2:ResourceTag/{key}"] = value
            context.update(instance.get("context", {}))
            return self.instance_arn(request["instance"]), self.account, context
        name = request["resource"]
        if name in self.resources:
            resource = self.resources[name]
            return resource["arn"], resource.get("account", self.account), dict(resource.get("context", {}))
        return name, self.account, {}

    def request(self, call, policies):
        """A simulator request for one authorization of a call (see README for the fields)."""
        principal, context = self.caller_context(call.get("caller", "self"))
        arn, account, resource_context = self.target(call)
        context.update(resource_context)
        service = call["action"].split(":", 1)[0]
        if service == "ec2":
            context["ec2:Region"] = self.region
        context["aws:RequestedRegion"] = self.region
        tags = call.get("tags")
        if tags is not None:  # CreateTags (or tags on create): every key, and each key's value
            context["aws:TagKeys"] = list(tags)
            for key, value in tags.items():
                context[f"aws:RequestTag/{key}"] = value
        context.update(call.get("context", {}))
        for key in call.get("without", []):
            context.pop(key, None)
        return {"principal": principal, "action": call["action"], "resource": arn, "account": account,
                "context": context, "identity_policies": policies}


def load_calls(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def authorizations(row):
    """The authorizations a row's call needs: its "requests", or the row itself when it names
    one action. Fields a request does not set come from the row (caller, context, without)."""
    if "requests" not in row:
        return [row]
    shared = {k: row[k] for k in ("caller", "context", "without") if k in row}
    return [{**shared, **one} for one in row["requests"]]


def evaluate_rows(calls):
    """Every row of a calls file through the simulator in one run. Returns (policies by grants
    name, [(row, decision, [result per authorization])])."""
    world = World(calls["world"])
    names = list(calls["grants"])
    policies = dict(zip(names, spored_policies([calls["grants"][n] for n in names])))
    requests, spans = [], []
    for row in calls["calls"]:
        identity = [{"name": "spored", "policy": policies[row["grants"]]}]
        start = len(requests)
        requests.extend(world.request(one, identity) for one in authorizations(row))
        spans.append((start, len(requests)))
    results = simulate(requests)
    out = []
    for row, (start, end) in zip(calls["calls"], spans):
        parts = results[start:end]
        out.append((row, combined([p["decision"] for p in parts]), parts))
    return policies, out
