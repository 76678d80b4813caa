"""A hibernate notice: checkpoint and tell the owner, but never power off (EC2 saves the running
instance's memory). And an on-demand instance has no spot notice to watch."""
import time
import unittest

from spored_test_case import SporedTestCase


class HibernateTest(SporedTestCase):
    def test_hibernate_does_not_power_off(self):
        self.config_path({"spot": True, "on_interruption": "hibernate", "notify": [self.topic_arn]})
        proc = self.start()
        self.imds.set_notice("hibernate", in_seconds=100)
        shutdown = self.wait_for("shutdown", proc=proc)[0]
        self.assertTrue(shutdown["skipped"])
        self.assertIn("hibernate", shutdown["reason"])
        time.sleep(0.5)
        self.assertEqual(self.shutdowns(), [])
        self.wait_until(lambda: self.instance_tags().get("spawn:interruption-action") == "hibernate",
                        message="spawn:interruption-action=hibernate")
        self.assertEqual(self.instance_tags().get("spawn:checkpoint-status"), "none")
        self.assertEqual(len(self.publishes()), 1)

    def test_a_stop_notice_powers_off(self):
        proc = self.start()
        self.imds.set_notice("stop", in_seconds=100)
        self.wait_for("shutdown", proc=proc)
        self.wait_until(self.shutdowns, message="shutdown command run")

    def test_on_demand_watches_nothing_and_says_so_once(self):
        self.imds.set_lifecycle("on-demand")
        proc = self.start()
        time.sleep(1)
        self.imds.set_notice("terminate", in_seconds=100)  # cannot happen on-demand; not even read
        time.sleep(1)
        self.assertEqual(len(self.records("not_spot", proc=proc)), 1)
        self.assertEqual(self.records("watching", proc=proc)[0]["monitors"], [])
        self.assertEqual(self.imds.notice()["reads"], 0)
        self.assertEqual(self.shutdowns(), [])


if __name__ == "__main__":
    unittest.main()
