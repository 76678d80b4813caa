"""Bad spot command lines: exit status 2, one clear line naming the flag, and no request sent."""
import os
import shutil
import tempfile
import unittest

from spawn_test_case import SpawnTestCase

TMP = tempfile.mkdtemp(prefix="spot-bad-usage-")
SCRIPT = os.path.join(TMP, "save.sh")
with open(SCRIPT, "w", encoding="utf-8") as f:
    f.write("#!/bin/sh\necho saved\n")
EMPTY = os.path.join(TMP, "empty.sh")
open(EMPTY, "w").close()

L = ["launch", "--instance-type", "m7i.large"]
S = L + ["--spot"]

BAD = [
    # --spot-max-price not a positive decimal
    (S + ["--spot-max-price", "0"], "--spot-max-price"),
    (S + ["--spot-max-price", "-1"], "--spot-max-price"),
    (S + ["--spot-max-price", "abc"], "--spot-max-price"),
    (S + ["--spot-max-price", "1e3"], "--spot-max-price"),
    (S + ["--spot-max-price", ""], "--spot-max-price"),
    (S + ["--spot-max-price", "0.000"], "--spot-max-price"),
    # --spot-count without --spot, or not 0 < N <= --count
    (L + ["--count", "4", "--spot-count", "2"], "--spot-count needs --spot"),
    (S + ["--count", "4", "--spot-count", "0"], "--spot-count"),
    (S + ["--count", "4", "--spot-count", "5"], "--spot-count"),
    (S + ["--count", "4", "--spot-count", "-1"], "--spot-count"),
    (S + ["--count", "4", "--spot-count", "many"], "--spot-count"),
    # --on-interruption not one of the three
    (S + ["--on-interruption", "stop"], "--on-interruption"),
    (S + ["--on-interruption", ""], "--on-interruption"),
    # checkpoint without --checkpoint-script
    (S + ["--on-interruption", "checkpoint"], "--checkpoint-script"),
    # --checkpoint-script with terminate or hibernate (or the default, terminate)
    (S + ["--on-interruption", "terminate", "--checkpoint-script", SCRIPT], "--checkpoint-script"),
    (S + ["--on-interruption", "hibernate", "--checkpoint-script", SCRIPT], "--checkpoint-script"),
    (S + ["--checkpoint-script", SCRIPT], "--checkpoint-script"),
    # --on-interruption or --checkpoint-script (or any spot flag) without --spot
    (L + ["--on-interruption", "terminate"], "--on-interruption needs --spot"),
    (L + ["--on-interruption", "checkpoint", "--checkpoint-script", SCRIPT], "needs --spot"),
    (L + ["--checkpoint-script", SCRIPT], "--checkpoint-script needs --spot"),
    (L + ["--spot-max-price", "0.05"], "--spot-max-price needs --spot"),
    (L + ["--spot-fallback"], "--spot-fallback needs --spot"),
    (L + ["--spot-allocation-strategy", "lowest-price"], "--spot-allocation-strategy needs --spot"),
    # hibernate with several types (and the other fleet cases)
    (S + ["--instance-types", "m6i.large", "--on-interruption", "hibernate"], "hibernate"),
    (["launch", "--instance-types", "m7i.large,m6i.large", "--spot", "--on-interruption", "hibernate"], "hibernate"),
    (S + ["--count", "4", "--spot-count", "2", "--on-interruption", "hibernate"], "hibernate"),
    # an http:// script URL
    (S + ["--on-interruption", "checkpoint", "--checkpoint-script", "http://example.com/save.sh"], "https://"),
    # a local script that is missing or unreadable (a folder), or empty
    (S + ["--on-interruption", "checkpoint", "--checkpoint-script", os.path.join(TMP, "missing.sh")], "--checkpoint-script"),
    (S + ["--on-interruption", "checkpoint", "--checkpoint-script", TMP], "--checkpoint-script"),
    (S + ["--on-interruption", "checkpoint", "--checkpoint-script", EMPTY], "--checkpoint-script"),
    (S + ["--on-interruption", "checkpoint", "--checkpoint-script", "s3://bucket"], "--checkpoint-script"),
    (S + ["--on-interruption", "checkpoint", "--checkpoint-script", "ftp://host/save.sh"], "--checkpoint-script"),
    # --instance-types with an empty or duplicate entry
    (["launch", "--instance-types", "m7i.large,,m6i.large", "--spot"], "--instance-types"),
    (["launch", "--instance-types", "m7i.large,", "--spot"], "--instance-types"),
    (["launch", "--instance-types", "", "--spot"], "--instance-types"),
    (["launch", "--instance-types", "m7i.large,m6i.large,m7i.large", "--spot"], "--instance-types"),
    (["launch", "--instance-types", "m7i.large,nope", "--spot"], "--instance-types"),
    # an unknown allocation strategy
    (S + ["--spot-allocation-strategy", "cheapest"], "--spot-allocation-strategy"),
    # several subnets: each must be an id, once
    (S + ["--subnet-id", "subnet-0abc1234,subnet-0abc1234"], "--subnet-id"),
]


class SpotBadUsageTest(SpawnTestCase):
    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(TMP, ignore_errors=True)
        super().tearDownClass()

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

    def test_http_script_is_refused_with_the_reason(self):
        r = self.spawn(*S, "--on-interruption", "checkpoint", "--checkpoint-script", "http://example.com/x.sh")
        self.assertIn("without integrity", r.stderr)
        self.assertIn("s3://", r.stderr)

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
