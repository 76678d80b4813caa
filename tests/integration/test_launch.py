"""spawn launch (on demand) against the local AWS: the requests sent and the EC2 state."""
import base64
import os
import tempfile
import unittest

from spawn_test_case import SpawnTestCase


class LaunchTest(SpawnTestCase):
    def tearDown(self):
        self.terminate_all()

    def test_single_instance_with_default_ami_and_base_tags(self):
        out = self.spawn_json("launch", "--instance-type", "m7i.large", "--name", "web")
        self.assertIsNone(out["job_array_id"])
        self.assertEqual(len(out["instances"]), 1)
        got = out["instances"][0]
        self.assertEqual(set(got), {"instance_id", "instance_type", "lifecycle", "availability_zone", "state",
                                    "job_array_index", "name", "public_ip", "private_ip"})
        self.assertEqual(got["instance_type"], "m7i.large")
        self.assertEqual(got["lifecycle"], "on-demand")
        self.assertEqual(got["name"], "web")
        self.assertIsNone(got["job_array_index"])

        live = self.live_instances()
        self.assertEqual([i["InstanceId"] for i in live], [got["instance_id"]])
        tags = self.tags(live[0])
        self.assertEqual(tags["spawn:managed"], "true")
        self.assertEqual(tags["spawn:created-by"], "spawn")
        self.assertIn("spawn:version", tags)
        self.assertEqual(tags["Name"], "web")

        # The AMI came from the architecture and the public SSM parameter.
        self.assertEqual(len(self.requests("DescribeInstanceTypes")), 1)
        ssm = self.requests("GetParameter")
        self.assertEqual(len(ssm), 1)
        self.assertEqual(ssm[0]["params"]["Name"], "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")
        run = self.requests("RunInstances")
        self.assertEqual(len(run), 1)
        p = run[0]["params"]
        self.assertEqual(p["MinCount"], "1")
        self.assertEqual(p["MaxCount"], "1")
        self.assertTrue(p["ClientToken"])
        self.assertEqual(p["MetadataOptions.HttpTokens"], "required")
        self.assertEqual(p["MetadataOptions.HttpPutResponseHopLimit"], "2")
        self.assertEqual(p["MetadataOptions.InstanceMetadataTags"], "enabled")
        self.assertTrue(run[0]["authorization_present"])

    def test_arm_type_gets_arm_ami(self):
        self.spawn_json("launch", "--instance-type", "c7g.large")
        name = self.requests("GetParameter")[0]["params"]["Name"]
        self.assertTrue(name.endswith("al2023-ami-kernel-default-arm64"), name)

    def test_job_array_is_one_call_with_indices_and_names(self):
        out = self.spawn_json("launch", "--instance-type", "c7i.large", "--count", "4", "--job-array-name", "render")
        self.assertTrue(out["job_array_id"])
        self.assertEqual([i["job_array_index"] for i in out["instances"]], [0, 1, 2, 3])
        self.assertEqual([i["name"] for i in out["instances"]], [f"render-{i}" for i in range(4)])
        run = self.requests("RunInstances")
        self.assertEqual(len(run), 1, "a job array is one RunInstances call")
        self.assertEqual(run[0]["params"]["MinCount"], "4")
        self.assertEqual(run[0]["params"]["MaxCount"], "4")
        self.assertEqual(self.requests("CreateTags"), [], "every tag goes with the launch: no call per member")

        # Every member has the same tags; its index is the launch's base plus its AmiLaunchIndex.
        live = self.live_instances()
        self.assertEqual(len(live), 4)
        by_index = {}
        for inst in live:
            t = self.tags(inst)
            self.assertEqual(t["spawn:job-array-id"], out["job_array_id"])
            self.assertEqual(t["spawn:job-array-name"], "render")
            self.assertEqual(t["spawn:job-array-size"], "4")
            self.assertEqual(t["spawn:job-array-index-base"], "0")
            self.assertEqual(t["Name"], "render")
            self.assertNotIn("spawn:job-array-index", t)
            by_index[self.member_index(inst)] = inst["InstanceId"]
        self.assertEqual(by_index, {i["job_array_index"]: i["instance_id"] for i in out["instances"]})

        # spawn list and spawn status name each member by its index.
        listed = {i["instance_id"]: i for i in self.spawn_json("list")}
        for i in out["instances"]:
            self.assertEqual(listed[i["instance_id"]]["name"], f"render-{i['job_array_index']}")
            self.assertEqual(listed[i["instance_id"]]["job_array_index"], i["job_array_index"])
        status = self.spawn_json("status", "--job-array-name", "render")
        self.assertEqual([(m["index"], m["instance_id"]) for m in status[0]["members"]],
                         [(i["job_array_index"], i["instance_id"]) for i in out["instances"]])

        # A member is found by the name spawn shows: NAME-K.
        r = self.spawn("terminate", "--name", "render-2", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        ended = [c["params"] for c in self.requests("TerminateInstances")]
        self.assertEqual([p["InstanceId.1"] for p in ended], [out["instances"][2]["instance_id"]])
        self.assertEqual(len(self.live_instances()), 3)

    def test_options_reach_run_instances(self):
        vpc = self.ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        subnet = self.ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
        sg = self.ec2.create_security_group(GroupName="spawn-test", Description="t", VpcId=vpc)["GroupId"]
        self.ec2.create_key_pair(KeyName="spawn-key")
        self.aws.client("iam").create_instance_profile(InstanceProfileName="my-profile")
        ami = self.ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
            f.write("#!/bin/bash\necho 'hello $(world)'\n")
        try:
            self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", ami, "--subnet-id", subnet,
                            "--security-group-ids", sg, "--key-name", "spawn-key", "--user-data", "@" + f.name,
                            "--tag", "team=ml", "--tag", "cost-center=42", "--iam-instance-profile", "my-profile")
        finally:
            os.unlink(f.name)
        self.assertEqual(self.requests("GetParameter"), [], "--ami given: no AMI lookup")
        p = self.requests("RunInstances")[0]["params"]
        self.assertEqual(p["ImageId"], ami)
        self.assertEqual(p["SubnetId"], subnet)
        self.assertEqual(p["SecurityGroupId.1"], sg)
        self.assertEqual(p["KeyName"], "spawn-key")
        self.assertEqual(p["IamInstanceProfile.Name"], "my-profile")
        self.assertEqual(base64.b64decode(p["UserData"]).decode(), "#!/bin/bash\necho 'hello $(world)'\n")
        inst = self.live_instances()[0]
        self.assertEqual(inst["SubnetId"], subnet)
        self.assertEqual(inst["KeyName"], "spawn-key")
        t = self.tags(inst)
        self.assertEqual(t["team"], "ml")
        self.assertEqual(t["cost-center"], "42")

    def test_dry_run_launches_nothing(self):
        r = self.spawn_ok("launch", "--instance-type", "m7i.large", "--ami", "ami-12345678", "--dry-run")
        self.assertIn("Dry run", r.stdout)
        run = self.requests("RunInstances")
        self.assertEqual(len(run), 1)
        self.assertEqual(run[0]["params"]["DryRun"], "true")
        self.assertEqual(self.live_instances(), [])

    def test_table_output_names_the_instance(self):
        r = self.spawn_ok("launch", "--instance-type", "t3.micro", "--name", "box")
        live = self.live_instances()
        self.assertIn(live[0]["InstanceId"], r.stdout)
        self.assertIn("box", r.stdout)
        self.assertIn("on-demand", r.stdout)

    def test_wait_until_running(self):
        out = self.spawn_json("launch", "--instance-type", "t3.micro", "--wait")
        self.assertEqual(out["instances"][0]["state"], "running")
        self.assertGreaterEqual(len(self.requests("DescribeInstances")), 1)
        listed = self.ec2.describe_instances(InstanceIds=[out["instances"][0]["instance_id"]])
        instance = listed["Reservations"][0]["Instances"][0]
        self.assertEqual(out["instances"][0]["private_ip"], instance["PrivateIpAddress"])
        self.assertEqual(out["instances"][0]["public_ip"], instance.get("PublicIpAddress"))
        table = self.spawn_ok("launch", "--instance-type", "t3.micro", "--name", "waited", "--wait").stdout
        self.assertIn("ADDRESS", table)
        self.assertRegex(table, r"\d+\.\d+\.\d+\.\d+")


class LaunchFailureTest(SpawnTestCase):
    def tearDown(self):
        self.aws.set_scenario({})
        self.terminate_all()

    def test_lost_reply_is_retried_with_the_same_token_and_launches_once(self):
        self.aws.set_scenario({"lose_reply": [{"action": "RunInstances", "times": 1}]})
        out = self.spawn_json("launch", "--instance-type", "m7i.large", "--count", "3")
        run = self.requests("RunInstances")
        self.assertEqual(len(run), 2, "the lost reply was retried")
        self.assertEqual(run[0]["params"]["ClientToken"], run[1]["params"]["ClientToken"])
        live = self.live_instances()
        self.assertEqual(len(live), 3, "exactly the instances asked for, no duplicates")
        self.assertEqual(sorted(i["InstanceId"] for i in live), sorted(i["instance_id"] for i in out["instances"]))

    def test_throttling_is_retried(self):
        # Every second call to any service is throttled: each one is retried and the launch completes.
        self.aws.set_scenario({"throttle": {"every": 2}})
        out = self.spawn_json("launch", "--instance-type", "m7i.large", "--count", "3")
        log = self.requests()
        self.assertIn(503, [r["status"] for r in log if r["service"] == "ec2"])
        run = self.requests("RunInstances")
        self.assertEqual([r["status"] for r in run], [503, 200])
        self.assertEqual(run[0]["params"]["ClientToken"], run[1]["params"]["ClientToken"])
        self.aws.set_scenario({})  # the test's own boto3 calls are not retried
        self.assertEqual(len(self.live_instances()), 3)
        self.assertEqual(len(out["instances"]), 3)

    def test_capacity_error_is_one_clear_line_and_nothing_runs(self):
        self.aws.set_scenario({"capacity": [{"instance_type": "m7i.large", "market": "on-demand", "available": 0}]})
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", "ami-12345678", "--count", "2")
        self.assertEqual(r.returncode, 1)
        first = r.stderr.splitlines()[0]
        self.assertTrue(first.startswith("spawn: error: "), r.stderr)
        self.assertIn("(InsufficientInstanceCapacity, request ", first)
        self.assertEqual(len(self.requests("RunInstances")), 1, "capacity errors are not retried blindly")
        self.assertEqual(self.live_instances(), [])

    def test_unauthorized_error_has_a_hint(self):
        r = self.spawn("launch", "--instance-type", "m7i.large", "--ami", "ami-12345678",
                       env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
        self.assertEqual(r.returncode, 1)
        self.assertIn("spawn: error:", r.stderr)
        self.assertIn("spawn: hint:", r.stderr)
        self.assertEqual(self.requests(), [], "no credentials: nothing is sent")


if __name__ == "__main__":
    unittest.main(verbosity=2)
