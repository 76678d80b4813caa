"""The checkpoint's deadline enforced on a script that will not stop: SIGTERM to its whole process
group at the deadline, SIGKILL 5 s later, nothing of it left running, and what follows still done."""
import datetime
import os
import time
import unittest

from spored_test_case import SporedTestCase, read_text, write_script


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def alive(pid):
    """True while the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


class CheckpointDeadlineTest(SporedTestCase):
    poll_interval = "200ms"

    def test_sigterm_then_sigkill_of_a_script_that_ignores_sigterm_and_has_children(self):
        pids = os.path.join(self.dir, "pids")
        terms = os.path.join(self.dir, "terms")
        # The script and two children (one of them a grandchild) all ignore SIGTERM; the script
        # notes when it received it.
        script = write_script(os.path.join(self.dir, "ckpt.sh"), f"""
trap 'date +%s.%N >> {terms}' TERM
( trap '' TERM; exec sleep 300 ) &
echo $! >> {pids}
( trap '' TERM; sleep 300 & echo $! >> {pids}; wait ) &
echo $! >> {pids}
echo $$ >> {pids}
while true; do sleep 0.1; done
""")
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": script})
        proc = self.start()
        # 33 s away: the deadline is the notice time - 30 s, about 2.x s after detection.
        notice = self.imds.set_notice("terminate", in_seconds=33)
        deadline = (parse_time(notice["time"]) - datetime.timedelta(seconds=30)).timestamp()
        started = self.wait_for("checkpoint_started", proc=proc)[0]
        self.assertEqual(parse_time(started["deadline"]).timestamp(), deadline)
        self.wait_until(lambda: len(read_text(pids).split()) >= 4, message="the script's children started")
        finished = self.wait_for("checkpoint_finished", proc=proc, timeout=30)[0]
        ended = time.time()
        self.assertEqual(finished["status"], "timeout")
        self.assertTrue(finished.get("killed"), finished)

        # SIGTERM reached the script at the deadline (whole seconds in the notice; spored's
        # deadline also counts the sub-second part of the detection, hence the window).
        term_at = float(read_text(terms).split()[0])
        self.assertGreaterEqual(term_at, deadline - 0.05)
        self.assertLess(term_at, deadline + 1.5)
        # SIGKILL came 5 s after SIGTERM (not before; late only by scheduling).
        self.assertGreaterEqual(ended - term_at, 4.9)
        self.assertLess(ended - term_at, 9.0)
        # Nothing of the group is left running.
        for pid in read_text(pids).split():
            self.assertFalse(alive(int(pid)), f"process {pid} of the checkpoint is still running")

        # What follows still happens: status tag, shutdown.
        self.wait_for("shutdown", proc=proc)
        self.wait_until(self.shutdowns, message="shutdown command run")
        self.wait_until(lambda: self.instance_tags().get("spawn:checkpoint-status") == "timeout",
                        message="spawn:checkpoint-status=timeout")


if __name__ == "__main__":
    unittest.main()
