"""The TTL (ttl_deadline in the config file the launch writes; the tag spawn:ttl-deadline only
records it and configures nothing): a warning five minutes before (log and wall),
TerminateInstances on itself at the deadline, and both survive a restart of the agent."""
import datetime
import time
import unittest

from spored_test_case import SporedTestCase


def iso(t):
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


class TtlTest(SporedTestCase):
    def set_deadline(self, deadline):
        self.config_path({"spot": True, "ttl_deadline": iso(deadline)})

    def test_the_tag_alone_ends_nothing(self):
        # Anyone allowed ec2:CreateTags could otherwise end every spawn instance.
        self.imds.set_tags({"Name": "job", "spawn:managed": "true",
                            "spawn:ttl-deadline": iso(now() - datetime.timedelta(minutes=1))})
        proc = self.start()
        self.assertNotIn("ttl", self.records("watching", proc=proc)[0]["monitors"])
        time.sleep(1)
        self.assertEqual(self.aws.requests("TerminateInstances"), [])

    def state(self):
        r = self.ec2.describe_instances(InstanceIds=[self.instance_id])["Reservations"][0]["Instances"][0]
        return r["State"]["Name"]

    def test_warning_five_minutes_before_once_across_a_restart(self):
        deadline = now() + datetime.timedelta(minutes=5, seconds=2)
        self.set_deadline(deadline)
        proc = self.start()
        self.assertEqual(self.records("watching", proc=proc)[0]["monitors"][-1], "ttl")
        self.assertEqual(self.records("ttl_warning"), [])  # not yet: still more than 5 minutes
        warning = self.wait_for("ttl_warning", proc=proc, timeout=15)[0]
        self.assertEqual(warning["deadline"], iso(deadline))
        self.assertLessEqual(warning["seconds_left"], 300)
        self.wait_until(self.walls, message="wall message")
        self.assertIn(iso(deadline), self.walls()[0])
        self.assertIn(self.instance_id, self.walls()[0])
        self.stop(proc)

        again = self.start(log_name="spored-2.log")
        self.wait_for("already_handled", proc=again, latch=f"ttl_warning:{iso(deadline)}")
        self.assertEqual(len(self.walls()), 1)
        self.assertEqual(self.aws.requests("TerminateInstances"), [])
        self.assertEqual(self.state(), "running")

    def test_terminates_itself_at_the_deadline(self):
        deadline = now() + datetime.timedelta(seconds=3)
        self.set_deadline(deadline)
        proc = self.start()
        self.wait_for("ttl_warning", proc=proc)  # inside the five minutes already
        self.wait_for("ttl_terminate", proc=proc, timeout=20)
        terminations = self.aws.requests("TerminateInstances")
        self.assertEqual(len(terminations), 1)
        self.assertEqual(terminations[0]["params"]["InstanceId.1"], self.instance_id)
        self.assertGreaterEqual(terminations[0]["time"], deadline.timestamp())
        self.assertIn(self.state(), ("shutting-down", "terminated"))
        time.sleep(1)
        self.assertEqual(len(self.aws.requests("TerminateInstances")), 1)  # once is enough

    def test_a_deadline_passed_while_the_agent_was_down_terminates_at_start(self):
        self.set_deadline(now() - datetime.timedelta(minutes=1))
        proc = self.start()
        self.wait_for("ttl_terminate", proc=proc, timeout=20)
        self.assertEqual(len(self.aws.requests("TerminateInstances")), 1)


if __name__ == "__main__":
    unittest.main()
