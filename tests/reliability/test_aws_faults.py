"""EC2 faults during `spawn launch`, alone and together: a throttling storm (every other EC2 call
answered RequestLimitExceeded), replies lost after RunInstances or CreateFleet was applied, spot
capacity missing for one type (on demand fine), and fleets that come back short with Errors.

For single launches, job arrays, mixed arrays and --spot-fallback, each test proves from the local
AWS's own state and request log that EC2 holds exactly what spawn reports:
  - exactly the instances asked for exist, and no other instance ever carried the launch's
    spawn:launch-id tag (nothing launched twice, nothing launched and thrown away);
  - every retry of a launch call carried that call's ClientToken (so a lost reply was replayed,
    not launched again), and each distinct call its own;
  - the --output json report names the same instances, types, markets, indices and names;
  - an all-or-nothing failure exits 1, prints no report, names the instances it terminated, and
    leaves no instance of the launch running and no launch template behind.
What the fleet and fallback routes do without faults is proven in tests/integration/test_spot_fleet.py
and test_spot_fallback.py; here they run under faults.

Every launch here also runs under EC2's documented rate limits (the scenario's rate_limits:
request token buckets per action, resource tokens for RunInstances and TerminateInstances, on
the real clock; tests/fakes/README.md). Two tests shrink a bucket so that the limits bite with a
small array: the index tags of a job array beyond the CreateTags bucket, and a launch larger
than the RunInstances resource bucket can ever admit. And a request the local AWS's model check
refuses (a misspelled parameter, put there by a proxy) fails at once with one line naming it.
"""
import http.client
import http.server
import json
import os
import re
import sys
import threading
import time
import unittest
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


class AwsFaultsTest(SpotTestCase):
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
                # The tags come in CreateTags calls after the launch, through the storm too.
                self.assertEqual(r["job_array_index"], position)
                self.assertEqual(tags["spawn:job-array-index"], str(position))
                self.assertEqual(tags["Name"], r["name"])
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

    def test_single_launch_in_a_storm_with_its_reply_lost(self):
        r = self.launch({"throttle": STORM, "lose_reply": [{"action": "RunInstances"}]},
                        "--instance-type", "m7i.large", env=PATIENT)
        out = self.report(r)
        self.assert_exactly(out, 1, lifecycles=["on-demand"], array=False)
        self.assert_tokens("RunInstances", 1)
        self.assert_lost_then_replayed("RunInstances")
        self.assert_storm_weathered(at_least=1)  # a single launch makes few calls

    def test_job_array_in_a_storm(self):
        # Eight CreateTags (index, name) go out together after the launch; in the storm one of
        # them can be throttled on every attempt while the others pass. spawn used to roll the
        # whole launched array back then; now it tags the throttled members again one at a time.
        # The standard mode's 3 attempts, as a user has them by default.
        r = self.launch({"throttle": STORM}, "--instance-type", "m7i.large", "--count", "8",
                        "--job-array-name", "storm")
        out = self.report(r)
        self.assert_exactly(out, 8, lifecycles=["on-demand"] * 8)
        self.assertEqual([i["name"] for i in out["instances"]], [f"storm-{n}" for n in range(8)])
        by_token = self.assert_tokens("RunInstances", 1)
        params = next(iter(by_token.values()))[0]["params"]
        self.assertEqual((params["MinCount"], params["MaxCount"]), ("8", "8"))
        self.assert_storm_weathered()
        self.assertEqual(self.calls("TerminateInstances"), [], "nothing rolled back")

    def test_spot_fallback_in_a_storm_with_a_lost_reply_and_no_spot_capacity(self):
        # Everything at once: no spot m7i.large (on demand is fine), every other call throttled,
        # and the reply of the spot call (the capacity error) lost.
        r = self.launch({"throttle": STORM, "capacity": [spot_capacity(0)],
                         "lose_reply": [{"action": "RunInstances"}]},
                        "--instance-type", "m7i.large", "--spot", "--spot-fallback", "--count", "3", env=PATIENT)
        self.assertIn("Spot unavailable (InsufficientInstanceCapacity), falling back to on-demand...",
                      r.stderr.splitlines())
        out = self.report(r)
        self.assertIs(out["fallback"], True)
        live = self.assert_exactly(out, 3, lifecycles=["on-demand"] * 3)
        for inst in live:
            self.assertEqual(self.tags(inst)["spawn:spot-fallback"], "true")
        by_token = self.assert_tokens("RunInstances", 2)
        spot, on_demand = by_token.values()
        self.assertEqual(spot[0]["params"]["InstanceMarketOptions.MarketType"], "spot")
        self.assertNotIn("InstanceMarketOptions.MarketType", on_demand[0]["params"])
        self.assertEqual(spot[-1]["error_code"], "InsufficientInstanceCapacity")
        self.assertTrue(self.assert_lost_then_replayed("RunInstances") in spot, "the spot call's reply was lost")
        self.assert_storm_weathered()

    def test_no_reply_at_all_leaves_nothing_running(self):
        # Every attempt applied (the first launches, the others replay it) and every reply lost,
        # the resends' too (one attempt each here): spawn cannot know, so it looks for its launch
        # id and terminates what it finds.
        r = self.launch({"lose_reply": [{"action": "RunInstances", "times": 4}]},
                        "--instance-type", "m7i.large", "--count", "8", env={"AWS_MAX_ATTEMPTS": "1"})
        self.assertIn("No answer from EC2 to the launch", r.stderr)
        self.assert_nothing_left(r)
        self.assertEqual(len(self.of_launch(self.launch_id())), 8, "the first attempt launched all 8")
        self.assert_tokens("RunInstances", 1)

    def test_throttled_after_a_lost_reply_gets_the_first_answer(self):
        # The first attempt is applied and its reply lost; the last is throttled. spawn once took
        # the throttling for the whole story ("not applied") and left the first attempt's
        # instances running; then it swept them up. Now it asks again with the same token, and
        # EC2 answers with what the first attempt launched: the launch succeeds, launched once.
        r = self.launch({"throttle": {"every": 2, "actions": ["RunInstances"]},
                         "lose_reply": [{"action": "RunInstances"}]},
                        "--instance-type", "m7i.large", "--count", "2", env={"AWS_MAX_ATTEMPTS": "2"})
        self.assertEqual([(c["reply_lost"], c["error_code"]) for c in self.calls("RunInstances")],
                         [(True, None), (False, "RequestLimitExceeded"), (False, None)])
        out = self.report(r)
        self.assert_exactly(out, 2, lifecycles=["on-demand"] * 2)
        self.assert_tokens("RunInstances", 1)
        self.assertEqual(self.calls("TerminateInstances"), [])

    def test_job_array_tags_beyond_the_create_tags_bucket(self):
        # CreateTags bucket shrunk to 3 tokens and 3 a second (EC2: 100 and 10): the 8 index tags
        # meet an empty bucket, are refused with EC2's 503, wait, and all land; nothing rolled back.
        r = self.launch({"rate_limits": {"request": {"CreateTags": [3, 3]}}}, "--instance-type", "m7i.large",
                        "--count", "8", "--job-array-name", "limited")
        out = self.report(r)
        self.assert_exactly(out, 8, lifecycles=["on-demand"] * 8)
        limited = [c for c in self.log if c["throttled_by"] == "request:CreateTags"]
        self.assertTrue(limited, "the bucket never ran dry")
        for call in limited:
            self.assertEqual((call["status"], call["error_code"]), (503, "RequestLimitExceeded"))
        tagged = {c["params"]["ResourceId.1"] for c in self.calls("CreateTags") if c["status"] == 200}
        self.assertEqual(tagged, {i["instance_id"] for i in out["instances"]}, "every member tagged once it got through")
        self.assertEqual(self.calls("TerminateInstances"), [], "nothing rolled back")

    def test_launch_larger_than_the_resource_bucket_leaves_nothing(self):
        # RunInstances resource bucket shrunk to 6 instances that never refill: no launch of 8 can be
        # admitted (EC2's 1000 a burst makes the same of an array of 5,000 in one call). spawn gives up
        # with EC2's error and leaves nothing running.
        r = self.launch({"rate_limits": {"resource": {"RunInstances": [6, 0]}}}, "--instance-type", "m7i.large",
                        "--count", "8")
        error = self.assert_nothing_left(r)
        self.assertIn("RequestLimitExceeded", error)
        refused = [c for c in self.calls("RunInstances") if c["throttled_by"] == "resource:RunInstances"]
        self.assertTrue(refused, [c["throttled_by"] for c in self.calls("RunInstances")])

    def test_a_request_the_model_refuses_fails_at_once_naming_the_parameter(self):
        # A misspelled parameter (what a slip in a request builder would send): the local AWS's
        # model check answers EC2's 400 UnknownParameter; spawn does not retry it, prints one error
        # line naming the parameter, and launches nothing.
        self.aws.reset_log()
        with MisspellingProxy(self.aws.endpoint, b"&InstanceType=", b"&InstanceTyp=") as proxy, \
                self.aws.expect_refusals() as refused:
            started = time.monotonic()
            r = self.spawn("launch", "--ami", AMI, "--instance-type", "m7i.large", env={"AWS_ENDPOINT_URL": proxy.endpoint})
            elapsed = time.monotonic() - started
        self.assertEqual(r.returncode, 1, r.stderr)
        errors = [line for line in r.stderr.splitlines() if line.startswith("spawn: error: ")]
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn("The parameter InstanceTyp is not recognized (UnknownParameter, request ", errors[0])
        self.assertEqual([(c["status"], c["error_code"]) for c in self.requests("RunInstances")],
                         [(400, "UnknownParameter")], "a 400 is not retried")
        self.assertEqual([e["model_error"]["parameter"] for e in refused], ["InstanceTyp"])
        self.assertLess(elapsed, 30, "no retry storm, no hang")
        self.assertEqual(self.live(), [])

    # --- EC2 Fleet route ------------------------------------------------------------------------

    def test_mixed_array_in_a_storm_with_the_template_and_fleet_replies_lost(self):
        r = self.launch({"throttle": STORM,
                         "lose_reply": [{"action": "CreateLaunchTemplate"}, {"action": "CreateFleet"}]},
                        "--instance-type", "m7i.large", "--count", "8", "--spot", "--spot-count", "6", env=PATIENT)
        out = self.report(r)
        self.assertIs(out["fallback"], False)
        self.assert_exactly(out, 8, lifecycles=["spot"] * 6 + ["on-demand"] * 2)
        self.assert_tokens("CreateFleet", 1)
        self.assert_tokens("CreateLaunchTemplate", 1)
        self.assert_lost_then_replayed("CreateLaunchTemplate")
        self.assert_lost_then_replayed("CreateFleet")
        deleted = {c["params"]["LaunchTemplateId"] for c in self.calls("DeleteLaunchTemplate")}
        self.assertEqual(len(deleted), 1, "the one template made is the one deleted")
        self.assert_storm_weathered()
        self.assertEqual(self.calls("RunInstances"), [])

    def test_capacity_missing_for_one_type_and_market_in_a_storm(self):
        # Spot m7i.large is out; m6i.large spot fills the fleet, and the fleet's Errors name the pool.
        r = self.launch({"throttle": STORM, "capacity": [spot_capacity(0)],
                         "lose_reply": [{"action": "CreateFleet"}]},
                        "--instance-types", "m7i.large,m6i.large", "--spot", "--count", "4", env=PATIENT)
        out = self.report(r)
        self.assert_exactly(out, 4, lifecycles=["spot"] * 4, types=["m6i.large"])
        self.assert_lost_then_replayed("CreateFleet")
        self.assert_storm_weathered()
        params = self.calls("CreateFleet")[0]["params"]
        asked = {v for k, v in params.items() if k.endswith(".InstanceType")}
        self.assertEqual(asked, {"m7i.large", "m6i.large"}, "m7i.large was asked for and had none")
        # (m7i.large on demand, the other market, launches: the spot-fallback test above.)

    def test_partial_fleet_filled_by_fallback_with_storm_and_lost_replies(self):
        # 4 of the 6 spot instances come back (with an Errors entry); the fallback fleet brings the
        # 2 missing on demand. The first fleet's reply is lost, every other call is throttled.
        r = self.launch({"throttle": STORM, "capacity": [spot_capacity(4)],
                         "lose_reply": [{"action": "CreateFleet"}]},
                        "--instance-type", "m7i.large", "--count", "8", "--spot", "--spot-count", "6",
                        "--spot-fallback", env=PATIENT)
        self.assertIn("Spot unavailable (InsufficientInstanceCapacity), falling back to on-demand...",
                      r.stderr.splitlines())
        out = self.report(r)
        self.assertIs(out["fallback"], True)
        live = {i["InstanceId"]: i for i in self.assert_exactly(out, 8, lifecycles=["spot"] * 4 + ["on-demand"] * 4)}
        fell_back = [self.tags(live[i["instance_id"]]).get("spawn:spot-fallback") for i in out["instances"]]
        self.assertEqual(fell_back, [None] * 6 + ["true"] * 2)
        by_token = self.assert_tokens("CreateFleet", 2)
        first, second = by_token.values()
        self.assertEqual(first[0]["params"]["TargetCapacitySpecification.SpotTargetCapacity"], "6")
        self.assertEqual(second[0]["params"]["TargetCapacitySpecification.OnDemandTargetCapacity"], "2")
        self.assertTrue(self.assert_lost_then_replayed("CreateFleet") in first, "the first fleet's reply was lost")
        self.assert_storm_weathered()

    def test_partial_fleet_without_fallback_in_a_storm_leaves_nothing(self):
        r = self.launch({"throttle": STORM, "capacity": [spot_capacity(4)],
                         "lose_reply": [{"action": "CreateFleet"}]},
                        "--instance-type", "m7i.large", "--count", "8", "--spot", "--spot-count", "6", env=PATIENT)
        error = self.assert_nothing_left(r)
        self.assertIn("could not launch all 8 instances: spot 4 of 6", error)
        self.assertIn("terminated the 6 instance(s) launched", error)
        self.assertEqual(len(self.of_launch(self.launch_id())), 6)
        self.assert_tokens("CreateFleet", 1)
        self.assert_lost_then_replayed("CreateFleet")
        self.assert_storm_weathered()

    def test_no_fleet_reply_at_all_leaves_nothing_running(self):
        r = self.launch({"lose_reply": [{"action": "CreateFleet", "times": 4}]},
                        "--instance-type", "m7i.large", "--count", "4", "--spot", "--spot-count", "2",
                        env={"AWS_MAX_ATTEMPTS": "1"})
        self.assertIn("No answer from EC2 to the launch", r.stderr)
        self.assert_nothing_left(r)
        self.assertEqual(len(self.of_launch(self.launch_id())), 4)
        self.assert_tokens("CreateFleet", 1)
        self.assertEqual(len(self.calls("DeleteLaunchTemplate")), 1)


    def test_no_template_reply_at_all_leaves_no_template(self):
        # CreateLaunchTemplate applied and every reply lost: spawn never learns the template's id,
        # so it deletes the template by its name (unique to the launch) before it gives up.
        r = self.launch({"lose_reply": [{"action": "CreateLaunchTemplate", "times": 4}]},
                        "--instance-type", "m7i.large", "--count", "4", "--spot", "--spot-count", "2",
                        env={"AWS_MAX_ATTEMPTS": "1"})
        self.assert_nothing_left(r)
        self.assertEqual(self.calls("CreateFleet"), [], "no fleet without a template")
        self.assert_tokens("CreateLaunchTemplate", 1)
        deleted = [c["params"] for c in self.calls("DeleteLaunchTemplate")]
        self.assertEqual(len(deleted), 1)
        self.assertTrue(deleted[0]["LaunchTemplateName"].startswith("spawn-"), deleted[0])

if __name__ == "__main__":
    unittest.main(verbosity=2)
