"""spored's price alert (spawn launch --spot --price-alert PRICE): its own pool's spot price read from
the local AWS (DescribeSpotPriceHistory for its type and AZ), the owner told once when the price goes
above the alert and once when it is back below the band, never while it jitters, never again after a
restart; a failing price read never stops the watch for notices."""
import json
import os
import subprocess
import time
import unittest

from spored_test_case import HttpsServer, SporedTestCase, read_text


class PriceAlertTest(SporedTestCase):
    poll_interval = "200ms"

    def setUp(self):
        super().setUp()
        self.set_price("0.05")
        self.addCleanup(self.aws.set_scenario, {})

    def set_price(self, price):
        self.aws.set_scenario({"spot_prices": {"m7i.large": {"us-east-1a": price}}})

    def alert_config(self, notify, **extra):
        config = {"spot": True, "price_alert": "0.1", "price_check_interval": "1s", "notify": notify}
        config.update(extra)
        self.config_path(config)

    def price_reads(self):
        return self.aws.requests("DescribeSpotPriceHistory")

    def wait_for_reads(self, more_than):
        return self.wait_until(lambda: len(self.price_reads()) > more_than, message=f"more than {more_than} price reads")

    def messages(self):
        return [json.loads(p["params"]["Message"]) for p in self.publishes()]

    def test_told_once_above_and_once_back_with_nothing_in_between(self):
        webhook = HttpsServer(self.dir)
        self.addCleanup(webhook.close)
        self.alert_config([self.topic_arn, webhook.url("/hooks/T000/B000/sekrit-token")])
        proc = self.start(env=self.env(SSL_CERT_FILE=webhook.cert))
        self.wait_for("price_alert", proc=proc, alert_above="0.1000", instance_type="m7i.large",
                      availability_zone="us-east-1a")
        self.wait_for_reads(1)
        self.assertEqual(self.publishes(), [], "under the alert: nothing told")

        # The request: its own pool, Linux/UNIX, the price in effect now; signed by the instance role.
        params = self.price_reads()[0]["params"]
        self.assertEqual((params["InstanceType.1"], params["AvailabilityZone"], params["ProductDescription.1"]),
                         ("m7i.large", "us-east-1a", "Linux/UNIX"))
        self.assertIn("StartTime", params)

        self.set_price("0.15")
        crossed = self.wait_for("price_alert_crossed", proc=proc)[0]
        self.assertEqual((crossed["spot_hourly"], crossed["alert_above"]), ("0.1500", "0.1000"))
        self.wait_until(lambda: len(self.publishes()) == 1 and len(webhook.bodies) == 1, message="one notification each")
        publish = self.publishes()[0]
        self.assertEqual(publish["params"]["TopicArn"], self.topic_arn)
        self.assertEqual(publish["params"]["Subject"],
                         f"spawn: spot price $0.1500/h above your alert $0.1000/h on {self.instance_id}")
        message = self.messages()[0]
        self.assertEqual({k: message[k] for k in ("event", "state", "instance_id", "instance_type", "availability_zone",
                                                  "spot_hourly", "alert_above")},
                         {"event": "price_alert", "state": "crossed", "instance_id": self.instance_id,
                          "instance_type": "m7i.large", "availability_zone": "us-east-1a", "spot_hourly": "0.1500",
                          "alert_above": "0.1000"})
        self.assertEqual(json.loads(webhook.bodies[0]["body"]), message, "the webhook gets the same document")

        # Above, then inside the band (0.095 < price <= 0.1): several reads, nothing told.
        for price in ("0.2", "0.099", "0.0951", "0.12"):
            self.set_price(price)
            # Two more reads: the first may have been on its way before the price changed.
            self.wait_for_reads(len(self.price_reads()) + 1)
        self.assertEqual(len(self.publishes()), 1, "no flapping inside the band")

        self.set_price("0.09")
        self.wait_for("price_alert_back", proc=proc, spot_hourly="0.0900")
        self.wait_until(lambda: len(self.publishes()) == 2 and len(webhook.bodies) == 2, message="the way back told")
        back = self.messages()[1]
        self.assertEqual((back["event"], back["state"], back["spot_hourly"]), ("price_alert_over", "back", "0.0900"))
        self.assertEqual(self.publishes()[1]["params"]["Subject"],
                         f"spawn: spot price back at $0.0900/h, under your alert $0.1000/h, on {self.instance_id}")

        # status.json says what spored last saw; the webhook's secret is in no log.
        def status():
            return json.loads(read_text(os.path.join(self.state_dir, "status.json")))["price_alert"]
        self.wait_until(lambda: not status()["above"], message="status.json says the price is back")
        self.assertEqual((status()["alert_above"], status()["price"]), ("0.1000", "0.0900"))
        self.assertGreaterEqual(status()["checks"], 6)
        self.assertNotIn("sekrit-token", self.log_text(proc))

    def test_a_restarted_spored_does_not_tell_the_same_crossing_again(self):
        self.set_price("0.3")
        self.alert_config([self.topic_arn])
        proc = self.start()
        self.wait_for("price_alert_crossed", proc=proc)
        self.wait_until(lambda: len(self.publishes()) == 1, message="the crossing told")
        self.stop(proc)

        reads = len(self.price_reads())
        second = self.start(log_name="spored-2.log")
        self.wait_for_reads(reads + 1)
        time.sleep(0.5)  # a notification would be on its way by now
        self.assertEqual(len(self.publishes()), 1, "still above: not told again")
        self.assertEqual(self.records("price_alert_crossed", proc=second), [])
        self.set_price("0.05")
        self.wait_for("price_alert_back", proc=second)
        self.wait_until(lambda: len(self.publishes()) == 2, message="the way back told by the new spored")

    def test_a_refused_price_read_is_logged_and_the_notice_is_still_handled(self):
        self.aws.set_scenario({"spot_prices": {"m7i.large": {"us-east-1a": "0.3"}},
                               "deny": [{"service": "ec2", "action": "DescribeSpotPriceHistory"}]})
        self.alert_config([self.topic_arn], price_check_interval="2s")
        proc = self.start()
        failed = self.wait_for("price_check_failed", proc=proc)[0]
        self.assertIn("UnauthorizedOperation", failed["error"])
        self.imds.set_notice("terminate", in_seconds=90)
        self.wait_for("shutdown", proc=proc)
        self.assertEqual([m["event"] for m in self.messages()], ["spot_interruption"])

    def test_an_on_demand_instance_reads_no_price(self):
        self.imds.set_lifecycle("on-demand")
        self.alert_config([self.topic_arn], spot=False)
        proc = self.start()
        self.wait_for("price_alert_off", proc=proc)
        time.sleep(1.5)
        self.assertEqual(self.price_reads(), [])

    def test_a_bad_price_is_refused_at_start(self):
        for bad in ("-1", "abc", "0", "1e-2"):
            with self.subTest(price=bad):
                r = subprocess.run(self.spored_args("--price-alert", bad), env=self.env(), capture_output=True,
                                   text=True, timeout=20)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("--price-alert", r.stderr)
        r = subprocess.run(self.spored_args("--price-check-interval", "0s"), env=self.env(), capture_output=True,
                           text=True, timeout=20)
        self.assertEqual(r.returncode, 2, r.stderr)


if __name__ == "__main__":
    unittest.main()
