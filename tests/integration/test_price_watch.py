"""spawn price --watch against the local AWS: the rows fetched again each round, an alert told once
when a row crosses its threshold and once when it is back (on stderr, to SNS and to a webhook, the
same document), a live view on a terminal (Enter: a round now, Ctrl-C: stop, exit 0), one JSON
line per round when not on a terminal, a failed round shown and survived, and bad values refused
with exit 2 before any request. Rounds are asked for with Enter: the shortest interval is a minute."""
import fcntl
import json
import os
import pty
import queue
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import termios
import threading
import unittest

from spawn_test_case import BIN, SpawnTestCase
from spored_test_case import HttpsServer, poll

TIMEOUT = 30


def wait_until(predicate, message, timeout=TIMEOUT):
    value = poll(predicate, timeout)
    if not value:
        raise AssertionError(f"timed out waiting for {message}")
    return value


class Terminal:
    """spawn on a pseudo-terminal of its own, as from a user's shell: the terminal is its session's
    controlling terminal and spawn the foreground job, so Ctrl-C there is a SIGINT to it."""

    def __init__(self, args, env):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        self.proc = subprocess.Popen([os.path.join(BIN, "spawn"), *args], stdin=slave, stdout=slave, stderr=slave,
                                     env=env, start_new_session=True,
                                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.master = master
        self.lock = threading.Lock()
        self.buffer = b""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # EIO: the other end closed
                return
            if not chunk:
                return
            with self.lock:
                self.buffer += chunk

    def text(self):
        with self.lock:
            return self.buffer.decode(errors="replace")

    def rounds(self):
        """The views drawn so far: each starts by clearing the screen."""
        return self.text().split("\033[H\033[2J")[1:]

    def wait_rounds(self, n):
        return wait_until(lambda: len(self.rounds()) >= n and "Ctrl-C: stop" in self.rounds()[n - 1] and
                          self.rounds()[n - 1], f"round {n} drawn:\n{self.text()}")

    def type(self, keys):
        os.write(self.master, keys)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(5)
        os.close(self.master)


class Piped:
    """spawn with pipes for stdin, stdout and stderr (a script, a log file): stdout read line by line."""

    def __init__(self, args, env):
        self.proc = subprocess.Popen([os.path.join(BIN, "spawn"), *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        self.lines = queue.Queue()
        self.errors = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put), daemon=True).start()
        self.err_thread = threading.Thread(target=self._pump, args=(self.proc.stderr, self.errors.append), daemon=True)
        self.err_thread.start()

    @staticmethod
    def _pump(stream, put):
        for line in stream:
            put(line)

    def line(self):
        try:
            return self.lines.get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no line from spawn price --watch; stderr:\n{''.join(self.errors)}") from None

    def enter(self):
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()

    def stop(self, sig=signal.SIGINT):
        self.proc.send_signal(sig)
        status = self.proc.wait(TIMEOUT)
        self.err_thread.join(5)
        return status

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.proc.stderr.close()


class WatchCase(SpawnTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="spawn-price-watch-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.set_price("0.05")
        self.addCleanup(self.aws.set_scenario, {})

    def set_price(self, price, **more):
        # m7i.large has one AZ priced: the row's spot price is that one.
        self.aws.set_scenario({"spot_prices": {"m7i.large": {"us-east-1a": price}}, **more})

    def env(self, **more):
        full = dict(self.aws.env())
        full.update({"XDG_CACHE_HOME": self.dir, "TERM": "xterm", **more})
        return full


class LiveViewTest(WatchCase):
    def setUp(self):
        super().setUp()
        self.topic_arn = self.aws.client("sns").create_topic(Name="price-watch")["TopicArn"]
        self.webhook = HttpsServer(self.dir)
        self.addCleanup(self.webhook.close)

    def publishes(self):
        return [r for r in self.requests("Publish") if r["service"] == "sns"]

    def test_alert_told_once_each_way_enter_refreshes_ctrl_c_stops(self):
        hook = self.webhook.url("/hooks/T000/B000/sekrit-token")
        term = Terminal(["price", "-t", "m7i.large", "--watch", "1m", "--alert-above", "0.04", "--notify",
                         f"{self.topic_arn},{hook}"], self.env(AWS_CA_BUNDLE=self.webhook.cert))
        self.addCleanup(term.close)

        # Round 1: above at once; the view has the ALERT column, stderr the alert line.
        first = term.wait_rounds(1)
        self.assertRegex(first, r"every 1m · updated \d\d:\d\d:\d\d · next \d\d:\d\d:\d\d · Enter: refresh now")
        self.assertRegex(first, r"ALERT")
        self.assertRegex(first, r"m7i\.large\s+us-east-1\s+\$0\.1008\s+\$0\.0500\s.*\babove\b")
        wait_until(lambda: "spawn: alert: m7i.large in us-east-1: spot price $0.0500/h, above $0.0400/h"
                   in term.text(), "the alert line")
        wait_until(lambda: len(self.publishes()) == 1 and len(self.webhook.bodies) == 1, "one notification each")
        publish = self.publishes()[0]["params"]
        self.assertEqual(publish["TopicArn"], self.topic_arn)
        self.assertEqual(publish["Subject"], "spawn: m7i.large spot price above $0.0400/h in us-east-1")
        document = json.loads(publish["Message"])
        self.assertEqual(json.loads(self.webhook.bodies[0]["body"]), document, "SNS and the webhook: one document")
        self.assertEqual(self.webhook.bodies[0]["path"], "/hooks/T000/B000/sekrit-token")
        self.assertEqual(self.webhook.bodies[0]["content_type"], "application/json")
        self.assertEqual({k: v for k, v in document.items() if k != "at"}, {
            "event": "price_alert", "state": "crossed", "rule": "spot price above $0.0400/h",
            "instance_type": "m7i.large", "region": "us-east-1", "availability_zone": None,
            "spot_hourly": "0.0500", "on_demand_hourly": "0.1008", "savings_percent": 50, "threshold": "0.0400"})
        self.assertRegex(document["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

        # Inside the band (back needs $0.0380 or less): a round, nothing told, still alerting.
        self.set_price("0.0390")
        term.type(b"\r")
        second = term.wait_rounds(2)
        self.assertRegex(second, r"\$0\.0390\s.*\babove\b")
        # The view keeps the alerts told so far under its table, with their time.
        self.assertRegex(second, r"\nalerts:\r?\n  \d\d:\d\d:\d\d  spawn: alert: m7i\.large in us-east-1: spot price "
                                 r"\$0\.0500/h, above \$0\.0400/h")
        self.assertEqual(len(self.publishes()), 1, "inside the band: not told")

        # Back under: told once.
        self.set_price("0.0300")
        term.type(b"\r")
        third = term.wait_rounds(3)
        self.assertRegex(third, r"\$0\.0300\s.*\s-\r?\n")
        wait_until(lambda: len(self.publishes()) == 2 and len(self.webhook.bodies) == 2, "the way back told")
        self.assertEqual(self.publishes()[1]["params"]["Subject"],
                         "spawn: m7i.large spot price back under $0.0400/h in us-east-1")
        back = json.loads(self.publishes()[1]["params"]["Message"])
        self.assertEqual((back["state"], back["spot_hourly"]), ("back", "0.0300"))
        self.assertIn("spawn: alert over: m7i.large in us-east-1: spot price $0.0300/h, back under $0.0400/h",
                      third)

        # Another round under: nothing more.
        term.type(b"\r")
        term.wait_rounds(4)
        self.assertEqual((len(self.publishes()), len(self.webhook.bodies)), (2, 2))
        self.assertEqual(len(self.requests("DescribeSpotPriceHistory")), 4, "one spot price read a round")

        # Ctrl-C: exit 0 at once.
        term.type(b"\x03")
        self.assertEqual(term.proc.wait(TIMEOUT), 0, term.text())
        self.assertNotIn("sekrit", term.text(), "a webhook's path is its secret: never shown")
        last = term.rounds()[-1]
        self.assertEqual(last.count("spawn: alert"), 2, "the last view: both alerts, once each")


class PipedTest(WatchCase):
    def test_json_line_per_round_failed_round_and_failed_target(self):
        # Savings 70% at the default prices' $0.1008 on demand and $0.0302 spot: below 75 at once.
        self.aws.set_scenario({})
        watch = Piped(["price", "-t", "m7i.large", "--watch", "1m", "--alert-savings-below", "75", "--notify",
                       "https://127.0.0.1:1/hooks/sekrit-token", "--output", "json"], self.env())
        self.addCleanup(watch.close)

        first = json.loads(watch.line())
        self.assertEqual(first["errors"], [])
        self.assertEqual(len(first["rows"]), 1)
        row = first["rows"][0]
        self.assertEqual((row["instance_type"], row["region"], row["spot_hourly"], row["savings_percent"],
                          row["alerting"]), ("m7i.large", "us-east-1", "0.0302", 70, True))
        self.assertEqual(len(first["alerts"]), 1)
        alert = first["alerts"][0]
        self.assertEqual((alert["event"], alert["state"], alert["savings_percent"], alert["threshold"]),
                         ("price_alert", "crossed", 70, 75))
        # The target could not be reached: said, not fatal, its path never shown.
        self.assertEqual(len(alert["notified"]), 1)
        self.assertEqual(alert["notified"][0]["target"], "https://127.0.0.1:1")
        self.assertFalse(alert["notified"][0]["delivered"])
        self.assertTrue(alert["notified"][0]["error"])

        # A round whose spot prices are refused: said in "errors", the alert kept, watching goes on.
        self.aws.set_scenario({"deny": [{"action": "DescribeSpotPriceHistory"}]})
        watch.enter()
        second = json.loads(watch.line())
        self.assertEqual(len(second["errors"]), 1, second)
        self.assertIn("us-east-1", second["errors"][0])
        self.assertIsNone(second["rows"][0]["spot_hourly"])
        self.assertTrue(second["rows"][0]["alerting"], "an unknown price changes nothing")
        self.assertEqual(second["alerts"], [])

        # Allowed again, and cheaper: savings 80%, the alert is over.
        self.set_price("0.0200")
        watch.enter()
        third = json.loads(watch.line())
        self.assertEqual(third["errors"], [])
        self.assertEqual((third["rows"][0]["savings_percent"], third["rows"][0]["alerting"]), (80, False))
        self.assertEqual([(a["state"], a["savings_percent"]) for a in third["alerts"]], [("back", 80)])

        self.assertEqual(watch.stop(signal.SIGINT), 0)
        self.assertTrue(watch.lines.empty(), "nothing after the last round")
        stderr = "".join(watch.errors)
        self.assertIn("spawn: alert: m7i.large in us-east-1: savings 70%, below 75%", stderr)
        self.assertIn("spawn: alert over: m7i.large in us-east-1: savings 80%, back over 75%", stderr)
        self.assertIn("spawn: warning: could not tell https://127.0.0.1:1 about the alert", stderr)
        self.assertNotIn("sekrit", stderr)
        self.assertEqual(len(self.requests("DescribeSpotPriceHistory")), 3)

    def test_text_rounds_are_appended_and_sigterm_stops(self):
        self.aws.set_scenario({})  # the default prices: m7i.large in five AZs, c7i.large too
        watch = Piped(["price", "-t", "m7i.large,c7i.large", "--az", "--watch", "2m"], self.env())
        self.addCleanup(watch.close)
        wait_until(lambda: watch.lines.qsize() >= 3, "the first round")
        watch.enter()
        wait_until(lambda: sum("round at" in line for line in list(watch.lines.queue)) >= 2, "a second round")
        self.assertEqual(watch.stop(signal.SIGTERM), 0)
        out = "".join(watch.lines.queue)
        headings = re.findall(r"^round at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ), every 2m$", out, re.M)
        self.assertEqual(len(headings), 2, out)
        self.assertNotIn("\033[", out, "no terminal codes into a pipe")
        self.assertNotIn("ALERT", out, "no alert, no ALERT column")
        self.assertEqual(len(re.findall(r"^m7i\.large\s+us-east-1\s+us-east-1a\s+\$0\.1008\s+\$0\.0302\s", out, re.M)), 2, out)
        self.assertEqual(len(self.requests("DescribeSpotPriceHistory")), 2)


class BadUsageTest(WatchCase):
    def test_bad_values_exit_2_before_any_request(self):
        cases = {
            ("--watch", "30s"): "--watch",
            ("--watch", "0"): "--watch",
            ("--watch", "soon"): "--watch",
            ("--watch", "-5m"): "--watch",
            ("--watch", "25h"): "--watch",
            ("--watch", "5m", "--alert-above", "-0.1"): "--alert-above",
            ("--watch", "5m", "--alert-above", "cheap"): "--alert-above",
            ("--watch", "5m", "--alert-above", "1e-2"): "--alert-above",
            ("--watch", "5m", "--alert-savings-below", "101"): "--alert-savings-below",
            ("--watch", "5m", "--alert-savings-below", "-3"): "--alert-savings-below",
            ("--alert-above", "0.1"): "--watch",
            ("--watch", "5m", "--alert-above", "0.1", "--alert-savings-below", "50"): "one alert",
            ("--watch", "5m", "--notify", "arn:aws:sns:us-east-1:123456789012:t"): "--notify",
            ("--watch", "5m", "--alert-above", "0.1", "--notify", "http://127.0.0.1/hook"): "https",
            ("--watch", "5m", "--alert-above", "0.1", "--notify", "mailto:me@example.com"): "--notify",
        }
        for args, says in cases.items():
            with self.subTest(args=args):
                self.aws.reset_log()
                r = self.spawn("price", "-t", "m7i.large", *args, env={"XDG_CACHE_HOME": self.dir})
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("spawn: error:", r.stderr)
                self.assertIn(says, r.stderr)
                self.assertEqual(r.stdout, "")
                self.assertEqual(self.requests(), [], "bad usage sends no request")


if __name__ == "__main__":
    unittest.main()
