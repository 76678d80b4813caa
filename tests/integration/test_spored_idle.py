"""Idle stop (--idle-timeout): spored watches a folder laid out like /proc (--proc-root) and, once
the instance has been idle for the whole window, warns (wall, notify), tags spawn:idle-action with
the reason and stops the instance in the local AWS; a named process, an SSH session or CPU work keep
it running. Windows of a few seconds here: spawn launch refuses under ten minutes, spored does not."""
import json
import os
import threading
import time
import unittest

from spored_test_case import SporedTestCase


class FakeProc:
    """/proc/stat with counters that move (busy or not), and processes."""

    def __init__(self, root):
        self.root = root
        os.makedirs(root)
        self.busy, self.idle, self.busy_share = 1000, 100000, 0.0
        self.write_stat()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.tick, daemon=True)
        self.thread.start()

    def write_stat(self):
        tmp = os.path.join(self.root, ".stat")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(f"cpu  {self.busy} 0 0 {self.idle} 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\n")
        os.replace(tmp, os.path.join(self.root, "stat"))

    def tick(self):
        while not self.stopped.wait(0.1):  # 10 ticks per CPU every 0.1 s, two CPUs
            busy = int(20 * self.busy_share)
            self.busy += busy
            self.idle += 20 - busy
            self.write_stat()

    def start_process(self, pid, comm, *argv):
        folder = os.path.join(self.root, str(pid))
        os.makedirs(folder)
        with open(os.path.join(folder, "comm"), "w", encoding="utf-8") as f:
            f.write(comm[:15] + "\n")
        with open(os.path.join(folder, "cmdline"), "wb") as f:
            f.write(b"".join(a.encode() + b"\0" for a in argv))

    def end_process(self, pid):
        folder = os.path.join(self.root, str(pid))
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))
        os.rmdir(folder)

    def close(self):
        self.stopped.set()
        self.thread.join()


class SporedIdleTest(SporedTestCase):
    def setUp(self):
        super().setUp()
        self.proc = FakeProc(os.path.join(self.dir, "proc"))
        self.addCleanup(self.proc.close)

    def state(self):
        r = self.ec2.describe_instances(InstanceIds=[self.instance_id])["Reservations"][0]["Instances"][0]
        return r["State"]["Name"]

    def test_an_idle_on_demand_instance_is_warned_then_stopped_with_the_reason_tagged(self):
        self.imds.set_lifecycle("on-demand")
        self.config_path({"spot": False, "idle_timeout": "4s", "notify": [self.topic_arn]})
        started = time.monotonic()
        proc = self.start("--proc-root", self.proc.root)
        self.wait_for("idle_stop", proc=proc)
        self.assertGreaterEqual(time.monotonic() - started, 4, "not before the whole window")
        stops = self.aws.requests("StopInstances")
        self.assertEqual([s["params"]["InstanceId.1"] for s in stops], [self.instance_id])
        self.assertNotIn("Hibernate", stops[0]["params"])
        self.assertEqual(self.aws.requests("TerminateInstances"), [])
        self.assertIn(self.state(), ("stopping", "stopped"))
        self.assertEqual(self.shutdowns(), [], "never a power-off: it would terminate")
        walls = self.walls()
        self.assertEqual(len(walls), 1, walls)
        self.assertIn("is idle", walls[0])
        self.assertIn("will be stopped at", walls[0])
        published = [json.loads(r["params"]["Message"]) for r in self.aws.requests("Publish")]
        self.assertEqual([m["event"] for m in published], ["idle_warning", "idle"])
        self.assertEqual(published[1]["action"], "stop")
        self.assertIn("idle since", published[1]["reason"])
        reason = self.instance_tags()["spawn:idle-action"]
        self.assertRegex(reason, r"^stop at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: idle since .*CPU at most \d+\.\d% of one CPU")
        self.assertLess(self.aws.requests("Publish")[1]["time"], stops[0]["time"], "told before the stop")

    def test_a_named_process_then_a_session_keep_it_running_and_their_end_lets_it_go(self):
        self.config_path({"spot": True, "idle_timeout": "3s", "active_processes": ["train.py"]})
        self.proc.start_process(4242, "python3", "python3", "-u", "train.py")
        proc = self.start("--proc-root", self.proc.root)
        time.sleep(5)
        self.proc.start_process(812, "sshd", "sshd: alice@pts/0")
        self.proc.end_process(4242)
        time.sleep(4)
        self.assertEqual(self.aws.requests("TerminateInstances"), [])
        status = json.loads(self.run_spored("status", "--state-dir", self.state_dir, "--output", "json").stdout)["status"]
        self.assertEqual(status["idle"]["last_activity"], "1 SSH or SSM session open")
        text = self.run_spored("status", "--state-dir", self.state_dir).stdout
        self.assertIn("idle:       busy (1 SSH or SSM session open); after 3s idle: terminate", text)
        self.proc.end_process(812)
        self.wait_for("idle_terminate", proc=proc)  # one-time spot: terminate by default
        self.assertEqual(len(self.aws.requests("TerminateInstances")), 1)
        self.assertEqual(self.aws.requests("StopInstances"), [])
        self.assertIn("none of train.py running", self.instance_tags()["spawn:idle-action"])

    def test_cpu_work_keeps_it_running_and_a_warning_is_taken_back(self):
        self.imds.set_lifecycle("on-demand")
        self.config_path({"spot": False, "idle_timeout": "4s", "idle_cpu": "20"})
        proc = self.start("--proc-root", self.proc.root)
        self.wait_for("idle_warning", proc=proc)
        self.proc.busy_share = 0.5  # half of the machine: one whole CPU, 100% of one
        self.wait_for("idle_cancelled", proc=proc)
        time.sleep(5)
        self.assertEqual(self.aws.requests("StopInstances"), [])
        self.assertEqual(len(self.walls()), 2, self.walls())
        self.assertIn("busy again (CPU at", self.walls()[1])


if __name__ == "__main__":
    unittest.main()
