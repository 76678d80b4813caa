"""spawn history against the local AWS: a small event log (the objects spored writes, in its key
layout, in two regions and over 40 days, a drill and a corrupt object among them) put in spawn's
bucket with boto3; the groups and their numbers as the user sees them (JSON and table), the
requests (one listing per region, one GetObject per object, none on a second run served from
the cache), an empty history, an unknown or unreadable bucket, and bad usage refused before any
request."""
import datetime
import json
import os
import shutil
import tempfile
import unittest

from spawn_test_case import SpawnTestCase

BUCKET = "spawn-history-test"
LAUNCH = "sl-00000000000000aa"
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def at(hours_ago):
    return NOW - datetime.timedelta(hours=hours_ago)


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class Log:
    """Objects as spored's writer makes them (model/event_record): key and body."""

    def __init__(self):
        self.objects = {}
        self.seq = 0

    def add(self, instance, region, zone, itype, kind, when, array=None, **fields):
        body = {"version": 1, "type": kind, "time": stamp(when), "instance_id": instance, "launch_id": LAUNCH,
                "region": region, "availability_zone": zone, "instance_type": itype, "lifecycle": "spot"}
        if array:
            body["job_array"] = {"id": "ja-1", "name": array, "index": 0}
        body.update(fields)
        ms = int(when.timestamp() * 1000)
        key = (f"spawn/events/region={region}/day={when.strftime('%Y-%m-%d')}/{LAUNCH}/{instance}/"
               f"{ms:013d}-{self.seq:06d}-{kind}.json")
        self.seq += 1
        self.objects[key] = json.dumps(body)
        return self

    def instance(self, instance, region, zone, itype, launched_hours_ago, array=None):
        def add(kind, hours_ago, **fields):
            self.add(instance, region, zone, itype, kind, at(hours_ago), array, **fields)
            return add
        add("launch", launched_hours_ago, launch_time=stamp(at(launched_hours_ago)))
        return add


def fixture():
    log = Log()
    # us-east-1, m7i.large: interrupted after 5 h (checkpoint ok, relaunched), ...
    a = log.instance("i-0aaaaaaaaaaaaaaa1", "us-east-1", "us-east-1a", "m7i.large", 240, array="train")
    a("interruption", 235, action="terminate", notice_time=stamp(at(235) + datetime.timedelta(minutes=2)), drill=False)
    a("checkpoint", 235, reason="interruption", status="ok", seconds=12.0)
    a("relaunch", 235, status="requested", replacement="i-0aaaaaaaaaaaaaaa4")
    a("shutdown", 235, reason="interruption")
    a("stopped", 235)
    # ... one interrupted after 3 h whose checkpoint timed out, ...
    b = log.instance("i-0aaaaaaaaaaaaaaa2", "us-east-1", "us-east-1b", "m7i.large", 100, array="train")
    b("interruption", 97, action="terminate", notice_time=stamp(at(97) + datetime.timedelta(minutes=2)), drill=False)
    b("checkpoint", 97, reason="interruption", status="timeout", seconds=90.0)
    b("relaunch", 97, status="failed")
    b("stopped", 97)
    # ... a drill (never an interruption) on one that then ran 2 h more and ended at its TTL, ...
    c = log.instance("i-0aaaaaaaaaaaaaaa3", "us-east-1", "us-east-1a", "m7i.large", 50)
    c("interruption", 49, action="terminate", notice_time=stamp(at(49) + datetime.timedelta(minutes=2)), drill=True)
    c("checkpoint", 49, reason="interruption", status="ok", seconds=3.0)
    c("end", 47, reason="ttl", action="terminate")
    c("stopped", 47)
    # ... and one still running (launched 10 h ago, a rebalance recommendation since).
    d = log.instance("i-0aaaaaaaaaaaaaaa4", "us-east-1", "us-east-1a", "m7i.large", 10, array="train")
    d("rebalance", 4, notice_time=stamp(at(4)))
    # us-east-1, c7i.large: 4 h, no interruption.
    e = log.instance("i-0aaaaaaaaaaaaaaa5", "us-east-1", "us-east-1c", "c7i.large", 30)
    e("end", 26, reason="idle", action="stop")
    e("stopped", 26)
    # 40 days ago: outside the default 30 days.
    f = log.instance("i-0aaaaaaaaaaaaaaa6", "us-east-1", "us-east-1a", "m7i.large", 960)
    f("interruption", 959, action="terminate", notice_time=stamp(at(959)), drill=False)
    f("stopped", 959)
    # eu-west-1: only with --all-regions (or --region eu-west-1).
    g = log.instance("i-0aaaaaaaaaaaaaaa7", "eu-west-1", "eu-west-1a", "m7i.large", 20)
    g("interruption", 18, action="terminate", notice_time=stamp(at(18)), drill=False)
    g("stopped", 18)
    # A corrupt object where an event should be.
    day = at(5).strftime("%Y-%m-%d")
    log.objects[f"spawn/events/region=us-east-1/day={day}/{LAUNCH}/i-0aaaaaaaaaaaaaaa4/0000000000000-000000-checkpoint.json"] = "{not json"
    return log


class HistoryTest(SpawnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.aws.client("s3")
        cls.s3.create_bucket(Bucket=BUCKET)
        cls.log = fixture()
        for key, body in cls.log.objects.items():
            cls.s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode())
        # Something else in the bucket that is no event.
        cls.s3.put_object(Bucket=BUCKET, Key="spawn/agent/0123/spored", Body=b"\x7fELF")

    def setUp(self):
        super().setUp()
        self.home = tempfile.mkdtemp(prefix="spawn-history-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.remember(BUCKET)

    def remember(self, bucket):
        folder = os.path.join(self.home, "config", "spawn")
        os.makedirs(folder, exist_ok=True)
        entry = {"bucket": bucket, "key": "spawn/agent/0123/spored", "sha256_key": "spawn/agent/0123/spored.sha256",
                 "region": "us-east-1", "sha256": "0" * 64, "size": 4, "architecture": "x86_64",
                 "spawn_version": "0.1.0", "uploaded_at": "2026-11-01T00:00:00Z"}
        with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
            json.dump({"version": 1, "agent": entry}, f)

    def env(self):
        return {"XDG_CONFIG_HOME": os.path.join(self.home, "config"), "XDG_CACHE_HOME": os.path.join(self.home, "cache")}

    def history(self, *args):
        return self.spawn("history", *args, env=self.env())

    def history_json(self, *args):
        r = self.history(*args, "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout), r

    def s3_requests(self):
        out = {"list": [], "get": []}
        for r in self.aws.requests():
            if r["service"] != "s3":
                continue
            if r["action"].startswith(f"GET /{BUCKET}/spawn/events/"):
                out["get"].append(r)
            elif r["action"].rstrip("/") == f"GET /{BUCKET}":
                out["list"].append(r)
        return out

    def in_window(self, region="us-east-1"):
        first = at(30 * 24).strftime("%Y-%m-%d")
        return [k for k in self.log.objects if k.startswith(f"spawn/events/region={region}/")
                and k.split("/day=")[1][:10] >= first]

    def test_per_type_in_json_with_its_requests(self):
        groups, r = self.history_json()
        self.assertEqual(r.stderr, "spawn: warning: 1 unreadable event skipped\n")
        self.assertEqual([(g["region"], g["instance_type"]) for g in groups],
                         [("us-east-1", "c7i.large"), ("us-east-1", "m7i.large")])
        c7i, m7i = groups
        self.assertNotIn("availability_zone", m7i)
        self.assertEqual(m7i["instances"], 4)
        self.assertEqual(m7i["interruptions"], 2)        # the drill and the one 40 days ago not counted
        self.assertEqual(m7i["drills"], 1)
        self.assertEqual(m7i["rebalances"], 1)
        # 5 h + 3 h + 3 h (the drill's instance ended at its TTL) + 10 h (still running: until now)
        self.assertAlmostEqual(m7i["instance_hours"], 21.0, delta=0.05)
        self.assertAlmostEqual(m7i["interruptions_per_100_hours"], 2 * 100 / 21.0, delta=0.05)
        self.assertEqual(m7i["median_hours_to_interruption"], 4.0)  # 5 h and 3 h
        self.assertEqual((m7i["checkpoints"], m7i["checkpoints_ok"]), (3, 2))
        self.assertEqual((m7i["relaunches"], m7i["relaunches_ok"]), (2, 1))
        self.assertEqual(m7i["still_running"], 1)
        self.assertEqual(c7i["interruptions"], 0)
        self.assertEqual(c7i["instance_hours"], 4.0)
        self.assertEqual(c7i["interruptions_per_100_hours"], 0.0)
        self.assertIsNone(c7i["median_hours_to_interruption"])

        # One listing of us-east-1 from the window's first day; one GetObject per object in it.
        seen = self.s3_requests()
        self.assertEqual(len(seen["list"]), 1)
        query = seen["list"][0]["params"]
        self.assertEqual(query["list-type"], "2")
        self.assertEqual(query["prefix"], "spawn/events/region=us-east-1/")
        self.assertEqual(query["start-after"], f"spawn/events/region=us-east-1/day={at(30 * 24).strftime('%Y-%m-%d')}")
        got = sorted(r["action"].split(f"GET /{BUCKET}/", 1)[1] for r in seen["get"])
        self.assertEqual(got, sorted(self.in_window()))
        self.assertTrue(all(r["status"] == 200 for r in seen["get"]))

        # The second run: the same answer, from the cache (no GetObject at all).
        self.aws.reset_log()
        again, r = self.history_json()
        self.assertEqual(again, groups)
        self.assertEqual(r.stderr, "spawn: warning: 1 unreadable event skipped\n")
        seen = self.s3_requests()
        self.assertEqual(len(seen["list"]), 1)
        self.assertEqual(seen["get"], [])

    def test_per_pool_table(self):
        r = self.history("--by", "az", "--since", "7d")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("Spot history of us-east-1 in the last 7d"), lines[0])
        self.assertEqual(lines[1].split(), ["REGION", "ZONE", "TYPE", "INSTANCES", "HOURS", "INTERRUPTIONS", "PER", "100H",
                                            "MEDIAN", "TO", "INT.", "REBALANCES", "CHECKPOINTS", "OK", "RELAUNCHES",
                                            "OK", "DRILLS"])
        rows = [line.split() for line in lines[2:] if line.startswith("us-east-1")]
        by_pool = {(row[1], row[2]): row for row in rows}
        # 7 days: i-0...1 (240 h ago) is out; i-0...2 interrupted after 3 h in us-east-1b.
        self.assertEqual(by_pool[("us-east-1b", "m7i.large")][3:8], ["1", "3.0", "1", "33.33", "3.0h"])
        self.assertEqual(by_pool[("us-east-1b", "m7i.large")][9], "0/1")   # checkpoint timed out
        self.assertEqual(by_pool[("us-east-1b", "m7i.large")][10], "0/1")  # relaunch failed
        self.assertEqual(by_pool[("us-east-1a", "m7i.large")][3], "2")
        self.assertEqual(by_pool[("us-east-1a", "m7i.large")][-1], "1")    # the drill
        self.assertIn("1 instance without an ending in the log counted until now.", r.stdout)

    def test_all_regions_filters_and_arrays(self):
        groups, _ = self.history_json("--all-regions", "--by", "region")
        self.assertEqual([(g["region"], g["interruptions"]) for g in groups], [("eu-west-1", 1), ("us-east-1", 2)])
        self.assertEqual(groups[0]["instance_type"], "m7i.large")
        self.assertIsNone(groups[1]["instance_type"])  # two types there
        # The region level listed with a delimiter, then each region.
        lists = [r["params"] for r in self.s3_requests()["list"]]
        self.assertEqual(lists[0].get("delimiter"), "/")
        self.assertEqual(sorted(q["prefix"] for q in lists[1:]),
                         ["spawn/events/region=eu-west-1/", "spawn/events/region=us-east-1/"])

        groups, _ = self.history_json("--instance-type", "c7i.large")
        self.assertEqual([g["instance_type"] for g in groups], ["c7i.large"])
        groups, _ = self.history_json("--job-array-name", "train", "--by", "array")
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["job_array_name"], "train")
        self.assertEqual(groups[0]["instances"], 3)
        self.assertEqual(groups[0]["interruptions"], 2)

    def test_empty_history(self):
        r = self.history("--region", "ap-south-1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        self.assertIn(f"No events in s3://{BUCKET}/spawn/events/ for ap-south-1 in the last 30d.", r.stdout)
        groups, _ = self.history_json("--region", "ap-south-1")
        self.assertEqual(groups, [])

    def test_instances_whose_clocks_disagree_each_count(self):
        # Two instances of one pool: one whose clock runs 10 minutes ahead of this machine (its
        # interruption and its end look like the future, and fall in tomorrow's partition near
        # midnight), one 10 minutes behind. Each is measured on its own clock; nothing is dropped.
        bucket = "spawn-history-skew"
        self.s3.create_bucket(Bucket=bucket)
        log, minutes = Log(), lambda n: datetime.timedelta(minutes=n)
        pool = ("us-east-1", "us-east-1a", "m7i.large")
        for instance, skew, launched, interrupted, stopped in (
                ("i-0bbbbbbbbbbbbbbb1", minutes(10), at(5), NOW - minutes(3), NOW - minutes(1)),
                ("i-0bbbbbbbbbbbbbbb2", minutes(-10), at(3), at(1), at(1))):
            log.add(instance, *pool, "launch", launched + skew, launch_time=stamp(launched + skew))
            log.add(instance, *pool, "interruption", interrupted + skew, action="terminate",
                    notice_time=stamp(interrupted + skew + minutes(2)), drill=False)
            log.add(instance, *pool, "stopped", stopped + skew)
        for key, body in log.objects.items():
            self.s3.put_object(Bucket=bucket, Key=key, Body=body.encode())
        self.remember(bucket)
        groups, _ = self.history_json("--by", "az")
        self.assertEqual(len(groups), 1, groups)
        g = groups[0]
        self.assertEqual(g["interruptions"], 2, "the interruption stamped ahead of this machine's clock counts")
        self.assertAlmostEqual(g["instance_hours"], (5 - 1 / 60) + 2, delta=0.01)  # JSON: 2 decimals
        self.assertAlmostEqual(g["median_hours_to_interruption"], ((5 - 3 / 60) + 2) / 2, delta=0.01)

    def test_a_bucket_that_does_not_exist(self):
        self.remember("spawn-history-no-such-bucket")
        r = self.history()
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 2, r.stderr)
        self.assertTrue(lines[0].startswith("spawn: error: cannot read the event log s3://spawn-history-no-such-bucket/"
                                            "spawn/events/: "), lines[0])
        self.assertIn("NoSuchBucket", lines[0])
        self.assertTrue(lines[1].startswith("spawn: hint: "), lines[1])

    def test_a_throttled_listing_is_an_error_line(self):
        self.aws.set_scenario({"throttle": {"every": 1, "services": ["s3"]}})
        self.addCleanup(self.aws.set_scenario, {})
        r = self.history()
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith("spawn: error: cannot read the event log"), r.stderr)
        self.assertIn("SlowDown", r.stderr)

    def test_no_bucket_known(self):
        os.remove(os.path.join(self.home, "config", "spawn", "config.json"))
        r = self.history()
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.splitlines()[0], "spawn: error: spawn knows no bucket, so there is no event log to read")
        self.assertIn("spawn agent upload --bucket", r.stderr)
        self.assertEqual(self.aws.requests(), [])

    def test_bad_usage_is_exit_2_without_a_request(self):
        for args, says in ((["--since", "soon"], "--since"), (["--since", "0d"], "--since"),
                           (["--region", "us-east-1", "--all-regions"], "--all-regions"),
                           (["--by", "pool"], "--by"), (["--output", "yaml"], "--output")):
            with self.subTest(args=args):
                r = self.history(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertTrue(r.stderr.startswith("spawn: error: "), r.stderr)
                self.assertIn(says, r.stderr.splitlines()[0])
        self.assertEqual(self.aws.requests(), [])


    # --- spawn price beside the history (issue 10 part 3) -----------------------------------------

    def test_price_shows_the_interruption_rate_history_gives_each_type(self):
        groups, _ = self.history_json()
        expected = {(g["region"], g["instance_type"]): g["interruptions_per_100_hours"] for g in groups}
        r = self.spawn("price", "--instance-type", "m7i.large,c7i.large,g5.xlarge", "--output", "json", env=self.env())
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = {(q["region"], q["instance_type"]): q["interruptions_per_100_hours"] for q in json.loads(r.stdout)}
        self.assertEqual(rows[("us-east-1", "m7i.large")], expected[("us-east-1", "m7i.large")])
        self.assertGreater(rows[("us-east-1", "m7i.large")], 0)
        self.assertEqual(rows[("us-east-1", "c7i.large")], 0.0, "hours observed, no interruption")
        self.assertIsNone(rows[("us-east-1", "g5.xlarge")], "never run: unknown, not zero")
        table = self.spawn("price", "--instance-type", "m7i.large", env=self.env()).stdout
        self.assertIn("INTERRUPTIONS/100H", table.splitlines()[0])
        self.assertIn(f"{expected[('us-east-1', 'm7i.large')]:.2f}", table.splitlines()[1])

    def test_price_per_az_shows_each_pools_rate(self):
        groups, _ = self.history_json("--by", "az")
        expected = {(g["availability_zone"], g["instance_type"]): g["interruptions_per_100_hours"] for g in groups}
        r = self.spawn("price", "--instance-type", "m7i.large", "--az", "--output", "json", env=self.env())
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = {q["availability_zone"]: q["interruptions_per_100_hours"] for q in json.loads(r.stdout)}
        self.assertEqual(rows["us-east-1a"], expected[("us-east-1a", "m7i.large")])
        self.assertEqual(rows["us-east-1b"], expected[("us-east-1b", "m7i.large")])
        self.assertIsNone(rows["us-east-1d"])

    def test_price_without_a_readable_history_still_shows_the_prices(self):
        self.remember("no-such-history-bucket")
        r = self.spawn("price", "--instance-type", "m7i.large", env=self.env())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("spawn: warning: interruption history unknown: the event log s3://no-such-history-bucket", r.stderr)
        self.assertNotIn("INTERRUPTIONS/100H", r.stdout)
        self.assertIn("$0.0302", r.stdout)
        shutil.rmtree(os.path.join(self.home, "config"))
        self.aws.reset_log()
        r = self.spawn("price", "--instance-type", "m7i.large", "--output", "json", env=self.env())
        self.assertIsNone(json.loads(r.stdout)[0]["interruptions_per_100_hours"])
        self.assertEqual([q for q in self.aws.requests() if q["service"] == "s3"], [], "no bucket known: nothing asked")

if __name__ == "__main__":
    unittest.main()
