"""What the tests of EC2 faults during `spawn launch` share (test_aws_faults.py: storms, lost
replies, missing capacity; test_aws_rate_limits.py: EC2's rate limits and the model check): the
launch under a scenario, and the proofs from the local AWS's state and request log that EC2
holds exactly what spawn reports."""

import http.client
import http.server
import json
import os
import re
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from spot_test_case import AMI, SpotTestCase  # noqa: E402

STORM = {"every": 2, "services": ["ec2"]}  # every other EC2 call refused, whatever its action
# A call whose reply is lost and that meets the storm before and after needs 4 attempts (throttled,
# lost, throttled, replayed); the standard mode's 3 would give up. Tests that lose a reply in the
# storm ask for 5, as a user in such a storm would (AWS_MAX_ATTEMPTS, honoured like the SDKs do).
PATIENT = {"AWS_MAX_ATTEMPTS": "5"}
LAUNCH_CALLS = ("RunInstances", "CreateFleet", "CreateLaunchTemplate")
RATE_LIMITS = {}  # EC2's documented buckets, real clock
LIVE = ("pending", "running", "stopping", "stopped")


def spot_capacity(available, instance_type="m7i.large"):
    return {"instance_type": instance_type, "market": "spot", "available": available}


class MisspellingProxy:
    """A proxy on 127.0.0.1 in front of the local AWS that renames one form parameter of every
    request (`&InstanceType=` -> `&InstanceTyp=`): spawn as it would be with a typo in a request
    builder. The signature no longer matches, which the local AWS does not check."""

    def __init__(self, upstream, old, new):
        target = urllib.parse.urlsplit(upstream)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).replace(old, new)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("content-length", "host")}
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                try:
                    conn.request("POST", self.path, body=body, headers=headers)
                    reply = conn.getresponse()
                    data = reply.read()
                    self.send_response(reply.status)
                    for k, v in reply.getheaders():
                        if k.lower() not in ("content-length", "connection", "date", "server", "transfer-encoding"):
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                finally:
                    conn.close()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class AwsFaultsCase(SpotTestCase):
    # --- running a launch under a scenario ---------------------------------------------------

    def launch(self, scenario, *args, env=None):
        """spawn launch --output json under `scenario` and EC2's rate limits; the faults stop
        before the test looks at EC2 (the scenario's counters go, EC2's state and the request
        log stay)."""
        self.aws.set_scenario({"rate_limits": RATE_LIMITS, **scenario})
        self.aws.reset_log()
        r = self.spawn("launch", "--ami", AMI, *args, "--output", "json", env=env)
        self.aws.set_scenario({})
        self.log = self.requests()
        return r

    def report(self, r):
        self.assertEqual(r.returncode, 0, f"launch failed:\n{r.stderr}")
        return json.loads(r.stdout)

    # --- what the request log shows ----------------------------------------------------------

    def launch_id(self):
        """The spawn:launch-id this launch put on its instances (from its launch calls)."""
        for call in self.log:
            if call["action"] not in LAUNCH_CALLS:
                continue
            params = call["params"]
            for key, value in params.items():
                if key.endswith(".Key") and value == "spawn:launch-id":
                    return params[key[:-len(".Key")] + ".Value"]
        self.fail(f"no spawn:launch-id in the launch calls: {[c['action'] for c in self.log]}")

    def calls(self, action):
        return [c for c in self.log if c["action"] == action]

    def assert_tokens(self, action, distinct):
        """Each `action` call carries a ClientToken; the retries of a call its token and its exact
        parameters; `distinct` different calls (tokens) in all. Returns the calls by token."""
        by_token = {}
        for call in self.calls(action):
            self.assertTrue(call["client_token"], f"{action} without a ClientToken")
            by_token.setdefault(call["client_token"], []).append(call)
        self.assertEqual(len(by_token), distinct, f"{action} tokens: {list(by_token)}")
        for token, attempts in by_token.items():
            for a in attempts[1:]:
                self.assertEqual(a["params"], attempts[0]["params"], f"a retry of {action} {token} changed")
        return by_token

    def assert_lost_then_replayed(self, action):
        """One call of action was applied with its reply lost, and retried with its token until
        a reply came."""
        lost = [c for c in self.calls(action) if c["reply_lost"]]
        self.assertEqual(len(lost), 1, [(c["status"], c["error_code"], c["reply_lost"]) for c in self.calls(action)])
        self.assertNotEqual(lost[0]["error_code"], "RequestLimitExceeded", "a lost reply is one of an applied call")
        later = [c for c in self.calls(action)
                 if c["client_token"] == lost[0]["client_token"] and c["seq"] > lost[0]["seq"]]
        self.assertTrue(later, f"{action} was not retried after its reply was lost")
        self.assertFalse(later[-1]["reply_lost"])
        self.assertNotEqual(later[-1]["error_code"], "RequestLimitExceeded", "the retries got an answer")
        return lost[0]

    def assert_storm_weathered(self, at_least=3):
        """The storm hit (throttled calls in the log) and every throttled call was tried again."""
        throttled = [c for c in self.log if c["error_code"] == "RequestLimitExceeded"]
        self.assertGreaterEqual(len(throttled), at_least, "no storm")
        for call in throttled:
            self.assertTrue(any(c["seq"] > call["seq"] and c["action"] == call["action"] for c in self.log),
                            f"throttled {call['action']} never tried again")

    # --- what EC2 holds ----------------------------------------------------------------------

    def of_launch(self, launch_id, states=None):
        filters = [{"Name": "tag:spawn:launch-id", "Values": [launch_id]}]
        if states:
            filters.append({"Name": "instance-state-name", "Values": list(states)})
        out = []
        for page in self.ec2.get_paginator("describe_instances").paginate(Filters=filters):
            for reservation in page["Reservations"]:
                out.extend(reservation["Instances"])
        return out

    def assert_exactly(self, out, count, lifecycles=None, types=None, array=True):
        """EC2 holds exactly `count` live instances of this launch, no other instance ever had its
        launch id, and the report describes them as EC2 does."""
        launch_id = self.launch_id()
        ever = self.of_launch(launch_id)
        live = self.of_launch(launch_id, LIVE)
        self.assertEqual(len(live), count, "exactly the instances asked for are running")
        self.assertEqual(len(ever), count, "no instance launched twice, none launched and thrown away")
        self.assertEqual({i["InstanceId"] for i in self.live()}, {i["InstanceId"] for i in live},
                         "no other instance is running at all")

        reported = out["instances"]
        self.assertEqual(len(reported), count)
        by_id = {i["InstanceId"]: i for i in live}
        self.assertEqual({r["instance_id"] for r in reported}, set(by_id), "the report names EC2's instances")
        for position, r in enumerate(reported):
            inst = by_id[r["instance_id"]]
            tags = self.tags(inst)
            self.assertEqual(r["instance_type"], inst["InstanceType"])
            self.assertEqual(r["availability_zone"], inst["Placement"]["AvailabilityZone"])
            self.assertEqual(r["lifecycle"], self.lifecycle(inst))
            self.assertEqual(tags["spawn:managed"], "true")
            if array:
                # A fleet's members are tagged in CreateTags calls after the launch, through the
                # storm too; a RunInstances' members get the base with the launch.
                self.assertEqual(r["job_array_index"], position)
                self.assertEqual(self.member_index(inst), position)
                self.assertEqual(r["name"], f"{tags['spawn:job-array-name']}-{position}")
                self.assertEqual(tags["spawn:job-array-id"], out["job_array_id"])
                self.assertEqual(tags["spawn:job-array-size"], str(count))
        if lifecycles is not None:
            self.assertEqual([r["lifecycle"] for r in reported], lifecycles)
        if types is not None:
            self.assertEqual({r["instance_type"] for r in reported}, set(types))
        self.assertEqual(self.ec2.describe_launch_templates()["LaunchTemplates"], [], "no launch template left")
        self.assert_no_delete_fleets()
        return live

    def assert_nothing_left(self, r):
        """An all-or-nothing failure: exit 1, no report, what it launched terminated and named."""
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "", "no report of a launch that did not happen")
        error = [line for line in r.stderr.splitlines() if line.startswith("spawn: error: ")]
        self.assertEqual(len(error), 1, r.stderr)
        launch_id = self.launch_id()
        self.assertEqual(self.of_launch(launch_id, LIVE), [], "an instance of the failed launch is still running")
        self.assertEqual(self.live(), [])
        ever = {i["InstanceId"] for i in self.of_launch(launch_id)}
        match = re.search(r"terminated the (\d+) instance\(s\) launched: ((?:i-[0-9a-f]+ ?)+)", error[0])
        if ever:
            self.assertIsNotNone(match, f"the error does not name what it terminated: {error[0]}")
            self.assertEqual(int(match.group(1)), len(ever))
            self.assertEqual(set(match.group(2).split()), ever, "the error names every instance EC2 launched")
        else:
            self.assertIsNone(match, error[0])
        self.assertEqual(self.ec2.describe_launch_templates()["LaunchTemplates"], [], "no launch template left")
        self.assert_no_delete_fleets()
        return error[0]

    # --- RunInstances route -------------------------------------------------------------------
