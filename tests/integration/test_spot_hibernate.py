"""--on-interruption hibernate: what EC2 requires is asked for, what can be checked is checked first."""
import unittest

from spot_test_case import SpotTestCase


class HibernateTest(SpotTestCase):
    def test_hibernating_spot_instance_gets_what_ec2_requires(self):
        # m7i.large: 8 GiB of memory, hibernation supported; the default AL2023 AMI's root is 15 GiB (/dev/xvda).
        out = self.spawn_json("launch", "--instance-type", "m7i.large", "--spot", "--on-interruption", "hibernate")
        self.assertEqual(self.params("DescribeInstanceTypes")["InstanceType.1"], "m7i.large")
        ami = self.params("DescribeImages")["ImageId.1"]
        p = self.params("RunInstances")
        self.assertEqual(p["ImageId"], ami)
        self.assertEqual(p["InstanceMarketOptions.MarketType"], "spot")
        self.assertEqual(p["InstanceMarketOptions.SpotOptions.SpotInstanceType"], "persistent")
        self.assertEqual(p["InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior"], "hibernate")
        self.assertEqual(p["HibernationOptions.Configured"], "true")
        self.assertEqual(p["BlockDeviceMapping.1.DeviceName"], "/dev/xvda")
        self.assertEqual(p["BlockDeviceMapping.1.Ebs.Encrypted"], "true")
        self.assertEqual(p["BlockDeviceMapping.1.Ebs.VolumeSize"], str(15 + 8), "the AMI's root plus the RAM")
        self.assertTrue(p["ClientToken"])
        self.assert_no_fleet()

        live = self.live()
        self.assertEqual([i["InstanceId"] for i in live], [out["instances"][0]["instance_id"]])
        self.assertEqual(self.lifecycle(live[0]), "spot")
        self.assertEqual(self.tags(live[0])["spawn:on-interruption"], "hibernate")
        user_data = self.user_data_of(p)
        self.assertEqual(self.spot_config_in(user_data)["on_interruption"], "hibernate")

    def test_type_that_cannot_hibernate_is_refused_before_launch(self):
        # g5.xlarge: EC2 reports hibernationSupported false.
        r = self.spawn("launch", "--instance-type", "g5.xlarge", "--spot", "--on-interruption", "hibernate")
        self.assertEqual(r.returncode, 1, r.stderr)
        first = r.stderr.splitlines()[0]
        self.assertIn("g5.xlarge cannot hibernate", first)
        self.assertIn("(HibernationUnsupported)", first)
        self.assertIn("checkpoint", r.stderr.splitlines()[1])
        self.assertEqual(self.requests("GetParameter"), [], "refused before looking up the AMI")
        self.assertEqual(self.requests("RunInstances"), [])
        self.assertEqual(self.live(), [])

    def test_type_with_too_much_memory_is_refused(self):
        # m7i-flex.12xlarge: hibernation supported, but 192 GiB; EC2 hibernates less than 150 GiB.
        r = self.spawn("launch", "--instance-type", "m7i-flex.12xlarge", "--ami", "ami-12345678", "--spot",
                       "--on-interruption", "hibernate")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("has 192 GiB of memory; EC2 hibernates instances with less than 150 GiB", r.stderr)
        self.assertEqual(self.requests("DescribeImages"), [], "the type is checked first")
        self.assertEqual(self.requests("RunInstances"), [])
        self.assertEqual(self.live(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
