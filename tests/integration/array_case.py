"""The shared part of the tests of job arrays launched with --relaunch (test_relaunch.py,
test_interrupt.py): each member's spored (build/bin/spored) against a metadata fake of its own and
the local AWS, the array launched by build/bin/spawn, and everything ended after each test."""
import base64
import json
import os
import shlex
import subprocess

from fakes.imds_fake_fixture import ImdsFake
from spored_test_case import BIN, SporedTestCase
from spot_test_case import SpotTestCase

AGENT = ["--agent-url", "https://downloads.example.com/spored", "--agent-sha256", "ab" * 32]
TYPES = "m7i.large,m6i.large,c7i.large"


class Member:
    """One member's spored: its metadata fake, state dir and config (the launch template's)."""

    def __init__(self, test, instance, config, imds=None):
        self.test = test
        self.instance = instance
        self.id = instance["InstanceId"]
        self.dir = os.path.join(test.dir, self.id)
        os.makedirs(self.dir, exist_ok=True)
        self.config = os.path.join(self.dir, "spot-config.json")
        with open(self.config, "w", encoding="utf-8") as f:
            json.dump(config, f)
        if imds is None:
            imds = ImdsFake()
            imds.start()
            test.addCleanup(imds.stop)
        self.imds = imds
        imds.set_instance(instance_id=self.id, instance_type=instance["InstanceType"],
                          availability_zone=instance["Placement"]["AvailabilityZone"],
                          subnet_id=instance.get("SubnetId", ""))
        imds.set_tags(SpotTestCase.tags(instance))
        self.proc = None

    def start(self):
        log_path = os.path.join(self.dir, "spored.log")
        args = [os.path.join(BIN, "spored"), "--imds-endpoint", self.imds.endpoint, "--state-dir",
                os.path.join(self.dir, "state"), "--poll-interval", "200ms", "--config", self.config,
                "--shutdown-command", shlex.quote(self.test.shutdown_script)]
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen(args, env=self.test.env(), stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        self.proc.log_path = log_path
        self.test.procs.append(self.proc)
        self.test.wait_for("watching", proc=self.proc, timeout=15)
        return self


class ArrayCase(SporedTestCase):
    def setUp(self):
        super().setUp()
        self.ec2.terminate_instances(InstanceIds=[self.instance_id])  # SporedTestCase's own instance
        self.addCleanup(self.terminate_everything)

    def terminate_everything(self):
        self.aws.set_scenario({})
        ids = [i["InstanceId"] for i in self.live()]
        if ids:
            self.ec2.terminate_instances(InstanceIds=ids)
        for t in self.ec2.describe_launch_templates()["LaunchTemplates"]:
            self.ec2.delete_launch_template(LaunchTemplateId=t["LaunchTemplateId"])

    def spawn(self, *args, timeout=120):
        return subprocess.run([os.path.join(BIN, "spawn"), *args], env=self.aws.env(), capture_output=True, text=True,
                              timeout=timeout)

    def launch(self, *extra, count=8, relaunch="2"):
        r = self.spawn("launch", "--spot", "--count", str(count), "--instance-types", TYPES, "--job-array-name", "train",
                       "--ami", "ami-12345678", "--relaunch", relaunch, *AGENT, *extra, "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def live(self, **filters):
        flt = [{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}]
        flt += [{"Name": k, "Values": [v]} for k, v in filters.items()]
        return [i for page in self.ec2.get_paginator("describe_instances").paginate(Filters=flt)
                for res in page["Reservations"] for i in res["Instances"]]

    def template(self):
        templates = self.ec2.describe_launch_templates()["LaunchTemplates"]
        self.assertEqual(len(templates), 1, templates)
        return templates[0]

    def member_config(self):
        """The config the launch template's user-data writes: what every generation's spored reads."""
        name = self.template()["LaunchTemplateName"]
        data = self.ec2.describe_launch_template_versions(LaunchTemplateName=name)["LaunchTemplateVersions"][0]
        script = base64.b64decode(data["LaunchTemplateData"]["UserData"]).decode()
        return SpotTestCase.spot_config_in(script)

