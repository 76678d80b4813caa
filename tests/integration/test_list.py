"""spawn list against the local AWS."""
import unittest

from spawn_test_case import SpawnTestCase

FIELDS = {"instance_id", "name", "instance_type", "state", "lifecycle", "spot", "availability_zone", "region",
          "launch_time", "job_array_id", "job_array_name", "job_array_index", "tags",
          "hourly_price", "hourly_price_approximate", "spot_fallback",  # prices and savings (issue 5)
          "public_ip", "private_ip",  # where to reach it (issue 13)
          "pool"}  # spawn:pool of a pool's member, else null (issue 11)


class ListTest(SpawnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ami = cls.ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        cls.ami = ami
        # Someone else's instance: not spawn's, never listed.
        cls.ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1)

    def tearDown(self):
        self.terminate_all()

    def test_json_fields_and_job_array(self):
        launched = self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami, "--count", "3",
                                   "--job-array-name", "sim", "--tag", "team=ml")
        solo = self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", self.ami, "--name", "solo")
        listed = self.spawn_json("list")
        self.assertEqual(len(listed), 4)
        for item in listed:
            self.assertEqual(set(item), FIELDS)
            self.assertEqual(item["region"], "us-east-1")
            self.assertEqual(item["lifecycle"], "on-demand")
            self.assertIs(item["spot"], False)
            self.assertEqual(item["tags"]["spawn:managed"], "true")
        members = [i for i in listed if i["job_array_name"] == "sim"]
        self.assertEqual([m["job_array_index"] for m in members], [0, 1, 2])
        self.assertEqual({m["job_array_id"] for m in members}, {launched["job_array_id"]})
        self.assertEqual(members[0]["tags"]["team"], "ml")
        only = [i for i in listed if i["name"] == "solo"][0]
        self.assertRegex(only["private_ip"], r"^\d+\.\d+\.\d+\.\d+$")
        self.aws.set_instance_address(only["instance_id"], "198.51.100.7")
        again = [i for i in self.spawn_json("list") if i["name"] == "solo"][0]
        self.assertEqual(again["public_ip"], "198.51.100.7")
        table = self.spawn_ok("list", "--no-emoji").stdout
        self.assertRegex(table, rf"{only['instance_id']} .* 198\.51\.100\.7\n")
        self.assertRegex(table, r"ADDRESS\n")
        self.assertEqual(only["instance_id"], solo["instances"][0]["instance_id"])
        self.assertIsNone(only["job_array_index"])
        self.assertIsNone(only["job_array_id"])
        self.assertIsNone(only["pool"])

    def test_filters(self):
        self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami, "--count", "2", "--job-array-name", "a")
        self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami, "--name", "b", "--tag", "team=x")
        self.assertEqual(len(self.spawn_json("list", "--job-array-name", "a")), 2)
        self.assertEqual([i["name"] for i in self.spawn_json("list", "--tag", "team=x")], ["b"])
        self.assertEqual(len(self.spawn_json("list", "--state", "stopped")), 0)
        p = self.requests("DescribeInstances")[-1]["params"]
        names = {v for k, v in p.items() if k.endswith(".Name")}
        self.assertIn("tag:spawn:managed", names)
        self.assertIn("instance-state-name", names)

    def test_terminated_hidden_unless_all(self):
        out = self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami)
        iid = out["instances"][0]["instance_id"]
        self.ec2.terminate_instances(InstanceIds=[iid])
        self.assertNotIn(iid, [i["instance_id"] for i in self.spawn_json("list")])
        self.assertIn(iid, [i["instance_id"] for i in self.spawn_json("list", "--all")])

    def test_every_page_is_read(self):
        # More than one page (the local AWS, like moto, pages by reservation).
        tags = [{"ResourceType": "instance", "Tags": [{"Key": "spawn:managed", "Value": "true"}]}]
        for _ in range(6):
            self.ec2.run_instances(ImageId=self.ami, InstanceType="t3.micro", MinCount=40, MaxCount=40,
                                   TagSpecifications=tags)
        listed = self.spawn_json("list")
        self.assertEqual(len(listed), 240)
        self.assertEqual(len({i["instance_id"] for i in listed}), 240)

    def test_table(self):
        self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami, "--name", "tbl")
        r = self.spawn_ok("list")
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("ID"))
        for col in ("NAME", "TYPE", "STATE", "AZ", "AGE"):
            self.assertIn(col, lines[0])
        self.assertIn("tbl", r.stdout)

    def test_empty(self):
        self.assertEqual(self.spawn_json("list"), [])
        self.assertIn("No instances", self.spawn_ok("list").stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
