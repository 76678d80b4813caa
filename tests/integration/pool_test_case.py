"""Shared helpers for the spot pool tests (spawn pool): the pools' fleets as the tests see them,
and a tearDown that deletes them first (a maintain fleet replaces what the base class terminates)."""
from spot_test_case import AMI, BucketTestCase, SpotTestCase  # noqa: F401


class PoolMixin:
    def tearDown(self):
        self.delete_all_fleets()
        super().tearDown()

    def delete_all_fleets(self):
        live = [f["FleetId"] for f in self.ec2.describe_fleets()["Fleets"] if not f["FleetState"].startswith("deleted")]
        if live:
            self.ec2.delete_fleets(FleetIds=live, TerminateInstances=True)
        for template in self.ec2.describe_launch_templates()["LaunchTemplates"]:
            if template["LaunchTemplateName"].startswith("spawn-pool-"):
                self.ec2.delete_launch_template(LaunchTemplateId=template["LaunchTemplateId"])

    def create(self, name, *args, capacity=3, env=None):
        return self.spawn_json("pool", "create", name, "--instance-types", "m7i.large,m6i.large", "--ami", AMI,
                               "--capacity", str(capacity), *args, env=env)

    def fleets(self, name=None):
        out = []
        for f in self.ec2.describe_fleets()["Fleets"]:
            tags = {t["Key"]: t["Value"] for t in f.get("Tags", [])}
            if f["FleetState"].startswith("deleted") or "spawn:pool" not in tags:
                continue
            if name is None or tags["spawn:pool"] == name:
                out.append(f)
        return out

    def members(self, name):
        return self.live(**{"tag:spawn:pool": name})

    def status(self, name):
        return self.spawn_json("pool", "status", name)

    def mutating_requests(self):
        return [r["action"] for r in self.requests() if not r["action"].startswith(("Describe", "Get", "List"))]


class PoolTestCase(PoolMixin, SpotTestCase):
    pass


class PoolBucketTestCase(PoolMixin, BucketTestCase):
    pass
