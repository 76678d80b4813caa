"""Shared base for integration tests: one local AWS per test class, spawn run as a user would."""
import base64
import json
import os
import subprocess
import unittest

from fakes.local_aws_fixture import LocalAws

BIN = os.environ.get("SPAWN_BIN_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))


class SpawnTestCase(unittest.TestCase):
    scenario = None

    @classmethod
    def setUpClass(cls):
        cls.aws = LocalAws(scenario=cls.scenario)
        cls.aws.__enter__()
        cls.ec2 = cls.aws.ec2()

    @classmethod
    def tearDownClass(cls):
        cls.aws.__exit__(None, None, None)

    def setUp(self):
        self.aws.reset_log()
        # A request the local AWS's model check refused fails the test that sent it.
        self.addCleanup(self.aws.check_refusals)

    def spawn(self, *args, env=None, input=None, timeout=120):
        full_env = dict(self.aws.env())
        if env:
            full_env.update(env)
        return subprocess.run([os.path.join(BIN, "spawn"), *args], env=full_env, input=input,
                              capture_output=True, text=True, timeout=timeout)

    def spawn_ok(self, *args, **kw):
        r = self.spawn(*args, **kw)
        self.assertEqual(r.returncode, 0, f"spawn {' '.join(args)} failed:\n{r.stderr}\n{r.stdout}")
        return r

    def spawn_json(self, *args, **kw):
        return json.loads(self.spawn_ok(*args, "--output", "json", **kw).stdout)

    def requests(self, action=None):
        return self.aws.requests(action)

    def live_instances(self, **filters):
        flt = [{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}]
        for k, v in filters.items():
            flt.append({"Name": k, "Values": [v]})
        out = []
        for page in self.ec2.get_paginator("describe_instances").paginate(Filters=flt):
            for res in page["Reservations"]:
                out.extend(res["Instances"])
        return out

    @staticmethod
    def tags(instance):
        return {t["Key"]: t["Value"] for t in instance.get("Tags", [])}

    @classmethod
    def member_index(cls, instance):
        """A job-array member's index as EC2 shows it: its own spawn:job-array-index tag, else its
        launch call's spawn:job-array-index-base plus its AmiLaunchIndex."""
        t = cls.tags(instance)
        if "spawn:job-array-index" in t:
            return int(t["spawn:job-array-index"])
        return int(t["spawn:job-array-index-base"]) + instance["AmiLaunchIndex"]

    def terminate_all(self):
        # Persistent spot requests first, or EC2 (the local AWS too) launches their instances again.
        requests = [r["SpotInstanceRequestId"] for r in self.ec2.describe_spot_instance_requests()["SpotInstanceRequests"]
                    if r["Type"] == "persistent" and r["State"] in ("open", "active", "disabled")]
        if requests:
            self.ec2.cancel_spot_instance_requests(SpotInstanceRequestIds=requests)
        ids = [i["InstanceId"] for i in self.live_instances()]
        if ids:
            self.ec2.terminate_instances(InstanceIds=ids)

    @staticmethod
    def b64(text):
        return base64.b64encode(text.encode()).decode()
