"""--help: every command's help has examples, and `spawn launch --help` explains spot and
hibernation. (The bad command lines are in tests/reliability/test_bad_input.py.)"""
import unittest

from spawn_test_case import SpawnTestCase


class HelpTest(SpawnTestCase):
    def test_help_has_examples(self):
        for cmd in (["--help"], ["launch", "--help"], ["list", "--help"], ["terminate", "--help"],
                    ["price", "--help"], ["history", "--help"], ["agent", "upload", "--help"]):
            with self.subTest(cmd=cmd):
                r = self.spawn(*cmd)
                self.assertEqual(r.returncode, 0, cmd)
                self.assertIn("Examples:", r.stdout, cmd)
                self.assertEqual(self.requests(), [], f"{cmd} sent a request")

    def test_help_explains_spot_and_hibernation(self):
        r = self.spawn("launch", "--help")
        self.assertEqual(r.returncode, 0)
        text = " ".join(r.stdout.split())
        for flag in ("--spot", "--spot-max-price", "--spot-fallback", "--instance-types", "--spot-allocation-strategy",
                     "--spot-count", "--on-interruption", "--checkpoint-script"):
            self.assertIn(flag, text)
        self.assertIn("keeps its memory", text)
        self.assertIn("spawn does not power it off", text)
        self.assertIn("--spot-count 6", text, "an example of a mixed array")


if __name__ == "__main__":
    unittest.main(verbosity=2)
