"""`spawn interrupt` (issue 15): a spot interruption drill through AWS FIS, end to end. spawn tags
the member, makes the FIS role once and one experiment template per drill, starts it and deletes
the template; the local AWS's FIS gives the member's metadata fake EC2's two-minute notice; the
member's spored (build/bin/spored) goes through the whole path as on a real interruption (its
replacement asked for with --relaunch) and records it as a drill; `spawn status` counts it under
drills, not interruptions. Bad targets are one clear error and change nothing. Each test asserts
the requests that reached the local AWS and the EC2 state."""
import json
import unittest

from array_case import AGENT, TYPES, ArrayCase, Member
from spot_test_case import SpotTestCase

CHANGES = ("CreateTags", "DeleteTags", "CreateExperimentTemplate", "StartExperiment", "DeleteExperimentTemplate",
           "CreateRole", "PutRolePolicy", "TerminateInstances", "CreateFleet", "RunInstances")


class InterruptTest(ArrayCase):
    def launch(self, *extra, count=2, name="drill"):
        r = self.spawn("launch", "--spot", "--count", str(count), "--instance-types", TYPES, "--job-array-name", name,
                       "--ami", "ami-12345678", *AGENT, *extra, "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return sorted(self.live(**{"tag:spawn:job-array-name": name}), key=SpotTestCase.member_index)

    def changes(self, by_spawn=False):
        """The requests that change something; by_spawn: only those signed with spawn's key (not a
        spored's instance-role key)."""
        key = self.aws.env()["AWS_ACCESS_KEY_ID"]
        return [(r["service"], r["action"]) for r in self.aws.requests() if r["action"] in CHANGES
                and (not by_spawn or r["access_key_id"] == key)]

    def instance(self, instance_id):
        return self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]

    # --- the drill ----------------------------------------------------------------------------

    def test_a_drill_sends_the_member_through_the_whole_path_and_is_recorded_as_a_drill(self):
        members = self.launch("--relaunch", "2")
        member = Member(self, members[1], self.member_config(), imds=self.imds).start()
        self.aws.register_metadata_service(member.id, self.imds.endpoint)
        self.aws.reset_log()

        r = self.spawn("interrupt", "--job-array-name", "drill", "--index", "1", "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual([i["instance_id"] for i in out["instances"]], [member.id])
        self.assertTrue(out["experiment_id"])
        # The order: the role (made once), the tag, the template, the start, the template deleted.
        self.assertEqual(self.changes(by_spawn=True), [("iam", "CreateRole"), ("iam", "PutRolePolicy"), ("ec2", "CreateTags"),
                                          ("fis", "CreateExperimentTemplate"), ("fis", "StartExperiment"),
                                          ("fis", "DeleteExperimentTemplate")])
        tagged = next(q for q in self.aws.requests("CreateTags") if q["access_key_id"] == self.aws.env()["AWS_ACCESS_KEY_ID"])["params"]
        self.assertEqual(tagged["ResourceId.1"], member.id)
        self.assertNotIn("ResourceId.2", tagged, "only the member asked for")
        self.assertEqual(tagged["Tag.1.Key"], "spawn:drill")
        self.assertEqual(tagged["Tag.1.Value"], out["drill"])
        self.assertEqual(self.tags_of(members[0]).get("spawn:drill"), None)

        # EC2's notice reached the member's metadata, and its spored went through the whole path.
        notice = self.wait_for("interruption_notice", proc=member.proc, timeout=30)[0]
        self.assertIs(notice["drill"], True)
        requested = self.wait_for("relaunch_requested", proc=member.proc, timeout=30)[0]
        self.wait_for("shutdown", proc=member.proc, timeout=30)
        replacement = self.instance(requested["replacement"])
        self.assertEqual(SpotTestCase.tags(replacement)["spawn:generation"], "1")
        self.assertEqual(SpotTestCase.tags(replacement)["spawn:job-array-index"], "1")
        old = self.instance(member.id)
        self.assertIn("spawn:interruption-notice", SpotTestCase.tags(old))

        status = json.loads(self.spawn("status", "--job-array-name", "drill", "--output", "json").stdout)
        [array] = status if isinstance(status, list) else status["arrays"]
        index1 = next(m for m in array["members"] if m["index"] == 1)
        self.assertEqual((index1["instance_id"], index1["generation"]), (requested["replacement"], 1))
        self.assertEqual((index1["interruptions"], index1["drills"]), (0, 1), "a drill is never an interruption")

    def tags_of(self, instance):
        return SpotTestCase.tags(self.instance(instance["InstanceId"]))

    def test_the_second_drill_reuses_the_role(self):
        members = self.launch(count=2)
        self.assertEqual(self.spawn("interrupt", members[0]["InstanceId"]).returncode, 0)
        self.aws.reset_log()
        r = self.spawn("interrupt", members[1]["InstanceId"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Drill started: FIS experiment", r.stdout)
        self.assertEqual([a for _, a in self.changes(by_spawn=True)],
                         ["CreateTags", "CreateExperimentTemplate", "StartExperiment", "DeleteExperimentTemplate"])

    def test_dry_run_shows_the_role_and_template_and_changes_nothing(self):
        members = self.launch(count=1)
        self.aws.reset_log()
        r = self.spawn("interrupt", "--job-array-name", "drill", "--dry-run", "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        plan = json.loads(r.stdout)
        self.assertEqual(plan["instances"], [{"instance_id": members[0]["InstanceId"], "name": "drill-0"}])
        self.assertEqual(plan["role"]["name"], "spawn-fis-drill")
        self.assertEqual(plan["role"]["policy"]["Statement"][0]["Action"], "ec2:SendSpotInstanceInterruptions")
        self.assertEqual(plan["experiment_template"]["actions"]["interrupt"]["actionId"],
                         "aws:ec2:send-spot-instance-interruptions")
        self.assertEqual(self.changes(), [])

    # --- bad targets ----------------------------------------------------------------------------

    def test_bad_targets_are_one_clear_error_and_change_nothing(self):
        self.launch(count=2)
        on_demand = self.spawn("launch", "--instance-type", "m7i.large", "--ami", "ami-12345678", "--name", "od",
                               "--output", "json")
        self.assertEqual(on_demand.returncode, 0, on_demand.stderr)
        od_id = json.loads(on_demand.stdout)["instances"][0]["instance_id"]
        foreign = self.ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                                         InstanceMarketOptions={"MarketType": "spot"})["Instances"][0]["InstanceId"]
        self.aws.reset_log()
        cases = [
            (["--job-array-name", "drill", "--index", "5"], 1, "job array drill has no index 5 (its size is 2)"),
            (["--job-array-name", "nothing-here"], 1, "no instance of job array nothing-here is listed by EC2"),
            ([foreign], 1, f"{foreign} was not launched by spawn"),
            ([od_id], 1, "is on demand: EC2 gives interruption notices to spot instances only"),
            (["i-0123456789abcdef0"], 1, "InvalidInstanceID.NotFound"),
            ([], 2, "give instance ids or --job-array-name"),
            (["--index", "1"], 2, "--index: needs --job-array-name"),
            (["--job-array-name", "drill", "--index", "-1"], 2, "--index: expected 0 or more"),
            (["not-an-id"], 2, "not-an-id: not an instance id"),
            ([od_id, "--job-array-name", "drill"], 2, "not both"),
        ]
        for args, status, message in cases:
            with self.subTest(args=args):
                r = self.spawn("interrupt", *args)
                self.assertEqual(r.returncode, status, r.stderr)
                self.assertTrue(r.stderr.startswith("spawn: error: "), r.stderr)
                self.assertIn(message, r.stderr.splitlines()[0])
        self.assertEqual(self.changes(), [], "nothing changed by a refused drill")
        self.assertEqual([r for r in self.aws.requests() if r["service"] == "fis"], [])

    def test_several_instances_need_yes_when_nobody_can_be_asked(self):
        self.launch(count=2)
        self.aws.reset_log()
        r = self.spawn("interrupt", "--job-array-name", "drill")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("2 instances would be interrupted; add --yes", r.stderr)
        self.assertEqual(self.changes(), [])


if __name__ == "__main__":
    unittest.main()
