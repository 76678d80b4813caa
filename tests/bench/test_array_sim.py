"""bench/array_sim.py's simulation with tiny sizes: the invariants its printed numbers rest on
(docs/PERFORMANCE.md, section 7). Pure Python, no AWS, well under a second."""

import math
import os
import sys
import unittest
from dataclasses import replace

ROOT = os.environ.get("SPAWN_SOURCE_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "bench"))
import array_sim as sim  # noqa: E402

SMALL = sim.Params(members=8, work_h=6.0, pool_capacity=4)
TRIALS = 20


def trials(params, pools, strategy, seed=7, n=TRIALS):
    return [sim.simulate(params, pools, strategy, seed, i) for i in range(n)]


def at_rate(hazard, price=None):
    pools = sim.in_band(sim.DEFAULT_POOLS, "test", hazard)
    return pools if price is None else tuple(replace(p, spot_price=price) for p in pools)


class ArraySimTest(unittest.TestCase):
    def test_band_to_hourly_hazard(self):
        # p = 1 - exp(-730 h * rate): the rate gives the band's monthly probability back.
        for band, p in sim.BANDS.items():
            self.assertAlmostEqual(1 - math.exp(-730 * sim.hourly_hazard(p)), p, places=12, msg=band)
        self.assertEqual(sim.BANDS[">20%"], 0.25)

    def test_on_demand_is_never_interrupted_and_costs_members_x_hours_x_price(self):
        for t in trials(SMALL, at_rate(sim.STRESS["stress 1/24h"]), sim.ON_DEMAND):
            self.assertEqual((t.interruptions, t.auto_relaunches, t.hand_relaunches), (0, 0, 0))
            self.assertAlmostEqual(t.cost, 8 * 6.0 * sim.ON_DEMAND_PRICE, places=9)
            self.assertAlmostEqual(t.completion_h, 6.0, places=12)
            self.assertAlmostEqual(t.wasted_h, 0.0, places=12)

    def test_zero_hazard_spot_costs_spot_price_x_hours_x_members(self):
        for strategy in (sim.NO_RELAUNCH, sim.RELAUNCH):
            for t in trials(SMALL, at_rate(0.0, price=0.3), strategy):
                self.assertEqual(t.interruptions, 0)
                self.assertAlmostEqual(t.cost, 0.3 * 6.0 * 8, places=9)
                self.assertAlmostEqual(t.completion_h, 6.0, places=12)

    def test_relaunch_finishes_no_later_than_no_relaunch_for_the_same_seed(self):
        pools = at_rate(sim.STRESS["stress 1/100h"] * 5)
        no = sim.summarize(trials(SMALL, pools, sim.NO_RELAUNCH), 1.0, SMALL.work_h)
        re = sim.summarize(trials(SMALL, pools, sim.RELAUNCH), 1.0, SMALL.work_h)
        self.assertGreater(no["interruptions_mean"], 1)  # the comparison is about something
        for key in ("p50", "p90", "max", "mean"):
            self.assertLessEqual(re["completion_h"][key], no["completion_h"][key], key)
        self.assertGreater(no["completion_h"]["p50"], SMALL.work_h + SMALL.human_delay_h - 1)
        self.assertLess(re["completion_h"]["p50"], SMALL.work_h + 1)

    def test_billed_hours_are_the_work_plus_what_was_wasted(self):
        for strategy in sim.STRATEGIES:
            for t in trials(SMALL, at_rate(0.05), strategy):
                self.assertAlmostEqual(t.billed_h, 8 * 6.0 + t.wasted_h, places=6)
                self.assertGreaterEqual(t.lost_work_h, 0)
                self.assertGreaterEqual(t.overhead_h, -1e-9)
                self.assertAlmostEqual(t.notice_h, t.interruptions * SMALL.notice_h, places=9)

    def test_relaunches_per_index_are_bounded(self):
        pools = at_rate(0.5)
        for t in trials(SMALL, pools, sim.RELAUNCH):
            self.assertLessEqual(t.auto_relaunches, SMALL.members * SMALL.relaunch_limit)
            self.assertEqual(t.auto_relaunches + t.hand_relaunches, t.interruptions)
        # --relaunch 0 is the same as no relaunch, draw for draw.
        none = replace(SMALL, relaunch_limit=0)
        self.assertEqual([t.completion_h for t in trials(none, pools, sim.RELAUNCH)],
                         [t.completion_h for t in trials(none, pools, sim.NO_RELAUNCH)])

    def test_the_same_seed_gives_the_same_numbers(self):
        pools = at_rate(0.05)
        a = [(t.completion_h, t.cost) for t in trials(SMALL, pools, sim.RELAUNCH, seed=3)]
        self.assertEqual(a, [(t.completion_h, t.cost) for t in trials(SMALL, pools, sim.RELAUNCH, seed=3)])
        self.assertNotEqual(a, [(t.completion_h, t.cost) for t in trials(SMALL, pools, sim.RELAUNCH, seed=4)])

    def test_placement_prefers_low_band_then_price_and_avoids_the_interrupted_pool(self):
        pools = sim.DEFAULT_POOLS
        used = [0] * len(pools)
        first = sim.pick_pool(pools, used, 2, -1)
        self.assertEqual(pools[first].band, "<5%")
        self.assertEqual(pools[first].spot_price, min(p.spot_price for p in pools if p.band == "<5%"))
        self.assertNotEqual(sim.pick_pool(pools, used, 2, first), first)
        # The interrupted pool only when no other has room.
        full = [2] * len(pools)
        full[first] = 1
        self.assertEqual(sim.pick_pool(pools, full, 2, first), first)

    def test_the_notice_checkpoint_keeps_the_work_or_falls_back_to_the_periodic_one(self):
        self.assertEqual(sim.kept_at_notice(1.3, 0.5, True), 1.3)
        self.assertEqual(sim.kept_at_notice(1.3, 0.5, False), 1.0)
        self.assertEqual(sim.kept_at_notice(0.2, 0.5, False), 0.0)


if __name__ == "__main__":
    unittest.main()
