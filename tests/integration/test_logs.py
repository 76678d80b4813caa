"""spawn logs against the local AWS: the console output EC2 keeps (set by the test the way an
instance prints it), made safe for a terminal; --output json; which instance (id, Name, a job
array's member) and the clear errors when none or several match."""
import json
import unittest

from spawn_test_case import SpawnTestCase

CONSOLE = ("[    0.000000] Linux version 6.1\r\n"
           "cloud-init[1234]: Cloud-init v. 23.4 running 'modules:final'\n"
           "\x1b]0;title set by the console\x07\x1b[31mred\x1b[0m\n"
           "spored[900]: {\"event\":\"watching\"}\n")


class LogsTest(SpawnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ami = cls.ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]

    def tearDown(self):
        self.terminate_all()

    def test_the_console_of_an_instance_by_id_name_or_index(self):
        one = self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami, "--name", "web")
        one_id = one["instances"][0]["instance_id"]
        self.aws.set_console_output(one_id, CONSOLE)
        self.aws.reset_log()
        r = self.spawn_ok("logs", one_id)
        self.assertEqual([q["action"] for q in self.requests()], ["DescribeInstances", "GetConsoleOutput"])
        self.assertNotIn("Latest", self.requests("GetConsoleOutput")[0]["params"])
        self.assertIn("cloud-init[1234]: Cloud-init v. 23.4", r.stdout)
        self.assertIn("[    0.000000] Linux version 6.1\n", r.stdout, "carriage returns dropped")
        self.assertNotIn("\x1b", r.stdout, "no escape sequence reaches the terminal")
        self.assertIn("\\x1b]0;title set by the console\\x07", r.stdout)
        self.assertEqual(self.spawn_ok("logs", "web", "--latest").stdout, r.stdout)
        self.assertEqual(self.requests("GetConsoleOutput")[-1]["params"]["Latest"], "true")
        out = json.loads(self.spawn_ok("logs", "web", "--output", "json").stdout)
        self.assertEqual(out["instance_id"], one_id)
        self.assertEqual(out["output"], CONSOLE)

        array = self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami, "--count", "2",
                                "--job-array-name", "render")
        second = array["instances"][1]["instance_id"]
        self.aws.set_console_output(second, "member one\n")
        self.assertEqual(self.spawn_ok("logs", "--job-array-name", "render", "--index", "1").stdout, "member one\n")
        r = self.spawn("logs", "--job-array-name", "render", "--index", "5")
        self.assertEqual(r.returncode, 1)
        self.assertIn("job array render has no member 5 (its members: 0, 1)", r.stderr)
        empty = self.spawn_ok("logs", array["instances"][0]["instance_id"])
        self.assertEqual(empty.stdout, "")
        self.assertIn("has no console output yet", empty.stderr)

    def test_several_or_no_matches_and_bad_usage(self):
        a = self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami, "--name", "twin")
        b = self.spawn_json("launch", "--instance-type", "t3.micro", "--ami", self.ami, "--name", "twin")
        r = self.spawn("logs", "twin")
        self.assertEqual(r.returncode, 1)
        self.assertIn("the name twin matches 2 instances: ", r.stderr)
        for launched in (a, b):
            self.assertIn(launched["instances"][0]["instance_id"], r.stderr)
        r = self.spawn("logs", "nobody")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no spawn instance matches the name nobody", r.stderr)
        r = self.spawn("logs", "i-0123456789abcdef0")
        self.assertEqual(r.returncode, 1)
        self.assertIn("i-0123456789abcdef0", r.stderr)
        for args, says in ((["i-12"], "expected an instance id"), ([], "which instance?"),
                           (["--index", "1"], "--index needs --job-array-name"),
                           (["--job-array-name", "x"], "needs --index"),
                           (["twin", "--follow", "--output", "json"], "--follow")):
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.spawn("logs", *args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(says, r.stderr)
                self.assertEqual(self.requests(), [])


if __name__ == "__main__":
    unittest.main()
