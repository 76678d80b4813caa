"""Self-tests of the local AWS's FIS (local_aws_fis.py) with boto3: what AWS FIS answers
(templates, idempotent ClientTokens, validation, not found), the rest-json model check, and an
experiment of aws:ec2:send-spot-instance-interruptions giving the registered metadata fake the
notice and the instance's tags; a target that is not spot fails the experiment. About 5 s."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import botocore.exceptions  # noqa: E402

from fakes.imds_fake_fixture import ImdsFake  # noqa: E402
from fakes.local_aws_fixture import LocalAws  # noqa: E402

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "fis.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def template(role_arn, token="t-1", tags=None, duration="PT2M", action="aws:ec2:send-spot-instance-interruptions"):
    return {"clientToken": token, "description": "drill", "roleArn": role_arn, "stopConditions": [{"source": "none"}],
            "targets": {"SpotInstances": {"resourceType": "aws:ec2:spot-instance",
                                          "resourceTags": tags or {"spawn:drill": "d-1"},
                                          "filters": [{"path": "State.Name", "values": ["running"]}],
                                          "selectionMode": "ALL"}},
            "actions": {"interrupt": {"actionId": action, "parameters": {"durationBeforeInterruption": duration},
                                      "targets": {"SpotInstances": "SpotInstances"}}}}


class LocalFisTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.aws = LocalAws()
        cls.aws.__enter__()
        cls.fis = cls.aws.client("fis")
        cls.ec2 = cls.aws.ec2()
        cls.role = cls.aws.client("iam").create_role(RoleName="fis-drill", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]

    @classmethod
    def tearDownClass(cls):
        cls.aws.__exit__(None, None, None)

    def setUp(self):
        self.aws.reset_log()
        self.addCleanup(self.aws.check_refusals)

    def code(self, call, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            call(**kw)
        return e.exception.response["Error"]["Code"]

    def spot(self, tags):
        return self.ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                                      InstanceMarketOptions={"MarketType": "spot"},
                                      TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                          {"Key": k, "Value": v} for k, v in tags.items()]}])["Instances"][0]["InstanceId"]

    def test_templates_are_idempotent_by_client_token_and_found_by_id(self):
        first = self.fis.create_experiment_template(**template(self.role, token="same"))["experimentTemplate"]
        again = self.fis.create_experiment_template(**template(self.role, token="same"))["experimentTemplate"]
        self.assertEqual(first["id"], again["id"])
        self.assertTrue(first["id"].startswith("EXT"))
        self.assertEqual(self.code(self.fis.create_experiment_template, **template(self.role, token="same", duration="PT3M")),
                         "ConflictException")
        got = self.fis.get_experiment_template(id=first["id"])["experimentTemplate"]
        self.assertEqual(got["actions"]["interrupt"]["actionId"], "aws:ec2:send-spot-instance-interruptions")
        self.fis.delete_experiment_template(id=first["id"])
        self.assertEqual(self.code(self.fis.get_experiment_template, id=first["id"]), "ResourceNotFoundException")
        self.assertEqual(self.code(self.fis.start_experiment, clientToken="x", experimentTemplateId=first["id"]),
                         "ResourceNotFoundException")
        self.assertEqual([q["action"] for q in self.aws.requests(service="fis")][:2],
                         ["CreateExperimentTemplate", "CreateExperimentTemplate"])

    def test_validation_as_fis_answers(self):
        bad_role = self.role.replace("fis-drill", "no-such-role")
        for kw in (template(bad_role, token="a"), template(self.role, token="b", duration="PT1M"),
                   template(self.role, token="c", action="aws:ec2:stop-instances")):
            with self.subTest(kw=kw["clientToken"]):
                self.assertEqual(self.code(self.fis.create_experiment_template, **kw), "ValidationException")

    def test_the_model_check_refuses_a_body_that_does_not_fit(self):
        body = template(self.role)
        body["description"] = 12345  # a string in the model
        import boto3
        from botocore.config import Config
        env = self.aws.env()
        unchecked = boto3.client("fis", region_name="us-east-1", endpoint_url=self.aws.endpoint,
                                 aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                                 config=Config(parameter_validation=False, retries={"max_attempts": 1}))
        with self.aws.expect_refusals() as refused:
            self.assertEqual(self.code(unchecked.create_experiment_template, **body), "InvalidParameterValue")
        self.assertEqual(len(refused), 1)

    def test_an_experiment_gives_the_registered_metadata_the_notice_and_the_tags(self):
        instance_id = self.spot({"spawn:managed": "true", "spawn:drill": "d-2"})
        other = self.spot({"spawn:managed": "true"})
        with ImdsFake() as imds:
            imds.set_instance(instance_id=instance_id)
            self.aws.register_metadata_service(instance_id, imds.endpoint)
            made = self.fis.create_experiment_template(**template(self.role, token="n-1", tags={"spawn:drill": "d-2"}))
            started = self.fis.start_experiment(clientToken="s-1", experimentTemplateId=made["experimentTemplate"]["id"])
            experiment = started["experiment"]
            self.assertEqual(experiment["state"]["status"], "initiating")
            again = self.fis.start_experiment(clientToken="s-1", experimentTemplateId=made["experimentTemplate"]["id"])
            self.assertEqual(again["experiment"]["id"], experiment["id"], "the same token starts nothing new")
            self.assertEqual(self.fis.get_experiment(id=experiment["id"])["experiment"]["state"]["status"], "running")
            token = imds.token()
            status, _, body = imds.request("GET", "/latest/meta-data/spot/instance-action",
                                           {"X-aws-ec2-metadata-token": token})
            self.assertEqual(status, 200)
            notice = json.loads(body)
            self.assertEqual(notice["action"], "terminate")
            seconds = time.mktime(time.strptime(notice["time"], "%Y-%m-%dT%H:%M:%SZ")) - time.mktime(time.gmtime())
            self.assertTrue(100 <= seconds <= 125, seconds)
            status, _, body = imds.request("GET", "/latest/meta-data/tags/instance/spawn:drill",
                                           {"X-aws-ec2-metadata-token": token})
            self.assertEqual((status, body), (200, "d-2"), "the instance's EC2 tags, as the metadata shows them")
        [run] = [e for e in self.aws.experiments() if e["id"] == experiment["id"]]
        self.assertEqual(run["resolved"], {"SpotInstances": [instance_id]}, f"not {other}: it lacks the tag")

    def test_a_target_that_is_not_spot_fails_the_experiment(self):
        on_demand = self.ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "spawn:drill", "Value": "d-3"}]}])["Instances"][0]["InstanceId"]
        made = self.fis.create_experiment_template(**template(self.role, token="n-3", tags={"spawn:drill": "d-3"}))
        experiment = self.fis.start_experiment(clientToken="s-3", experimentTemplateId=made["experimentTemplate"]["id"])
        state = self.fis.get_experiment(id=experiment["experiment"]["id"])["experiment"]["state"]
        self.assertEqual(state["status"], "failed")
        self.assertIn(f"{on_demand} is not a spot instance", state["reason"])
        nothing = self.fis.create_experiment_template(**template(self.role, token="n-4", tags={"spawn:drill": "none"}))
        experiment = self.fis.start_experiment(clientToken="s-4", experimentTemplateId=nothing["experimentTemplate"]["id"])
        state = self.fis.get_experiment(id=experiment["experiment"]["id"])["experiment"]["state"]
        self.assertEqual((state["status"], state["reason"]), ("failed", "Target resolution returned empty set"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
