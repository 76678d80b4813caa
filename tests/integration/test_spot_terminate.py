"""spawn terminate on spot instances: their spot requests are cancelled first, so that a
persistent request (--on-interruption hibernate) does not launch a replacement."""
import unittest

from spot_test_case import AMI, SpotTestCase


class SpotTerminateTest(SpotTestCase):
    def test_spot_requests_are_cancelled_before_terminating(self):
        # The fleet route launches spot through spot requests, which the local AWS names on the instances.
        self.spawn_json("launch", "--instance-type", "m7i.large", "--ami", AMI, "--count", "3", "--spot",
                        "--spot-count", "2", "--job-array-name", "sweep")
        live = self.live()
        requests = sorted(i["SpotInstanceRequestId"] for i in live if i.get("SpotInstanceRequestId"))
        self.assertEqual(len(requests), 2)
        self.aws.reset_log()

        self.spawn_ok("terminate", "--job-array-name", "sweep", "--yes")
        calls = [r["action"] for r in self.requests() if r["action"] in ("CancelSpotInstanceRequests", "TerminateInstances")]
        self.assertEqual(calls, ["CancelSpotInstanceRequests", "TerminateInstances"], "cancel first")
        p = self.params("CancelSpotInstanceRequests")
        self.assertEqual(sorted(v for k, v in p.items() if k.startswith("SpotInstanceRequestId.")), requests)
        # Real EC2 lists them as cancelled for a while; moto forgets them: neither is still open.
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
