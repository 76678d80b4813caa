"""Bad command lines: exit status 2, one clear line naming the flag, and no request sent."""
import tempfile
import unittest

from spawn_test_case import SpawnTestCase

UNREADABLE = tempfile.mkdtemp()  # a directory: not readable as a file

BAD = [
    (["launch", "--instance-type", "m7i.large", "--bogus"], "--bogus"),
    (["launch"], "--instance-type"),
    (["launch", "--instance-type", "m7i.large", "--count", "0"], "--count"),
    (["launch", "--instance-type", "m7i.large", "--count", "-2"], "--count"),
    (["launch", "--instance-type", "m7i.large", "--count", "abc"], "--count"),
    (["launch", "--instance-type", "m7i.large", "--tag", "novalue"], "--tag"),
    (["launch", "--instance-type", "m7i.large", "--tag", "=v"], "--tag"),
    (["launch", "--instance-type", "m7i.large", "--tag", "spawn:managed=false"], "--tag"),
    (["launch", "--instance-type", "m7i.large", "--user-data", "@/nonexistent/file.sh"], "--user-data"),
    (["launch", "--instance-type", "m7i.large", "--user-data", "@" + UNREADABLE], "--user-data"),
    (["launch", "--instance-type", "not a type"], "--instance-type"),
    (["launch", "--instance-type", "m7i.large", "--ami", "ubuntu"], "--ami"),
    (["launch", "--instance-type", "m7i.large", "--output", "yaml"], "--output"),
    (["launch", "--instance-type", "m7i.large", "--endpoint-url", "localhost:1"], "--endpoint-url"),
    (["list", "--state", "exploded"], "--state"),
    (["list", "--tag", "x"], "--tag"),
    (["terminate"], "--name"),
    (["terminate", "not-an-id"], "not-an-id"),
    (["terminate", "i-0abc1234def567890", "--name", "x"], "exactly one"),
    (["frobnicate"], "frobnicate"),
    ([], "subcommand"),
    (["list", "--region", "mars"], "--region"),
    (["list", "--region", ""], "--region"),
]


class BadUsageTest(SpawnTestCase):
    def test_each_bad_command_line(self):
        for args, mention in BAD:
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.spawn(*args)
                self.assertEqual(r.returncode, 2, f"{args}: {r.stderr}")
                lines = r.stderr.splitlines()
                self.assertTrue(lines and lines[0].startswith("spawn: error: "), r.stderr)
                self.assertIn(mention, lines[0])
                self.assertLessEqual(len(lines), 2, r.stderr)
                self.assertEqual(self.requests(), [], f"{args} sent a request")

    def test_help_has_examples(self):
        for cmd in (["--help"], ["launch", "--help"], ["list", "--help"], ["terminate", "--help"]):
            r = self.spawn(*cmd)
            self.assertEqual(r.returncode, 0, cmd)
            self.assertIn("Examples:", r.stdout, cmd)


if __name__ == "__main__":
    unittest.main(verbosity=2)
