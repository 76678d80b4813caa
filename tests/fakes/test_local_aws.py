"""Self-tests of the local AWS (local_aws.py), with boto3 as the client, and raw signed requests
where boto3 would refuse to send what the model check must refuse.

    python3 tests/fakes/test_local_aws.py
"""

import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import botocore.exceptions  # noqa: E402

from fakes.local_aws_fixture import SERVER, LocalAws  # noqa: E402
from fakes.local_aws_ratelimit import RateLimits  # noqa: E402

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-"


def error_of(context):
    e = context.exception
    return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"], e.response["Error"]["Message"]


def signed(endpoint, service, body, headers=None, method="POST", path="/", region="us-east-1"):
    """A SigV4-signed request sent as it is (no client-side validation): (status, headers, body)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method=method, url=endpoint + path, data=body, headers=dict(headers or {}))
    SigV4Auth(Credentials("testing", "testing"), service, region).add_auth(request)
    prepared = urllib.request.Request(request.url, data=body if method != "GET" else None, method=method,
                                      headers=dict(request.headers.items()))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(prepared, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def form(**params):
    return urllib.parse.urlencode(params).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


class LocalAwsTest(unittest.TestCase):
    """One server for the class; each test sets its scenario and cleans up its instances."""

    @classmethod
    def setUpClass(cls):
        cls.aws = LocalAws()
        cls.aws.__enter__()
        cls.ec2 = cls.aws.ec2()
        cls.ami = cls.aws.client("ssm").get_parameter(Name=AL2023 + "x86_64")["Parameter"]["Value"]

    @classmethod
    def tearDownClass(cls):
        cls.aws.__exit__(None, None, None)

    def setUp(self):
        self.aws.set_scenario({})
        self.aws.reset_log()

    def tearDown(self):
        self.aws.set_scenario({})
        ids = [i["InstanceId"] for i in self.instances() if i["State"]["Name"] != "terminated"]
        if ids:
            self.ec2.terminate_instances(InstanceIds=ids)

    def instances(self, ec2=None, **filters):
        flt = [{"Name": k, "Values": [v]} for k, v in filters.items()]
        pages = (ec2 or self.ec2).get_paginator("describe_instances").paginate(Filters=flt)
        return [i for page in pages for r in page["Reservations"] for i in r["Instances"]]

    def running(self, **filters):
        return self.instances(**{"instance-state-name": "running", **filters})

    def launch(self, instance_type="m7i.large", count=1, max_count=None, **kw):
        return self.ec2.run_instances(ImageId=self.ami, InstanceType=instance_type, MinCount=count,
                                      MaxCount=max_count or count, **kw)

    def launch_template(self, name):
        return self.ec2.create_launch_template(
            LaunchTemplateName=name,
            LaunchTemplateData={"ImageId": self.ami, "InstanceType": "m7i.large"})["LaunchTemplate"]["LaunchTemplateId"]

    # --- log and control ---

    def test_request_log_records_each_call(self):
        self.launch(TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "spawn:managed", "Value": "true"}]}])
        with self.assertRaises(botocore.exceptions.ClientError):
            self.ec2.terminate_instances(InstanceIds=["i-0123456789abcdef0"])
        log = self.aws.requests()
        self.assertEqual([e["action"] for e in log], ["RunInstances", "TerminateInstances"])
        run, bad = log
        self.assertEqual(set(run), {"seq", "service", "region", "action", "params", "client_token", "status",
                                    "error_code", "authorization_present", "reply_lost", "model_error",
                                    "throttled_by", "received", "time", "access_key_id", "issued_access_key_id"})
        self.assertLessEqual(run["received"], run["time"])
        self.assertEqual((run["access_key_id"], run["issued_access_key_id"]), ("testing", None))
        self.assertEqual((run["model_error"], run["throttled_by"]), (None, None))
        self.assertEqual((run["service"], run["region"], run["status"], run["error_code"]), ("ec2", "us-east-1", 200, None))
        self.assertEqual(run["params"]["InstanceType"], "m7i.large")
        self.assertEqual(run["params"]["TagSpecification.1.Tag.1.Key"], "spawn:managed")
        self.assertEqual(run["client_token"], run["params"]["ClientToken"])
        self.assertTrue(run["authorization_present"])
        self.assertEqual((bad["status"], bad["error_code"]), (400, "InvalidInstanceID.NotFound"))
        self.assertLess(run["seq"], bad["seq"])
        self.assertEqual(self.aws.requests("TerminateInstances"), [bad])

        ssm = self.aws.client("ssm")
        ssm.get_parameter(Name=AL2023 + "arm64")
        entry = self.aws.requests(service="ssm")[-1]
        self.assertEqual((entry["action"], entry["params"]["Name"]), ("GetParameter", AL2023 + "arm64"))

        self.aws.reset_log()
        self.assertEqual(self.aws.requests(), [])

    def test_unsigned_request_is_refused_like_aws(self):
        body = b"Action=DescribeRegions&Version=2016-11-15"
        request = urllib.request.Request(self.aws.endpoint + "/", data=body, method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10)
        self.assertEqual(e.exception.code, 401)
        self.assertIn(b"AuthFailure", e.exception.read())
        entry = self.aws.requests()[-1]
        self.assertFalse(entry["authorization_present"])
        self.assertEqual((entry["service"], entry["action"], entry["error_code"]), ("ec2", "DescribeRegions", "AuthFailure"))

    def test_sso_portal_get_role_credentials(self):
        """The SSO portal as botocore's own sso client sees it: unsigned, the bearer token in
        x-amz-sso_bearer_token, credentials for a granted role, 401 / 403 otherwise."""
        import boto3
        from botocore import UNSIGNED
        from botocore.config import Config

        granted = self.aws.grant_sso_token("tok-abc", "123456789012", "Dev")
        self.assertEqual(granted["role_name"], "Dev")
        sso = boto3.session.Session().client("sso", endpoint_url=self.aws.endpoint, region_name="eu-west-1",
                                             config=Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}))
        reply = sso.get_role_credentials(roleName="Dev", accountId="123456789012", accessToken="tok-abc")
        creds = reply["roleCredentials"]
        self.assertTrue(creds["accessKeyId"].startswith("ASIA"))
        self.assertTrue(creds["secretAccessKey"] and creds["sessionToken"])
        self.assertGreater(creds["expiration"] / 1000, time.time() + 3000)  # epoch milliseconds
        with self.assertRaises(sso.exceptions.UnauthorizedException):
            sso.get_role_credentials(roleName="Dev", accountId="123456789012", accessToken="not-a-token")
        # Not in the model, but what the portal answers ("An error occurred (ForbiddenException) ... No access").
        with self.assertRaises(botocore.exceptions.ClientError) as forbidden:
            sso.get_role_credentials(roleName="Admin", accountId="123456789012", accessToken="tok-abc")
        self.assertEqual(error_of(forbidden), (403, "ForbiddenException", "No access"))
        self.aws.grant_sso_token("tok-old", "123456789012", "Dev", expires_in=0)
        with self.assertRaises(sso.exceptions.UnauthorizedException):
            sso.get_role_credentials(roleName="Dev", accountId="123456789012", accessToken="tok-old")
        log = self.aws.requests(service="sso")
        self.assertEqual([e["action"] for e in log], ["GET /federation/credentials"] * 4)
        self.assertEqual([e["status"] for e in log], [200, 401, 403, 401])
        self.assertEqual(log[0]["params"], {"role_name": "Dev", "account_id": "123456789012"})
        self.assertEqual(log[0]["issued_access_key_id"], creds["accessKeyId"])
        self.assertIsNone(log[0]["model_error"])
        self.assertFalse(log[0]["authorization_present"])
        # The model check still applies: without the bearer header the call misses a required member.
        with self.aws.expect_refusals() as refused:
            request = urllib.request.Request(self.aws.endpoint + "/federation/credentials?role_name=Dev&account_id=1")
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30)
            self.assertEqual(e.exception.code, 400)
        self.assertEqual(refused[0]["model_error"]["parameter"], "x-amz-sso_bearer_token")

    def test_sts_assume_role_and_web_identity(self):
        """AssumeRole must be signed; AssumeRoleWithWebIdentity is taken unsigned (its model says
        so). The log names the key that signed a call and the key a reply handed out."""
        import boto3
        from botocore import UNSIGNED
        from botocore.config import Config

        sts = self.aws.client("sts")
        assumed = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="ss",
                                  ExternalId="ext", DurationSeconds=900)["Credentials"]
        anonymous = boto3.session.Session().client("sts", endpoint_url=self.aws.endpoint, region_name="us-east-1",
                                                   config=Config(signature_version=UNSIGNED,
                                                                 retries={"total_max_attempts": 1}))
        web = anonymous.assume_role_with_web_identity(RoleArn="arn:aws:iam::123456789012:role/w",
                                                      RoleSessionName="ss", WebIdentityToken="x" * 20)["Credentials"]
        with self.assertRaises(botocore.exceptions.ClientError) as unsigned:
            anonymous.assume_role(RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="ss")
        self.assertEqual(error_of(unsigned)[:2], (403, "MissingAuthenticationToken"))
        log = self.aws.requests(service="sts")
        self.assertEqual([e["action"] for e in log], ["AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRole"])
        self.assertEqual(log[0]["access_key_id"], "testing")
        self.assertEqual(log[0]["issued_access_key_id"], assumed["AccessKeyId"])
        self.assertEqual(log[1]["issued_access_key_id"], web["AccessKeyId"])
        self.assertIsNone(log[1]["access_key_id"])
        self.assertIsNone(log[2]["issued_access_key_id"])

    def test_scenario_endpoint(self):
        effective = self.aws.set_scenario({"throttle": {"every": 5}})
        self.assertEqual(effective["throttle"], {"every": 5})
        self.assertEqual(effective["spot_prices"]["m7i.large"]["us-east-1a"], "0.0302", "defaults stay")
        self.assertEqual(self.aws.get_scenario(), effective)
        with self.assertRaisesRegex(Exception, "HTTP 400.*capacity\\[0\\]"):
            self.aws.set_scenario({"capacity": [{"market": "spot"}]})
        with self.assertRaisesRegex(Exception, "unknown key"):
            self.aws.set_scenario({"capacty": []})
        self.assertEqual(self.aws.health()["status"], "ok")

    def test_s3_wrong_region_answers_as_s3_does(self):
        s3_eu = self.aws.client("s3", region="eu-west-1")
        s3_eu.create_bucket(Bucket="wrong-region-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3_eu.put_object(Bucket="wrong-region-bucket", Key="k", Body=b"x")
        s3_us = self.aws.client("s3", region="us-east-1")
        self.assertEqual(s3_us.get_object(Bucket="wrong-region-bucket", Key="k")["Body"].read(), b"x", "off by default")
        for status, code in ((301, "PermanentRedirect"), (400, "AuthorizationHeaderMalformed")):
            self.aws.set_scenario({"s3_wrong_region": status})
            self.aws.reset_log()
            # botocore's own S3 region redirector understands the answer and follows it, as on AWS
            # (a new client each time: it remembers a bucket's region).
            s3_us = self.aws.client("s3", region="us-east-1")
            self.assertEqual(s3_us.get_object(Bucket="wrong-region-bucket", Key="k")["Body"].read(), b"x")
            gets = [(r["region"], r["status"], r["error_code"]) for r in self.aws.requests(service="s3")
                    if r["action"] == "GET /wrong-region-bucket/k"]
            self.assertEqual(gets[0], ("us-east-1", status, code))
            self.assertEqual(gets[-1], ("eu-west-1", 200, None))
        with self.assertRaisesRegex(Exception, "s3_wrong_region"):
            self.aws.set_scenario({"s3_wrong_region": 302})

    # --- capacity ---

    def test_run_instances_capacity_counts_down_and_honours_max_count(self):
        self.aws.set_scenario({"capacity": [{"instance_type": "m7i.large", "market": "on-demand", "available": 3}]})
        got = self.launch(count=1, max_count=2)["Instances"]
        self.assertEqual(len(got), 2, "up to MaxCount while capacity lasts")
        self.assertEqual(len(self.launch(count=1, max_count=5)["Instances"]), 1, "what is left, since >= MinCount")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.launch()
        status, code, message = error_of(e)
        self.assertEqual((status, code), (500, "InsufficientInstanceCapacity"))
        self.assertIn("We currently do not have sufficient m7i.large capacity in the Availability Zone you requested", message)
        self.assertEqual(self.aws.requests("RunInstances")[-1]["status"], 500)
        self.assertEqual(len(self.running()), 3)
        spot = self.launch(InstanceMarketOptions={"MarketType": "spot"})["Instances"]
        self.assertEqual(len(spot), 1, "the spot market is another pool")

    def test_min_count_above_capacity_launches_nothing(self):
        self.aws.set_scenario({"capacity": [{"instance_type": "g5.xlarge", "market": "spot", "available": 2}]})
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.launch("g5.xlarge", count=3, InstanceMarketOptions={"MarketType": "spot"})
        self.assertEqual(error_of(e)[:2], (500, "InsufficientInstanceCapacity"))
        self.assertEqual(self.running(), [])
        self.assertEqual(len(self.launch("g5.xlarge", count=2, InstanceMarketOptions={"MarketType": "spot"})["Instances"]), 2)

    def test_concurrent_launches_never_exceed_capacity(self):
        self.aws.set_scenario({"capacity": [{"instance_type": "t3.micro", "market": "on-demand", "available": 4}]})
        def one(_):
            try:
                self.ec2.run_instances(ImageId=self.ami, InstanceType="t3.micro", MinCount=1, MaxCount=1)
                return "ok"
            except botocore.exceptions.ClientError as e:
                return e.response["Error"]["Code"]

        with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
            outcomes = sorted(pool.map(one, range(10)))
        self.assertEqual(outcomes, ["InsufficientInstanceCapacity"] * 6 + ["ok"] * 4)
        self.assertEqual(len(self.running()), 4)

    def test_capacity_per_availability_zone(self):
        self.aws.set_scenario({"capacity": [{"instance_type": "c7i.large", "market": "on-demand", "az": "us-east-1a", "available": 0}]})
        placed = self.launch("c7i.large")["Instances"][0]["Placement"]["AvailabilityZone"]
        self.assertEqual(placed, "us-east-1b", "an unpinned launch goes where there is capacity")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.launch("c7i.large", Placement={"AvailabilityZone": "us-east-1a"})
        status, code, message = error_of(e)
        self.assertEqual((status, code), (500, "InsufficientInstanceCapacity"))
        self.assertIn("(us-east-1a)", message)
        self.assertIn("us-east-1b", message)

    def test_spot_max_price_below_market_is_refused(self):
        spot = {"MarketType": "spot", "SpotOptions": {"MaxPrice": "0.0300"}}
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.launch(InstanceMarketOptions=spot, Placement={"AvailabilityZone": "us-east-1a"})
        status, code, message = error_of(e)
        self.assertEqual((status, code), (400, "SpotMaxPriceTooLow"))
        self.assertIn("0.0302", message)
        spot["SpotOptions"]["MaxPrice"] = "0.0310"
        placed = self.launch(InstanceMarketOptions=spot)["Instances"][0]["Placement"]["AvailabilityZone"]
        self.assertIn(placed, ("us-east-1a", "us-east-1b"))

    def test_missing_instance_profile_is_an_ec2_error(self):
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.launch(IamInstanceProfile={"Name": "no-such-profile"})
        self.assertEqual(error_of(e)[:2], (400, "InvalidParameterValue"))
        iam = self.aws.client("iam")
        iam.create_instance_profile(InstanceProfileName="spawn-test-profile")
        self.launch(IamInstanceProfile={"Name": "spawn-test-profile"})

    def test_every_instance_of_a_call_gets_the_profile(self):
        self.aws.client("iam").create_instance_profile(InstanceProfileName="spawn-test-every", Path="/spawn/")
        ids = [i["InstanceId"] for i in self.launch(count=3, IamInstanceProfile={"Name": "spawn-test-every"})["Instances"]]
        self.ec2.terminate_instances(InstanceIds=ids[:1])
        described = {i["InstanceId"]: i.get("IamInstanceProfile", {}).get("Arn")
                     for r in self.ec2.describe_instances(InstanceIds=ids[1:])["Reservations"] for i in r["Instances"]}
        self.assertEqual(set(described.values()), {"arn:aws:iam::123456789012:instance-profile/spawn/spawn-test-every"},
                         "as on EC2 (moto gives it to the first instance only), kept when a sibling ends")

    # --- CreateFleet ---

    def test_instant_fleet_partial_fulfilment_reports_errors(self):
        self.aws.set_scenario({"capacity": [
            {"instance_type": "m7i.large", "market": "spot", "available": 1},
            {"instance_type": "c7i.large", "market": "spot", "available": 2}]})
        lt = self.launch_template("fleet-partial")
        reply = self.ec2.create_fleet(
            Type="instant",
            LaunchTemplateConfigs=[{"LaunchTemplateSpecification": {"LaunchTemplateId": lt, "Version": "$Latest"},
                                    "Overrides": [{"InstanceType": "m7i.large"}, {"InstanceType": "c7i.large"}]}],
            TargetCapacitySpecification={"TotalTargetCapacity": 5, "DefaultTargetCapacityType": "spot"},
            SpotOptions={"AllocationStrategy": "lowest-price"})
        launched = [(i["InstanceType"], i["Lifecycle"]) for i in reply["Instances"] for _ in i["InstanceIds"]]
        self.assertEqual(sorted(launched), [("c7i.large", "spot"), ("c7i.large", "spot"), ("m7i.large", "spot")])
        errors = reply["Errors"]
        self.assertEqual({e["LaunchTemplateAndOverrides"]["Overrides"]["InstanceType"] for e in errors},
                         {"m7i.large", "c7i.large"})
        for error in errors:
            self.assertEqual((error["ErrorCode"], error["Lifecycle"]), ("InsufficientInstanceCapacity", "spot"))
            self.assertEqual(error["LaunchTemplateAndOverrides"]["LaunchTemplateSpecification"]["LaunchTemplateId"], lt)
        running = self.running()
        self.assertEqual(len(running), 3)
        self.assertEqual({i.get("InstanceLifecycle") for i in running}, {"spot"})

    def test_instant_fleet_prefers_cheapest_pool_and_on_demand_has_no_lifecycle(self):
        lt = self.launch_template("fleet-od")
        reply = self.ec2.create_fleet(
            Type="instant",
            LaunchTemplateConfigs=[{"LaunchTemplateSpecification": {"LaunchTemplateId": lt, "Version": "1"},
                                    "Overrides": [{"InstanceType": "m7i.large"}, {"InstanceType": "t3.micro"}]}],
            TargetCapacitySpecification={"TotalTargetCapacity": 2, "DefaultTargetCapacityType": "on-demand"})
        self.assertEqual(reply["Errors"], [])
        self.assertEqual([(i["InstanceType"], i["Lifecycle"], len(i["InstanceIds"])) for i in reply["Instances"]],
                         [("t3.micro", "on-demand", 2)])
        self.assertEqual([i.get("InstanceLifecycle") for i in self.running()], [None, None])

    def test_instant_fleet_with_no_capacity_launches_nothing(self):
        self.aws.set_scenario({"capacity": [{"instance_type": "m7i.large", "market": "spot", "available": 0}]})
        lt = self.launch_template("fleet-none")
        reply = self.ec2.create_fleet(
            Type="instant",
            LaunchTemplateConfigs=[{"LaunchTemplateSpecification": {"LaunchTemplateId": lt, "Version": "1"}}],
            TargetCapacitySpecification={"TotalTargetCapacity": 1, "DefaultTargetCapacityType": "spot"})
        self.assertEqual(reply.get("Instances", []), [])
        self.assertEqual([e["ErrorCode"] for e in reply["Errors"]], ["InsufficientInstanceCapacity"])
        self.assertEqual(self.running(), [])

    def test_instances_of_spot_requests_name_their_request(self):
        lt = self.launch_template("fleet-sir")
        reply = self.ec2.create_fleet(
            Type="instant",
            LaunchTemplateConfigs=[{"LaunchTemplateSpecification": {"LaunchTemplateId": lt, "Version": "1"},
                                    "Overrides": [{"InstanceType": "m7i.large"}]}],
            TargetCapacitySpecification={"TotalTargetCapacity": 3, "SpotTargetCapacity": 2,
                                         "OnDemandTargetCapacity": 1, "DefaultTargetCapacityType": "spot"})
        launched = {i for group in reply["Instances"] for i in group["InstanceIds"]}
        requests = {r["InstanceId"]: r["SpotInstanceRequestId"]
                    for r in self.ec2.describe_spot_instance_requests()["SpotInstanceRequests"]
                    if r.get("InstanceId") in launched}
        self.assertEqual(len(requests), 2)
        by_instance = {i["InstanceId"]: i.get("SpotInstanceRequestId") for i in self.running()
                       if i["InstanceId"] in launched}
        self.assertEqual({k: v for k, v in by_instance.items() if v}, requests)
        self.assertEqual(sum(1 for v in by_instance.values() if v is None), 1, "on demand: no request")

    # --- throttling, lost replies, idempotency ---

    def test_throttling_every_nth_matching_call(self):
        self.aws.set_scenario({"throttle": {"every": 3, "actions": ["DescribeRegions", "RunInstances"]}})
        self.ec2.describe_availability_zones()  # not a matching action
        self.ec2.describe_regions()
        self.ec2.describe_regions()
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.ec2.describe_regions()
        self.assertEqual(error_of(e), (503, "RequestLimitExceeded", "Request limit exceeded."))
        self.ec2.describe_regions()
        self.launch()
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.launch()
        self.assertEqual(error_of(e)[1], "RequestLimitExceeded")
        self.assertEqual(len(self.running()), 1, "a throttled call is not applied")
        statuses = [e["status"] for e in self.aws.requests()]
        self.assertEqual(statuses.count(503), 2)

    def test_lost_reply_is_applied_and_the_retry_is_idempotent(self):
        self.aws.set_scenario({"lose_reply": [{"action": "RunInstances", "times": 1}]})
        token = "spawn-test-lost-reply-1"
        with self.assertRaises(botocore.exceptions.BotoCoreError) as e:
            self.launch(count=2, ClientToken=token)
        self.assertNotIsInstance(e.exception, botocore.exceptions.ClientError)
        ids = sorted(i["InstanceId"] for i in self.running())
        self.assertEqual(len(ids), 2, "the request was applied before the connection dropped")
        retry = self.launch(count=2, ClientToken=token)
        self.assertEqual(sorted(i["InstanceId"] for i in retry["Instances"]), ids)
        self.assertEqual(len(self.running()), 2, "the retry launched nothing new")
        log = self.aws.requests("RunInstances")
        self.assertEqual([e["reply_lost"] for e in log], [True, False])

    def test_client_token_idempotency(self):
        first = self.launch(ClientToken="spawn-test-token-A")
        again = self.launch(ClientToken="spawn-test-token-A")
        self.assertEqual(again["ReservationId"], first["ReservationId"])
        self.assertEqual(again["Instances"][0]["InstanceId"], first["Instances"][0]["InstanceId"])
        ids = [r["ResponseMetadata"]["RequestId"] for r in (first, again)]
        self.assertNotEqual(ids[0], ids[1], "a replay is a new request")
        self.assertEqual(ids[1], again["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"])
        self.assertRegex(ids[1], r"^[0-9a-f]{8}-[0-9a-f]{4}-")
        self.assertEqual(len(self.running()), 1)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.launch("t3.micro", ClientToken="spawn-test-token-A")
        self.assertEqual(error_of(e)[:2], (400, "IdempotentParameterMismatch"))
        self.assertEqual(len(self.launch(ClientToken="spawn-test-token-B")["Instances"]), 1)

        lt = self.launch_template("fleet-token")
        args = dict(Type="instant", ClientToken="spawn-test-fleet-token",
                    LaunchTemplateConfigs=[{"LaunchTemplateSpecification": {"LaunchTemplateId": lt, "Version": "1"}}],
                    TargetCapacitySpecification={"TotalTargetCapacity": 1, "DefaultTargetCapacityType": "spot"})
        fleet = self.ec2.create_fleet(**args)
        self.assertEqual(self.ec2.create_fleet(**args)["FleetId"], fleet["FleetId"])
        args["TargetCapacitySpecification"] = {"TotalTargetCapacity": 2, "DefaultTargetCapacityType": "spot"}
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.ec2.create_fleet(**args)
        self.assertEqual(error_of(e)[1], "IdempotentParameterMismatch")
        self.assertEqual(len(self.running()), 3)

    # --- maintain fleets (local_aws_fleet.py) ---

    def maintain_fleet(self, name, total=3, spot=2, strategy="launch-before-terminate"):
        lt = self.launch_template(name)
        spot_options = {"AllocationStrategy": "price-capacity-optimized"}
        if strategy:
            spot_options["MaintenanceStrategies"] = {"CapacityRebalance": {"ReplacementStrategy": strategy,
                                                                           "TerminationDelay": 120}}
        fleet_id = self.ec2.create_fleet(
            Type="maintain", ClientToken="token-" + name,
            LaunchTemplateConfigs=[{"LaunchTemplateSpecification": {"LaunchTemplateId": lt, "Version": "1"},
                                    "Overrides": [{"InstanceType": "m7i.large"}, {"InstanceType": "m6i.large"}]}],
            TargetCapacitySpecification={"TotalTargetCapacity": total, "SpotTargetCapacity": spot,
                                         "OnDemandTargetCapacity": total - spot, "DefaultTargetCapacityType": "spot"},
            SpotOptions=spot_options,
            TagSpecifications=[{"ResourceType": "fleet", "Tags": [{"Key": "spawn:pool", "Value": name}]}])["FleetId"]
        # Before tearDown's TerminateInstances, which the fleet would answer with replacements.
        self.addCleanup(self.ec2.delete_fleets, FleetIds=[fleet_id], TerminateInstances=True)
        return fleet_id

    def fleet_members(self, fleet_id):
        """{instance id: "spot" | "on-demand"} of the fleet's active instances."""
        active = self.ec2.describe_fleet_instances(FleetId=fleet_id)["ActiveInstances"]
        return {a["InstanceId"]: "spot" if a.get("SpotInstanceRequestId") else "on-demand" for a in active}

    def history(self, fleet_id):
        records = self.ec2.describe_fleet_history(FleetId=fleet_id, StartTime=datetime(2020, 1, 1))["HistoryRecords"]
        return [(r["EventType"], r["EventInformation"]["EventSubType"], r["EventInformation"].get("InstanceId"))
                for r in records]

    def test_maintain_fleet_is_described_with_its_id_state_and_capacity(self):
        fleet_id = self.maintain_fleet("pool-describe")
        fleet = self.ec2.describe_fleets(FleetIds=[fleet_id])["Fleets"][0]
        self.assertEqual((fleet["FleetId"], fleet["FleetState"], fleet["ActivityStatus"], fleet["Type"]),
                         (fleet_id, "active", "fulfilled", "maintain"))
        self.assertEqual((fleet["FulfilledCapacity"], fleet["FulfilledOnDemandCapacity"]), (3.0, 1.0))
        self.assertIsInstance(fleet["CreateTime"], datetime)
        self.assertEqual(fleet["SpotOptions"]["MaintenanceStrategies"]["CapacityRebalance"]["ReplacementStrategy"],
                         "launch-before-terminate")
        self.assertEqual(fleet["Tags"], [{"Key": "spawn:pool", "Value": "pool-describe"}])
        self.assertEqual(sorted(self.fleet_members(fleet_id).values()), ["on-demand", "spot", "spot"],
                         "an on-demand member names no spot request (moto: its reservation)")

    def test_maintain_fleet_replaces_an_interrupted_or_terminated_member(self):
        fleet_id = self.maintain_fleet("pool-replace")
        members = self.fleet_members(fleet_id)
        spot = [i for i, market in members.items() if market == "spot"][0]
        on_demand = [i for i, market in members.items() if market == "on-demand"][0]
        reply = self.aws.interrupt(spot)
        self.assertEqual(len(reply["replacements"]), 1)
        described = self.ec2.describe_instances(InstanceIds=[spot])["Reservations"][0]["Instances"][0]
        self.assertEqual((described["State"]["Name"], described["StateReason"]["Code"]),
                         ("terminated", "Server.SpotInstanceTermination"))
        self.ec2.terminate_instances(InstanceIds=[on_demand])
        after = self.fleet_members(fleet_id)
        self.assertEqual(sorted(after.values()), ["on-demand", "spot", "spot"], "each replaced in its market")
        self.assertNotIn(spot, after)
        self.assertNotIn(on_demand, after)
        history = self.history(fleet_id)
        self.assertEqual(history[:2], [("fleet-change", "submitted", None), ("fleet-change", "active", None)])
        self.assertEqual([h for h in history if h[2] in (spot, on_demand)],
                         [("instance-change", "launched", i) for i in members if i in (spot, on_demand)]
                         + [("instance-change", "terminated", spot), ("instance-change", "terminated", on_demand)])
        self.assertEqual(len([h for h in history if h[1] == "launched"]), 5)

    def test_rebalance_launches_the_replacement_before_terminating(self):
        fleet_id = self.maintain_fleet("pool-rebalance", total=1, spot=1)
        member = next(iter(self.fleet_members(fleet_id)))
        reply = self.aws.rebalance(member)
        self.assertEqual((reply["terminated"], reply["termination_delay"], len(reply["replacements"])), (True, 120, 1))
        self.assertEqual(list(self.fleet_members(fleet_id)), reply["replacements"])
        self.assertEqual(self.history(fleet_id)[-2:], [("instance-change", "launched", reply["replacements"][0]),
                                                       ("instance-change", "terminated", member)])
        plain = self.maintain_fleet("pool-no-rebalance", total=1, spot=1, strategy=None)
        member = next(iter(self.fleet_members(plain)))
        self.assertEqual(self.aws.rebalance(member)["replacements"], [], "no CapacityRebalance: nothing happens")

    def test_modify_fleet_changes_the_target_and_the_fleet_follows(self):
        fleet_id = self.maintain_fleet("pool-modify")
        self.assertTrue(self.ec2.modify_fleet(FleetId=fleet_id, TargetCapacitySpecification={
            "TotalTargetCapacity": 5, "SpotTargetCapacity": 4, "OnDemandTargetCapacity": 1})["Return"])
        self.assertEqual(sorted(self.fleet_members(fleet_id).values()), ["on-demand"] + ["spot"] * 4)
        self.ec2.modify_fleet(FleetId=fleet_id, TargetCapacitySpecification={
            "TotalTargetCapacity": 1, "SpotTargetCapacity": 1, "OnDemandTargetCapacity": 0})
        self.assertEqual(list(self.fleet_members(fleet_id).values()), ["spot"])
        fleet = self.ec2.describe_fleets(FleetIds=[fleet_id])["Fleets"][0]
        self.assertEqual((fleet["TargetCapacitySpecification"]["TotalTargetCapacity"], fleet["FulfilledCapacity"]),
                         (1, 1.0))
        subtypes = [h[1] for h in self.history(fleet_id)]
        self.assertEqual(subtypes.count("modify_succeeded"), 2)
        self.assertEqual(subtypes.count("termination_notified"), 4)

    def test_history_pages_and_filters_by_event_type(self):
        fleet_id = self.maintain_fleet("pool-history")
        page = self.ec2.describe_fleet_history(FleetId=fleet_id, StartTime=datetime(2020, 1, 1), MaxResults=2)
        self.assertEqual(len(page["HistoryRecords"]), 2)
        rest = self.ec2.describe_fleet_history(FleetId=fleet_id, StartTime=datetime(2020, 1, 1),
                                               NextToken=page["NextToken"])
        self.assertEqual(len(rest["HistoryRecords"]), 3)
        self.assertNotIn("NextToken", rest)
        self.assertIsInstance(rest["LastEvaluatedTime"], datetime)
        changes = self.ec2.describe_fleet_history(FleetId=fleet_id, StartTime=datetime(2020, 1, 1),
                                                  EventType="instance-change")["HistoryRecords"]
        self.assertEqual({r["EventInformation"]["EventSubType"] for r in changes}, {"launched"})
        later = self.ec2.describe_fleet_history(FleetId=fleet_id, StartTime=datetime(2100, 1, 1))
        self.assertEqual(later["HistoryRecords"], [])

    def test_delete_fleets_terminates_members_and_reports_unknown_ids(self):
        fleet_id = self.maintain_fleet("pool-delete")
        members = list(self.fleet_members(fleet_id))
        unknown = "fleet-00000000-0000-0000-0000-000000000000"
        reply = self.ec2.delete_fleets(FleetIds=[fleet_id, unknown], TerminateInstances=True)
        self.assertEqual(reply["SuccessfulFleetDeletions"], [{"FleetId": fleet_id, "CurrentFleetState": "deleted_terminating",
                                                              "PreviousFleetState": "active"}])
        self.assertEqual([(f["FleetId"], f["Error"]["Code"]) for f in reply["UnsuccessfulFleetDeletions"]],
                         [(unknown, "fleetIdDoesNotExist")])
        states = {i["InstanceId"]: i["State"]["Name"]
                  for r in self.ec2.describe_instances(InstanceIds=members)["Reservations"] for i in r["Instances"]}
        self.assertEqual(set(states.values()), {"terminated"}, "no replacement for a deleted fleet")
        self.assertEqual(self.fleet_members(fleet_id), {})
        self.assertEqual(self.ec2.describe_fleets(FleetIds=[fleet_id])["Fleets"][0]["FleetState"], "deleted")
        again = self.ec2.delete_fleets(FleetIds=[fleet_id], TerminateInstances=True)
        self.assertEqual([f["Error"]["Code"] for f in again["UnsuccessfulFleetDeletions"]], ["fleetNotInDeletableState"])
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.ec2.modify_fleet(FleetId=unknown, TargetCapacitySpecification={"TotalTargetCapacity": 1})
        self.assertEqual(error_of(e)[:2], (400, "InvalidFleetId.NotFound"))

    # --- the model check ---

    def ec2_raw(self, **params):
        params = {"Action": "RunInstances", "Version": "2016-11-15", **params}
        return signed(self.aws.endpoint, "ec2", form(**params), FORM)

    def assert_refused(self, reply, status, code, parameter, shape):
        """A refusal of the model check: status, code and message naming the parameter, in the
        protocol's error shape; logged with its model_error."""
        got_status, headers, body = reply
        self.assertEqual(got_status, status, body)
        if shape == "ec2":
            root = ET.fromstring(body)
            self.assertEqual(root.tag, "Response")
            self.assertEqual(root.find("Errors/Error/Code").text, code)
            message = root.find("Errors/Error/Message").text
            self.assertTrue(root.find("RequestID").text)
        elif shape == "query":
            root = ET.fromstring(body)
            self.assertEqual(root.tag, "ErrorResponse")
            self.assertEqual(root.find("Error/Type").text, "Sender")
            self.assertEqual(root.find("Error/Code").text, code)
            message = root.find("Error/Message").text
        elif shape == "json":
            document = json.loads(body)
            self.assertEqual(document["__type"], code)
            message = document["message"]
            self.assertEqual(headers.get("x-amzn-ErrorType"), code)
        elif shape == "rest-json":
            document = json.loads(body)
            self.assertNotIn("__type", document)
            message = document["message"]
            self.assertEqual(headers.get("x-amzn-ErrorType"), code)
        else:
            root = ET.fromstring(body)
            self.assertEqual(root.tag, "Error")
            self.assertEqual(root.find("Code").text, code)
            message = root.find("Message").text
        self.assertIn(parameter, message)
        entry = self.aws.requests()[-1]
        self.assertEqual((entry["status"], entry["error_code"]), (status, code))
        self.assertEqual(entry["model_error"]["code"], code)
        self.assertEqual(entry["model_error"]["parameter"], parameter)
        return message

    def test_model_check_ec2_misspelled_misplaced_missing_and_bad_values(self):
        base = {"ImageId": self.ami, "MinCount": "1", "MaxCount": "1"}
        with self.aws.expect_refusals() as refused:
            # misspelled: InstanceTyp
            message = self.assert_refused(self.ec2_raw(InstanceTyp="m7i.large", **base), 400, "UnknownParameter",
                                          "InstanceTyp", "ec2")
            self.assertEqual(message, "The parameter InstanceTyp is not recognized")
            # misplaced: MaxPrice belongs in InstanceMarketOptions.SpotOptions
            self.assert_refused(self.ec2_raw(**{"InstanceMarketOptions.MarketType": "spot", "MaxPrice": "0.05"},
                                             **base), 400, "UnknownParameter", "MaxPrice", "ec2")
            # a list needs its .N (EC2 flattens lists without .member)
            self.assert_refused(self.ec2_raw(**{"TagSpecification.1.ResourceType": "instance",
                                                "TagSpecification.1.Tags.member.1.Key": "a"}, **base),
                                400, "UnknownParameter", "TagSpecification.1.Tags.member.1.Key", "ec2")
            self.assert_refused(self.ec2_raw(Action="TerminateInstances", InstanceId="i-0123456789abcdef0"),
                                400, "UnknownParameter", "InstanceId", "ec2")
            # lowercase locationName: EC2 capitalises it (ClientToken, not clientToken)
            self.assert_refused(self.ec2_raw(clientToken="abc", **base), 400, "UnknownParameter", "clientToken", "ec2")
            # required, type, enum
            message = self.assert_refused(self.ec2_raw(ImageId=self.ami, MaxCount="1"), 400, "MissingParameter",
                                          "MinCount", "ec2")
            self.assertEqual(message, "The request must contain the parameter MinCount")
            self.assert_refused(self.ec2_raw(ImageId=self.ami, MinCount="1", MaxCount="one"), 400,
                                "InvalidParameterValue", "MaxCount", "ec2")
            self.assert_refused(self.ec2_raw(**{"InstanceMarketOptions.MarketType": "spotty"}, **base), 400,
                                "InvalidParameterValue", "InstanceMarketOptions.MarketType", "ec2")
            self.assert_refused(self.ec2_raw(**{"Monitoring.Enabled": "yes"}, **base), 400, "InvalidParameterValue",
                                "Monitoring.Enabled", "ec2")
            self.assert_refused(self.ec2_raw(**{"CreditSpecification.Foo": "x"}, **base), 400, "UnknownParameter",
                                "CreditSpecification.Foo", "ec2")
            self.assert_refused(self.ec2_raw(Action="RunInstancez"), 400, "InvalidAction", "RunInstancez", "ec2")
        self.assertEqual(len(refused), 11)
        self.assertEqual(self.running(), [], "nothing refused reached moto")
        # What fits goes through, with the members the SDK sends that are easy to forget.
        status, _, body = self.ec2_raw(DryRun="false", ClientToken="model-ok-1", **{
            "TagSpecification.1.ResourceType": "instance", "TagSpecification.1.Tag.1.Key": "k",
            "TagSpecification.1.Tag.1.Value": "v", "InstanceMarketOptions.MarketType": "spot",
            "InstanceMarketOptions.SpotOptions.MaxPrice": "0.05", "Monitoring.Enabled": "true"}, **base)
        self.assertEqual(status, 200, body)
        self.assertIsNone(self.aws.requests()[-1]["model_error"])

    def test_model_check_query_protocol(self):
        iam = {"Action": "CreateRole", "Version": "2010-05-08", "AssumeRolePolicyDocument": "{}"}
        sns = {"Action": "Publish", "Version": "2010-03-31", "Message": "hi"}
        with self.aws.expect_refusals() as refused:
            # misspelled: TopicARN
            self.assert_refused(signed(self.aws.endpoint, "sns", form(TopicARN="arn:aws:sns:us-east-1:1:t", **sns), FORM),
                                400, "UnknownParameter", "TopicARN", "query")
            # misplaced: the query protocol's lists are .member.N (EC2's .N is wrong here)
            self.assert_refused(signed(self.aws.endpoint, "iam", form(RoleName="r1", **{"Tags.1.Key": "k",
                                                                                          "Tags.1.Value": "v"}, **iam),
                                       FORM), 400, "UnknownParameter", "Tags.1.Key", "query")
            # and maps are .entry.N.key / .value
            self.assert_refused(signed(self.aws.endpoint, "sns", form(**{
                "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "MessageAttributes.1.Name": "a"}, **sns), FORM),
                400, "UnknownParameter", "MessageAttributes.1.Name", "query")
            self.assert_refused(signed(self.aws.endpoint, "iam", form(**iam), FORM), 400, "MissingParameter",
                                "RoleName", "query")
            self.assert_refused(signed(self.aws.endpoint, "iam", form(RoleName="r" * 65, **iam), FORM), 400,
                                "InvalidParameterValue", "RoleName", "query")
            self.assert_refused(signed(self.aws.endpoint, "iam", form(RoleName="r1", MaxSessionDuration="1h", **iam),
                                       FORM), 400, "InvalidParameterValue", "MaxSessionDuration", "query")
        self.assertEqual(len(refused), 6)
        status, _, body = signed(self.aws.endpoint, "iam", form(RoleName="model-ok", **{
            "Tags.member.1.Key": "k", "Tags.member.1.Value": "v"}, **iam), FORM)
        self.assertEqual(status, 200, body)
        status, _, body = signed(self.aws.endpoint, "sns", form(Action="CreateTopic", Version="2010-03-31", Name="t", **{
            "Attributes.entry.1.key": "DisplayName", "Attributes.entry.1.value": "T"}), FORM)
        self.assertEqual(status, 200, body)

    def test_model_check_json_protocol(self):
        def ssm(action, document):
            return signed(self.aws.endpoint, "ssm", json.dumps(document).encode(),
                          {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"AmazonSSM.{action}"})

        def pricing(document):
            return signed(self.aws.endpoint, "pricing", json.dumps(document).encode(),
                          {"Content-Type": "application/x-amz-json-1.1",
                           "X-Amz-Target": "AWSPriceListService.GetProducts"})

        with self.aws.expect_refusals() as refused:
            # misspelled: Nme
            message = self.assert_refused(ssm("GetParameter", {"Nme": AL2023 + "x86_64"}), 400, "UnknownParameter",
                                          "Nme", "json")
            self.assertEqual(message, "The parameter Nme is not recognized")
            # misplaced: MaxResults inside a filter instead of beside it
            self.assert_refused(pricing({"ServiceCode": "AmazonEC2", "Filters": [
                {"Type": "TERM_MATCH", "Field": "instanceType", "Value": "m7i.large", "MaxResults": 1}]}),
                400, "UnknownParameter", "Filters.1.MaxResults", "json")
            self.assert_refused(ssm("GetParameter", {}), 400, "MissingParameter", "Name", "json")
            self.assert_refused(ssm("GetParameter", {"Name": "x", "WithDecryption": "yes"}), 400,
                                "InvalidParameterValue", "WithDecryption", "json")
            self.assert_refused(pricing({"ServiceCode": "AmazonEC2", "MaxResults": 500}), 400,
                                "InvalidParameterValue", "MaxResults", "json")
            self.assert_refused(pricing({"ServiceCode": "AmazonEC2", "Filters": [
                {"Type": "LIKE", "Field": "instanceType", "Value": "m7i.large"}]}), 400,
                "InvalidParameterValue", "Filters.1.Type", "json")
        self.assertEqual(len(refused), 6)
        status, _, body = ssm("GetParameter", {"Name": AL2023 + "x86_64", "WithDecryption": False})
        self.assertEqual(status, 200, body)

    def test_model_check_s3_query_and_presigned_urls(self):
        s3 = self.aws.client("s3")
        s3.create_bucket(Bucket="model-check")
        s3.put_object(Bucket="model-check", Key="a/b.txt", Body=b"hello")
        with self.aws.expect_refusals() as refused:
            self.assert_refused(signed(self.aws.endpoint, "s3", b"", method="GET", path="/model-check/a/b.txt?versionid=1"),
                                400, "UnknownParameter", "versionid", "rest")
            self.assert_refused(signed(self.aws.endpoint, "s3", b"", method="GET",
                                       path="/model-check?list-type=2&max-keys=ten"),
                                400, "InvalidParameterValue", "max-keys", "rest")
        self.assertEqual(len(refused), 2)
        status, _, body = signed(self.aws.endpoint, "s3", b"", method="GET", path="/model-check/a/b.txt?x-id=GetObject")
        self.assertEqual((status, body), (200, b"hello"))
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "model-check", "Key": "a/b.txt"}, ExpiresIn=60)
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=10) as r:
            self.assertEqual(r.read(), b"hello", "a presigned URL's X-Amz-* are not parameters")
        self.assertEqual(s3.list_objects_v2(Bucket="model-check", Prefix="a/")["KeyCount"], 1)

    def test_a_refusal_fails_the_test_that_sent_it(self):
        self.ec2_raw(InstanceTyp="m7i.large", ImageId=self.ami, MinCount="1", MaxCount="1")
        with self.assertRaises(AssertionError) as e:
            self.aws.check_refusals()
        self.assertIn("ec2 RunInstances: UnknownParameter: The parameter InstanceTyp is not recognized",
                      str(e.exception))
        self.aws.check_refusals()  # reported once: neither this nor stop() raises again
        self.aws.reset_log()
        self.assertEqual([r["model_error"]["parameter"] for r in self.aws.refusals()][-1], "InstanceTyp",
                         "refusals outlive the request log")

    def test_control_endpoints_take_only_their_query_parameters(self):
        with self.assertRaisesRegex(Exception, "HTTP 400.*unknown query parameter 'acton'"):
            self.aws._control("GET", "requests?acton=RunInstances")

    # --- AWS FIS (local_aws_fis.py) ---

    SPOT_INTERRUPTIONS = "aws:ec2:send-spot-instance-interruptions"

    def fis_role(self):
        iam = self.aws.client("iam")
        try:
            return iam.get_role(RoleName="fis-test")["Role"]["Arn"]
        except botocore.exceptions.ClientError:
            return iam.create_role(RoleName="fis-test", AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                        "Principal": {"Service": "fis.amazonaws.com"}}]}))["Role"]["Arn"]

    def fis_template(self, fis, token=None, duration="PT2M", target=None, **overrides):
        """create_experiment_template with a spot-interruption action on target T."""
        request = {"clientToken": token or f"t-{time.monotonic_ns()}", "description": "drill",
                   "roleArn": self.fis_role(), "stopConditions": [{"source": "none"}],
                   "targets": {"T": target or {"resourceType": "aws:ec2:spot-instance",
                                               "resourceTags": {"drill": "yes"}, "selectionMode": "ALL"}},
                   "actions": {"interrupt": {"actionId": self.SPOT_INTERRUPTIONS,
                                             "parameters": {"durationBeforeInterruption": duration},
                                             "targets": {"SpotInstances": "T"}}}}
        request.update(overrides)
        return fis.create_experiment_template(**request)["experimentTemplate"]

    def spot(self, count=1, tags=None, **kw):
        tags = tags or {"drill": "yes"}
        reply = self.launch(count=count, InstanceMarketOptions={"MarketType": "spot"}, TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}], **kw)
        return [i["InstanceId"] for i in reply["Instances"]]

    def arn(self, instance_id):
        return f"arn:aws:ec2:us-east-1:123456789012:instance/{instance_id}"

    def test_fis_experiment_template_create_idempotent_get_list_delete(self):
        fis = self.aws.client("fis")
        template = self.fis_template(fis, token="tok-1")
        self.assertTrue(template["id"].startswith("EXT"))
        self.assertEqual(template["arn"], f"arn:aws:fis:us-east-1:123456789012:experiment-template/{template['id']}")
        self.assertEqual(template["actions"]["interrupt"]["parameters"], {"durationBeforeInterruption": "PT2M"})
        self.assertEqual(self.fis_template(fis, token="tok-1")["id"], template["id"], "same clientToken, same template")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.fis_template(fis, token="tok-1", description="another")
        self.assertEqual(error_of(e)[:2], (409, "ConflictException"))
        ids = [t["id"] for t in fis.list_experiment_templates()["experimentTemplates"]]
        self.assertEqual(ids.count(template["id"]), 1)
        self.assertEqual(fis.get_experiment_template(id=template["id"])["experimentTemplate"]["roleArn"],
                         self.fis_role())
        self.assertEqual(fis.delete_experiment_template(id=template["id"])["experimentTemplate"]["id"], template["id"])
        for call in (lambda: fis.get_experiment_template(id=template["id"]),
                     lambda: fis.delete_experiment_template(id=template["id"]),
                     lambda: fis.start_experiment(clientToken="s-404", experimentTemplateId=template["id"]),
                     lambda: fis.get_experiment(id="EXPnothing")):
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                call()
            self.assertEqual(error_of(e)[:2], (404, "ResourceNotFoundException"))
        self.assertEqual([(r["service"], r["status"]) for r in self.aws.requests(action="DeleteExperimentTemplate")],
                         [("fis", 200), ("fis", 404)])

    def test_fis_template_validation(self):
        fis = self.aws.client("fis")
        spot = {"resourceType": "aws:ec2:spot-instance", "resourceTags": {"drill": "yes"}, "selectionMode": "ALL"}
        action = {"actionId": self.SPOT_INTERRUPTIONS, "parameters": {"durationBeforeInterruption": "PT2M"},
                  "targets": {"SpotInstances": "T"}}
        cases = {
            "role does not exist": {"roleArn": "arn:aws:iam::123456789012:role/nobody"},
            "unknown action": {"actions": {"a": dict(action, actionId="aws:ec2:reboot-everything")}},
            "PT1M": {"actions": {"a": dict(action, parameters={"durationBeforeInterruption": "PT1M"})}},
            "PT16M": {"actions": {"a": dict(action, parameters={"durationBeforeInterruption": "PT16M"})}},
            "not a duration": {"actions": {"a": dict(action, parameters={"durationBeforeInterruption": "2 minutes"})}},
            "target key": {"actions": {"a": dict(action, targets={"Instances": "T"})}},
            "undefined target": {"actions": {"a": dict(action, targets={"SpotInstances": "U"})}},
            "no action": {"actions": {}},
            "resource type": {"target": dict(spot, resourceType="aws:ec2:instance")},
            "selection mode": {"target": dict(spot, selectionMode="SOME")},
            "percent": {"target": dict(spot, selectionMode="PERCENT(150)")},
            "arns and tags": {"target": dict(spot, resourceArns=[self.arn("i-0123456789abcdef0")])},
            "neither": {"target": {"resourceType": "aws:ec2:spot-instance", "selectionMode": "ALL"}},
            "not an instance ARN": {"target": {"resourceType": "aws:ec2:spot-instance", "selectionMode": "ALL",
                                               "resourceArns": ["arn:aws:s3:::some-bucket"]}},
            "filter path": {"target": dict(spot, filters=[{"path": "Nonsense.Path", "values": ["x"]}])},
            "stop condition": {"stopConditions": [{"source": "aws:cloudwatch:alarm"}]},
        }
        before = len(fis.list_experiment_templates()["experimentTemplates"])
        for name, overrides in cases.items():
            with self.subTest(name):
                with self.assertRaises(botocore.exceptions.ClientError) as e:
                    self.fis_template(fis, **overrides)
                self.assertEqual(error_of(e)[:2], (400, "ValidationException"), name)
        self.assertEqual({r["status"] for r in self.aws.requests(action="CreateExperimentTemplate", service="fis")}, {400})
        self.assertEqual(len(fis.list_experiment_templates()["experimentTemplates"]), before, "nothing was made")

    def test_fis_drill_gives_the_notice_and_tags_then_interrupts(self):
        from fakes.imds_fake_fixture import ImdsFake
        fis = self.aws.client("fis")
        # The metadata service shows tags to instances launched with InstanceMetadataTags enabled,
        # here from their launch template (moto drops a template's MetadataOptions; fixed here).
        template_id = self.ec2.create_launch_template(LaunchTemplateName=f"fis-{time.monotonic_ns()}", LaunchTemplateData={
            "ImageId": self.ami, "MetadataOptions": {"InstanceMetadataTags": "enabled"}})["LaunchTemplate"]["LaunchTemplateId"]
        instance_id, = self.spot(LaunchTemplate={"LaunchTemplateId": template_id})
        self.assertEqual(self.instances(**{"instance-id": instance_id})[0]["MetadataOptions"]["InstanceMetadataTags"],
                         "enabled")
        self.ec2.create_tags(Resources=[instance_id], Tags=[{"Key": "spawn:drill", "Value": "now"}])
        with ImdsFake() as imds:
            self.assertEqual(self.aws.register_metadata_service(instance_id, imds.endpoint)["url"], imds.endpoint)
            self.assertEqual(imds.get("meta-data/spot/instance-action")[0], 404)
            template = self.fis_template(fis, target={"resourceType": "aws:ec2:spot-instance", "selectionMode": "ALL",
                                                      "resourceArns": [self.arn(instance_id)],
                                                      "filters": [{"path": "State.Name", "values": ["running"]}]})
            started = time.time()
            experiment = fis.start_experiment(clientToken="drill-1", experimentTemplateId=template["id"])["experiment"]
            self.assertEqual(experiment["state"]["status"], "initiating")
            again = fis.start_experiment(clientToken="drill-1", experimentTemplateId=template["id"])["experiment"]
            self.assertEqual(again["id"], experiment["id"], "same clientToken, same experiment")
            self.assertEqual(len([e for e in self.aws.experiments() if e["experimentTemplateId"] == template["id"]]), 1)
            self.assertEqual(fis.get_experiment(id=experiment["id"])["experiment"]["state"]["status"], "running")

            token = imds.token()
            status, body = imds.get("meta-data/spot/instance-action", token)
            self.assertEqual(status, 200, body)
            notice = json.loads(body)
            self.assertEqual(notice["action"], "terminate")
            when = datetime.strptime(notice["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()
            self.assertAlmostEqual(when, started + 120, delta=5)
            self.assertEqual(imds.get("meta-data/tags/instance/spawn:drill", token), (200, "now"),
                             "the instance's EC2 tags as they are now")
            self.assertEqual(imds.get("meta-data/events/recommendations/rebalance", token)[0], 404,
                             "PT2M: the notice at once, no rebalance recommendation")
            self.assertEqual(self.running(**{"instance-id": instance_id})[0]["InstanceId"], instance_id,
                             "still running until the two minutes are over")

            ended = self.aws.end_experiment(experiment["id"])
            self.assertEqual([d["what"] for d in ended["deliveries"]], ["tags", "notice", "interruption"])
            self.assertEqual({d["error"] for d in ended["deliveries"]}, {None})
        instance = self.instances(**{"instance-id": instance_id})[0]
        self.assertEqual((instance["State"]["Name"], instance["StateReason"]["Code"]),
                         ("terminated", "Server.SpotInstanceTermination"))
        experiment = fis.get_experiment(id=experiment["id"])["experiment"]
        self.assertEqual(experiment["state"]["status"], "completed")
        self.assertEqual(experiment["actions"]["interrupt"]["state"]["status"], "completed")
        start, = self.aws.requests(action="StartExperiment", service="fis")[:1]
        self.assertEqual((start["params"]["experimentTemplateId"], start["client_token"], start["status"]),
                         (template["id"], "drill-1", 200))

    def test_fis_longer_duration_rebalance_first_and_unregistered_instances(self):
        from fakes.imds_fake_fixture import ImdsFake
        fis = self.aws.client("fis")
        ids = self.spot(count=2, tags={"drill": "long"})
        self.spot(tags={"drill": "other"})
        with ImdsFake() as imds:
            self.aws.register_metadata_service(ids[0], imds.endpoint)
            template = self.fis_template(fis, duration="PT5M", target={
                "resourceType": "aws:ec2:spot-instance", "resourceTags": {"drill": "long"}, "selectionMode": "ALL"})
            experiment = fis.start_experiment(clientToken="long-1", experimentTemplateId=template["id"])["experiment"]
            token = imds.token()
            self.assertEqual(imds.get("meta-data/events/recommendations/rebalance", token)[0], 200)
            self.assertEqual(imds.get("meta-data/spot/instance-action", token)[0], 404,
                             "PT5M: the notice comes two minutes before the end")
            self.assertEqual(imds.get("meta-data/tags/instance/drill", token)[0], 404,
                             "launched without InstanceMetadataTags: no tags in its metadata")
            ended = self.aws.end_experiment(experiment["id"])
            self.assertEqual(sorted(ended["resolved"]["T"]), sorted(ids))
            self.assertEqual(imds.get("meta-data/spot/instance-action", token)[0], 200)
        self.assertEqual([(d["instance_id"], d["what"]) for d in ended["deliveries"] if d["instance_id"] == ids[1]],
                         [(ids[1], "interruption")], "no metadata fake: only EC2 sees it")
        self.assertEqual({i["InstanceId"] for i in self.instances(**{"tag:drill": "long"})
                          if i["State"]["Name"] == "terminated"}, set(ids))
        self.assertEqual(len(self.running(**{"tag:drill": "other"})), 1)

    def test_fis_target_that_is_not_spot_or_empty_fails_the_experiment(self):
        fis = self.aws.client("fis")
        on_demand = self.launch()["Instances"][0]["InstanceId"]
        for target_id, reason in ((on_demand, "not a spot instance"), ("i-0123456789abcdef0", "empty set")):
            template = self.fis_template(fis, target={"resourceType": "aws:ec2:spot-instance", "selectionMode": "ALL",
                                                      "resourceArns": [self.arn(target_id)]})
            experiment = fis.start_experiment(clientToken=f"fail-{target_id}", experimentTemplateId=template["id"])
            state = fis.get_experiment(id=experiment["experiment"]["id"])["experiment"]["state"]
            self.assertEqual(state["status"], "failed")
            self.assertIn(reason, state["reason"])
        self.assertEqual(len(self.running(**{"instance-id": on_demand})), 1, "nothing was interrupted")

    def test_fis_unsigned_model_check_and_scenario_faults(self):
        fis = self.aws.client("fis")
        template = self.fis_template(fis)
        request = urllib.request.Request(self.aws.endpoint + "/experiments", method="POST",
                                         data=json.dumps({"clientToken": "u", "experimentTemplateId": template["id"]}).encode(),
                                         headers={"Content-Type": "application/json"})
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10)
        self.assertEqual((e.exception.code, e.exception.headers["x-amzn-ErrorType"]),
                         (403, "MissingAuthenticationTokenException"))
        entry = self.aws.requests()[-1]
        self.assertEqual((entry["service"], entry["action"], entry["authorization_present"]),
                         ("fis", "StartExperiment", False))

        def fis_raw(document, method="POST", path="/experiments"):
            return signed(self.aws.endpoint, "fis", json.dumps(document).encode() if document is not None else b"",
                          {"Content-Type": "application/json"}, method=method, path=path)

        with self.aws.expect_refusals() as refused:
            self.assert_refused(fis_raw({"experimentTemplateId": template["id"]}), 400, "MissingParameter",
                                "clientToken", "rest-json")
            self.assert_refused(fis_raw({"clientToken": 7, "experimentTemplateId": template["id"]}), 400,
                                "InvalidParameterValue", "clientToken", "rest-json")
            self.assert_refused(fis_raw({"clientToken": "x", "experimentTemplateId": template["id"], "dryRun": True}),
                                400, "UnknownParameter", "dryRun", "rest-json")
            self.assert_refused(fis_raw(None, "GET", "/experimentTemplates/" + "x" * 65), 400,
                                "InvalidParameterValue", "id", "rest-json")
            self.assert_refused(fis_raw(None, "GET", "/experiments?maxResults=101"), 400,
                                "InvalidParameterValue", "maxResults", "rest-json")
            six = dict(fis.get_experiment_template(id=template["id"])["experimentTemplate"], clientToken="six")
            for key in ("id", "arn", "creationTime", "lastUpdateTime", "ResponseMetadata"):
                six.pop(key, None)
            six["targets"]["T"] = {"resourceType": "aws:ec2:spot-instance", "selectionMode": "ALL",
                                   "resourceArns": [self.arn(f"i-0123456789abcde{n:02d}") for n in range(6)]}
            message = self.assert_refused(fis_raw(six, path="/experimentTemplates"), 400, "InvalidParameterValue",
                                          "targets.T.resourceArns", "rest-json")
            self.assertIn("at most 5", message)
        self.assertEqual(len(refused), 6)
        self.assertEqual([e for e in self.aws.experiments() if e["experimentTemplateId"] == template["id"]], [])

        self.aws.set_scenario({"throttle": {"every": 1, "actions": ["StartExperiment"], "services": ["fis"]}})
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            fis.start_experiment(clientToken="throttled", experimentTemplateId=template["id"])
        self.assertEqual(error_of(e)[:2], (429, "TooManyRequestsException"))
        self.aws.set_scenario({"lose_reply": [{"action": "CreateExperimentTemplate", "service": "fis"}]})
        with self.assertRaises(botocore.exceptions.ConnectionClosedError):
            self.fis_template(fis, token="lost-1")
        made = self.fis_template(fis, token="lost-1")
        self.assertEqual([t["id"] for t in fis.list_experiment_templates()["experimentTemplates"]].count(made["id"]), 1)
        self.assertEqual([r["reply_lost"] for r in self.aws.requests(action="CreateExperimentTemplate")][-2:],
                         [True, False])

    def test_metadata_service_control_endpoint(self):
        for body in ({"instance_id": "i-0123456789abcdef0", "url": "http://10.0.0.1:80"},
                     {"instance_id": "i-0123456789abcdef0", "url": "http://localhost:80"},
                     {"instance_id": "nope", "url": "http://127.0.0.1:80"}, {"url": "http://127.0.0.1:80"}):
            with self.assertRaisesRegex(Exception, "HTTP 400"):
                self.aws._control("POST", "metadata-service", body)
        self.assertEqual(self.aws.register_metadata_service("i-0123456789abcdef0", "http://127.0.0.1:9", "us-west-2"),
                         {"instance_id": "i-0123456789abcdef0", "region": "us-west-2", "url": "http://127.0.0.1:9"})
        self.assertIsNone(self.aws.unregister_metadata_service("i-0123456789abcdef0", "us-west-2")["url"])
        with self.assertRaisesRegex(Exception, "HTTP 400"):
            self.aws.end_experiment("EXPnothing")

    # --- rate limits ---

    def test_rate_limits_request_buckets(self):
        # DescribeRegions: 2 tokens, one more every 2 s of the real clock.
        self.aws.set_scenario({"rate_limits": {"request": {"DescribeRegions": [2, 0.5]}}})
        started = time.monotonic()
        for _ in range(2):
            self.ec2.describe_regions()
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.ec2.describe_regions()
        self.assertLess(time.monotonic() - started, 2, "the burst took longer than a refill")
        self.assertEqual(error_of(e), (503, "RequestLimitExceeded", "Request limit exceeded."))
        self.assertEqual(self.aws.requests()[-1]["throttled_by"], "request:DescribeRegions")
        self.ec2.describe_availability_zones()  # another action, another bucket
        time.sleep(2.1)
        self.ec2.describe_regions()  # a refill token
        self.aws.ec2("us-west-2").describe_regions()  # another region, other buckets
        state = self.aws.health()["scenario_state"]["rate_limits"]
        self.assertEqual(state["refused"], {"DescribeRegions": 1})

    def test_rate_limits_documented_numbers_and_unfiltered_bucket(self):
        # time nearly stopped: the buckets hold what the page says and do not refill in the test
        self.aws.set_scenario({"rate_limits": {"time_scale": 0.0001}})
        for _ in range(5):
            self.launch("t3.micro")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.launch("t3.micro")
        self.assertEqual(error_of(e)[:2], (503, "RequestLimitExceeded"))
        self.assertEqual(self.aws.requests()[-1]["throttled_by"], "request:RunInstances", "RunInstances: 5, 2/s")
        self.assertEqual(len(self.running()), 5, "a refused call launches nothing")
        # DescribeInstances without Filter/MaxResults/NextToken takes from a bucket of its own
        # (documented 50 / 10, here made 2 so that the test stays short)
        self.aws.set_scenario({"rate_limits": {"time_scale": 0.0001,
                                               "request": {"DescribeInstances (unfiltered)": [2, 10]}}})
        self.ec2.describe_instances()
        self.ec2.describe_instances()
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.ec2.describe_instances()
        self.assertEqual(self.aws.requests()[-1]["throttled_by"], "request:DescribeInstances (unfiltered)")
        self.ec2.describe_instances(MaxResults=5)  # paginated: the standard bucket
        self.ec2.describe_instances(Filters=[{"Name": "instance-type", "Values": ["t3.micro"]}])
        self.assertEqual([r["status"] for r in self.aws.requests()[-2:]], [200, 200])

    def test_rate_limits_resource_tokens(self):
        self.aws.set_scenario({"rate_limits": {"time_scale": 0.0001, "resource": {
            "RunInstances": [10, 2], "TerminateInstances": [3, 20]}},
            "capacity": [{"instance_type": "t3.micro", "available": 7}]})
        self.assertEqual(len(self.launch("t3.micro", count=1, max_count=8)["Instances"]), 7,
                         "charged what it launched (capacity ran out at 7)")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.launch("m7i.large", count=1, max_count=4)
        self.assertEqual(error_of(e)[:2], (503, "RequestLimitExceeded"))
        self.assertEqual(self.aws.requests()[-1]["throttled_by"], "resource:RunInstances", "MaxCount 4 > 3 left")
        self.assertEqual(len(self.launch("m7i.large", count=3)["Instances"]), 3)
        ids = [i["InstanceId"] for i in self.running()]
        with self.assertRaises(botocore.exceptions.ClientError):
            self.ec2.terminate_instances(InstanceIds=ids[:4])
        self.assertEqual(self.aws.requests()[-1]["throttled_by"], "resource:TerminateInstances")
        self.ec2.terminate_instances(InstanceIds=ids[:3])
        self.aws.set_scenario({})  # tearDown terminates the rest without limits

    def test_rate_limits_replay_takes_no_resource_tokens(self):
        # A retry of a launch already applied (same ClientToken, its reply lost) launches nothing:
        # EC2 answers it with the first result, even with the resource bucket empty.
        self.aws.set_scenario({"rate_limits": {"time_scale": 0.0001, "resource": {"RunInstances": [3, 0]}}})
        first = self.ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=3, MaxCount=3,
                                       ClientToken="replay-token-1")
        again = self.ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=3, MaxCount=3,
                                       ClientToken="replay-token-1")
        self.assertEqual([i["InstanceId"] for i in again["Instances"]], [i["InstanceId"] for i in first["Instances"]])
        self.assertIsNone(self.aws.requests()[-1]["throttled_by"])
        with self.assertRaises(botocore.exceptions.ClientError) as e:  # a new launch: the bucket is empty
            self.ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                   ClientToken="replay-token-2")
        self.assertEqual(error_of(e)[:2], (503, "RequestLimitExceeded"))
        self.aws.set_scenario({})

    def test_rate_limits_schema(self):
        for bad in ({"time_scale": 0}, {"request": {"CreateTags": [0, 1]}}, {"resource": {"RunInstances": "x"}},
                    {"burst": 1}):
            with self.assertRaisesRegex(Exception, "HTTP 400.*rate_limits"):
                self.aws.set_scenario({"rate_limits": bad})
        self.assertIsNone(self.aws.get_scenario()["rate_limits"], "off by default")

    # --- lifecycle, AMIs, instance types ---

    def test_console_output_and_public_address_are_the_tests_to_set(self):
        instance_id = self.launch()["Instances"][0]["InstanceId"]
        empty = self.ec2.get_console_output(InstanceId=instance_id)
        self.assertNotIn("Output", empty, "a fresh instance shows nothing yet")
        self.aws.set_console_output(instance_id, "cloud-init: boot\n")
        self.aws.set_console_output(instance_id, "ssh-ed25519 AAAA host\n", append=True)
        out = self.ec2.get_console_output(InstanceId=instance_id, Latest=True)
        self.assertEqual(out["Output"], "cloud-init: boot\nssh-ed25519 AAAA host\n")  # boto3 decodes the base64
        with self.assertRaises(Exception) as caught:
            self.ec2.get_console_output(InstanceId="i-0123456789abcdef0")
        self.assertIn("InvalidInstanceID.NotFound", str(caught.exception))
        self.aws.set_instance_address(instance_id, "127.0.0.1")
        self.assertEqual(self.instances(**{"instance-id": instance_id})[0]["PublicIpAddress"], "127.0.0.1")
        self.aws.set_instance_address(instance_id, None)
        self.assertNotIn("PublicIpAddress", self.instances(**{"instance-id": instance_id})[0])
        self.aws.set_instance_launch_time(instance_id, "2026-12-01T08:00:00Z")
        launched = self.instances(**{"instance-id": instance_id})[0]["LaunchTime"]
        self.assertEqual(launched.isoformat(), "2026-12-01T08:00:00+00:00")

    def test_spot_price_history_with_changes(self):
        self.aws.set_scenario({"spot_price_history": {"m7i.large": {"us-east-1a": [
            ["2026-12-01T00:00:00Z", "0.03"], ["2026-12-01T06:00:00Z", "0.05"], ["2026-12-01T12:00:00Z", "0.04"]]}}})
        rows = self.ec2.describe_spot_price_history(InstanceTypes=["m7i.large"], AvailabilityZone="us-east-1a",
                                                   ProductDescriptions=["Linux/UNIX"],
                                                   StartTime="2026-12-01T08:00:00Z")["SpotPriceHistory"]
        self.assertEqual([(r["Timestamp"].isoformat(), r["SpotPrice"]) for r in rows],
                         [("2026-12-01T12:00:00+00:00", "0.040000"), ("2026-12-01T06:00:00+00:00", "0.050000")],
                         "the price in effect at StartTime, then each change, newest first")
        with self.assertRaises(Exception):
            self.aws.set_scenario({"spot_price_history": {"m7i.large": {"us-east-1a": [["soon"]]}}})

    def test_instance_lifecycle(self):
        spot = self.launch(InstanceMarketOptions={"MarketType": "spot"})["Instances"][0]["InstanceId"]
        on_demand = self.launch()["Instances"][0]["InstanceId"]
        by_id = {i["InstanceId"]: i for i in self.running()}
        self.assertEqual(by_id[spot].get("InstanceLifecycle"), "spot")
        self.assertNotIn("InstanceLifecycle", by_id[on_demand])
        self.assertEqual([i["InstanceId"] for i in self.running(**{"instance-lifecycle": "spot"})], [spot])
        self.ec2.create_launch_template(LaunchTemplateName="spot-template", LaunchTemplateData={
            "ImageId": self.ami, "InstanceType": "t3.micro", "InstanceMarketOptions": {"MarketType": "spot"}})
        from_template = self.ec2.run_instances(LaunchTemplate={"LaunchTemplateName": "spot-template"},
                                               MinCount=1, MaxCount=1)["Instances"][0]
        self.assertEqual((from_template["InstanceType"], from_template.get("InstanceLifecycle")), ("t3.micro", "spot"))

    def test_al2023_parameters_resolve_to_existing_images(self):
        for region in ("us-east-1", "us-west-2"):
            ssm, ec2 = self.aws.client("ssm", region), self.aws.ec2(region)
            for arch in ("x86_64", "arm64"):
                ami = ssm.get_parameter(Name=AL2023 + arch)["Parameter"]["Value"]
                image = ec2.describe_images(ImageIds=[ami])["Images"][0]
                self.assertEqual(image["Architecture"], arch)
                self.assertIn("al2023", image["Name"])
        types = self.ec2.describe_instance_types(InstanceTypes=["m7i.large", "g5.xlarge", "t4g.micro", "c7g.large"])
        arch = {t["InstanceType"]: t["ProcessorInfo"]["SupportedArchitectures"] for t in types["InstanceTypes"]}
        self.assertEqual(arch, {"m7i.large": ["x86_64"], "g5.xlarge": ["x86_64"],
                                "t4g.micro": ["arm64"], "c7g.large": ["arm64"]})

    # --- prices ---

    def test_spot_price_history(self):
        rows = self.ec2.describe_spot_price_history(
            InstanceTypes=["m7i.large"], ProductDescriptions=["Linux/UNIX"],
            StartTime=datetime.now(timezone.utc))["SpotPriceHistory"]
        prices = {r["AvailabilityZone"]: r["SpotPrice"] for r in rows}
        self.assertEqual(prices["us-east-1a"], "0.030200")
        self.assertEqual(prices["us-east-1b"], "0.031000")
        self.assertTrue(all(az.startswith("us-east-1") for az in prices))
        self.assertEqual({r["ProductDescription"] for r in rows}, {"Linux/UNIX"})

        one = self.ec2.describe_spot_price_history(
            Filters=[{"Name": "instance-type", "Values": ["g5.xlarge"]},
                     {"Name": "availability-zone", "Values": ["us-east-1a"]},
                     {"Name": "product-description", "Values": ["Linux/UNIX (Amazon VPC)"]}])["SpotPriceHistory"]
        self.assertEqual([(r["InstanceType"], r["SpotPrice"]) for r in one], [("g5.xlarge", "0.301800")])

        pages = list(self.ec2.get_paginator("describe_spot_price_history").paginate(
            InstanceTypes=["m7i.large"], AvailabilityZone="us-east-1a", PaginationConfig={"PageSize": 1}))
        self.assertEqual(sum(len(p["SpotPriceHistory"]) for p in pages), 2)
        self.assertEqual(len(pages), 2)

        self.aws.set_scenario({"spot_prices": {"m7i.large": {"us-east-1c": "0.0444"}}})
        rows = self.ec2.describe_spot_price_history(InstanceTypes=["m7i.large"])["SpotPriceHistory"]
        self.assertEqual({(r["AvailabilityZone"], r["SpotPrice"]) for r in rows}, {("us-east-1c", "0.044400")})
        self.assertEqual(self.ec2.describe_spot_price_history(
            InstanceTypes=["m7i.large"], EndTime=datetime(2020, 1, 1, tzinfo=timezone.utc))["SpotPriceHistory"], [])
        west = self.aws.ec2("us-west-2").describe_spot_price_history(InstanceTypes=["m7i.large"])["SpotPriceHistory"]
        self.assertEqual(west, [])

    def test_price_list_get_products(self):
        pricing = self.aws.client("pricing")

        def products(**terms):
            filters = [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in terms.items()]
            return [json.loads(p) for page in pricing.get_paginator("get_products").paginate(
                ServiceCode="AmazonEC2", Filters=filters) for p in page["PriceList"]]

        exact = products(instanceType="m7i.large", regionCode="us-east-1", operatingSystem="Linux",
                         tenancy="Shared", preInstalledSw="NA", capacitystatus="Used")
        self.assertEqual(len(exact), 1)
        doc = exact[0]
        self.assertEqual(doc["product"]["attributes"]["licenseModel"], "No License required")
        (term,) = doc["terms"]["OnDemand"].values()
        (dimension,) = term["priceDimensions"].values()
        self.assertEqual(dimension["pricePerUnit"]["USD"], "0.1008000000")
        self.assertEqual(dimension["unit"], "Hrs")

        loose = products(instanceType="m7i.large", regionCode="us-east-1")
        self.assertGreater(len(loose), 5, "a loose query also returns Windows, dedicated, reservations...")
        g5 = products(instanceType="g5.xlarge", location="US East (N. Virginia)", operatingSystem="Linux",
                      tenancy="Shared", preInstalledSw="NA", capacitystatus="Used")
        usd = [d["priceDimensions"] for t in g5[0]["terms"]["OnDemand"].values() for d in [t]][0]
        self.assertEqual(next(iter(usd.values()))["pricePerUnit"]["USD"], "1.0060000000")

        page = pricing.get_products(ServiceCode="AmazonEC2", MaxResults=2,
                                    Filters=[{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "us-east-1"}])
        self.assertEqual(len(page["PriceList"]), 2)
        self.assertTrue(page["NextToken"])
        self.assertIsInstance(page["PriceList"][0], str, "PriceList items are JSON strings")
        services = pricing.describe_services(ServiceCode="AmazonEC2")["Services"]
        self.assertIn("instanceType", services[0]["AttributeNames"])

        self.aws.set_scenario({"pricing": {"deny": True}})
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            pricing.get_products(ServiceCode="AmazonEC2")
        self.assertEqual(error_of(e)[:2], (400, "AccessDeniedException"))


class RateLimitsTest(unittest.TestCase):
    """The token buckets alone, on a clock the test moves."""

    def setUp(self):
        self.now = 0.0
        self.limits = RateLimits({}, clock=lambda: self.now)

    def take(self, action, n, params=None, region="us-east-1"):
        return [self.limits.admit(region, action, params or {}).refused_by for _ in range(n)]

    def test_create_tags_bucket_burst_then_refill(self):
        # CreateTags: 100 tokens, 10 per second. 500 calls at once: 100 pass, then 10 a second.
        self.assertEqual(self.take("CreateTags", 100), [None] * 100)
        self.assertEqual(self.take("CreateTags", 1), ["request:CreateTags"])
        self.now = 1.0
        self.assertEqual(self.take("CreateTags", 11), [None] * 10 + ["request:CreateTags"])
        self.now = 100.0
        self.assertEqual(self.take("CreateTags", 101).count(None), 100, "never more than the capacity")

    def test_time_scale(self):
        self.limits = RateLimits({"time_scale": 10}, clock=lambda: self.now)
        self.take("CreateTags", 100)
        self.now = 0.1  # one second of EC2's clock
        self.assertEqual(self.take("CreateTags", 11), [None] * 10 + ["request:CreateTags"])

    def test_categories(self):
        bucket = self.limits.request_bucket
        self.assertEqual(bucket("DescribeImages", {}), ("DescribeImages", [100, 20]))
        self.assertEqual(bucket("DescribeInstances", {}), ("DescribeInstances (unfiltered)", [50, 10]))
        self.assertEqual(bucket("DescribeInstances", {"Filter.1.Name": "x"}), ("DescribeInstances", [100, 20]))
        self.assertEqual(bucket("DescribeInstances", {"MaxResults": "5"}), ("DescribeInstances", [100, 20]))
        self.assertEqual(bucket("RunInstances", {}), ("RunInstances", [5, 2]))
        self.assertEqual(bucket("TerminateInstances", {}), ("TerminateInstances", [100, 5]))
        self.assertEqual(bucket("CreateFleet", {}), ("CreateFleet", [50, 5]), "mutating")
        self.assertEqual(bucket("CancelSpotInstanceRequests", {}), ("CancelSpotInstanceRequests", [50, 5]))
        self.assertEqual(bucket("CreateTags", {}), ("CreateTags", [100, 10]))
        self.assertEqual(self.limits.resource_limit("RunInstances"), [1000, 2])
        self.assertEqual(self.limits.resource_limit("TerminateInstances"), [1000, 20])
        self.assertIsNone(self.limits.resource_limit("CreateFleet"))

    def test_run_instances_resource_bucket(self):
        # 1000 instances at once, then 2 a second; a call needs MaxCount tokens, pays what launched.
        first = self.limits.admit("us-east-1", "RunInstances", {"MaxCount": "1000"})
        self.assertIsNone(first.refused_by)
        self.limits.settle("us-east-1", first, 600)
        self.now = 0.5  # 1 request token back; 400 + 1 resource tokens
        self.assertEqual(self.take("RunInstances", 1, {"MaxCount": "402"}), ["resource:RunInstances"])
        self.assertEqual(self.take("RunInstances", 1, {"MaxCount": "401"}), [None])
        self.now = 1000.0
        self.assertEqual(self.take("RunInstances", 1, {"MaxCount": "5000"}), ["resource:RunInstances"],
                         "more than the bucket holds never launches in one call")

    def test_a_refused_call_takes_no_token(self):
        self.limits = RateLimits({"request": {"TerminateInstances": [1, 0]}, "resource": {"TerminateInstances": [2, 0]}},
                                 clock=lambda: self.now)
        three = {f"InstanceId.{n}": f"i-{n}" for n in (1, 2, 3)}
        self.assertEqual(self.take("TerminateInstances", 1, three), ["resource:TerminateInstances"])
        self.assertEqual(self.take("TerminateInstances", 1, {"InstanceId.1": "i-1"}), [None], "the request token stayed")
        self.assertEqual(self.limits.status()["buckets"]["us-east-1 TerminateInstances (resource)"], 1)


class LifetimeTest(unittest.TestCase):
    def test_ready_line_port_file_scenario_and_sigterm(self):
        with tempfile.TemporaryDirectory() as tmp:
            scenario = os.path.join(tmp, "scenario.json")
            with open(scenario, "w") as f:
                json.dump({"capacity": [{"instance_type": "t3.micro", "available": 0}]}, f)
            port_file = os.path.join(tmp, "port")
            started = time.monotonic()
            proc = subprocess.Popen([sys.executable, SERVER, "--port", "0", "--port-file", port_file,
                                     "--scenario", scenario], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                line = proc.stdout.readline()
                self.assertLess(time.monotonic() - started, 5.0, "READY comes before moto has loaded")
                self.assertRegex(line, r"^READY http://127\.0\.0\.1:\d+\n$")
                with open(port_file) as f:
                    self.assertEqual(f.read(), line)
                endpoint = line.split()[1]
                with urllib.request.urlopen(endpoint + "/_spawn/scenario", timeout=10) as r:
                    self.assertEqual(json.load(r)["capacity"][0]["available"], 0)
                proc.send_signal(signal.SIGTERM)
                self.assertEqual(proc.wait(timeout=10), 0)
                self.assertEqual(proc.stdout.read(), "", "exactly one line on stdout")
                with self.assertRaises(OSError):
                    socket.create_connection(("127.0.0.1", int(endpoint.rsplit(":", 1)[1])), timeout=2).close()
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                proc.stdout.close()
                proc.stderr.close()

    def test_loopback_guard_refuses_other_hosts(self):
        probe = ("import socket, local_aws\n"
                 "local_aws.guard_loopback()\n"
                 "for target in [('192.0.2.1', 443), ('example.com', 443)]:\n"
                 "    try:\n"
                 "        socket.create_connection(target, timeout=1)\n"
                 "    except OSError as e:\n"
                 "        print('refused' if 'refusing' in str(e) else 'other', flush=True)\n"
                 "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
                 "socket.create_connection(s.getsockname(), timeout=1).close()\n"
                 "print('loopback ok')\n")
        r = subprocess.run([sys.executable, "-c", probe], cwd=os.path.dirname(SERVER), capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.stdout.split(), ["refused", "refused", "loopback", "ok"], r.stderr)

    def test_fixture_environment_and_stop(self):
        with LocalAws(scenario={"throttle": {"every": 7}}, wait_warm=False) as aws:
            self.assertEqual(aws.get_scenario()["throttle"], {"every": 7})
            env = aws.env()
            self.assertEqual(env["AWS_ENDPOINT_URL"], aws.endpoint)
            self.assertEqual((env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]), ("testing", "testing"))
            self.assertEqual((env["AWS_REGION"], env["AWS_EC2_METADATA_DISABLED"]), ("us-east-1", "true"))
            self.assertTrue(os.path.isdir(env["HOME"]))
            self.assertFalse(os.path.exists(os.path.join(env["HOME"], ".aws")))
            proc = aws.proc
        self.assertIsNotNone(proc.returncode, "leaving the block stopped the server")
        self.assertIsNone(aws.proc)


if __name__ == "__main__":
    unittest.main(verbosity=2)
