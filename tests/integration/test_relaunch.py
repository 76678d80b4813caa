"""--relaunch (issue 15), end to end: `spawn launch --relaunch` keeps the array's launch template,
each member's spored (build/bin/spored against a metadata fake of its own, the local AWS for EC2)
asks for its replacement on the interruption notice, and `spawn terminate` ends the array with
nothing left. Each test asserts the requests that reached the local AWS and the EC2 state."""
import json
import os
import subprocess
import time
import unittest

from array_case import TYPES, ArrayCase, Member
from fakes.imds_fake_fixture import ImdsFake
from spored_test_case import BIN, read_text, write_script
from spot_test_case import SpotTestCase


class RelaunchTest(ArrayCase):
    def members(self):
        return sorted(self.live(**{"tag:spawn:job-array-name": "train"}), key=SpotTestCase.member_index)

    def replacements(self):
        return [i for i in self.live() if "spawn:replaces" in SpotTestCase.tags(i)]

    def spored_fleets(self):
        """CreateFleet calls that spored sent (signed with the metadata fake's role key)."""
        return [r for r in self.requests_of("CreateFleet") if r["params"].get("ClientToken", "").startswith("spawn-rl-")]

    def requests_of(self, action):
        return self.aws.requests(action)

    # --- the launch -----------------------------------------------------------------------

    def test_the_launch_keeps_a_template_whose_user_data_carries_the_relaunch(self):
        launched = self.launch(count=3)
        self.assertEqual(len(launched["instances"]), 3)
        template = self.template()
        tags = {t["Key"]: t["Value"] for t in template.get("Tags", [])}
        self.assertEqual(template["LaunchTemplateName"], "spawn-relaunch-" + tags["spawn:launch-id"])
        self.assertEqual(tags["spawn:job-array-id"], launched["job_array_id"])
        config = self.member_config()
        relaunch = config["relaunch"]
        self.assertEqual(relaunch["max"], 2)
        self.assertEqual(relaunch["instance_types"], TYPES.split(","))
        self.assertEqual(relaunch["launch_id"], tags["spawn:launch-id"])
        self.assertEqual(relaunch["name"], "train")
        self.assertEqual(self.requests_of("DeleteLaunchTemplate"), [], "the template stays while the array lives")
        for m in self.members():
            self.assertEqual(SpotTestCase.tags(m)["spawn:relaunch"], "2")

    # --- replacements ---------------------------------------------------------------------

    def test_three_interrupted_members_are_each_replaced_once_in_another_pool(self):
        self.launch(count=8)
        config = self.member_config()
        members = self.members()
        self.assertEqual(len(members), 8)
        chosen = [members[1], members[4], members[6]]
        running = [Member(self, m, config, imds=self.imds if k == 0 else None).start() for k, m in enumerate(chosen)]
        for m in running:
            m.imds.set_notice("terminate", in_seconds=120)
        for m in running:
            self.wait_for("relaunch_requested", proc=m.proc, timeout=30)

        fleets = self.spored_fleets()
        self.assertEqual(len({f["client_token"] for f in fleets}), 3, "one ClientToken per interrupted member")
        replacements = {SpotTestCase.tags(r)["spawn:replaces"]: r for r in self.replacements()}
        self.assertEqual(sorted(replacements), sorted(m.id for m in running), "exactly one replacement each")
        for m in running:
            new = replacements[m.id]
            old_tags, new_tags = SpotTestCase.tags(m.instance), SpotTestCase.tags(new)
            index = SpotTestCase.member_index(m.instance)
            self.assertEqual(SpotTestCase.member_index(new), index)
            self.assertEqual(new_tags["Name"], f"train-{index}")
            self.assertEqual(new_tags["spawn:generation"], "1")
            self.assertEqual(new_tags["spawn:job-array-id"], old_tags["spawn:job-array-id"])
            self.assertEqual(new_tags["spawn:launch-id"], old_tags["spawn:launch-id"])
            self.assertEqual(new_tags["spawn:spot"], "true")
            self.assertEqual(new.get("InstanceLifecycle"), "spot")
            self.assertNotEqual(new["InstanceType"], m.instance["InstanceType"], "not the pool just interrupted")
            self.wait_until(lambda: SpotTestCase.tags(self.ec2.describe_instances(InstanceIds=[m.id])["Reservations"][0]
                                                      ["Instances"][0]).get("spawn:relaunch-status", "")
                            .startswith(f"requested {new['InstanceId']}"), message="spawn:relaunch-status")
        # The instance profile of the launch, as the template gives it.
        self.assertTrue(all(r.get("IamInstanceProfile") for r in replacements.values()))

    def test_a_lost_reply_and_a_restart_still_launch_one_replacement(self):
        self.launch(count=2)
        config = self.member_config()
        outgoing = self.members()[1]
        # Every reply to spored's CreateFleet is lost: it cannot know whether EC2 launched.
        self.aws.set_scenario({"lose_reply": [{"action": "CreateFleet", "times": 100}]})
        member = Member(self, outgoing, config, imds=self.imds).start()
        self.imds.set_notice("terminate", in_seconds=120)
        failed = self.wait_for("relaunch_failed", proc=member.proc, timeout=60)[0]
        self.assertIn("NetworkError", failed["error"])
        state = json.loads(read_text(os.path.join(member.dir, "state", "events.json")))
        self.assertEqual(state["latched"]["interruption"]["relaunch"], "pending")
        self.assertEqual(len(self.replacements()), 1, "the first lost reply was applied: one replacement")
        self.stop(member.proc)

        # spored restarts (the instance was not gone yet): it asks again with the same ClientToken.
        self.aws.set_scenario({})
        again = Member(self, outgoing, config, imds=self.imds).start()
        self.wait_for("relaunch_resumed", proc=again.proc)
        self.wait_for("relaunch_requested", proc=again.proc, timeout=30)
        fleets = self.spored_fleets()
        self.assertGreater(len(fleets), 2)
        self.assertEqual({f["client_token"] for f in fleets}, {fleets[0]["client_token"]})
        replacements = self.replacements()
        self.assertEqual(len(replacements), 1, "one replacement whatever was lost or restarted")
        self.assertEqual(SpotTestCase.tags(replacements[0])["spawn:replaces"], outgoing["InstanceId"])

    def test_throttled_half_the_time_still_one_replacement(self):
        self.launch(count=1)
        config = self.member_config()
        outgoing = self.members()[0]
        self.aws.set_scenario({"throttle": {"every": 2, "actions": ["CreateFleet"]}})
        member = Member(self, outgoing, config, imds=self.imds).start()
        self.imds.set_notice("terminate", in_seconds=120)
        self.wait_for("relaunch_requested", proc=member.proc, timeout=60)
        self.assertEqual(len(self.replacements()), 1)

    def test_no_spot_capacity_anywhere_without_fallback_fails_and_tells_the_owner(self):
        self.launch(count=1, relaunch="1")
        config = self.member_config()
        config["notify"] = [self.topic_arn]
        outgoing = self.members()[0]
        self.aws.set_scenario({"capacity": [{"instance_type": t, "market": "spot", "available": 0}
                                            for t in TYPES.split(",")]})
        member = Member(self, outgoing, config, imds=self.imds).start()
        self.imds.set_notice("terminate", in_seconds=120)
        failed = self.wait_for("relaunch_failed", proc=member.proc, timeout=30)[0]
        self.assertIn("InsufficientInstanceCapacity", failed["error"])
        self.assertEqual(self.replacements(), [], "nothing launched")
        published = [json.loads(p["params"]["Message"]) for p in self.publishes()]
        self.assertIn("relaunch_failed", [m["event"] for m in published])
        self.wait_until(lambda: SpotTestCase.tags(self.ec2.describe_instances(InstanceIds=[outgoing["InstanceId"]])
                                                  ["Reservations"][0]["Instances"][0])
                        .get("spawn:relaunch-status", "").startswith("failed: InsufficientInstanceCapacity"),
                        message="spawn:relaunch-status failed")

    def test_no_spot_capacity_with_fallback_replaces_on_demand(self):
        self.launch("--spot-fallback", count=1)
        config = self.member_config()
        outgoing = self.members()[0]
        self.aws.set_scenario({"capacity": [{"instance_type": t, "market": "spot", "available": 0}
                                            for t in TYPES.split(",")]})
        member = Member(self, outgoing, config, imds=self.imds).start()
        self.imds.set_notice("terminate", in_seconds=120)
        requested = self.wait_for("relaunch_requested", proc=member.proc, timeout=30)[0]
        self.assertEqual(requested["market"], "on-demand")
        [new] = self.replacements()
        self.assertNotIn("InstanceLifecycle", new)
        self.assertEqual(SpotTestCase.tags(new)["spawn:spot-fallback"], "true")

    def test_rebalance_move_replaces_the_member_before_any_interruption(self):
        self.launch("--rebalance", "move", "--ttl", "6h", count=1)
        config = self.member_config()
        self.assertTrue(config["relaunch"]["move"])
        outgoing = self.members()[0]
        deadline = SpotTestCase.tags(outgoing)["spawn:ttl-deadline"]
        member = Member(self, outgoing, config, imds=self.imds).start()
        self.imds.set_rebalance()
        requested = self.wait_for("relaunch_requested", proc=member.proc, timeout=30)[0]
        self.assertEqual(requested["reason"], "rebalance")
        self.wait_for("rebalance_move_terminate", proc=member.proc, timeout=30)
        [new] = self.replacements()
        self.assertEqual(new["InstanceId"], requested["replacement"])
        self.assertEqual(SpotTestCase.tags(new)["spawn:ttl-deadline"], deadline, "the same absolute TTL deadline")
        old = self.ec2.describe_instances(InstanceIds=[outgoing["InstanceId"]])["Reservations"][0]["Instances"][0]
        self.assertIn(old["State"]["Name"], ("shutting-down", "terminated"), "the old member ended itself")
        self.assertEqual(SpotTestCase.tags(old)["spawn:checkpoint-status"], "none", "its handover gate's signal")
        # The order EC2 saw: the replacement's CreateFleet, the checkpoint status, then the termination.
        order = [q["action"] for q in self.aws.requests() if q["action"] in ("CreateFleet", "TerminateInstances")]
        self.assertEqual(order[-2:], ["CreateFleet", "TerminateInstances"], order)
        # The notice that may still come finds the relaunch done: no second replacement.
        self.imds.set_notice("terminate", in_seconds=120)
        self.wait_for("relaunch_skipped", proc=member.proc, timeout=30)
        self.assertEqual(len(self.replacements()), 1)

    def test_the_last_allowed_generation_is_not_relaunched(self):
        self.launch(count=1, relaunch="1")
        config = self.member_config()
        outgoing = self.members()[0]
        self.ec2.create_tags(Resources=[outgoing["InstanceId"]], Tags=[{"Key": "spawn:generation", "Value": "1"}])
        outgoing = self.members()[0]
        member = Member(self, outgoing, config, imds=self.imds).start()
        self.imds.set_notice("terminate", in_seconds=120)
        skipped = self.wait_for("relaunch_skipped", proc=member.proc, timeout=30)[0]
        self.assertIn("the most --relaunch allows", skipped["why"])
        self.wait_for("shutdown", proc=member.proc)
        self.assertEqual(self.spored_fleets(), [], "no CreateFleet")
        self.assertEqual(self.replacements(), [])

    def test_the_replacements_job_waits_for_the_old_members_checkpoint(self):
        self.launch(count=1)
        config = self.member_config()
        config.update(on_interruption="checkpoint",
                      checkpoint_script=write_script(os.path.join(self.dir, "save.sh"), "#!/bin/sh\nsleep 3\n"))
        outgoing = self.members()[0]
        old = Member(self, outgoing, config, imds=self.imds).start()
        self.imds.set_notice("terminate", in_seconds=120)
        requested = self.wait_for("relaunch_requested", proc=old.proc, timeout=30)[0]
        [new] = [i for i in self.replacements() if i["InstanceId"] == requested["replacement"]]
        # The replacement boots: spawn's part of its user-data ends with `spored handover`.
        gate_imds = ImdsFake()
        gate_imds.start()
        self.addCleanup(gate_imds.stop)
        gate_imds.set_instance(instance_id=new["InstanceId"], instance_type=new["InstanceType"])
        gate_imds.set_tags(SpotTestCase.tags(new))
        gate = subprocess.run([os.path.join(BIN, "spored"), "handover", "--timeout", "60s", "--imds-endpoint",
                               gate_imds.endpoint], env=self.env(), capture_output=True, text=True, timeout=90)
        self.assertEqual(gate.returncode, 0, gate.stderr)
        lines = [json.loads(l) for l in gate.stderr.splitlines() if l.startswith("{")]
        self.assertEqual([l["event"] for l in lines], ["handover_waiting", "handover_done"], gate.stderr)
        self.assertEqual(lines[0]["replaces"], outgoing["InstanceId"])
        self.assertEqual(lines[1]["why"], "checkpoint ok")
        finished = self.wait_for("checkpoint_finished", proc=old.proc)[0]
        self.assertGreaterEqual(lines[1]["time"], finished["time"], "the job starts after the old checkpoint")

    def test_the_handover_gate_is_bounded_and_the_first_generation_passes(self):
        self.launch(count=1)
        first = self.members()[0]
        self.imds.set_instance(instance_id=first["InstanceId"])
        self.imds.set_tags(SpotTestCase.tags(first))
        gate = subprocess.run([os.path.join(BIN, "spored"), "handover", "--imds-endpoint", self.imds.endpoint],
                              env=self.env(), capture_output=True, text=True, timeout=30)
        self.assertEqual(gate.returncode, 0, gate.stderr)
        self.assertIn('"handover_done"', gate.stderr)
        self.assertIn("replaces no other", gate.stderr)
        # A replacement whose predecessor never checkpoints: the job starts after the timeout, said.
        self.imds.set_tags(dict(SpotTestCase.tags(first), **{"spawn:replaces": first["InstanceId"]}))
        gate = subprocess.run([os.path.join(BIN, "spored"), "handover", "--timeout", "2s", "--imds-endpoint",
                               self.imds.endpoint], env=self.env(), capture_output=True, text=True, timeout=30)
        self.assertEqual(gate.returncode, 0, gate.stderr)
        self.assertIn('"handover_timeout"', gate.stderr)
        bad = subprocess.run([os.path.join(BIN, "spored"), "handover", "--timeout", "0s"], env=self.env(),
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--timeout", bad.stderr)

    # --- spawn relaunch --------------------------------------------------------------------

    def test_spawn_relaunch_brings_back_an_index_lost_without_a_notice(self):
        self.launch(count=3)
        members = self.members()
        lost = members[1]
        self.ec2.terminate_instances(InstanceIds=[lost["InstanceId"]])  # a hardware failure: no notice, no spored
        dry = self.spawn("relaunch", "--job-array-name", "train", "--dry-run")
        self.assertEqual(dry.returncode, 0, dry.stderr)
        self.assertIn("train-1: would launch generation 1", dry.stdout)
        self.assertEqual(self.replacements(), [], "a dry run launches nothing")
        r = self.spawn("relaunch", "--job-array-name", "train", "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        [new] = out["relaunched"]
        self.assertEqual(new["index"], 1)
        self.assertEqual(new["replaces"], lost["InstanceId"])
        self.assertEqual(new["generation"], 1)
        self.assertEqual(sorted(s["index"] for s in out["skipped"]), [0, 2], "the live members are left alone")
        [instance] = self.replacements()
        self.assertEqual(instance["InstanceId"], new["instance_id"])
        self.assertEqual(SpotTestCase.member_index(instance), 1)
        self.assertEqual(SpotTestCase.tags(instance)["Name"], "train-1")
        # Again: index 1 has a live member now; nothing more is launched.
        again = self.spawn("relaunch", "--job-array-name", "train", "--output", "json")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(json.loads(again.stdout)["relaunched"], [])
        self.assertEqual(len(self.replacements()), 1)

    def test_spawn_relaunch_of_an_unknown_or_ended_array_is_one_clear_error(self):
        r = self.spawn("relaunch", "--job-array-name", "nope")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no instance of job array nope", r.stderr)
        self.assertEqual(self.requests_of("CreateFleet"), [])
        self.launch(count=1)
        self.assertEqual(self.spawn("terminate", "--job-array-name", "train", "--yes").returncode, 0)
        r = self.spawn("relaunch", "--job-array-name", "train")
        self.assertEqual(r.returncode, 1)
        self.assertIn("was terminated", r.stderr)
        r = self.spawn("relaunch", "--job-array-name", "train", "--index", "-1")
        self.assertEqual(r.returncode, 2)
        self.assertEqual([q for q in self.requests_of("CreateFleet") if q["client_token"].startswith("spawn-rl-")], [])

    # --- ending the array -----------------------------------------------------------------

    def test_terminate_removes_the_template_first_and_leaves_nothing(self):
        self.launch(count=3)
        config = self.member_config()
        members = self.members()
        member = Member(self, members[0], config, imds=self.imds).start()
        self.aws.reset_log()
        r = self.spawn("terminate", "--job-array-name", "train", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        actions = [q["action"] for q in self.aws.requests() if q["action"] in ("DeleteLaunchTemplate", "TerminateInstances")]
        self.assertEqual(actions[0], "DeleteLaunchTemplate", "the template goes before any instance")
        self.assertEqual(self.ec2.describe_launch_templates()["LaunchTemplates"], [])
        # A notice arriving now (the member is still shutting down) finds the template gone.
        self.imds.set_notice("terminate", in_seconds=120)
        skipped = self.wait_for("relaunch_skipped", proc=member.proc, timeout=30)[0]
        self.assertIn("terminated", skipped["why"])
        self.assertEqual(self.live(**{"tag:spawn:job-array-name": "train"}), [])
        self.assertEqual(self.replacements(), [])

    def test_terminate_ends_the_replacements_too(self):
        self.launch(count=2)
        config = self.member_config()
        member = Member(self, self.members()[0], config, imds=self.imds).start()
        self.imds.set_notice("terminate", in_seconds=120)
        self.wait_for("relaunch_requested", proc=member.proc, timeout=30)
        r = self.spawn("terminate", "--job-array-name", "train", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.live(**{"tag:spawn:job-array-name": "train"}), [], "the replacement ended too")
        self.assertEqual(self.ec2.describe_launch_templates()["LaunchTemplates"], [])


class RelaunchUsageTest(unittest.TestCase):
    """Bad input: exit 2 and no request (no endpoint reachable: a request would fail differently)."""

    def run_spawn(self, *args):
        env = {"PATH": os.environ.get("PATH", ""), "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x" * 40,
               "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "HOME": "/nonexistent"}
        return subprocess.run([os.path.join(BIN, "spawn"), *args], env=env, capture_output=True, text=True, timeout=30)

    def test_bad_relaunch_flags_are_usage_errors(self):
        base = ["launch", "--instance-type", "m7i.large", "--ami", "ami-12345678"]
        cases = [
            (["--relaunch", "2"], "--relaunch needs --spot"),
            (["--spot", "--relaunch", "0"], "--relaunch: expected"),
            (["--spot", "--relaunch", "-1"], "--relaunch"),
            (["--spot", "--relaunch", "11"], "1 to 10"),
            (["--spot", "--relaunch", "3x"], "--relaunch: expected"),
            (["--spot", "--rebalance", "move"], "--rebalance move needs --relaunch"),
            (["--spot", "--rebalance", "sideways"], "--rebalance"),
            (["--spot", "--relaunch", "2", "--no-agent"], "--relaunch needs spored"),
            (["--spot", "--relaunch", "2", "--on-interruption", "hibernate"], "hibernate"),
            (["--spot", "--relaunch", "2"], "--relaunch needs spored on the instance"),
        ]
        for extra, message in cases:
            with self.subTest(extra=extra):
                r = self.run_spawn(*base, *extra)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(message, r.stderr)


if __name__ == "__main__":
    unittest.main()
