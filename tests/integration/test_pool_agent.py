"""spawn pool with spored: the members install it through the same install step and spec as a
spot launch, with the pool's own role; `spawn pool delete` leaves nothing of it behind."""
import unittest

from agent_install_case import BUCKET, AgentInstallCase
from pool_test_case import PoolMixin
from spot_test_case import AMI


class PoolAgentTest(PoolMixin, AgentInstallCase):
    def test_members_install_spored_and_delete_removes_everything(self):
        self.clean_iam()
        self.upload()
        self.aws.reset_log()
        out = self.spawn_json("pool", "create", "agents", "--instance-type", "m7i.large", "--ami", AMI,
                              "--capacity", "2", "--spot-count", "1", "--on-interruption", "checkpoint",
                              "--checkpoint-script", "s3://ckpt-bucket/save.sh", env=self.env())
        template = self.params("CreateLaunchTemplate")
        role = self.launch_role(template)
        self.assertEqual(role, "spawn-spored-" + out["launch_id"])
        self.assertEqual(self.launch_roles(), [role])
        spec = self.s3.get_object(Bucket=BUCKET, Key=self.spec_key(role))["Body"].read().decode()
        self.assertIn('"on_interruption":"checkpoint"', spec.replace(" ", ""))
        user_data = self.user_data_of(template, "LaunchTemplateData.UserData")
        self.assertIn(self.sha, user_data, "the install step of spored, checked by its sha256")
        config = self.spot_config_in(user_data)
        self.assertIsNone(config["spot"], "one user-data for both markets: the member reads its own")
        members = self.members("agents")
        self.assertEqual(len(members), 2)
        for member in members:
            self.assertTrue(member["IamInstanceProfile"]["Arn"].endswith("/" + role))
            self.assertEqual(self.tags(member)["spawn:launch-id"], out["launch_id"])

        self.aws.reset_log()
        self.spawn_ok("pool", "delete", "agents", "--yes", env=self.env())
        self.assertEqual(self.members("agents"), [], "no member left running")
        self.assertEqual(self.ec2.describe_launch_templates()["LaunchTemplates"], [], "no template left")
        self.assertEqual(self.launch_roles(), [], "no role left")
        self.assertEqual(self.iam.list_instance_profiles(PathPrefix="/spawn/")["InstanceProfiles"], [])
        self.assertEqual(self.s3.list_objects_v2(Bucket=BUCKET, Prefix=self.spec_key(role)).get("KeyCount"), 0)
        self.assertEqual(self.fleets("agents"), [])

    def test_terminating_a_member_keeps_the_pools_role_for_its_replacement(self):
        self.clean_iam()
        self.upload()
        out = self.spawn_json("pool", "create", "solo", "--instance-type", "m7i.large", "--ami", AMI,
                              "--capacity", "1", env=self.env())
        [member] = self.members("solo")
        r = self.spawn_ok("terminate", member["InstanceId"], env=self.env())
        self.assertIn(f"{member['InstanceId']} is a member of pool solo: EC2 launches a replacement", r.stderr)
        self.assertEqual(self.launch_roles(), ["spawn-spored-" + out["launch_id"]],
                         "the role stays: the fleet's replacements run with it")
        [replacement] = self.members("solo")
        self.assertNotEqual(replacement["InstanceId"], member["InstanceId"])
        self.spawn_ok("pool", "delete", "solo", "--yes", env=self.env())
        self.assertEqual(self.launch_roles(), [])


if __name__ == "__main__":
    unittest.main()
