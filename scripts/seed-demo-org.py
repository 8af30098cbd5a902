#!/usr/bin/env python3
"""Seed moto's server with perimeter's demo AWS Organization.

Usage:
    scripts/seed-demo-org.py --endpoint http://127.0.0.1:5055 --manifest demo-org.json

Start the emulator first (`scripts/moto-server -H 127.0.0.1 -p 5055`) and give the seeder a fresh
one (`curl -X POST http://127.0.0.1:5055/moto-api/reset`): bucket names are global in moto, so a
second run against the same state fails on the first bucket. A plain `moto_server` fails: it has
no CloudFront origin access identities (CreateCloudFrontOriginAccessIdentity), no CodeArtifact,
no Backup vault access policies and no Glacier vault access or lock policies, and in the
read-back it lists its default AMIs' snapshots in every account and does not implement
GetSnapshotBlockPublicAccessState or GetImageBlockPublicAccessState (the launcher fixes all of
them, and a few answers the read-back compares: see the fixture README's moto quirks).

What it builds (tests/fixtures/demo-org/README.md has the table): an organization (FeatureSet ALL)
whose management account is the caller's (moto maps every unknown access key to 123456789012),
two OUs, three member accounts `prod`, `dev`, `shared` made with CreateAccount, two resource
control policies (an identity perimeter on the Infrastructure OU, TLS-only on `dev`), and one resource per
behaviour of semantics.md section 6 in us-east-1 and eu-west-1, each in the account and region its
manifest key names: S3 buckets, IAM roles, KMS keys, Lambda functions and layer versions, SQS
queues, and a public, a cross-account and an internal variant each of Secrets Manager secrets, SNS
topics (plus one with only the default policy CreateTopic writes), ECR repositories, EFS file
systems, EBS snapshots (plus an encrypted one shared cross-account), and manual RDS DB snapshots and
DB cluster snapshots (of a DB instance and an Aurora PostgreSQL cluster made for them; moto's
automated snapshots of those are not in the manifest), and DynamoDB tables (a public, a
cross-account and an internal table policy, and a table without one; no streams, since moto cannot
store a stream policy). Then, mostly in us-east-1, two or three each (public, cross-account and
internal where the type allows) of Kinesis streams, EventBridge buses (one of the `default` buses
every account has in every region given a policy, and recorded), AWS Backup
vaults, CodeArtifact domains and repositories, CloudWatch Logs resource policies and
destinations, SES email identities, Glacier vaults (one with a vault lock), OpenSearch Service
domains (one in a VPC), API Gateway REST APIs (one PRIVATE), Glue Data Catalog policies (on
three of the catalogs every account has in every region, those recorded) and AMIs (each on an EBS
snapshot of its own). Not resources but read by a scan: one VPC with an S3
gateway VPC endpoint in `shared` (plus the default VPC moto gives every account and region,
recorded as found), and a
CloudFront origin access identity in `prod`; four buckets use them (a foreign account through
shared's endpoint, anyone through an endpoint nobody in the zone owns, prod's own identity by ARN
and by canonical ID, and an identity nobody in the zone owns). Members are reached by assuming
`arn:aws:iam::<id>:role/OrganizationAccountAccessRole`.

The manifest (JSON, written to --manifest) records every account and every resource with exactly
what was written (and, under `networks` and `origin_access_identities`, every VPC, VPC endpoint and
origin access identity), so that a test can read each item back through the SDK and compare. The
seeder does that itself at the end (skip with --no-verify), so nothing can fail silently; any
boto3 error is raised, never caught. Retries are off: a moto 500 fails at once.

The only dependency is boto3. Credentials are dummy ones set here; the caller's AWS environment
(profiles, config files, endpoint variables) is ignored.
"""
import argparse
import io
import json
import os
import sys
import time
import zipfile
from urllib.parse import urlsplit, urlunsplit

# The caller's AWS environment must not matter: no profile, no config or credential files, no
# instance metadata, no endpoint override other than --endpoint.
for _var in list(os.environ):
    if _var.startswith("AWS_"):
        del os.environ[_var]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

REGIONS = ["us-east-1", "eu-west-1"]
MEMBERS = ["prod", "dev", "shared"]
OUS = {"Workloads": ["prod", "dev"], "Infrastructure": ["shared"]}
MANAGEMENT_ACCOUNT = "123456789012"
ROLE_NAME = "OrganizationAccountAccessRole"

# Outside the zone of trust.
FOREIGN_ACCOUNT = "444455556666"
FOREIGN_ACCOUNT_2 = "777788889999"
FOREIGN_ORG_ID = "o-foreign0001"
FOREIGN_CANONICAL_ID = "f0" * 32  # 64 hex digits, nobody's canonical user ID

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_THUMBPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1"
EXTERNAL_ID = "perimeter-demo-7f3a"
# Datadog's integration account, from fwdcloudsec/known_aws_accounts (a listed vendor).
DATADOG_ACCOUNT = "464622532012"
VPC_ID = "vpc-0a1b2c3d4e5f60718"
# A VPC endpoint that no zone account owns (17 hex digits, as AWS and moto write them).
FOREIGN_VPC_ENDPOINT = "vpce-0f0f0f0f0f0f0f0f0"
# A CloudFront origin access identity that no zone account owns.
FOREIGN_OAI_ID = "E2FOREIGN0OAI1"

NO_BPA = {
    "block_public_acls": False,
    "ignore_public_acls": False,
    "block_public_policy": False,
    "restrict_public_buckets": False,
}

CLIENT_CONFIG = Config(
    retries={"max_attempts": 1, "mode": "standard"},
    s3={"addressing_style": "path"},
    connect_timeout=5,
    read_timeout=30,
)


def bpa(**on):
    """Block Public Access settings in the manifest's (snake_case) form; unnamed flags are off."""
    unknown = set(on) - set(NO_BPA)
    if unknown:
        raise ValueError(f"unknown Block Public Access flags {sorted(unknown)}")
    return {**NO_BPA, **on}


def bpa_api(settings):
    return {
        "BlockPublicAcls": settings["block_public_acls"],
        "IgnorePublicAcls": settings["ignore_public_acls"],
        "BlockPublicPolicy": settings["block_public_policy"],
        "RestrictPublicBuckets": settings["restrict_public_buckets"],
    }


def bpa_from_api(api):
    return {
        "block_public_acls": api.get("BlockPublicAcls", False),
        "ignore_public_acls": api.get("IgnorePublicAcls", False),
        "block_public_policy": api.get("BlockPublicPolicy", False),
        "restrict_public_buckets": api.get("RestrictPublicBuckets", False),
    }


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def root(account):
    return f"arn:aws:iam::{account}:root"


def oai_arn(oai_id):
    """The principal ARN of a CloudFront origin access identity, as bucket policies name it."""
    return f"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity {oai_id}"


def sns_default_policy(topic_arn, owner):
    """The policy CreateTopic gives a new topic (AWS's, and moto's): anyone, pinned by
    AWS:SourceOwner to the owner account."""
    return {
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Effect": "Allow",
            "Sid": "__default_statement_ID",
            "Principal": {"AWS": "*"},
            "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                       "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                       "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": owner}},
        }],
    }


def grant(grantee, permission):
    return {"grantee": grantee, "permission": permission}


def canonical(cid):
    return {"type": "CanonicalUser", "id": cid}


def group(uri):
    return {"type": "Group", "uri": uri}


def grant_api(g):
    gr = g["grantee"]
    if gr["type"] == "CanonicalUser":
        grantee = {"Type": "CanonicalUser", "ID": gr["id"]}
    else:
        grantee = {"Type": "Group", "URI": gr["uri"]}
    return {"Grantee": grantee, "Permission": g["permission"]}


def grant_from_api(g):
    gr = g["Grantee"]
    if gr["Type"] == "CanonicalUser":
        grantee = canonical(gr["ID"])
    else:
        grantee = group(gr["URI"])
    return grant(grantee, g["Permission"])


def lambda_zip():
    """A tiny deterministic deployment package, built in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("index.py", date_time=(2020, 1, 1, 0, 0, 0))
        z.writestr(info, "def handler(event, context):\n    return {'statusCode': 200}\n")
    return buf.getvalue()


def expect(what, got, want):
    if got != want:
        raise AssertionError(
            f"read-back mismatch for {what}:\n  wrote {json.dumps(want, sort_keys=True)}\n"
            f"  read  {json.dumps(got, sort_keys=True)}"
        )


def sort_grants(grants):
    return sorted(grants, key=lambda g: json.dumps(g, sort_keys=True))


class Seeder:
    def __init__(self, endpoint):
        self.endpoint = endpoint.rstrip("/")
        self.sessions = {}
        self.clients = {}
        self.accounts = {}  # alias -> manifest account entry
        self.resources = []
        self.supporting = []
        self.rcps = {}
        self.account_bpa = {}
        self.rds_sources = {}  # (alias, region, "db" | "cluster") -> identifier
        self.networks_seen = []  # every VPC and VPC endpoint, default VPCs included
        self.oais = []  # CloudFront origin access identities
        self.org_id = None
        self.calls = 0
        self.zip = lambda_zip()

    # ---- sessions and clients -------------------------------------------------------------

    def _session(self, **creds):
        return boto3.Session(region_name=REGIONS[0], **creds)

    def client(self, alias, service, region=REGIONS[0]):
        key = (alias, service, region)
        if key not in self.clients:
            c = self.sessions[alias].client(
                service, region_name=region, endpoint_url=self.endpoint, config=CLIENT_CONFIG
            )
            c.meta.events.register("before-call", self._count)
            if service == "s3control":
                # S3 Control's endpoint rules prepend "<AccountId>." to the host, also for a custom
                # endpoint; send the request to the plain emulator address instead.
                c.meta.events.register("before-send.s3-control", self._plain_endpoint)
            if service == "lambda":
                c.meta.events.register(
                    "before-call.lambda.AddLayerVersionPermission", self._principal_org_id
                )
            self.clients[key] = c
        return self.clients[key]

    def _count(self, **_kwargs):
        self.calls += 1

    def _plain_endpoint(self, request, **_kwargs):
        url, ep = urlsplit(request.url), urlsplit(self.endpoint)
        if url.netloc != ep.netloc:
            request.url = urlunsplit((ep.scheme, ep.netloc, url.path, url.query, url.fragment))

    @staticmethod
    def _principal_org_id(params, **_kwargs):
        # moto copies the request field OrganizationId into the statement as a top-level key, but
        # turns a field named PrincipalOrgID into the Condition real Lambda writes
        # ({"StringEquals": {"aws:PrincipalOrgID": ...}}). Rename it on the wire.
        body = json.loads(params["body"] or b"{}")
        if "OrganizationId" in body:
            body["PrincipalOrgID"] = body.pop("OrganizationId")
            params["body"] = json.dumps(body).encode()

    # ---- organization ----------------------------------------------------------------------

    def organization(self):
        self.sessions["management"] = self._session(
            aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        caller = self.client("management", "sts").get_caller_identity()["Account"]
        if caller != MANAGEMENT_ACCOUNT:
            raise RuntimeError(f"caller is account {caller}, expected {MANAGEMENT_ACCOUNT}")
        org = self.client("management", "organizations")
        o = org.create_organization(FeatureSet="ALL")["Organization"]
        if o["MasterAccountId"] != MANAGEMENT_ACCOUNT or o["FeatureSet"] != "ALL":
            raise RuntimeError(f"unexpected organization {o}")
        self.org_id = o["Id"]
        root_id = org.list_roots()["Roots"][0]["Id"]
        self.root_id = root_id
        self.ou_ids = {}
        mgmt = org.describe_account(AccountId=MANAGEMENT_ACCOUNT)["Account"]
        self.accounts["management"] = {
            "id": MANAGEMENT_ACCOUNT,
            "name": mgmt["Name"],
            "email": mgmt["Email"],
            "ou_name": None,
            "ou_path": f"{self.org_id}/{root_id}/",
        }
        ou_of = {}
        for ou_name, members in OUS.items():
            ou = org.create_organizational_unit(ParentId=root_id, Name=ou_name)
            self.ou_ids[ou_name] = ou["OrganizationalUnit"]["Id"]
            for alias in members:
                ou_of[alias] = (ou_name, ou["OrganizationalUnit"]["Id"])
        for alias in MEMBERS:
            status = org.create_account(Email=f"{alias}@example.com", AccountName=alias)[
                "CreateAccountStatus"
            ]
            if status.get("State") != "SUCCEEDED" or not status.get("AccountId"):
                status = org.describe_create_account_status(CreateAccountRequestId=status["Id"])[
                    "CreateAccountStatus"
                ]
            if status["State"] != "SUCCEEDED":
                raise RuntimeError(f"CreateAccount {alias} did not succeed: {status}")
            account_id = status["AccountId"]
            ou_name, ou_id = ou_of[alias]
            org.move_account(
                AccountId=account_id, SourceParentId=root_id, DestinationParentId=ou_id
            )
            self.accounts[alias] = {
                "id": account_id,
                "name": alias,
                "email": f"{alias}@example.com",
                "ou_name": ou_name,
                "ou_path": f"{self.org_id}/{root_id}/{ou_id}/",
            }
            creds = self.client("management", "sts").assume_role(
                RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE_NAME}",
                RoleSessionName="perimeter-demo-seed",
            )["Credentials"]
            self.sessions[alias] = self._session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
            )
            got = self.client(alias, "sts").get_caller_identity()["Account"]
            if got != account_id:
                raise RuntimeError(f"assumed role in {alias} acts as {got}, not {account_id}")

    # ---- resource control policies ---------------------------------------------------------

    def resource_controls(self):
        """Enables RCPs on the root and attaches two (semantics.md section 8): an identity
        perimeter on the Infrastructure OU (it blocks the outsiders' S3, KMS, SQS, STS, Secrets
        Manager and ECR access to `shared`'s resources, but not Lambda's, SNS's, EFS's, EC2's or
        RDS's, which RCPs do not govern, nor kms:RetireGrant, nor AWS services), and a TLS-only
        RCP on the `dev` account (it narrows dev's S3 findings and nothing else). AWS attaches
        RCPFullAWSAccess everywhere by itself."""
        org = self.client("management", "organizations")
        org.enable_policy_type(RootId=self.root_id, PolicyType="RESOURCE_CONTROL_POLICY")
        documents = {
            "demo-identity-perimeter": (self.ou_ids["Infrastructure"], {
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
                    "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "ecr:*",
                               "sts:AssumeRole"],
                    "Resource": "*",
                    "Condition": {
                        "StringNotEqualsIfExists": {"aws:PrincipalOrgID": self.org_id},
                        "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                    },
                }],
            }),
            "demo-tls-only": (self.id("dev"), {
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "EnforceSecureTransport", "Effect": "Deny", "Principal": "*",
                    "Action": "s3:*", "Resource": "*",
                    "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
                }],
            }),
        }
        for name, (target, document) in documents.items():
            p = org.create_policy(Content=json.dumps(document), Description=f"perimeter demo: {name}",
                                  Name=name, Type="RESOURCE_CONTROL_POLICY")["Policy"]["PolicySummary"]
            org.attach_policy(PolicyId=p["Id"], TargetId=target)
            self.rcps[name] = {"id": p["Id"], "targets": [target], "document": document}

    def _verify_resource_controls(self):
        org = self.client("management", "organizations")
        types = org.list_roots()["Roots"][0]["PolicyTypes"]
        expect("root policy types", types, [{"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"}])
        for name, r in self.rcps.items():
            got = org.describe_policy(PolicyId=r["id"])["Policy"]
            expect(f"RCP {name} name", got["PolicySummary"]["Name"], name)
            expect(f"RCP {name} document", json.loads(got["Content"]), r["document"])
            targets = [t["TargetId"] for t in org.list_targets_for_policy(PolicyId=r["id"])["Targets"]]
            expect(f"RCP {name} targets", targets, r["targets"])

    def id(self, alias):
        return self.accounts[alias]["id"]

    def arn_of(self, key):
        (arn,) = [r["arn"] for r in self.resources if r["key"] == key]
        return arn

    def add(self, alias, region, rtype, name, arn, written, created_by="seeder"):
        self.resources.append(
            {
                "key": f"{alias}/{region}/{name}",
                "account": alias,
                "account_id": self.id(alias),
                "region": region,
                "type": rtype,
                "arn": arn,
                "name": name,
                "created_by": created_by,
                "written": written,
            }
        )

    # ---- networks ---------------------------------------------------------------------------

    def network(self, alias, region, rtype, name, net_id, created_by="seeder", **fields):
        kind = "vpc" if rtype == "AWS::EC2::VPC" else "vpc-endpoint"
        self.networks_seen.append({
            "key": f"{alias}/{region}/{name}",
            "account": alias,
            "account_id": self.id(alias),
            "region": region,
            "type": rtype,
            "id": net_id,
            "arn": f"arn:aws:ec2:{region}:{self.id(alias)}:{kind}/{net_id}",
            "name": name,
            "created_by": created_by,
            **fields,
        })
        return net_id

    def network_id(self, key):
        (net_id,) = [n["id"] for n in self.networks_seen if n["key"] == key]
        return net_id

    def networks(self):
        """Records the default VPC moto gives every account and region (as AWS does; key
        `<alias>/<region>/default-vpc`), then makes one VPC with an S3 gateway endpoint in
        `shared` (us-east-1): the zone network that dev's `dev-partner-via-shared-vpce` admits.
        The scan reads every zone account's VPCs and VPC endpoints (semantics.md section 6, "Own
        networks"), so the manifest lists them all, under `networks`."""
        for alias in self.accounts:
            for region in REGIONS:
                (vpc,) = self.client(alias, "ec2", region).describe_vpcs(
                    Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
                self.network(alias, region, "AWS::EC2::VPC", "default-vpc", vpc["VpcId"],
                             created_by="moto:default-vpc", cidr_block=vpc["CidrBlock"],
                             is_default=True)
        ec2 = self.client("shared", "ec2", "us-east-1")
        cidr = "10.20.0.0/16"
        vpc_id = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "shared-vpc"}]}],
        )["Vpc"]["VpcId"]
        self.network("shared", "us-east-1", "AWS::EC2::VPC", "shared-vpc", vpc_id,
                     cidr_block=cidr, is_default=False)
        service = "com.amazonaws.us-east-1.s3"
        endpoint_id = ec2.create_vpc_endpoint(
            VpcId=vpc_id, ServiceName=service, VpcEndpointType="Gateway",
            TagSpecifications=[{"ResourceType": "vpc-endpoint",
                                "Tags": [{"Key": "Name", "Value": "shared-s3-gateway"}]}],
        )["VpcEndpoint"]["VpcEndpointId"]
        self.network("shared", "us-east-1", "AWS::EC2::VPCEndpoint", "shared-s3-gateway",
                     endpoint_id, vpc_id=vpc_id, service_name=service,
                     vpc_endpoint_type="Gateway")

    # ---- CloudFront origin access identities -------------------------------------------------

    def origin_access_identity(self, alias, name, comment):
        """Creates an origin access identity (CallerReference = name; the launcher implements
        the call, moto has none). The ID and S3 canonical user ID are CloudFront's (random)."""
        out = self.client(alias, "cloudfront").create_cloud_front_origin_access_identity(
            CloudFrontOriginAccessIdentityConfig={"CallerReference": name, "Comment": comment}
        )["CloudFrontOriginAccessIdentity"]
        self.oais.append({
            "key": f"{alias}/global/{name}",
            "account": alias,
            "account_id": self.id(alias),
            "id": out["Id"],
            "arn": oai_arn(out["Id"]),
            "s3_canonical_user_id": out["S3CanonicalUserId"],
            "caller_reference": name,
            "comment": comment,
        })
        return self.oais[-1]

    def cloudfront(self):
        # prod's: the identity that prod's `prod-own-oai-origin` admits, so inside the zone.
        self.origin_access_identity("prod", "prod-oai", "perimeter demo: prod's CloudFront origin")

    # ---- S3 ---------------------------------------------------------------------------------

    def bucket(
        self,
        alias,
        region,
        name,
        *,
        policy_doc=None,
        acl_grants=None,
        ownership_at_create=None,
        ownership_after=None,
        bucket_bpa=None,
        access_points=(),
    ):
        """Creates a bucket and writes, in this order: policy, ACL, Object Ownership, Block Public
        Access, access points (each with its own Block Public Access and policy)."""
        s3 = self.client(alias, "s3", region)
        create = {"Bucket": name}
        if region != "us-east-1":
            create["CreateBucketConfiguration"] = {"LocationConstraint": region}
        if ownership_at_create:
            create["ObjectOwnership"] = ownership_at_create
        s3.create_bucket(**create)
        if policy_doc is not None:
            s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy_doc))
        acl = None
        if acl_grants is not None:
            owner = s3.get_bucket_acl(Bucket=name)["Owner"]
            grants = [grant(canonical(owner["ID"]), "FULL_CONTROL")] + list(acl_grants)
            s3.put_bucket_acl(
                Bucket=name,
                AccessControlPolicy={
                    "Owner": owner,
                    "Grants": [grant_api(g) for g in grants],
                },
            )
            acl = {"owner_id": owner["ID"], "grants": grants}
        if ownership_after:
            s3.put_bucket_ownership_controls(
                Bucket=name,
                OwnershipControls={"Rules": [{"ObjectOwnership": ownership_after}]},
            )
        if bucket_bpa is not None:
            s3.put_public_access_block(
                Bucket=name, PublicAccessBlockConfiguration=bpa_api(bucket_bpa)
            )
        aps = []
        for ap in access_points:
            s3c = self.client(alias, "s3control", region)
            req = {
                "AccountId": self.id(alias),
                "Name": ap["name"],
                "Bucket": name,
                "PublicAccessBlockConfiguration": bpa_api(ap["block_public_access"]),
            }
            if ap.get("vpc_id"):
                req["VpcConfiguration"] = {"VpcId": ap["vpc_id"]}
            arn = s3c.create_access_point(**req)["AccessPointArn"]
            ap_policy = ap["policy"](arn)
            s3c.put_access_point_policy(
                AccountId=self.id(alias), Name=ap["name"], Policy=json.dumps(ap_policy)
            )
            aps.append(
                {
                    "name": ap["name"],
                    "arn": arn,
                    "account_id": self.id(alias),
                    "policy": ap_policy,
                    "network_origin": "VPC" if ap.get("vpc_id") else "Internet",
                    "vpc_id": ap.get("vpc_id"),
                    "block_public_access": ap["block_public_access"],
                }
            )
        self.add(
            alias,
            region,
            "AWS::S3::Bucket",
            name,
            f"arn:aws:s3:::{name}",
            {
                "policy": policy_doc,
                "acl": acl,
                "block_public_access": bucket_bpa,
                "object_ownership": ownership_after or ownership_at_create,
                "access_points": aps,
            },
        )

    def account_block_public_access(self, alias, settings):
        self.client(alias, "s3control").put_public_access_block(
            AccountId=self.id(alias), PublicAccessBlockConfiguration=bpa_api(settings)
        )
        self.account_bpa[alias] = settings

    def s3(self):
        prod, dev = self.id("prod"), self.id("dev")
        org = self.org_id

        def objects(b):
            return f"arn:aws:s3:::{b}/*"

        def bucket_arn(b):
            return f"arn:aws:s3:::{b}"

        # management
        b = "mgmt-org-fenced-deny"
        self.bucket("management", "us-east-1", b, policy_doc=policy(
            {"Sid": "AllowEveryone", "Effect": "Allow", "Principal": "*",
             "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [bucket_arn(b), objects(b)]},
            {"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*",
             "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [bucket_arn(b), objects(b)],
             "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": org}}},
        ))
        b = "mgmt-cloudtrail-org-logs"
        self.bucket("management", "eu-west-1", b, policy_doc=policy(
            {"Sid": "CloudTrailAclCheck", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": ["s3:GetBucketAcl"], "Resource": bucket_arn(b)},
            {"Sid": "CloudTrailWriteForOrg", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": ["s3:PutObject"], "Resource": f"arn:aws:s3:::{b}/AWSLogs/*",
             "Condition": {"StringEquals": {"aws:SourceOrgID": org}}},
        ))

        # prod
        b = "prod-public-read-policy"
        self.bucket("prod", "us-east-1", b, policy_doc=policy(
            {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
             "Action": ["s3:GetObject"], "Resource": objects(b)},
        ))
        b = "prod-cross-account-policy"
        self.bucket("prod", "eu-west-1", b, policy_doc=policy(
            {"Sid": "PartnerRead", "Effect": "Allow",
             "Principal": {"AWS": [root(FOREIGN_ACCOUNT),
                                   f"arn:aws:iam::{FOREIGN_ACCOUNT_2}:role/auditor"]},
             "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": [bucket_arn(b), objects(b)]},
        ))
        self.bucket("prod", "us-east-1", "prod-public-acl-read",
                    ownership_at_create="ObjectWriter",
                    acl_grants=[grant(group(ALL_USERS), "READ")])
        self.bucket("prod", "eu-west-1", "prod-public-acl-ignored",
                    ownership_at_create="ObjectWriter",
                    acl_grants=[grant(group(ALL_USERS), "READ")],
                    bucket_bpa=bpa(ignore_public_acls=True))
        b = "prod-restrict-public-buckets"
        self.bucket("prod", "us-east-1", b, policy_doc=policy(
            {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
             "Action": ["s3:GetObject"], "Resource": objects(b)},
            {"Sid": "PartnerList", "Effect": "Allow", "Principal": {"AWS": root(FOREIGN_ACCOUNT_2)},
             "Action": ["s3:ListBucket"], "Resource": bucket_arn(b)},
        ), bucket_bpa=bpa(restrict_public_buckets=True))

        def delegate_to(account, b):
            return policy(
                {"Sid": "DelegateToAccessPoints", "Effect": "Allow", "Principal": "*",
                 "Action": ["s3:GetObject", "s3:ListBucket"],
                 "Resource": [bucket_arn(b), objects(b)],
                 "Condition": {"StringEquals": {"s3:DataAccessPointAccount": account}}},
            )

        def ap_public_read(arn):
            return policy(
                {"Sid": "AnyoneReads", "Effect": "Allow", "Principal": "*",
                 "Action": ["s3:GetObject"], "Resource": f"{arn}/object/*"},
            )

        b = "prod-ap-internet"
        self.bucket("prod", "us-east-1", b, policy_doc=delegate_to(prod, b), access_points=[
            {"name": "prod-public-ap", "block_public_access": bpa(), "policy": ap_public_read},
        ])
        b = "prod-ap-vpc"
        self.bucket("prod", "us-east-1", b, policy_doc=delegate_to(prod, b), access_points=[
            {"name": "prod-vpc-ap", "vpc_id": VPC_ID, "block_public_access": bpa(),
             "policy": ap_public_read},
        ])
        b = "prod-delegate-foreign-ap-restricted"
        self.bucket("prod", "eu-west-1", b, policy_doc=policy(
            {"Sid": "DelegateToPartnerAccessPoints", "Effect": "Allow", "Principal": "*",
             "Action": ["s3:GetObject"], "Resource": objects(b),
             "Condition": {"StringEquals": {"s3:DataAccessPointAccount": FOREIGN_ACCOUNT}}},
        ), bucket_bpa=bpa(restrict_public_buckets=True))
        # Anyone, but only through a VPC endpoint that no zone account owns: pinned by a fixed
        # endpoint, so cross-account, not public (semantics.md section 5).
        b = "prod-anyone-foreign-vpce"
        self.bucket("prod", "us-east-1", b, policy_doc=policy(
            {"Sid": "AnyoneThroughPartnerEndpoint", "Effect": "Allow", "Principal": "*",
             "Action": ["s3:GetObject"], "Resource": objects(b),
             "Condition": {"StringEquals": {"aws:SourceVpce": FOREIGN_VPC_ENDPOINT}}},
        ))
        # prod's own origin access identity (seeded by cloudfront(), which runs first), once by
        # its ARN and once by its S3 canonical user ID: both inside the zone.
        (oai,) = [o for o in self.oais if o["key"] == "prod/global/prod-oai"]
        b = "prod-own-oai-origin"
        self.bucket("prod", "eu-west-1", b, policy_doc=policy(
            {"Sid": "OwnOaiReadsByArn", "Effect": "Allow", "Principal": {"AWS": oai["arn"]},
             "Action": ["s3:GetObject"], "Resource": objects(b)},
            {"Sid": "OwnOaiReadsByCanonicalId", "Effect": "Allow",
             "Principal": {"CanonicalUser": oai["s3_canonical_user_id"]},
             "Action": ["s3:GetObject"], "Resource": objects(b)},
        ))

        # dev
        b = "dev-internal-member-policy"
        self.bucket("dev", "us-east-1", b, policy_doc=policy(
            {"Sid": "ProdReads", "Effect": "Allow", "Principal": {"AWS": root(prod)},
             "Action": ["s3:GetObject"], "Resource": objects(b)},
        ))
        b = "dev-internal-org-policy"
        self.bucket("dev", "eu-west-1", b, policy_doc=policy(
            {"Sid": "OrgReads", "Effect": "Allow", "Principal": "*",
             "Action": ["s3:GetObject"], "Resource": objects(b),
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": org}}},
        ))
        self.bucket("dev", "us-east-1", "dev-authenticated-users-acl",
                    ownership_at_create="ObjectWriter",
                    acl_grants=[grant(group(AUTHENTICATED_USERS), "WRITE")])
        self.bucket("dev", "eu-west-1", "dev-foreign-canonical-acl",
                    ownership_at_create="BucketOwnerPreferred",
                    acl_grants=[grant(canonical(FOREIGN_CANONICAL_ID), "FULL_CONTROL")])
        self.bucket("dev", "us-east-1", "dev-acl-owner-enforced",
                    ownership_at_create="ObjectWriter",
                    acl_grants=[grant(group(ALL_USERS), "READ"),
                                grant(canonical(FOREIGN_CANONICAL_ID), "READ")],
                    ownership_after="BucketOwnerEnforced")
        b = "dev-delegate-foreign-ap"
        self.bucket("dev", "us-east-1", b, policy_doc=policy(
            {"Sid": "DelegateToPartnerAccessPoints", "Effect": "Allow", "Principal": "*",
             "Action": ["s3:GetObject"], "Resource": objects(b),
             "Condition": {"StringEquals": {"s3:DataAccessPointAccount": FOREIGN_ACCOUNT}}},
        ))
        # A foreign account, only through shared's S3 gateway endpoint (seeded by networks(), which
        # runs first): still a finding (a network pins, it does not make the access internal),
        # whose condition names a zone network (semantics.md section 6, "Own networks").
        b = "dev-partner-via-shared-vpce"
        self.bucket("dev", "us-east-1", b, policy_doc=policy(
            {"Sid": "PartnerReadsThroughSharedEndpoint", "Effect": "Allow",
             "Principal": {"AWS": root(FOREIGN_ACCOUNT)},
             "Action": ["s3:GetObject"], "Resource": objects(b),
             "Condition": {"StringEquals": {
                 "aws:SourceVpce": self.network_id("shared/us-east-1/shared-s3-gateway")}}},
        ))
        # An origin access identity that no zone account owns: a cross-account finding.
        b = "dev-foreign-oai-origin"
        self.bucket("dev", "eu-west-1", b, policy_doc=policy(
            {"Sid": "PartnerCloudFrontReads", "Effect": "Allow",
             "Principal": {"AWS": oai_arn(FOREIGN_OAI_ID)},
             "Action": ["s3:GetObject"], "Resource": objects(b)},
        ))
        _ = dev

        # shared: buckets first, then the account-level Block Public Access over all of them
        b = "shared-acct-bpa-public-policy"
        self.bucket("shared", "us-east-1", b, policy_doc=policy(
            {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
             "Action": ["s3:GetObject"], "Resource": objects(b)},
        ))
        self.bucket("shared", "us-east-1", "shared-acct-bpa-acl",
                    ownership_at_create="ObjectWriter",
                    acl_grants=[grant(group(ALL_USERS), "READ"),
                                grant(canonical(FOREIGN_CANONICAL_ID), "READ_ACP")])
        b = "shared-acct-bpa-cross-account-policy"
        self.bucket("shared", "eu-west-1", b, policy_doc=policy(
            {"Sid": "PartnerReadWrite", "Effect": "Allow",
             "Principal": {"AWS": root(FOREIGN_ACCOUNT_2)},
             "Action": ["s3:GetObject", "s3:PutObject"], "Resource": objects(b)},
        ))
        self.account_block_public_access(
            "shared", bpa(ignore_public_acls=True, restrict_public_buckets=True)
        )

    # ---- IAM --------------------------------------------------------------------------------

    def role(self, alias, name, trust, description):
        iam = self.client(alias, "iam")
        arn = iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Description=description
        )["Role"]["Arn"]
        self.add(alias, "global", "AWS::IAM::Role", name, arn, {"trust_policy": trust})
        return arn

    def iam(self):
        prod, dev, shared = self.id("prod"), self.id("dev"), self.id("shared")
        lambda_trust = policy(
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
             "Action": "sts:AssumeRole"},
        )
        for alias in ("prod", "dev"):
            self.role(alias, "lambda-exec", lambda_trust, "execution role of the demo functions")
        self.role("prod", "trust-foreign-account-externalid", policy(
            {"Sid": "VendorAssumes", "Effect": "Allow", "Principal": {"AWS": root(FOREIGN_ACCOUNT)},
             "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}},
        ), "a vendor account assumes it with an external ID")
        # A monitoring vendor's integration role: Datadog's account as the community list of known
        # AWS accounts (fwdcloudsec/known_aws_accounts) names it, so the report labels it.
        self.role("prod", "trust-datadog-integration", policy(
            {"Sid": "DatadogIntegration", "Effect": "Allow", "Principal": {"AWS": root(DATADOG_ACCOUNT)},
             "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}},
        ), "Datadog's AWS integration assumes it with an external ID")
        self.role("prod", "trust-member-account", policy(
            {"Sid": "SharedAssumes", "Effect": "Allow", "Principal": {"AWS": root(shared)},
             "Action": "sts:AssumeRole"},
        ), "another member account assumes it")
        provider = self.client("dev", "iam").create_open_id_connect_provider(
            Url=f"https://{GITHUB_OIDC_HOST}",
            ClientIDList=["sts.amazonaws.com"],
            ThumbprintList=[GITHUB_THUMBPRINT],
        )["OpenIDConnectProviderArn"]
        expected = f"arn:aws:iam::{dev}:oidc-provider/{GITHUB_OIDC_HOST}"
        if provider != expected:
            raise RuntimeError(f"OIDC provider ARN {provider}, expected {expected}")
        self.supporting.append({"account": "dev", "region": "global",
                                "type": "AWS::IAM::OIDCProvider", "arn": provider})
        self.role("dev", "github-oidc-aud-only", policy(
            {"Sid": "GitHubActions", "Effect": "Allow", "Principal": {"Federated": provider},
             "Action": "sts:AssumeRoleWithWebIdentity",
             "Condition": {"StringEquals": {f"{GITHUB_OIDC_HOST}:aud": "sts.amazonaws.com"}}},
        ), "GitHub Actions, audience only: any repository on GitHub")
        self.role("dev", "github-oidc-fixed-sub", policy(
            {"Sid": "GitHubActionsMainBranch", "Effect": "Allow",
             "Principal": {"Federated": provider},
             "Action": "sts:AssumeRoleWithWebIdentity",
             "Condition": {"StringEquals": {
                 f"{GITHUB_OIDC_HOST}:aud": "sts.amazonaws.com",
                 f"{GITHUB_OIDC_HOST}:sub": "repo:example-org/infra:ref:refs/heads/main"}}},
        ), "GitHub Actions, one repository and branch")
        self.role("shared", "trust-anyone", policy(
            {"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
        ), "anyone may assume it")
        _ = prod
        # The role CreateAccount made in every member: scanned too, so listed (never written here).
        for alias in MEMBERS:
            role = self.client(alias, "iam").get_role(RoleName=ROLE_NAME)["Role"]
            self.add(alias, "global", "AWS::IAM::Role", ROLE_NAME, role["Arn"],
                     {"trust_policy": role["AssumeRolePolicyDocument"]},
                     created_by="organizations:CreateAccount")

    # ---- KMS --------------------------------------------------------------------------------

    def key(self, alias, region, name, statements, grants=()):
        kms = self.client(alias, "kms", region)
        doc = policy(
            {"Sid": "EnableIamPolicies", "Effect": "Allow", "Principal": {"AWS": root(self.id(alias))},
             "Action": "kms:*", "Resource": "*"},
            *statements,
        )
        meta = kms.create_key(Policy=json.dumps(doc), Description=name)["KeyMetadata"]
        kms.create_alias(AliasName=f"alias/{name}", TargetKeyId=meta["KeyId"])
        written_grants = []
        for g in grants:
            req = {"KeyId": meta["KeyId"], "Name": g["name"],
                   "GranteePrincipal": g["grantee_principal"], "Operations": g["operations"]}
            if g.get("retiring_principal"):
                req["RetiringPrincipal"] = g["retiring_principal"]
            if g.get("constraints"):
                req["Constraints"] = g["constraints"]
            grant_id = kms.create_grant(**req)["GrantId"]
            written_grants.append({"grant_id": grant_id, "name": g["name"],
                                   "grantee_principal": g["grantee_principal"],
                                   "retiring_principal": g.get("retiring_principal"),
                                   "operations": g["operations"],
                                   "constraints": g.get("constraints")})
        self.add(alias, region, "AWS::KMS::Key", name, meta["Arn"],
                 {"key_id": meta["KeyId"], "alias": f"alias/{name}", "policy": doc,
                  "grants": written_grants})

    def kms(self):
        prod, dev = self.id("prod"), self.id("dev")
        self.key("prod", "us-east-1", "key-cross-account-policy", [
            {"Sid": "PartnerDecrypts", "Effect": "Allow", "Principal": {"AWS": root(FOREIGN_ACCOUNT)},
             "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"},
        ])
        self.key("prod", "eu-west-1", "key-caller-account-internal", [
            {"Sid": "DevAccountUses", "Effect": "Allow", "Principal": {"AWS": "*"},
             "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], "Resource": "*",
             "Condition": {"StringEquals": {"kms:CallerAccount": dev}}},
        ])
        self.key("dev", "us-east-1", "key-via-service-anyone", [
            {"Sid": "AnyoneThroughS3", "Effect": "Allow", "Principal": {"AWS": "*"},
             "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}},
        ])
        self.key("dev", "eu-west-1", "key-grant-foreign-role", [], grants=[
            {"name": "partner-decrypt",
             "grantee_principal": f"arn:aws:iam::{FOREIGN_ACCOUNT}:role/partner-decrypt",
             "operations": ["Decrypt", "GenerateDataKey"],
             "constraints": {"EncryptionContextEquals": {"project": "alpha"}}},
        ])
        self.key("shared", "us-east-1", "key-grant-member-role", [], grants=[
            {"name": "prod-lambda",
             "grantee_principal": f"arn:aws:iam::{prod}:role/lambda-exec",
             "operations": ["Decrypt", "Encrypt"]},
        ])
        self.key("shared", "eu-west-1", "key-grant-retiring-outside", [], grants=[
            {"name": "dev-lambda-retired-by-partner",
             "grantee_principal": f"arn:aws:iam::{dev}:role/lambda-exec",
             "retiring_principal": f"arn:aws:iam::{FOREIGN_ACCOUNT_2}:role/grant-retirer",
             "operations": ["Decrypt"]},
        ])

    # ---- Lambda -----------------------------------------------------------------------------

    def function(self, alias, region, name, permissions=(), url_auth_type=None):
        lam = self.client(alias, "lambda", region)
        arn = lam.create_function(
            FunctionName=name, Runtime="python3.12", Handler="index.handler",
            Role=f"arn:aws:iam::{self.id(alias)}:role/lambda-exec",
            Code={"ZipFile": self.zip}, Publish=False,
        )["FunctionArn"]
        url = None
        if url_auth_type:
            lam.create_function_url_config(FunctionName=name, AuthType=url_auth_type)
            url = {"auth_type": url_auth_type}
        written = []
        for p in permissions:
            req = {"FunctionName": name, "StatementId": p["statement_id"],
                   "Principal": p["principal"], "Action": p["action"]}
            for field, api in (("source_account", "SourceAccount"), ("source_arn", "SourceArn"),
                               ("function_url_auth_type", "FunctionUrlAuthType")):
                if p.get(field):
                    req[api] = p[field]
            lam.add_permission(**req)
            written.append(dict(p))
        self.add(alias, region, "AWS::Lambda::Function", name, arn,
                 {"runtime": "python3.12", "permissions": written, "url": url})

    def layer(self, alias, region, name, permissions):
        lam = self.client(alias, "lambda", region)
        out = lam.publish_layer_version(
            LayerName=name, Content={"ZipFile": self.zip}, CompatibleRuntimes=["python3.12"]
        )
        version = out["Version"]
        written = []
        for p in permissions:
            req = {"LayerName": name, "VersionNumber": version, "StatementId": p["statement_id"],
                   "Principal": p["principal"], "Action": p["action"]}
            if p.get("organization_id"):
                req["OrganizationId"] = p["organization_id"]
            lam.add_layer_version_permission(**req)
            written.append(dict(p))
        self.add(alias, region, "AWS::Lambda::LayerVersion", name, out["LayerVersionArn"],
                 {"layer_name": name, "version": version, "permissions": written})

    def lambdas(self):
        prod = self.id("prod")
        self.function("prod", "us-east-1", "fn-invoke-foreign-account", [
            {"statement_id": "PartnerInvokes", "principal": root(FOREIGN_ACCOUNT),
             "action": "lambda:InvokeFunction"},
        ])
        self.function("prod", "us-east-1", "fn-s3-trigger-foreign-source", [
            {"statement_id": "PartnerBucketNotifies", "principal": "s3.amazonaws.com",
             "action": "lambda:InvokeFunction", "source_account": FOREIGN_ACCOUNT_2},
        ])
        self.function("prod", "eu-west-1", "fn-s3-trigger-own-source", [
            {"statement_id": "OwnBucketNotifies", "principal": "s3.amazonaws.com",
             "action": "lambda:InvokeFunction", "source_account": prod},
        ])
        # moto stores FunctionUrlAuthType as a top-level statement key, not as a Condition; see
        # the fixture README for the exact read-back.
        self.function("dev", "us-east-1", "fn-url-public", [
            {"statement_id": "FunctionURLAllowPublicAccess", "principal": "*",
             "action": "lambda:InvokeFunctionUrl", "function_url_auth_type": "NONE"},
        ], url_auth_type="NONE")
        self.function("dev", "eu-west-1", "fn-url-iam", [
            {"statement_id": "FunctionURLAllowPublicAccess", "principal": "*",
             "action": "lambda:InvokeFunctionUrl", "function_url_auth_type": "NONE"},
        ], url_auth_type="AWS_IAM")

        self.layer("shared", "us-east-1", "layer-public", [
            {"statement_id": "Everyone", "principal": "*", "action": "lambda:GetLayerVersion"},
        ])
        self.layer("shared", "us-east-1", "layer-foreign-account", [
            {"statement_id": "Partner", "principal": root(FOREIGN_ACCOUNT),
             "action": "lambda:GetLayerVersion"},
        ])
        self.layer("shared", "eu-west-1", "layer-org-only", [
            {"statement_id": "OwnOrganization", "principal": "*",
             "action": "lambda:GetLayerVersion", "organization_id": self.org_id},
        ])
        self.layer("shared", "eu-west-1", "layer-foreign-org", [
            {"statement_id": "PartnerOrganization", "principal": "*",
             "action": "lambda:GetLayerVersion", "organization_id": FOREIGN_ORG_ID},
        ])

    # ---- SQS --------------------------------------------------------------------------------

    def queue(self, alias, region, name, statements):
        arn = f"arn:aws:sqs:{region}:{self.id(alias)}:{name}"
        doc = policy(*[{**s, "Resource": arn} for s in statements])
        url = self.client(alias, "sqs", region).create_queue(
            QueueName=name, Attributes={"Policy": json.dumps(doc)}
        )["QueueUrl"]
        self.add(alias, region, "AWS::SQS::Queue", name, arn, {"url": url, "policy": doc})

    def sqs(self):
        topic = self.arn_of("dev/us-east-1/dev-events")  # seeded by sns(), which runs first
        # Every statement has a Sid (moto's SQS AddPermission fails on one without).
        self.queue("management", "us-east-1", "queue-public-send", [
            {"Sid": "AnyoneSends", "Effect": "Allow", "Principal": "*",
             "Action": "sqs:SendMessage"},
        ])
        self.queue("prod", "eu-west-1", "queue-cross-account", [
            {"Sid": "PartnerConsumes", "Effect": "Allow", "Principal": {"AWS": root(FOREIGN_ACCOUNT)},
             "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]},
        ])
        self.queue("dev", "us-east-1", "queue-sns-own-topic", [
            {"Sid": "OwnTopicSends", "Effect": "Allow", "Principal": "*",
             "Action": "sqs:SendMessage",
             "Condition": {"ArnEquals": {"aws:SourceArn": topic}}},
        ])
        self.queue("shared", "eu-west-1", "queue-sns-foreign-topic", [
            {"Sid": "PartnerTopicSends", "Effect": "Allow",
             "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
             "Condition": {"ArnEquals": {
                 "aws:SourceArn": f"arn:aws:sns:eu-west-1:{FOREIGN_ACCOUNT}:partner-events"}}},
        ])

    # ---- Secrets Manager ---------------------------------------------------------------------

    def secret(self, alias, region, name, statements, block_public_policy=False):
        """Creates a secret and puts its resource policy. Secrets Manager statements name their
        Resource ("*": the secret the policy is attached to). BlockPublicPolicy is sent as False
        (AWS's default too), so that real Secrets Manager would also accept the public one."""
        sm = self.client(alias, "secretsmanager", region)
        arn = sm.create_secret(Name=name, SecretString="perimeter-demo")["ARN"]
        doc = policy(*[{**s, "Resource": "*"} for s in statements])
        sm.put_resource_policy(SecretId=arn, ResourcePolicy=json.dumps(doc),
                               BlockPublicPolicy=block_public_policy)
        self.add(alias, region, "AWS::SecretsManager::Secret", name, arn, {"policy": doc})

    def secrets(self):
        self.secret("prod", "us-east-1", "secret-public-read", [
            {"Sid": "AnyoneReads", "Effect": "Allow", "Principal": "*",
             "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]},
        ])
        # A wildcard action: of what secretsmanager:Get* matches, GetRandomPassword applies to no
        # secret (no resource type in the catalog), so only GetResourcePolicy and GetSecretValue
        # are granted on this secret.
        self.secret("shared", "eu-west-1", "secret-cross-account-role", [
            {"Sid": "PartnerAppReads", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{FOREIGN_ACCOUNT}:role/partner-app"},
             "Action": "secretsmanager:Get*"},
        ])
        self.secret("dev", "eu-west-1", "secret-org-only", [
            {"Sid": "OrgReads", "Effect": "Allow", "Principal": "*",
             "Action": "secretsmanager:GetSecretValue",
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org_id}}},
        ])

    # ---- SNS --------------------------------------------------------------------------------

    def topic(self, alias, region, name, statements=None):
        """Creates a topic; with statements, replaces its default policy (SetTopicAttributes
        Policy, every statement's Resource the topic). Without, the topic keeps the default policy
        CreateTopic writes, which the manifest records as sns_default_policy() spells it."""
        sns = self.client(alias, "sns", region)
        arn = sns.create_topic(Name=name)["TopicArn"]
        if statements is None:
            doc, default = sns_default_policy(arn, self.id(alias)), True
        else:
            doc, default = policy(*[{**s, "Resource": arn} for s in statements]), False
            sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy",
                                     AttributeValue=json.dumps(doc))
        self.add(alias, region, "AWS::SNS::Topic", name, arn,
                 {"policy": doc, "default_policy": default})
        return arn

    def sns(self):
        # Only the default policy (anyone, AWS:SourceOwner = dev): internal. It is also the topic
        # that dev's queue-sns-own-topic lets send.
        self.topic("dev", "us-east-1", "dev-events")
        self.topic("shared", "us-east-1", "topic-public-publish", [
            {"Sid": "AnyonePublishesAndSubscribes", "Effect": "Allow", "Principal": "*",
             "Action": ["sns:Publish", "sns:Subscribe"]},
        ])
        self.topic("prod", "eu-west-1", "topic-cross-account-subscribe", [
            {"Sid": "PartnerSubscribes", "Effect": "Allow",
             "Principal": {"AWS": root(FOREIGN_ACCOUNT)},
             "Action": ["sns:Subscribe", "sns:GetTopicAttributes"]},
        ])
        self.topic("dev", "eu-west-1", "topic-member-publish", [
            {"Sid": "SharedPublishes", "Effect": "Allow", "Principal": {"AWS": root(self.id("shared"))},
             "Action": "sns:Publish"},
        ])

    # ---- ECR --------------------------------------------------------------------------------

    def repository(self, alias, region, name, statements):
        """Creates a private repository and sets its repository policy; ECR statements have no
        Resource (they apply to the repository)."""
        ecr = self.client(alias, "ecr", region)
        arn = ecr.create_repository(repositoryName=name)["repository"]["repositoryArn"]
        doc = policy(*statements)
        ecr.set_repository_policy(repositoryName=name, policyText=json.dumps(doc))
        self.add(alias, region, "AWS::ECR::Repository", name, arn, {"policy": doc})

    def ecr(self):
        pull = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        self.repository("dev", "us-east-1", "repo-public-pull", [
            {"Sid": "AnyonePulls", "Effect": "Allow", "Principal": "*", "Action": pull},
        ])
        self.repository("shared", "us-east-1", "repo-cross-account-push", [
            {"Sid": "PartnerCiPushes", "Effect": "Allow", "Principal": {"AWS": root(FOREIGN_ACCOUNT)},
             "Action": ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload",
                        "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"]},
        ])
        self.repository("prod", "eu-west-1", "repo-member-pull", [
            {"Sid": "DevPulls", "Effect": "Allow", "Principal": {"AWS": root(self.id("dev"))},
             "Action": pull},
        ])

    # ---- EFS --------------------------------------------------------------------------------

    def file_system(self, alias, region, name, statements):
        """Creates a file system (creation token and Name tag = name; the ID is EFS's) and puts
        its file system policy, every statement's Resource the file system, as the EFS console
        writes it."""
        efs = self.client(alias, "efs", region)
        fs = efs.create_file_system(CreationToken=name, Tags=[{"Key": "Name", "Value": name}])
        fs_id, arn = fs["FileSystemId"], fs["FileSystemArn"]
        doc = policy(*[{**s, "Resource": arn} for s in statements])
        efs.put_file_system_policy(FileSystemId=fs_id, Policy=json.dumps(doc))
        self.add(alias, region, "AWS::EFS::FileSystem", name, arn,
                 {"file_system_id": fs_id, "creation_token": name, "policy": doc})

    def efs(self):
        # "Enforce in-transit encryption" as the console writes it: caller-chosen, pins nothing.
        self.file_system("shared", "eu-west-1", "fs-public-mount", [
            {"Sid": "AnyoneMountsOverTls", "Effect": "Allow", "Principal": {"AWS": "*"},
             "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
             "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        ])
        self.file_system("prod", "us-east-1", "fs-cross-account-role", [
            {"Sid": "PartnerMountsReadOnly", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{FOREIGN_ACCOUNT}:role/partner-mount"},
             "Action": "elasticfilesystem:ClientMount"},
        ])
        self.file_system("dev", "us-east-1", "fs-org-mount", [
            {"Sid": "OrgMounts", "Effect": "Allow", "Principal": {"AWS": "*"},
             "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite",
                        "elasticfilesystem:ClientRootAccess"],
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org_id}}},
        ])

    # ---- EBS snapshots ----------------------------------------------------------------------

    def ebs_snapshot(self, alias, region, name, *, groups=(), user_ids=(), kms_key_arn=None):
        """Creates a 1 GiB volume (encrypted with kms_key_arn when given), snapshots it
        (Description and Name tag = name) and adds its createVolumePermission entries, as
        ModifySnapshotAttribute writes them. The volume is kept (a supporting item)."""
        ec2 = self.client(alias, "ec2", region)
        vol = {"Size": 1, "AvailabilityZone": f"{region}a"}
        if kms_key_arn:
            vol.update(Encrypted=True, KmsKeyId=kms_key_arn)
        volume_id = ec2.create_volume(**vol)["VolumeId"]
        snap = ec2.create_snapshot(
            VolumeId=volume_id, Description=name,
            TagSpecifications=[{"ResourceType": "snapshot",
                                "Tags": [{"Key": "Name", "Value": name}]}],
        )
        snapshot_id = snap["SnapshotId"]
        if groups or user_ids:
            req = {"SnapshotId": snapshot_id, "Attribute": "createVolumePermission",
                   "OperationType": "add"}
            if groups:
                req["GroupNames"] = list(groups)
            if user_ids:
                req["UserIds"] = list(user_ids)
            ec2.modify_snapshot_attribute(**req)
        self.supporting.append({"account": alias, "region": region, "type": "AWS::EC2::Volume",
                                "arn": f"arn:aws:ec2:{region}:{self.id(alias)}:volume/{volume_id}"})
        self.add(alias, region, "AWS::EC2::Snapshot", name,
                 f"arn:aws:ec2:{region}:{self.id(alias)}:snapshot/{snapshot_id}",
                 {"snapshot_id": snapshot_id, "encrypted": kms_key_arn is not None,
                  "kms_key_id": kms_key_arn,
                  "create_volume_permissions": [{"group": g} for g in groups]
                  + [{"user_id": u} for u in user_ids]})

    def ebs(self):
        # RCPs do not govern EC2: none of these is blocked, also in `shared`.
        self.ebs_snapshot("shared", "us-east-1", "ebs-snap-public", groups=["all"])
        self.ebs_snapshot("dev", "eu-west-1", "ebs-snap-cross-account", user_ids=[FOREIGN_ACCOUNT])
        # Encrypted with prod's key-cross-account-policy (seeded by kms(), which runs first), the
        # key whose policy lets the same foreign account decrypt: what the grantee needs.
        self.ebs_snapshot("prod", "us-east-1", "ebs-snap-encrypted-cross-account",
                          user_ids=[FOREIGN_ACCOUNT],
                          kms_key_arn=self.arn_of("prod/us-east-1/key-cross-account-policy"))
        self.ebs_snapshot("prod", "eu-west-1", "ebs-snap-member-shared", user_ids=[self.id("dev")])

    # ---- RDS snapshots ----------------------------------------------------------------------

    def _rds_source(self, alias, region, kind):
        """The DB instance (kind "db", engine postgres) or Aurora PostgreSQL cluster (kind
        "cluster") that an account's manual snapshots in a region are taken of, made once, not
        encrypted, and listed as a supporting item. moto also takes an automated snapshot of it
        at creation; that one is not in the manifest (the scan asks for SnapshotType manual)."""
        key = (alias, region, kind)
        if key in self.rds_sources:
            return self.rds_sources[key]
        rds = self.client(alias, "rds", region)
        if kind == "db":
            ident = "demo-db"
            arn = rds.create_db_instance(
                DBInstanceIdentifier=ident, DBInstanceClass="db.t3.micro", Engine="postgres",
                MasterUsername="demo", MasterUserPassword="perimeter-demo-1", AllocatedStorage=20,
            )["DBInstance"]["DBInstanceArn"]
            rtype = "AWS::RDS::DBInstance"
        else:
            ident = "demo-aurora"
            arn = rds.create_db_cluster(
                DBClusterIdentifier=ident, Engine="aurora-postgresql",
                MasterUsername="demo", MasterUserPassword="perimeter-demo-1",
            )["DBCluster"]["DBClusterArn"]
            rtype = "AWS::RDS::DBCluster"
        self.supporting.append({"account": alias, "region": region, "type": rtype, "arn": arn})
        self.rds_sources[key] = ident
        return ident

    def db_snapshot(self, alias, region, name, restore):
        """Takes a manual snapshot (identifier = name) of the account's DB instance and adds the
        accounts (or "all") of its restore attribute."""
        rds = self.client(alias, "rds", region)
        snap = rds.create_db_snapshot(DBInstanceIdentifier=self._rds_source(alias, region, "db"),
                                      DBSnapshotIdentifier=name)["DBSnapshot"]
        rds.modify_db_snapshot_attribute(DBSnapshotIdentifier=name, AttributeName="restore",
                                         ValuesToAdd=list(restore))
        self.add(alias, region, "AWS::RDS::DBSnapshot", name, snap["DBSnapshotArn"],
                 {"snapshot_id": name, "encrypted": False, "restore": list(restore)})

    def cluster_snapshot(self, alias, region, name, restore):
        """Takes a manual snapshot (identifier = name) of the account's Aurora cluster and adds
        the accounts (or "all") of its restore attribute."""
        rds = self.client(alias, "rds", region)
        snap = rds.create_db_cluster_snapshot(
            DBClusterIdentifier=self._rds_source(alias, region, "cluster"),
            DBClusterSnapshotIdentifier=name)["DBClusterSnapshot"]
        rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier=name,
                                                 AttributeName="restore", ValuesToAdd=list(restore))
        self.add(alias, region, "AWS::RDS::DBClusterSnapshot", name, snap["DBClusterSnapshotArn"],
                 {"snapshot_id": name, "encrypted": False, "restore": list(restore)})

    def rds(self):
        # RCPs do not govern RDS: none of these is blocked, also in `shared`.
        self.db_snapshot("prod", "eu-west-1", "db-snap-public", ["all"])
        self.db_snapshot("shared", "eu-west-1", "db-snap-cross-account", [FOREIGN_ACCOUNT])
        self.db_snapshot("dev", "us-east-1", "db-snap-member-shared", [self.id("shared")])
        self.cluster_snapshot("dev", "us-east-1", "cluster-snap-public", ["all"])
        self.cluster_snapshot("prod", "us-east-1", "cluster-snap-cross-account", [FOREIGN_ACCOUNT])
        self.cluster_snapshot("shared", "eu-west-1", "cluster-snap-member-shared", [self.id("prod")])

    # ---- DynamoDB ---------------------------------------------------------------------------

    def table(self, alias, region, name, statements=None):
        """Creates an on-demand table (hash key `pk`, no stream) and, with statements, puts its
        resource-based policy, every statement's Resource the table ARN (a table policy must name
        its resource; DynamoDB applies a statement only when its Resource matches the table or
        one of its indexes). Without statements the table has no policy (`policy` null). No
        stream is enabled: moto cannot hold a stream policy (see the fixture README), so the
        scan's ListStreams lists nothing, which the read-back checks."""
        ddb = self.client(alias, "dynamodb", region)
        arn = ddb.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        )["TableDescription"]["TableArn"]
        doc = None
        if statements is not None:
            doc = policy(*[{**s, "Resource": arn} for s in statements])
            ddb.put_resource_policy(ResourceArn=arn, Policy=json.dumps(doc))
        self.add(alias, region, "AWS::DynamoDB::Table", name, arn, {"policy": doc})

    def dynamodb(self):
        # moto stores a public table policy; real DynamoDB's Block Public Access (always on)
        # would refuse it at PutResourcePolicy. It stands for a policy written before, or for what
        # a scan must report if one gets through.
        self.table("prod", "us-east-1", "table-public-read", [
            {"Sid": "AnyoneReads", "Effect": "Allow", "Principal": "*",
             "Action": ["dynamodb:GetItem", "dynamodb:Query"]},
        ])
        # In `shared`, under the identity perimeter: perimeter does not take RCPs to govern
        # DynamoDB (and demo-identity-perimeter does not name dynamodb:*), so it is not blocked.
        self.table("shared", "eu-west-1", "table-cross-account-write", [
            {"Sid": "PartnerReadsAndWrites", "Effect": "Allow",
             "Principal": {"AWS": root(FOREIGN_ACCOUNT)},
             "Action": ["dynamodb:GetItem", "dynamodb:PutItem"]},
        ])
        self.table("dev", "eu-west-1", "table-member-read", [
            {"Sid": "ProdReads", "Effect": "Allow", "Principal": {"AWS": root(self.id("prod"))},
             "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]},
        ])
        self.table("dev", "us-east-1", "table-no-policy")

    # ---- Kinesis ----------------------------------------------------------------------------

    def stream(self, alias, region, name, statements=None):
        """Creates a provisioned stream with one shard and, with statements, puts its resource
        policy (every statement's Resource the stream ARN). Without statements the stream has
        none: GetResourcePolicy answers `{"Policy": "{}"}` then, as on AWS."""
        kinesis = self.client(alias, "kinesis", region)
        kinesis.create_stream(StreamName=name, ShardCount=1)
        arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
            "StreamARN"]
        doc = None
        if statements is not None:
            doc = policy(*[{**s, "Resource": arn} for s in statements])
            kinesis.put_resource_policy(ResourceARN=arn, Policy=json.dumps(doc))
        self.add(alias, region, "AWS::Kinesis::Stream", name, arn, {"policy": doc})

    def kinesis(self):
        # RCPs do not govern Kinesis: nothing here is blocked, also in `shared`.
        self.stream("prod", "us-east-1", "stream-cross-account-read", [
            {"Sid": "PartnerConsumerReads", "Effect": "Allow",
             "Principal": {"AWS": root(FOREIGN_ACCOUNT)},
             "Action": ["kinesis:DescribeStreamSummary", "kinesis:GetRecords",
                        "kinesis:GetShardIterator", "kinesis:ListShards"]},
        ])
        self.stream("shared", "us-east-1", "stream-public-write", [
            {"Sid": "AnyonePuts", "Effect": "Allow", "Principal": "*",
             "Action": ["kinesis:PutRecord", "kinesis:PutRecords"]},
        ])
        self.stream("dev", "us-east-1", "stream-no-policy")

    # ---- EventBridge ------------------------------------------------------------------------

    def event_bus_policy(self, alias, region, name, arn, statements):
        """Writes a bus policy whole with PutPermission's Policy (every statement's Resource the
        bus ARN). moto keeps such a document as sent, but PutPermission's Principal/Action form
        would turn Principal "*" into {"AWS": "arn:aws:iam::*:root"}, so it is not used."""
        doc = policy(*[{**s, "Resource": arn} for s in statements])
        self.client(alias, "events", region).put_permission(EventBusName=name,
                                                             Policy=json.dumps(doc))
        return doc

    def event_buses(self):
        """Gives the `default` bus that every account has in every Region (moto makes it with
        the account's EventBridge backend, as AWS has it) of prod in us-east-1 a cross-account
        policy (key `prod/us-east-1/default`, created_by `moto:default-event-bus`; the other
        default buses have no policy and a scan does not record them), and makes two custom
        buses."""
        defaults = {}
        for alias in self.accounts:
            for region in REGIONS:
                buses = self.client(alias, "events", region).list_event_buses()["EventBuses"]
                (bus,) = [b for b in buses if b["Name"] == "default"]
                if "Policy" in bus:
                    raise RuntimeError(f"{alias}/{region} default bus has a policy: {bus}")
                defaults[(alias, region)] = bus["Arn"]
        # The bus that cross-account event delivery normally targets: a partner sends to it.
        prod_default = defaults[("prod", "us-east-1")]
        written = {("prod", "us-east-1"): self.event_bus_policy(
            "prod", "us-east-1", "default", prod_default, [
                {"Sid": "PartnerSendsEvents", "Effect": "Allow",
                 "Principal": {"AWS": root(FOREIGN_ACCOUNT)}, "Action": "events:PutEvents"},
            ])}
        # A scan records a `default` bus only when it carries a policy (docs/findings.md): the
        # other seven are no resources of the manifest.
        for (alias, region), arn in defaults.items():
            if (alias, region) in written:
                self.add(alias, region, "AWS::Events::EventBus", "default", arn,
                         {"policy": written[(alias, region)]}, created_by="moto:default-event-bus")
        # RCPs do not govern EventBridge: the public bus in `shared` is not blocked.
        for alias, region, name, statements in (
            ("shared", "us-east-1", "bus-public-put", [
                {"Sid": "AnyonePutsEvents", "Effect": "Allow", "Principal": "*",
                 "Action": "events:PutEvents"}]),
            ("dev", "eu-west-1", "bus-org-put", [
                {"Sid": "OrgPutsEvents", "Effect": "Allow", "Principal": "*",
                 "Action": "events:PutEvents",
                 "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org_id}}}]),
        ):
            arn = self.client(alias, "events", region).create_event_bus(Name=name)["EventBusArn"]
            doc = self.event_bus_policy(alias, region, name, arn, statements)
            self.add(alias, region, "AWS::Events::EventBus", name, arn, {"policy": doc})

    # ---- AWS Backup -------------------------------------------------------------------------

    def backup_vault(self, alias, region, name, statements):
        """Creates a backup vault and puts its access policy (the launcher implements
        PutBackupVaultAccessPolicy; moto has none). Statements name `"Resource": "*"`, as the
        AWS Backup guide's examples do."""
        backup = self.client(alias, "backup", region)
        arn = backup.create_backup_vault(BackupVaultName=name)["BackupVaultArn"]
        doc = policy(*[{**s, "Resource": "*"} for s in statements])
        backup.put_backup_vault_access_policy(BackupVaultName=name, Policy=json.dumps(doc))
        self.add(alias, region, "AWS::Backup::BackupVault", name, arn, {"policy": doc})

    def backup(self):
        copy = "backup:CopyIntoBackupVault"
        self.backup_vault("prod", "us-east-1", "backup-vault-partner-copy", [
            {"Sid": "PartnerCopiesIn", "Effect": "Allow",
             "Principal": {"AWS": root(FOREIGN_ACCOUNT_2)}, "Action": copy},
        ])
        # RCPs do not govern AWS Backup: not blocked.
        self.backup_vault("shared", "us-east-1", "backup-vault-public-copy", [
            {"Sid": "AnyoneCopiesIn", "Effect": "Allow", "Principal": "*", "Action": copy},
        ])
        self.backup_vault("dev", "eu-west-1", "backup-vault-org-copy", [
            {"Sid": "OrgCopiesIn", "Effect": "Allow", "Principal": "*", "Action": copy,
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org_id}}},
        ])

    # ---- CodeArtifact -----------------------------------------------------------------------

    def artifact_domain(self, alias, region, name, statements=None):
        """Creates a CodeArtifact domain and, with statements, puts its domain permissions
        policy (`"Resource": "*"`, as CodeArtifact's examples write it). The launcher implements
        CodeArtifact; moto has none."""
        ca = self.client(alias, "codeartifact", region)
        arn = ca.create_domain(domain=name)["domain"]["arn"]
        doc = None
        if statements is not None:
            doc = policy(*[{**s, "Resource": "*"} for s in statements])
            ca.put_domain_permissions_policy(domain=name, policyDocument=json.dumps(doc))
        self.add(alias, region, "AWS::CodeArtifact::Domain", name, arn, {"policy": doc})

    def artifact_repository(self, alias, region, domain, name, statements=None):
        """Creates a repository in the account's domain and, with statements, puts its
        repository permissions policy (`"Resource": "*"`)."""
        ca = self.client(alias, "codeartifact", region)
        arn = ca.create_repository(domain=domain, repository=name,
                                   description=f"perimeter demo: {name}")["repository"]["arn"]
        doc = None
        if statements is not None:
            doc = policy(*[{**s, "Resource": "*"} for s in statements])
            ca.put_repository_permissions_policy(domain=domain, repository=name,
                                                 policyDocument=json.dumps(doc))
        self.add(alias, region, "AWS::CodeArtifact::Repository", name, arn,
                 {"domain": domain, "policy": doc})

    def codeartifact(self):
        # RCPs do not govern CodeArtifact: the public repository in `shared` is not blocked.
        self.artifact_domain("prod", "us-east-1", "prod-artifacts", [
            {"Sid": "PartnerUsesDomain", "Effect": "Allow",
             "Principal": {"AWS": root(FOREIGN_ACCOUNT)},
             "Action": ["codeartifact:DescribeDomain", "codeartifact:GetAuthorizationToken"]},
        ])
        self.artifact_repository("prod", "us-east-1", "prod-artifacts", "prod-releases", [
            {"Sid": "PartnerCiReads", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{FOREIGN_ACCOUNT}:role/partner-ci"},
             "Action": "codeartifact:ReadFromRepository"},
        ])
        self.artifact_domain("dev", "us-east-1", "dev-artifacts", [
            {"Sid": "OrgUsesDomain", "Effect": "Allow", "Principal": "*",
             "Action": ["codeartifact:DescribeDomain", "codeartifact:GetAuthorizationToken",
                        "codeartifact:ListRepositoriesInDomain"],
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org_id}}},
        ])
        self.artifact_repository("dev", "us-east-1", "dev-artifacts", "dev-builds")
        self.artifact_domain("shared", "us-east-1", "shared-artifacts")
        self.artifact_repository("shared", "us-east-1", "shared-artifacts", "shared-public-npm", [
            {"Sid": "AnyoneReads", "Effect": "Allow", "Principal": "*",
             "Action": ["codeartifact:DescribeRepository", "codeartifact:GetRepositoryEndpoint",
                        "codeartifact:ReadFromRepository"]},
        ])

    # ---- CloudWatch Logs --------------------------------------------------------------------

    def logs_resource_policy(self, alias, region, name, statements):
        """Puts an account-level CloudWatch Logs resource policy (policyName = name), every
        statement on the account's log groups (`arn:aws:logs:<region>:<account>:log-group:*`). Its
        ARN is perimeter's own naming, `arn:aws:logs:<region>:<account>:resource-policy:<name>`
        (AWS gives these policies no ARN)."""
        groups = f"arn:aws:logs:{region}:{self.id(alias)}:log-group:*"
        doc = policy(*[{**s, "Resource": groups} for s in statements])
        self.client(alias, "logs", region).put_resource_policy(policyName=name,
                                                               policyDocument=json.dumps(doc))
        self.add(alias, region, "AWS::Logs::ResourcePolicy", name,
                 f"arn:aws:logs:{region}:{self.id(alias)}:resource-policy:{name}",
                 {"policy_name": name, "policy": doc})

    def logs_destination(self, alias, region, name, stream_key, statements):
        """Makes a CloudWatch Logs destination that delivers to the account's Kinesis stream
        `stream_key` and puts its access policy (every statement's Resource the destination
        ARN). The role it names (`logs-to-kinesis`) is not made: moto does not check it."""
        logs = self.client(alias, "logs", region)
        role_arn = f"arn:aws:iam::{self.id(alias)}:role/logs-to-kinesis"
        target = self.arn_of(stream_key)
        arn = logs.put_destination(destinationName=name, targetArn=target, roleArn=role_arn)[
            "destination"]["arn"]
        doc = policy(*[{**s, "Resource": arn} for s in statements])
        logs.put_destination_policy(destinationName=name, accessPolicy=json.dumps(doc))
        self.add(alias, region, "AWS::Logs::Destination", name, arn,
                 {"target_arn": target, "role_arn": role_arn, "policy": doc})

    def logs(self):
        """Resource policies and destinations. RCPs govern CloudWatch Logs, but
        demo-identity-perimeter does not name `logs:*`, so `shared`'s are not blocked."""
        write = ["logs:CreateLogStream", "logs:PutLogEvents"]
        self.logs_resource_policy("prod", "us-east-1", "partner-log-delivery", [
            {"Sid": "PartnerDeliveryWrites", "Effect": "Allow",
             "Principal": {"Service": "delivery.logs.amazonaws.com"}, "Action": write,
             "Condition": {"StringEquals": {"aws:SourceAccount": FOREIGN_ACCOUNT_2}}},
        ])
        dev = self.id("dev")
        self.logs_resource_policy("dev", "us-east-1", "opensearch-own-logs", [
            {"Sid": "OwnDomainsWrite", "Effect": "Allow",
             "Principal": {"Service": "es.amazonaws.com"}, "Action": write,
             "Condition": {"StringEquals": {"aws:SourceAccount": dev},
                           "ArnLike": {"aws:SourceArn": f"arn:aws:es:us-east-1:{dev}:domain/*"}}},
        ])
        self.logs_resource_policy("shared", "us-east-1", "anyone-writes-logs", [
            {"Sid": "AnyoneWrites", "Effect": "Allow", "Principal": {"AWS": "*"},
             "Action": write},
        ])
        subscribe = "logs:PutSubscriptionFilter"
        # The streams were seeded by kinesis(), which runs first.
        self.logs_destination("prod", "us-east-1", "dest-partner-subscribe",
                              "prod/us-east-1/stream-cross-account-read", [
            {"Sid": "PartnerSubscribes", "Effect": "Allow",
             "Principal": {"AWS": root(FOREIGN_ACCOUNT)}, "Action": subscribe},
        ])
        self.logs_destination("dev", "us-east-1", "dest-org-subscribe",
                              "dev/us-east-1/stream-no-policy", [
            {"Sid": "OrgSubscribes", "Effect": "Allow", "Principal": "*", "Action": subscribe,
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org_id}}},
        ])
        self.logs_destination("shared", "us-east-1", "dest-public-subscribe",
                              "shared/us-east-1/stream-public-write", [
            {"Sid": "AnyoneSubscribes", "Effect": "Allow", "Principal": "*",
             "Action": subscribe},
        ])

    # ---- SES --------------------------------------------------------------------------------

    def email_identity(self, alias, region, name, policies):
        """Creates an SES (v2) email identity (a domain, or an address when the name has an
        `@`) and puts its sending authorization policies (name → statements, every statement's
        Resource the identity ARN)."""
        ses = self.client(alias, "sesv2", region)
        ses.create_email_identity(EmailIdentity=name)
        arn = f"arn:aws:ses:{region}:{self.id(alias)}:identity/{name}"
        written = {}
        for policy_name, statements in policies.items():
            doc = policy(*[{**s, "Resource": arn} for s in statements])
            ses.create_email_identity_policy(EmailIdentity=name, PolicyName=policy_name,
                                             Policy=json.dumps(doc))
            written[policy_name] = doc
        self.add(alias, region, "AWS::SES::EmailIdentity", name, arn,
                 {"identity_type": "EMAIL_ADDRESS" if "@" in name else "DOMAIN",
                  "policies": written})

    def ses(self):
        send = ["ses:SendEmail", "ses:SendRawEmail"]
        # Two policies: the partner's is a finding, the shared account's is inside the zone.
        self.email_identity("prod", "us-east-1", "mail.prod.example.com", {
            "partner-sends": [{"Sid": "PartnerSends", "Effect": "Allow",
                               "Principal": {"AWS": root(FOREIGN_ACCOUNT)}, "Action": send}],
            "shared-sends": [{"Sid": "SharedSends", "Effect": "Allow",
                              "Principal": {"AWS": root(self.id("shared"))},
                              "Action": "ses:SendEmail"}],
        })
        # An address identity (its name has an `@`, which a request path carries as %40). RCPs
        # do not govern SES: not blocked.
        self.email_identity("shared", "us-east-1", "alerts@shared.example.com", {
            "anyone-sends": [{"Sid": "AnyoneSends", "Effect": "Allow", "Principal": "*",
                              "Action": "ses:SendEmail"}],
        })
        self.email_identity("dev", "eu-west-1", "dev.example.com", {
            "org-sends": [{"Sid": "OrgSends", "Effect": "Allow", "Principal": "*",
                           "Action": send,
                           "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org_id}}}],
        })

    # ---- Glacier ----------------------------------------------------------------------------

    def vault(self, alias, region, name, statements, lock_statements=None):
        """Creates a Glacier vault and sets its access policy; with lock_statements, also
        initiates a vault lock with that policy and completes it (state `Locked`). Every
        statement's Resource is the vault ARN. The launcher implements both policies; moto has
        neither."""
        glacier = self.client(alias, "glacier", region)
        glacier.create_vault(accountId="-", vaultName=name)
        arn = f"arn:aws:glacier:{region}:{self.id(alias)}:vaults/{name}"
        doc = policy(*[{**s, "Resource": arn} for s in statements])
        glacier.set_vault_access_policy(accountId="-", vaultName=name,
                                        policy={"Policy": json.dumps(doc)})
        lock = None
        if lock_statements is not None:
            lock_doc = policy(*[{**s, "Resource": arn} for s in lock_statements])
            lock_id = glacier.initiate_vault_lock(accountId="-", vaultName=name,
                                                  policy={"Policy": json.dumps(lock_doc)})["lockId"]
            glacier.complete_vault_lock(accountId="-", vaultName=name, lockId=lock_id)
            lock = {"policy": lock_doc, "state": "Locked"}
        self.add(alias, region, "AWS::Glacier::Vault", name, arn,
                 {"access_policy": doc, "lock": lock})

    def glacier(self):
        retrieve = ["glacier:InitiateJob", "glacier:GetJobOutput"]
        # The lock (a compliance control) refuses deletes of archives younger than a year, so it
        # narrows the partner's DeleteArchive and nothing else.
        self.vault("prod", "us-east-1", "vault-partner-retrieval-locked", [
            {"Sid": "PartnerRetrievesAndDeletes", "Effect": "Allow",
             "Principal": {"AWS": root(FOREIGN_ACCOUNT)},
             "Action": retrieve + ["glacier:DeleteArchive"]},
        ], lock_statements=[
            {"Sid": "DenyDeletesForAYear", "Effect": "Deny", "Principal": "*",
             "Action": "glacier:DeleteArchive",
             "Condition": {"NumericLessThan": {"glacier:ArchiveAgeInDays": "365"}}},
        ])
        # RCPs do not govern Glacier: not blocked.
        self.vault("shared", "us-east-1", "vault-public-retrieval", [
            {"Sid": "AnyoneRetrieves", "Effect": "Allow", "Principal": "*", "Action": retrieve},
        ])
        self.vault("dev", "eu-west-1", "vault-org-retrieval", [
            {"Sid": "OrgRetrieves", "Effect": "Allow", "Principal": "*", "Action": retrieve,
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org_id}}},
        ])

    # ---- OpenSearch Service -----------------------------------------------------------------

    def search_domain(self, alias, region, name, statements, in_vpc=False):
        """Creates an OpenSearch Service domain with an access policy (every statement's
        Resource `<domain ARN>/*`, the domain's HTTP paths, as AWS's examples write it). In a
        VPC, the domain gets the default subnet of the Region's first zone and the default
        security group of the account's default VPC (moto's, listed under `networks`)."""
        ops = self.client(alias, "opensearch", region)
        arn = f"arn:aws:es:{region}:{self.id(alias)}:domain/{name}"
        doc = policy(*[{**s, "Resource": f"{arn}/*"} for s in statements])
        req = {"DomainName": name, "EngineVersion": "OpenSearch_2.11",
               "AccessPolicies": json.dumps(doc)}
        vpc = None
        if in_vpc:
            ec2 = self.client(alias, "ec2", region)
            vpc_id = self.network_id(f"{alias}/{region}/default-vpc")
            subnet = ec2.describe_subnets(Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "availability-zone", "Values": [f"{region}a"]}])["Subnets"][0]["SubnetId"]
            group = ec2.describe_security_groups(Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
            vpc = {"vpc_id": vpc_id, "subnet_ids": [subnet], "security_group_ids": [group]}
            req["VPCOptions"] = {"SubnetIds": [subnet], "SecurityGroupIds": [group]}
        got = ops.create_domain(**req)["DomainStatus"]["ARN"]
        if got != arn:
            raise RuntimeError(f"OpenSearch domain ARN {got}, expected {arn}")
        self.add(alias, region, "AWS::OpenSearchService::Domain", name, arn,
                 {"access_policy": doc, "vpc": vpc})

    def opensearch(self):
        # RCPs do not govern OpenSearch Service (`es`): the VPC domain in `shared` is not blocked.
        anyone = {"Sid": "AnyoneHttp", "Effect": "Allow", "Principal": {"AWS": "*"},
                  "Action": "es:ESHttp*"}
        self.search_domain("prod", "us-east-1", "search-public", [anyone])
        self.search_domain("shared", "us-east-1", "search-vpc", [anyone], in_vpc=True)
        self.search_domain("dev", "us-east-1", "search-partner-read", [
            {"Sid": "PartnerReads", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{FOREIGN_ACCOUNT}:role/partner-search"},
             "Action": ["es:ESHttpGet", "es:ESHttpHead"]},
        ])

    # ---- API Gateway ------------------------------------------------------------------------

    def rest_api(self, alias, region, name, endpoint_type, statements):
        """Creates a REST API with one endpoint type, then sets its resource policy with
        UpdateRestApi (every statement's Resource `arn:aws:execute-api:<region>:<account>:<id>/*`,
        which needs the API's ID). The launcher answers the policy as AWS writes it (quotes and
        slashes escaped, see the fixture README); the manifest records the document."""
        apigw = self.client(alias, "apigateway", region)
        api_id = apigw.create_rest_api(name=name, description=f"perimeter demo: {name}",
                                       endpointConfiguration={"types": [endpoint_type]})["id"]
        doc = policy(*[{**s, "Resource": f"arn:aws:execute-api:{region}:{self.id(alias)}:"
                                         f"{api_id}/*"} for s in statements])
        apigw.update_rest_api(restApiId=api_id, patchOperations=[
            {"op": "replace", "path": "/policy", "value": json.dumps(doc)}])
        self.add(alias, region, "AWS::ApiGateway::RestApi", name,
                 f"arn:aws:apigateway:{region}::/restapis/{api_id}",
                 {"rest_api_id": api_id, "endpoint_types": [endpoint_type], "policy": doc})

    def apigateway(self):
        invoke = "execute-api:Invoke"
        self.rest_api("prod", "us-east-1", "api-public", "REGIONAL", [
            {"Sid": "AnyoneInvokes", "Effect": "Allow", "Principal": "*", "Action": invoke},
        ])
        self.rest_api("dev", "us-east-1", "api-partner", "EDGE", [
            {"Sid": "PartnerInvokes", "Effect": "Allow",
             "Principal": {"AWS": root(FOREIGN_ACCOUNT)}, "Action": invoke},
        ])
        # A private API is reached only through interface VPC endpoints: never public, though
        # the policy lets anyone invoke it. RCPs do not govern execute-api: not blocked.
        self.rest_api("shared", "us-east-1", "api-private", "PRIVATE", [
            {"Sid": "AnyoneInvokesThroughEndpoints", "Effect": "Allow", "Principal": "*",
             "Action": invoke},
        ])

    # ---- Glue Data Catalog ------------------------------------------------------------------

    def catalog_policy(self, alias, region, statements):
        """Puts the resource policy of the account's Glue Data Catalog in the Region (no
        ResourceArn). Every statement covers the catalog, its databases and its tables."""
        base = f"arn:aws:glue:{region}:{self.id(alias)}"
        doc = policy(*[{**s, "Resource": [f"{base}:catalog", f"{base}:database/*",
                                          f"{base}:table/*/*"]} for s in statements])
        self.client(alias, "glue", region).put_resource_policy(PolicyInJson=json.dumps(doc))
        return doc

    def glue(self):
        """Every account has a Glue Data Catalog in every region (AWS's; Glue answers for it
        without any call making it); three of them are given a resource policy and listed (key
        `<alias>/<region>/catalog`, created_by `aws:glue-data-catalog`); the other five answer
        EntityNotFoundException (the launcher's, as AWS): no policy, and a scan does not record
        them."""
        read = ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables"]
        written = {
            ("prod", "us-east-1"): self.catalog_policy("prod", "us-east-1", [
                {"Sid": "PartnerReadsCatalog", "Effect": "Allow",
                 "Principal": {"AWS": root(FOREIGN_ACCOUNT)}, "Action": read}]),
            # RCPs do not govern Glue: not blocked.
            ("shared", "us-east-1"): self.catalog_policy("shared", "us-east-1", [
                {"Sid": "AnyoneReadsCatalog", "Effect": "Allow", "Principal": "*",
                 "Action": read}]),
            ("dev", "eu-west-1"): self.catalog_policy("dev", "eu-west-1", [
                {"Sid": "OrgReadsCatalog", "Effect": "Allow", "Principal": "*", "Action": read,
                 "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org_id}}}]),
        }
        # A scan records a catalog only when it carries a policy (docs/findings.md).
        for (alias, region), doc in written.items():
            self.add(alias, region, "AWS::Glue::DataCatalog", "catalog",
                     f"arn:aws:glue:{region}:{self.id(alias)}:catalog",
                     {"policy": doc}, created_by="aws:glue-data-catalog")

    # ---- AMIs -------------------------------------------------------------------------------

    def image(self, alias, region, name, launch_permissions):
        """Registers an AMI (Name = name) on a snapshot of its own (`<name>-root`, made with
        ebs_snapshot(), so a scanned EBS snapshot without any createVolumePermission) and adds
        its launch permissions ({group}, {user_id}, {organization_arn},
        {organizational_unit_arn}, as ModifyImageAttribute writes them). The launcher makes
        moto's RegisterImage use that snapshot (moto made one of its own)."""
        ec2 = self.client(alias, "ec2", region)
        self.ebs_snapshot(alias, region, f"{name}-root")
        snapshot_id = self.resources[-1]["written"]["snapshot_id"]
        image_id = ec2.register_image(
            Name=name, Description=f"perimeter demo: {name}", Architecture="x86_64",
            VirtualizationType="hvm", RootDeviceName="/dev/xvda",
            BlockDeviceMappings=[{"DeviceName": "/dev/xvda",
                                  "Ebs": {"SnapshotId": snapshot_id, "VolumeType": "gp3"}}],
        )["ImageId"]
        api = {"group": "Group", "user_id": "UserId", "organization_arn": "OrganizationArn",
               "organizational_unit_arn": "OrganizationalUnitArn"}
        ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [
            {api[k]: v for k, v in p.items()} for p in launch_permissions]})
        self.add(alias, region, "AWS::EC2::Image", name,
                 f"arn:aws:ec2:{region}::image/{image_id}",
                 {"image_id": image_id, "root_snapshot_id": snapshot_id,
                  "launch_permissions": list(launch_permissions)})

    def images(self):
        """One AMI each: public, cross-account, and shared with the own organization and one of
        its OUs. RCPs do not govern EC2: the public one in `shared` is not blocked."""
        org_arn = f"arn:aws:organizations::{MANAGEMENT_ACCOUNT}:organization/{self.org_id}"
        ou_arn = (f"arn:aws:organizations::{MANAGEMENT_ACCOUNT}:ou/{self.org_id}/"
                  f"{self.ou_ids['Workloads']}")
        self.image("shared", "us-east-1", "ami-public", [{"group": "all"}])
        self.image("prod", "us-east-1", "ami-cross-account", [{"user_id": FOREIGN_ACCOUNT}])
        self.image("dev", "us-east-1", "ami-org-shared", [{"organization_arn": org_arn},
                                                          {"organizational_unit_arn": ou_arn}])

    # ---- read-back --------------------------------------------------------------------------

    def verify(self):
        """Reads every written item back through the SDK and compares it with the manifest."""
        self._verify_resource_controls()
        for alias in self.accounts:
            s3c = self.client(alias, "s3control")
            want = self.account_bpa.get(alias)
            try:
                got = bpa_from_api(s3c.get_public_access_block(AccountId=self.id(alias))[
                    "PublicAccessBlockConfiguration"])
            except ClientError as e:
                if e.response["Error"]["Code"] != "NoSuchPublicAccessBlockConfiguration":
                    raise
                got = None
            expect(f"account Block Public Access of {alias}", got, want)
        self._verify_snapshot_listings()
        self._verify_dynamodb_listings()
        self._verify_networks()
        self._verify_origin_access_identities()
        self._verify_new_listings()
        for r in self.resources:
            check = getattr(self, "_verify_" + r["type"].split("::", 1)[1].replace("::", "_"))
            check(r)

    def _verify_snapshot_listings(self):
        """In every account and region the scan's snapshot listings give exactly the seeded
        snapshots (no AMI snapshots, no automated RDS snapshots), and snapshot Block Public
        Access is in AWS's default state."""
        for alias in self.accounts:
            for region in REGIONS:
                def seeded(rtype):
                    return sorted(r["written"]["snapshot_id"] for r in self.resources
                                  if r["type"] == rtype and r["account"] == alias
                                  and r["region"] == region)
                where = f"{alias}/{region}"
                ec2 = self.client(alias, "ec2", region)
                got = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
                expect(f"{where} DescribeSnapshots(OwnerIds=self)",
                       sorted(s["SnapshotId"] for s in got), seeded("AWS::EC2::Snapshot"))
                expect(f"{where} snapshot owners", {s["OwnerId"] for s in got},
                       {self.id(alias)} if got else set())
                expect(f"{where} snapshot Block Public Access",
                       ec2.get_snapshot_block_public_access_state()["State"], "unblocked")
                rds = self.client(alias, "rds", region)
                got = rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]
                expect(f"{where} DescribeDBSnapshots(SnapshotType=manual)",
                       sorted(s["DBSnapshotIdentifier"] for s in got),
                       seeded("AWS::RDS::DBSnapshot"))
                got = rds.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]
                expect(f"{where} DescribeDBClusterSnapshots(SnapshotType=manual)",
                       sorted(s["DBClusterSnapshotIdentifier"] for s in got),
                       seeded("AWS::RDS::DBClusterSnapshot"))

    def _verify_dynamodb_listings(self):
        """In every account and region ListTables gives exactly the seeded tables and DynamoDB
        Streams' ListStreams gives nothing (no table has a stream)."""
        for alias in self.accounts:
            for region in REGIONS:
                where = f"{alias}/{region}"
                got = self.client(alias, "dynamodb", region).list_tables()["TableNames"]
                expect(f"{where} ListTables", sorted(got),
                       sorted(r["name"] for r in self.resources
                              if r["type"] == "AWS::DynamoDB::Table" and r["account"] == alias
                              and r["region"] == region))
                got = self.client(alias, "dynamodbstreams", region).list_streams()["Streams"]
                expect(f"{where} ListStreams", got, [])

    def _verify_networks(self):
        """In every account and region DescribeVpcs gives exactly the manifest's VPCs (moto's
        default VPC and the seeded one) and DescribeVpcEndpoints exactly the seeded endpoints,
        each with its owner, Name tag and settings."""
        for alias in self.accounts:
            for region in REGIONS:
                where = f"{alias}/{region}"
                ec2 = self.client(alias, "ec2", region)

                def seeded(rtype):
                    return {n["id"]: n for n in self.networks_seen if n["type"] == rtype
                            and n["account"] == alias and n["region"] == region}

                def name_tag(item):
                    return {t["Key"]: t["Value"] for t in item.get("Tags", [])}.get("Name")

                want = seeded("AWS::EC2::VPC")
                got = ec2.describe_vpcs()["Vpcs"]
                expect(f"{where} DescribeVpcs", sorted(v["VpcId"] for v in got), sorted(want))
                for v in got:
                    n = want[v["VpcId"]]
                    expect(f"{n['key']} VPC",
                           (v["OwnerId"], v["CidrBlock"], v["IsDefault"],
                            name_tag(v) or ("default-vpc" if v["IsDefault"] else None)),
                           (n["account_id"], n["cidr_block"], n["is_default"], n["name"]))
                want = seeded("AWS::EC2::VPCEndpoint")
                got = ec2.describe_vpc_endpoints()["VpcEndpoints"]
                expect(f"{where} DescribeVpcEndpoints", sorted(e["VpcEndpointId"] for e in got),
                       sorted(want))
                for e in got:
                    n = want[e["VpcEndpointId"]]
                    expect(f"{n['key']} VPC endpoint",
                           (e["OwnerId"], e["VpcId"], e["ServiceName"], e["VpcEndpointType"],
                            name_tag(e)),
                           (n["account_id"], n["vpc_id"], n["service_name"],
                            n["vpc_endpoint_type"], n["name"]))

    def _verify_origin_access_identities(self):
        """In every account ListCloudFrontOriginAccessIdentities gives exactly the seeded
        identities of that account (the launcher stores them per account)."""
        for alias in self.accounts:
            got = self.client(alias, "cloudfront").list_cloud_front_origin_access_identities()[
                "CloudFrontOriginAccessIdentityList"]
            expect(f"{alias} ListCloudFrontOriginAccessIdentities",
                   sorted((o["Id"], o["S3CanonicalUserId"], o["Comment"])
                          for o in got.get("Items", [])),
                   sorted((o["id"], o["s3_canonical_user_id"], o["comment"])
                          for o in self.oais if o["account"] == alias))
            expect(f"{alias} origin access identity list, one page",
                   (got["IsTruncated"], got["Quantity"]),
                   (False, len([o for o in self.oais if o["account"] == alias])))

    def _verify_S3_Bucket(self, r):
        s3 = self.client(r["account"], "s3", r["region"])
        w, b = r["written"], r["name"]
        loc = s3.get_bucket_location(Bucket=b)["LocationConstraint"] or "us-east-1"
        expect(f"{r['key']} location", loc, r["region"])
        try:
            got = json.loads(s3.get_bucket_policy(Bucket=b)["Policy"])
        except ClientError as e:
            if e.response["Error"]["Code"] != "NoSuchBucketPolicy":
                raise
            got = None
        expect(f"{r['key']} policy", got, w["policy"])
        acl = s3.get_bucket_acl(Bucket=b)
        if w["acl"] is not None:
            expect(f"{r['key']} ACL owner", acl["Owner"]["ID"], w["acl"]["owner_id"])
            expect(f"{r['key']} ACL grants",
                   sort_grants([grant_from_api(g) for g in acl["Grants"]]),
                   sort_grants(w["acl"]["grants"]))
        else:
            others = [g for g in acl["Grants"]
                      if g["Grantee"].get("ID") != acl["Owner"]["ID"]]
            expect(f"{r['key']} default ACL", others, [])
        try:
            got = bpa_from_api(s3.get_public_access_block(Bucket=b)[
                "PublicAccessBlockConfiguration"])
        except ClientError as e:
            if e.response["Error"]["Code"] != "NoSuchPublicAccessBlockConfiguration":
                raise
            got = None
        expect(f"{r['key']} Block Public Access", got, w["block_public_access"])
        try:
            got = s3.get_bucket_ownership_controls(Bucket=b)["OwnershipControls"]["Rules"][0][
                "ObjectOwnership"]
        except ClientError as e:
            if e.response["Error"]["Code"] != "OwnershipControlsNotFoundError":
                raise
            got = None
        expect(f"{r['key']} Object Ownership", got, w["object_ownership"])
        s3c = self.client(r["account"], "s3control", r["region"])
        listed = s3c.list_access_points(AccountId=r["account_id"], Bucket=b)["AccessPointList"]
        expect(f"{r['key']} access points", sorted(a["Name"] for a in listed),
               sorted(a["name"] for a in w["access_points"]))
        for ap in w["access_points"]:
            got = s3c.get_access_point(AccountId=r["account_id"], Name=ap["name"])
            expect(f"{r['key']} access point {ap['name']}",
                   {"arn": got["AccessPointArn"], "network_origin": got["NetworkOrigin"],
                    "vpc_id": got.get("VpcConfiguration", {}).get("VpcId"),
                    "block_public_access": bpa_from_api(got["PublicAccessBlockConfiguration"])},
                   {k: ap[k] for k in ("arn", "network_origin", "vpc_id", "block_public_access")})
            got = json.loads(s3c.get_access_point_policy(
                AccountId=r["account_id"], Name=ap["name"])["Policy"])
            expect(f"{r['key']} access point {ap['name']} policy", got, ap["policy"])

    def _verify_IAM_Role(self, r):
        role = self.client(r["account"], "iam").get_role(RoleName=r["name"])["Role"]
        expect(f"{r['key']} ARN", role["Arn"], r["arn"])
        expect(f"{r['key']} trust policy", role["AssumeRolePolicyDocument"],
               r["written"]["trust_policy"])

    def _verify_KMS_Key(self, r):
        kms = self.client(r["account"], "kms", r["region"])
        w = r["written"]
        meta = kms.describe_key(KeyId=w["alias"])["KeyMetadata"]
        expect(f"{r['key']} key", (meta["KeyId"], meta["Arn"], meta["KeyManager"]),
               (w["key_id"], r["arn"], "CUSTOMER"))
        got = json.loads(kms.get_key_policy(KeyId=w["key_id"], PolicyName="default")["Policy"])
        expect(f"{r['key']} key policy", got, w["policy"])
        got = [{"grant_id": g["GrantId"], "name": g.get("Name"),
                "grantee_principal": g["GranteePrincipal"],
                "retiring_principal": g.get("RetiringPrincipal"),
                "operations": g["Operations"], "constraints": g.get("Constraints")}
               for g in kms.list_grants(KeyId=w["key_id"])["Grants"]]
        expect(f"{r['key']} grants", sorted(got, key=lambda g: g["grant_id"]),
               sorted(w["grants"], key=lambda g: g["grant_id"]))

    def _verify_Lambda_Function(self, r):
        lam = self.client(r["account"], "lambda", r["region"])
        w = r["written"]
        expect(f"{r['key']} ARN",
               lam.get_function(FunctionName=r["name"])["Configuration"]["FunctionArn"], r["arn"])
        stored = json.loads(lam.get_policy(FunctionName=r["name"])["Policy"])["Statement"]
        expect(f"{r['key']} statement IDs", sorted(s["Sid"] for s in stored),
               sorted(p["statement_id"] for p in w["permissions"]))
        by_sid = {s["Sid"]: s for s in stored}
        for p in w["permissions"]:
            s = by_sid[p["statement_id"]]
            principal = s["Principal"]
            if isinstance(principal, dict):
                (principal,) = principal.values()
            cond = s.get("Condition", {})
            got = {"statement_id": s["Sid"], "principal": principal, "action": s["Action"]}
            if "StringEquals" in cond and "AWS:SourceAccount" in cond["StringEquals"]:
                got["source_account"] = cond["StringEquals"]["AWS:SourceAccount"]
            if "ArnLike" in cond and "AWS:SourceArn" in cond["ArnLike"]:
                got["source_arn"] = cond["ArnLike"]["AWS:SourceArn"]
            if "FunctionUrlAuthType" in s:  # moto's quirk: a top-level key, not a Condition
                got["function_url_auth_type"] = s["FunctionUrlAuthType"]
            expect(f"{r['key']} permission {p['statement_id']}", got, p)
        try:
            got = {"auth_type": lam.get_function_url_config(FunctionName=r["name"])["AuthType"]}
        except lam.exceptions.ResourceNotFoundException:
            got = None
        expect(f"{r['key']} function URL", got, w["url"])

    def _verify_Lambda_LayerVersion(self, r):
        lam = self.client(r["account"], "lambda", r["region"])
        w = r["written"]
        stored = json.loads(lam.get_layer_version_policy(
            LayerName=w["layer_name"], VersionNumber=w["version"])["Policy"])["Statement"]
        got = []
        for s in stored:
            principal = s["Principal"]
            if isinstance(principal, dict):
                (principal,) = principal.values()
            p = {"statement_id": s["Sid"], "principal": principal, "action": s["Action"]}
            if "OrganizationId" in s:
                raise AssertionError(f"{r['key']}: OrganizationId stored as a top-level key: {s}")
            org = s.get("Condition", {}).get("StringEquals", {}).get("aws:PrincipalOrgID")
            if org:
                p["organization_id"] = org
            got.append(p)
        expect(f"{r['key']} layer permissions", got, w["permissions"])

    def _verify_SQS_Queue(self, r):
        sqs = self.client(r["account"], "sqs", r["region"])
        w = r["written"]
        attrs = sqs.get_queue_attributes(QueueUrl=w["url"], AttributeNames=["Policy", "QueueArn"])[
            "Attributes"]
        expect(f"{r['key']} ARN", attrs["QueueArn"], r["arn"])
        expect(f"{r['key']} policy", json.loads(attrs["Policy"]), w["policy"])

    def _verify_SecretsManager_Secret(self, r):
        sm = self.client(r["account"], "secretsmanager", r["region"])
        meta = sm.describe_secret(SecretId=r["arn"])
        expect(f"{r['key']} secret", (meta["ARN"], meta["Name"]), (r["arn"], r["name"]))
        got = sm.get_resource_policy(SecretId=r["arn"]).get("ResourcePolicy")
        expect(f"{r['key']} resource policy", json.loads(got) if got else None, r["written"]["policy"])

    def _verify_SNS_Topic(self, r):
        attrs = self.client(r["account"], "sns", r["region"]).get_topic_attributes(
            TopicArn=r["arn"])["Attributes"]
        expect(f"{r['key']} topic", (attrs["TopicArn"], attrs["Owner"]), (r["arn"], r["account_id"]))
        expect(f"{r['key']} topic policy", json.loads(attrs["Policy"]), r["written"]["policy"])

    def _verify_ECR_Repository(self, r):
        ecr = self.client(r["account"], "ecr", r["region"])
        (repo,) = ecr.describe_repositories(repositoryNames=[r["name"]])["repositories"]
        expect(f"{r['key']} repository", (repo["repositoryArn"], repo["registryId"]),
               (r["arn"], r["account_id"]))
        got = ecr.get_repository_policy(repositoryName=r["name"])
        expect(f"{r['key']} repository policy", json.loads(got["policyText"]), r["written"]["policy"])

    def _verify_EFS_FileSystem(self, r):
        efs = self.client(r["account"], "efs", r["region"])
        w = r["written"]
        (fs,) = efs.describe_file_systems(FileSystemId=w["file_system_id"])["FileSystems"]
        expect(f"{r['key']} file system",
               (fs["FileSystemArn"], fs["OwnerId"], fs["CreationToken"], fs.get("Name")),
               (r["arn"], r["account_id"], w["creation_token"], r["name"]))
        got = efs.describe_file_system_policy(FileSystemId=w["file_system_id"])["Policy"]
        expect(f"{r['key']} file system policy", json.loads(got), w["policy"])

    def _verify_EC2_Snapshot(self, r):
        ec2 = self.client(r["account"], "ec2", r["region"])
        w = r["written"]
        (snap,) = ec2.describe_snapshots(SnapshotIds=[w["snapshot_id"]])["Snapshots"]
        expect(f"{r['key']} snapshot",
               (f"arn:aws:ec2:{r['region']}:{snap['OwnerId']}:snapshot/{snap['SnapshotId']}",
                snap["OwnerId"], snap["Description"],
                {t["Key"]: t["Value"] for t in snap.get("Tags", [])}.get("Name"),
                snap["Encrypted"], snap.get("KmsKeyId")),
               (r["arn"], r["account_id"], r["name"], r["name"], w["encrypted"], w["kms_key_id"]))
        got = ec2.describe_snapshot_attribute(SnapshotId=w["snapshot_id"],
                                              Attribute="createVolumePermission")
        got = [{"group": p["Group"]} if "Group" in p else {"user_id": p["UserId"]}
               for p in got["CreateVolumePermissions"]]
        expect(f"{r['key']} createVolumePermission", sort_grants(got),
               sort_grants(w["create_volume_permissions"]))

    def _verify_RDS_DBSnapshot(self, r):
        rds = self.client(r["account"], "rds", r["region"])
        w = r["written"]
        (snap,) = rds.describe_db_snapshots(DBSnapshotIdentifier=w["snapshot_id"])["DBSnapshots"]
        expect(f"{r['key']} DB snapshot",
               (snap["DBSnapshotArn"], snap["SnapshotType"], snap["Encrypted"]),
               (r["arn"], "manual", w["encrypted"]))
        attrs = rds.describe_db_snapshot_attributes(DBSnapshotIdentifier=w["snapshot_id"])[
            "DBSnapshotAttributesResult"]["DBSnapshotAttributes"]
        got = {a["AttributeName"]: a["AttributeValues"] for a in attrs}
        expect(f"{r['key']} restore attribute", got, {"restore": w["restore"]})

    def _verify_RDS_DBClusterSnapshot(self, r):
        rds = self.client(r["account"], "rds", r["region"])
        w = r["written"]
        (snap,) = rds.describe_db_cluster_snapshots(
            DBClusterSnapshotIdentifier=w["snapshot_id"])["DBClusterSnapshots"]
        expect(f"{r['key']} DB cluster snapshot",
               (snap["DBClusterSnapshotArn"], snap["SnapshotType"], snap["StorageEncrypted"]),
               (r["arn"], "manual", w["encrypted"]))
        attrs = rds.describe_db_cluster_snapshot_attributes(
            DBClusterSnapshotIdentifier=w["snapshot_id"])[
            "DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"]
        got = {a["AttributeName"]: a["AttributeValues"] for a in attrs}
        expect(f"{r['key']} restore attribute", got, {"restore": w["restore"]})

    def _verify_DynamoDB_Table(self, r):
        ddb = self.client(r["account"], "dynamodb", r["region"])
        table = ddb.describe_table(TableName=r["name"])["Table"]
        expect(f"{r['key']} table",
               (table["TableArn"], table["TableName"], table.get("LatestStreamArn")),
               (r["arn"], r["name"], None))
        try:
            got = json.loads(ddb.get_resource_policy(ResourceArn=r["arn"])["Policy"])
        except ddb.exceptions.PolicyNotFoundException:
            got = None
        expect(f"{r['key']} table policy", got, r["written"]["policy"])

    def _verify_new_listings(self):
        """In every account and region the listings of the scan's calls give exactly the
        manifest's resources of each type added with EventBridge, CodeArtifact and the rest:
        ListStreams, ListEventBuses (a `default` bus only with a policy), ListBackupVaults, ListDomains,
        ListRepositories, DescribeResourcePolicies, DescribeDestinations, ListEmailIdentities,
        ListVaults, ListDomainNames, GetRestApis and DescribeImages(Owners=self) (Glue's one
        catalog per account and region is read by _verify_Glue_DataCatalog), and AMI Block
        Public Access is in AWS's default state."""
        for alias in self.accounts:
            for region in REGIONS:
                where = f"{alias}/{region}"

                def seeded(rtype):
                    return sorted(r["name"] for r in self.resources if r["type"] == rtype
                                  and r["account"] == alias and r["region"] == region)

                def listed(what, names, rtype):
                    expect(f"{where} {what}", sorted(names), seeded(rtype))

                c = lambda service: self.client(alias, service, region)  # noqa: E731
                listed("ListStreams", c("kinesis").list_streams()["StreamNames"],
                       "AWS::Kinesis::Stream")
                # A `default` bus without a policy is not a resource of the scan.
                listed("ListEventBuses",
                       [b["Name"] for b in c("events").list_event_buses()["EventBuses"]
                        if b["Name"] != "default" or b.get("Policy")],
                       "AWS::Events::EventBus")
                listed("ListBackupVaults", [v["BackupVaultName"] for v in c("backup")
                                            .list_backup_vaults()["BackupVaultList"]],
                       "AWS::Backup::BackupVault")
                listed("ListDomains (CodeArtifact)",
                       [d["name"] for d in c("codeartifact").list_domains()["domains"]],
                       "AWS::CodeArtifact::Domain")
                listed("ListRepositories", [r["name"] for r in c("codeartifact")
                                            .list_repositories()["repositories"]],
                       "AWS::CodeArtifact::Repository")
                listed("DescribeResourcePolicies (Logs)", [p["policyName"] for p in c("logs")
                                                           .describe_resource_policies()
                                                           ["resourcePolicies"]],
                       "AWS::Logs::ResourcePolicy")
                listed("DescribeDestinations", [d["destinationName"] for d in c("logs")
                                                .describe_destinations()["destinations"]],
                       "AWS::Logs::Destination")
                listed("ListEmailIdentities", [i["IdentityName"] for i in c("sesv2")
                                               .list_email_identities()["EmailIdentities"]],
                       "AWS::SES::EmailIdentity")
                listed("ListVaults", [v["VaultName"] for v in c("glacier")
                                      .list_vaults(accountId="-")["VaultList"]],
                       "AWS::Glacier::Vault")
                listed("ListDomainNames (OpenSearch)", [d["DomainName"] for d in c("opensearch")
                                                        .list_domain_names()["DomainNames"]],
                       "AWS::OpenSearchService::Domain")
                listed("GetRestApis", [a["name"] for a in c("apigateway")
                                       .get_rest_apis()["items"]], "AWS::ApiGateway::RestApi")
                listed("DescribeImages(Owners=self)", [i["Name"] for i in c("ec2").describe_images(
                    Owners=["self"])["Images"]], "AWS::EC2::Image")
                expect(f"{where} AMI Block Public Access",
                       c("ec2").get_image_block_public_access_state()[
                           "ImageBlockPublicAccessState"], "unblocked")

    def _verify_Kinesis_Stream(self, r):
        kinesis = self.client(r["account"], "kinesis", r["region"])
        got = kinesis.describe_stream_summary(StreamName=r["name"])["StreamDescriptionSummary"]
        expect(f"{r['key']} stream", got["StreamARN"], r["arn"])
        text = kinesis.get_resource_policy(ResourceARN=r["arn"])["Policy"]
        # A stream without a policy answers "{}", as on AWS.
        expect(f"{r['key']} stream policy", json.loads(text) if text != "{}" else None,
               r["written"]["policy"])

    def _verify_Events_EventBus(self, r):
        buses = self.client(r["account"], "events", r["region"]).list_event_buses()["EventBuses"]
        (bus,) = [b for b in buses if b["Name"] == r["name"]]
        expect(f"{r['key']} bus", bus["Arn"], r["arn"])
        expect(f"{r['key']} bus policy", json.loads(bus["Policy"]) if "Policy" in bus else None,
               r["written"]["policy"])

    def _verify_Backup_BackupVault(self, r):
        got = self.client(r["account"], "backup", r["region"]).get_backup_vault_access_policy(
            BackupVaultName=r["name"])
        expect(f"{r['key']} vault", got["BackupVaultArn"], r["arn"])
        expect(f"{r['key']} access policy", json.loads(got["Policy"]), r["written"]["policy"])

    def _codeartifact_policy(self, r, call, **names):
        ca = self.client(r["account"], "codeartifact", r["region"])
        try:
            got = getattr(ca, call)(**names)["policy"]
        except ca.exceptions.ResourceNotFoundException:
            return None
        expect(f"{r['key']} policy ARN", got["resourceArn"], r["arn"])
        return json.loads(got["document"])

    def _verify_CodeArtifact_Domain(self, r):
        (d,) = [d for d in self.client(r["account"], "codeartifact", r["region"])
                .list_domains()["domains"] if d["name"] == r["name"]]
        expect(f"{r['key']} domain", (d["arn"], d["owner"]), (r["arn"], r["account_id"]))
        expect(f"{r['key']} domain policy",
               self._codeartifact_policy(r, "get_domain_permissions_policy", domain=r["name"]),
               r["written"]["policy"])

    def _verify_CodeArtifact_Repository(self, r):
        w = r["written"]
        (repo,) = [x for x in self.client(r["account"], "codeartifact", r["region"])
                   .list_repositories()["repositories"] if x["name"] == r["name"]]
        expect(f"{r['key']} repository", (repo["arn"], repo["domainName"]), (r["arn"], w["domain"]))
        expect(f"{r['key']} repository policy",
               self._codeartifact_policy(r, "get_repository_permissions_policy",
                                         domain=w["domain"], repository=r["name"]), w["policy"])

    def _verify_Logs_ResourcePolicy(self, r):
        (p,) = [p for p in self.client(r["account"], "logs", r["region"])
                .describe_resource_policies()["resourcePolicies"]
                if p["policyName"] == r["written"]["policy_name"]]
        expect(f"{r['key']} resource policy", json.loads(p["policyDocument"]),
               r["written"]["policy"])

    def _verify_Logs_Destination(self, r):
        w = r["written"]
        (d,) = [d for d in self.client(r["account"], "logs", r["region"])
                .describe_destinations(DestinationNamePrefix=r["name"])["destinations"]
                if d["destinationName"] == r["name"]]
        expect(f"{r['key']} destination", (d["arn"], d["targetArn"], d["roleArn"]),
               (r["arn"], w["target_arn"], w["role_arn"]))
        expect(f"{r['key']} destination access policy", json.loads(d["accessPolicy"]),
               w["policy"])

    def _verify_SES_EmailIdentity(self, r):
        ses = self.client(r["account"], "sesv2", r["region"])
        got = ses.get_email_identity(EmailIdentity=r["name"])["IdentityType"]
        expect(f"{r['key']} identity type", got, r["written"]["identity_type"])
        got = ses.get_email_identity_policies(EmailIdentity=r["name"])["Policies"]
        expect(f"{r['key']} sending authorization policies",
               {k: json.loads(v) for k, v in got.items()}, r["written"]["policies"])

    def _verify_Glacier_Vault(self, r):
        glacier = self.client(r["account"], "glacier", r["region"])
        w = r["written"]
        got = glacier.describe_vault(accountId="-", vaultName=r["name"])["VaultARN"]
        expect(f"{r['key']} vault", got, r["arn"])
        got = glacier.get_vault_access_policy(accountId="-", vaultName=r["name"])["policy"]
        expect(f"{r['key']} vault access policy", json.loads(got["Policy"]), w["access_policy"])
        try:
            got = glacier.get_vault_lock(accountId="-", vaultName=r["name"])
            got = {"policy": json.loads(got["Policy"]), "state": got["State"]}
        except glacier.exceptions.ResourceNotFoundException:
            got = None
        expect(f"{r['key']} vault lock", got, w["lock"])

    def _verify_OpenSearchService_Domain(self, r):
        w = r["written"]
        (d,) = self.client(r["account"], "opensearch", r["region"]).describe_domains(
            DomainNames=[r["name"]])["DomainStatusList"]
        expect(f"{r['key']} domain", d["ARN"], r["arn"])
        expect(f"{r['key']} access policy", json.loads(d["AccessPolicies"]), w["access_policy"])
        vpc = d.get("VPCOptions")
        got = vpc and {"vpc_id": vpc.get("VPCId"), "subnet_ids": vpc["SubnetIds"],
                       "security_group_ids": vpc["SecurityGroupIds"]}
        expect(f"{r['key']} VPC options", got, w["vpc"])

    def _verify_ApiGateway_RestApi(self, r):
        w = r["written"]
        (api,) = [a for a in self.client(r["account"], "apigateway", r["region"])
                  .get_rest_apis()["items"] if a["id"] == w["rest_api_id"]]
        expect(f"{r['key']} REST API", (api["name"], api["endpointConfiguration"]["types"]),
               (r["name"], w["endpoint_types"]))
        # AWS (and the launcher) answer the document with its quotes and slashes escaped: the
        # body of a JSON string literal.
        expect(f"{r['key']} resource policy", json.loads(json.loads(f'"{api["policy"]}"')),
               w["policy"])

    def _verify_Glue_DataCatalog(self, r):
        try:
            got = json.loads(self.client(r["account"], "glue", r["region"]).get_resource_policy()[
                "PolicyInJson"])
        except ClientError as e:
            if e.response["Error"]["Code"] != "EntityNotFoundException":
                raise
            got = None
        expect(f"{r['key']} catalog policy", got, r["written"]["policy"])

    def _verify_EC2_Image(self, r):
        ec2 = self.client(r["account"], "ec2", r["region"])
        w = r["written"]
        (img,) = ec2.describe_images(ImageIds=[w["image_id"]])["Images"]
        expect(f"{r['key']} image",
               (img["Name"], img["OwnerId"], img["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]),
               (r["name"], r["account_id"], w["root_snapshot_id"]))
        got = ec2.describe_image_attribute(ImageId=w["image_id"], Attribute="launchPermission")
        names = {"Group": "group", "UserId": "user_id", "OrganizationArn": "organization_arn",
                 "OrganizationalUnitArn": "organizational_unit_arn"}
        got = [{names[k]: v for k, v in p.items()} for p in got["LaunchPermissions"]]
        expect(f"{r['key']} launchPermission", sort_grants(got),
               sort_grants(w["launch_permissions"]))

    # ---- manifest ---------------------------------------------------------------------------

    def manifest(self):
        return {
            "org_id": self.org_id,
            "management_account": MANAGEMENT_ACCOUNT,
            "regions": REGIONS,
            "accounts": self.accounts,
            "outside": {
                "accounts": [FOREIGN_ACCOUNT, FOREIGN_ACCOUNT_2],
                "org_id": FOREIGN_ORG_ID,
                "canonical_id": FOREIGN_CANONICAL_ID,
            },
            "account_block_public_access": {a: self.account_bpa.get(a) for a in self.accounts},
            "resources": self.resources,
            "supporting": self.supporting,
            "resource_control_policies": self.rcps,
            "networks": self.networks_seen,
            "origin_access_identities": self.oais,
        }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True, help="moto server URL, e.g. http://127.0.0.1:5055")
    ap.add_argument("--manifest", required=True, help="where to write the manifest (JSON)")
    ap.add_argument("--no-verify", action="store_true",
                    help="skip reading every item back and comparing it with the manifest")
    args = ap.parse_args()

    start = time.monotonic()
    seeder = Seeder(args.endpoint)
    seeder.organization()
    seeder.resource_controls()
    seeder.iam()  # first: Lambda functions need their execution roles
    seeder.networks()  # before s3(): a dev bucket admits shared's VPC endpoint
    seeder.cloudfront()  # before s3(): a prod bucket admits prod's origin access identity
    seeder.s3()
    seeder.kms()
    seeder.lambdas()
    seeder.sns()  # before sqs(): a queue lets dev's topic send
    seeder.sqs()
    seeder.secrets()
    seeder.ecr()
    seeder.efs()
    seeder.ebs()  # after kms(): the encrypted snapshot uses prod's key
    seeder.rds()
    seeder.dynamodb()
    seeder.kinesis()  # before logs(): the log destinations deliver to these streams
    seeder.event_buses()
    seeder.backup()
    seeder.codeartifact()
    seeder.logs()
    seeder.ses()
    seeder.glacier()
    seeder.opensearch()  # after networks(): the VPC domain uses shared's default VPC
    seeder.apigateway()
    seeder.glue()
    seeder.images()  # each AMI is registered on an EBS snapshot of its own
    seeded_in = time.monotonic() - start
    seed_calls = seeder.calls
    if not args.no_verify:
        seeder.verify()
    manifest = seeder.manifest()
    with open(args.manifest, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")

    counts = {}
    for r in seeder.resources:
        if r["created_by"] == "seeder":
            counts[r["type"]] = counts.get(r["type"], 0) + 1
    by_type = ", ".join(f"{t.split('::', 1)[1]} {n}" for t, n in counts.items())
    made_by = {"organizations:CreateAccount": f"{ROLE_NAME} roles",
               "moto:default-event-bus": "default event buses",
               "aws:glue-data-catalog": "Glue Data Catalogs"}
    auto = {}
    for r in seeder.resources:
        if r["created_by"] != "seeder":
            auto[r["created_by"]] = auto.get(r["created_by"], 0) + 1
    auto = ", ".join(f"{n} {made_by[c]}" for c, n in auto.items())
    verified = "not verified" if args.no_verify else \
        f"verified by read-back ({seeder.calls - seed_calls} calls)"
    print(
        f"seeded organization {seeder.org_id}: {len(seeder.accounts)} accounts, "
        f"{len(REGIONS)} regions, {sum(counts.values())} resources ({by_type}) "
        f"+ {auto}, {seed_calls} calls in {seeded_in:.1f} s; {verified}; "
        f"total {time.monotonic() - start:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
