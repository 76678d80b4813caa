"""Checkpoint scripts that misbehave: one that exits 1, one that runs past its deadline, one that
ignores SIGTERM, one that leaves children behind holding its stdout (in the background, under
`nohup`, one ignoring SIGTERM, a grandchild; none of them in a session of its own), one whose
grandchildren escape into sessions of their own and end later (spored, their subreaper, reaps
them: no zombie is left), and one that writes 100 MB to stdout.

For each, spored's deadline holds (SIGTERM to the script's process group within 1 s of the deadline,
SIGKILL 5 s later for what ignores it, nothing later), nothing the script started is left running
afterwards (every process is found by a marker in its argv under /proc), spored's log stays bounded
(under 1 MB for the 100 MB; its first and last lines kept, the bytes dropped between them said), and
the rest still happens: the spawn:interruption-notice and spawn:checkpoint-status tags reach the
local AWS and the shutdown command runs, once.

Notices are posted ~33 s ahead so that the deadline (the notice time - 30 s) comes ~3 s after
detection. The SIGTERM-ignoring script with children on its own is in
tests/integration/test_spored_checkpoint_deadline.py; here the abuses come together.
"""
import datetime
import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from spored_test_case import SporedTestCase, read_text, write_script  # noqa: E402

SHORT = 33  # seconds from the notice to its time: a deadline ~3 s after detection
KILL_GRACE_S = 5
SLACK_S = 1.0  # the deadline holds within this


def epoch(rfc3339):
    text = rfc3339.rstrip("Z")
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in text else "%Y-%m-%dT%H:%M:%S"
    return datetime.datetime.strptime(text, fmt).replace(tzinfo=datetime.timezone.utc).timestamp()


def marked_processes(marker):
    """(pid, argv) of every live (not zombie) process with marker in its argv."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                argv = f.read()
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker.encode() in argv and state != "Z":
            found.append((int(name), argv.replace(b"\0", b" ").decode(errors="replace").strip()))
    return found


def zombie_children(parent):
    """The pids of the zombie children of parent (found through /proc/*/stat)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] == "Z" and int(fields[1]) == parent:
            found.append(int(name))
    return found


class CheckpointAbuseTest(SporedTestCase):
    poll_interval = "200ms"

    def setUp(self):
        super().setUp()
        self.marker = f"spawn-abuse-{uuid.uuid4().hex[:12]}"
        self.addCleanup(self.kill_marked)

    def kill_marked(self):
        """Whatever a failed test left behind (never needed when spored did its job)."""
        for pid, _ in marked_processes(self.marker):
            try:
                os.kill(pid, 9)
            except OSError:
                pass

    def run_script(self, body, in_seconds=SHORT):
        """Starts spored with this checkpoint script (its path carries the marker), posts a notice,
        and waits for the checkpoint to end. Returns (finished record, deadline epoch, proc)."""
        script = write_script(os.path.join(self.dir, f"ckpt-{self.marker}.sh"), body)
        self.config_path({"spot": True, "on_interruption": "checkpoint", "checkpoint_script": script})
        proc = self.start()
        self.assertEqual(marked_processes(self.marker), [])
        self.notice = self.imds.set_notice("terminate", in_seconds=in_seconds)
        started = self.wait_for("checkpoint_started", proc=proc)[0]
        deadline = epoch(self.notice["time"]) - 30
        if in_seconds == SHORT:
            self.assertEqual(epoch(started["deadline"]), deadline, "the deadline is the notice time - 30 s")
        finished = self.wait_for("checkpoint_finished", proc=proc, timeout=60)[0]
        return finished, deadline, proc

    def assert_nothing_left(self):
        self.assertEqual(marked_processes(self.marker), [], "the checkpoint left processes running")

    def assert_the_rest_happens(self, proc, status):
        """Both tags in the local AWS, the shutdown command once, spored alive."""
        self.wait_for("shutdown", proc=proc, timeout=30)
        self.wait_until(self.shutdowns, message="shutdown command run")
        self.wait_until(lambda: any("spawn:checkpoint-status" in t["tags"] for t in self.create_tags_requests()),
                        message="the checkpoint-status tag")
        tags = self.create_tags_requests()
        notice = [t["tags"] for t in tags if "spawn:interruption-notice" in t["tags"]]
        self.assertEqual(notice, [{"spawn:interruption-notice": self.notice["time"],
                                   "spawn:interruption-action": "terminate"}])
        self.assertEqual([t["tags"] for t in tags if "spawn:checkpoint-status" in t["tags"]],
                         [{"spawn:checkpoint-status": status}])
        self.assertTrue(all(t["resource"] == self.instance_id and t["status"] == 200 for t in tags), tags)
        self.assertEqual(self.instance_tags()["spawn:checkpoint-status"], status)
        self.assertEqual(len(self.shutdowns()), 1)
        self.assertIsNone(proc.poll(), "spored exited")

    # --- the scripts -------------------------------------------------------------------------------

    def test_exit_1(self):
        finished, _, proc = self.run_script("echo saving\nexit 1\n", in_seconds=100)
        self.assertEqual(finished["status"], "failed")
        self.assertEqual(finished["exit_code"], 1)
        self.assertNotIn("killed", finished)
        self.assert_nothing_left()
        self.assert_the_rest_happens(proc, "failed")

    def test_running_past_the_deadline(self):
        finished, deadline, proc = self.run_script(f"echo saving\nexec -a {self.marker}-work sleep 300\n")
        ended = epoch(finished["time"])
        self.assertEqual(finished["status"], "timeout")
        self.assertNotIn("killed", finished, "SIGTERM was enough")
        self.assertGreaterEqual(ended, deadline - 0.05, "stopped before its deadline")
        self.assertLess(ended, deadline + SLACK_S, "stopped late")
        self.assert_nothing_left()
        self.assert_the_rest_happens(proc, "timeout")

    def test_ignoring_sigterm_with_children_holding_stdout(self):
        terms = os.path.join(self.dir, "terms")
        finished, deadline, proc = self.run_script(f"""
trap 'date +%s.%N >> {terms}' TERM
(trap '' TERM; exec -a {self.marker}-child sleep 300) &
nohup bash -c 'trap "" TERM; exec -a {self.marker}-nohup sleep 300' &
bash -c '(exec -a {self.marker}-grandchild sleep 300) & wait' &
while true; do sleep 0.1; done
""")
        ended = epoch(finished["time"])
        self.assertEqual(finished["status"], "timeout")
        self.assertTrue(finished.get("killed"), finished)
        term_at = float(read_text(terms).split()[0])
        self.assertGreaterEqual(term_at, deadline - 0.05)
        self.assertLess(term_at, deadline + SLACK_S, "SIGTERM late")
        self.assertGreaterEqual(ended, term_at + KILL_GRACE_S - 0.1, "SIGKILL before the grace was over")
        self.assertLess(ended, deadline + KILL_GRACE_S + SLACK_S, "SIGKILL late")
        self.assert_nothing_left()
        self.assert_the_rest_happens(proc, "timeout")

    def test_children_left_behind_by_a_script_that_succeeds(self):
        # The script is done at once; its children are not, and they hold its stdout open.
        finished, deadline, proc = self.run_script(f"""
echo started children
(exec -a {self.marker}-background sleep 300) &
nohup bash -c 'exec -a {self.marker}-nohup sleep 300' &
(trap '' TERM; exec -a {self.marker}-stubborn sleep 300) &
bash -c '(exec -a {self.marker}-grandchild sleep 300) & wait' &
sleep 0.5
exit 0
""", in_seconds=100)
        self.assertEqual(finished["status"], "ok", "the script itself succeeded")
        self.assertTrue(finished.get("killed"), "the stubborn child needed SIGKILL")
        # Stopped like a script at its deadline: SIGTERM when the script ended, SIGKILL 5 s later.
        self.assertLess(finished["seconds"], 0.5 + KILL_GRACE_S + 2 * SLACK_S)
        self.assert_nothing_left()
        self.assert_the_rest_happens(proc, "ok")

    def test_processes_that_escape_into_a_session_of_their_own_are_reaped_when_they_end(self):
        # A double fork whose grandchild makes a session of its own (as a daemon does) escapes the
        # group's stop; once the script is gone it is spored's child (spored is a child subreaper),
        # and when it ends spored must reap it, or it is a zombie for the life of the instance.
        pids = os.path.join(self.dir, "escaped")
        finished, _, proc = self.run_script(f"""
for n in 1 2 3; do
  ( setsid bash -c 'echo $$ >> {pids}; exec -a {self.marker}-escaped sleep 3' </dev/null >/dev/null 2>&1 & )
done
while [ "$(cat {pids} 2>/dev/null | wc -l)" -lt 3 ]; do sleep 0.05; done
exit 0
""", in_seconds=100)
        self.assertEqual(finished["status"], "ok")
        escaped = [int(p) for p in read_text(pids).split()]
        self.assertEqual(len(escaped), 3)
        for pid in escaped:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
                self.assertEqual(int(f.read().rsplit(")", 1)[1].split()[1]), proc.pid, "adopted by spored")
        self.wait_until(lambda: not marked_processes(self.marker), message="the escaped processes ended")
        self.wait_until(lambda: not zombie_children(proc.pid), timeout=10,
                        message=f"spored reaped them (zombies: {zombie_children(proc.pid)})")
        self.assert_the_rest_happens(proc, "ok")

    def test_100_mb_of_output(self):
        finished, _, proc = self.run_script(
            "echo FIRST-LINE\nyes | head -c 100000000\necho LAST-LINE >&2\n", in_seconds=100)
        self.assertEqual(finished["status"], "ok", "the writer was never blocked")
        self.assert_nothing_left()
        self.assert_the_rest_happens(proc, "ok")
        size = os.path.getsize(proc.log_path)
        self.assertLess(size, 1_000_000, f"spored's log is {size} bytes")
        lines = [r["line"] for r in self.records("checkpoint_output", proc)]
        self.assertEqual(lines[0], "FIRST-LINE")
        self.assertEqual(lines[-1], "LAST-LINE", "the end of the output (where errors are) is kept")
        truncated = self.records("checkpoint_output_truncated", proc)
        self.assertEqual(len(truncated), 1)
        kept = sum(len(line) + 1 for line in lines)
        self.assertEqual(truncated[0]["dropped_bytes"] + kept, len("FIRST-LINE\n") + 100_000_000 + len("LAST-LINE\n"),
                         "every byte is either in the log or counted as dropped")


if __name__ == "__main__":
    unittest.main(verbosity=2)
