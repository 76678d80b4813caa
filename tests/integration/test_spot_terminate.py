"""spawn terminate on spot instances: their spot requests are cancelled first, so that a
persistent request (--on-interruption hibernate) does not launch a replacement."""
import unittest

from spot_test_case import AMI, SpotTestCase


class SpotTerminateTest(SpotTestCase):
    def test_one_time_spot_requests_are_read_not_cancelled(self):
        # The fleet route launches spot through one-time spot requests, named on the instances. They
        # end with their instance, so only their type is read; persistent ones are cancelled first
        # (test_persistent_requests.py).
        self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--count", "3", "--spot",
                        "--spot-count", "2", "--job-array-name", "sweep")
        live = self.live()
        requests = sorted(i["SpotInstanceRequestId"] for i in live if i.get("SpotInstanceRequestId"))
        self.assertEqual(len(requests), 2)
        self.aws.reset_log()

        self.spawn_ok("terminate", "--job-array-name", "sweep", "--yes")
        read = self.params("DescribeSpotInstanceRequests")
        self.assertEqual(sorted(v for k, v in read.items() if k.startswith("SpotInstanceRequestId.")), requests)
        self.assertEqual(self.requests("CancelSpotInstanceRequests"), [])
        still_open = [r["SpotInstanceRequestId"] for r in self.ec2.describe_spot_instance_requests()["SpotInstanceRequests"]
                      if r["SpotInstanceRequestId"] in requests and r["State"] not in ("cancelled", "closed")]
        self.assertEqual(still_open, [])
        self.assertEqual(self.live(), [])

    def test_on_demand_instances_cancel_nothing(self):
        self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--name", "plain")
        self.aws.reset_log()
        self.spawn_ok("terminate", "--name", "plain")
        self.assertEqual(self.requests("CancelSpotInstanceRequests"), [])
        self.assertEqual(len(self.requests("TerminateInstances")), 1)
        self.assertEqual(self.live(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
