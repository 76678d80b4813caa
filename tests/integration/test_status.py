"""spawn status against the local AWS: per index of a job array its current instance and what
happened to it (EC2's state, done after `spored complete`, interrupted, missing), in a table and
in --output json; bad selections refused before any request; an unknown array one clear error."""
import unittest

from spawn_test_case import SpawnTestCase

MEMBER_FIELDS = {"index", "instance_id", "generation", "state", "lifecycle", "instance_type", "availability_zone",
                 "interruptions", "drills", "checkpoint_status", "relaunch_status", "replaces", "completion_status",
                 "idle_action", "earlier_instances"}


class StatusTest(SpawnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ami = cls.ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]

    def tearDown(self):
        self.terminate_all()

    def test_each_index_of_an_array_and_what_happened_to_it(self):
        launched = self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami, "--count", "4",
                                   "--job-array-name", "train")
        ids = [i["instance_id"] for i in launched["instances"]]
        # What spored writes on the instances: member 1 finished its job, member 2 was interrupted
        # and checkpointed; member 3 went away without a trace (EC2 lists it no more).
        self.ec2.create_tags(Resources=[ids[1]], Tags=[{"Key": "spawn:completion-status", "Value": "0"}])
        self.ec2.create_tags(Resources=[ids[2]], Tags=[{"Key": "spawn:interruption-notice", "Value": "2026-12-04T10:00:00Z"},
                                                      {"Key": "spawn:checkpoint-status", "Value": "ok"}])
        self.ec2.terminate_instances(InstanceIds=[ids[1], ids[2]])
        self.ec2.delete_tags(Resources=[ids[3]], Tags=[{"Key": "spawn:job-array-id"}])  # as if no longer listed
        self.ec2.terminate_instances(InstanceIds=[ids[3]])
        self.aws.reset_log()
        out = self.spawn_json("status", "--job-array-name", "train")
        self.assertEqual([r["action"] for r in self.requests()], ["DescribeInstances"])
        arrays = [a for a in out if a["job_array_id"] == launched["job_array_id"]]
        self.assertEqual(len(arrays), 1)
        a = arrays[0]
        self.assertEqual((a["job_array_name"], a["size"], a["running"], a["done"]), ("train", 4, 1, 1))
        for m in a["members"]:
            self.assertEqual(set(m), MEMBER_FIELDS)
        members = a["members"]
        self.assertEqual([m["index"] for m in members], [0, 1, 2, 3])
        self.assertEqual([m["instance_id"] for m in members], ids[:3] + [None])
        self.assertEqual([m["state"] for m in members], ["running", "terminated", "terminated", "missing"])
        self.assertEqual(members[1]["completion_status"], 0)
        self.assertEqual((members[2]["interruptions"], members[2]["checkpoint_status"]), (1, "ok"))
        self.assertEqual(members[0]["lifecycle"], "on-demand")
        self.assertEqual(members[0]["instance_type"], "t3.micro")

        text = self.spawn_ok("status", "--job-array-name", "train").stdout
        self.assertIn(f"train ({launched['job_array_id']}): 1 of 4 running (0 spot, 1 on-demand), 1 done, 1 missing", text)
        self.assertRegex(text, rf"\n1 +{ids[1]} +0 +done \(status 0\) +on-demand")
        self.assertRegex(text, rf"\n2 +{ids[2]} +0 +interrupted .* 1 +ok +-")
        self.assertRegex(text, r"\n3 +- +0 +missing")

    def test_an_instance_shows_its_whole_array(self):
        launched = self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami, "--count", "2",
                                   "--job-array-name", "pair")
        first = launched["instances"][0]["instance_id"]
        out = self.spawn_json("status", first)
        self.assertEqual(len(out), 1)
        self.assertEqual(len(out[0]["members"]), 2)

    def test_bad_selections_and_unknown_arrays(self):
        for args, says in ((["i-12"], "expected instance ids"),
                           (["--name", "a", "--job-array-name", "b"], "at most one"),
                           (["--watch", "--output", "json"], "--watch"),
                           (["--job-array-name", ""], "--job-array-name")):
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.spawn("status", *args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(says, r.stderr)
                self.assertEqual(self.requests(), [])
        r = self.spawn("status", "--job-array-name", "no-such-array")
        self.assertEqual(r.returncode, 1)
        self.assertIn("spawn: error: no instance of job array no-such-array is listed by EC2", r.stderr)


if __name__ == "__main__":
    unittest.main()
