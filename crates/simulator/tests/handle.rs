//! The library face: every operation of the collector's subset, answered as the SDK expects,
//! and a walk of the whole organization the way the collector walks it, which must find every
//! resource and every outsider's grant the generator made.

mod common;

use std::collections::BTreeSet;

use std::collections::BTreeMap;

use common::*;
use perimeter_simulator::org::S3_EXPRESS_ZONES;
use perimeter_simulator::protocol::url_encode;
use perimeter_simulator::{Outcome, Request, SimConfig, Simulator};
use serde_json::{json, Value};

fn small() -> SimConfig {
    SimConfig { accounts: 45, resources_per_account_region: 15, external_grant_rate: 0.25, seed: 11, ..SimConfig::default() }
}

/// An SNS (awsQuery) request signed for `region`.
fn sns(region: &str, key: &str, body: &str) -> Request {
    request("POST", "/", "sns", region, key, &[("content-type", "application/x-www-form-urlencoded")], body)
}

/// An EC2 (ec2Query) request signed for `region`.
fn ec2(region: &str, key: &str, body: &str) -> Request {
    request("POST", "/", "ec2", region, key, &[("content-type", "application/x-www-form-urlencoded")], body)
}

/// An RDS (awsQuery) request signed for `region`.
fn rds(region: &str, key: &str, body: &str) -> Request {
    request("POST", "/", "rds", region, key, &[("content-type", "application/x-www-form-urlencoded")], body)
}

/// A DynamoDB request (`DynamoDB_20120810.<op>`) signed for `region`.
fn dynamodb(op: &str, region: &str, key: &str, body: &Value) -> Request {
    json("dynamodb", &format!("DynamoDB_20120810.{op}"), region, key, &body.to_string())
}

/// A DynamoDB Streams request (`DynamoDBStreams_20120810.<op>`), signed as `dynamodb` too.
fn streams(op: &str, region: &str, key: &str, body: &Value) -> Request {
    json("dynamodb", &format!("DynamoDBStreams_20120810.{op}"), region, key, &body.to_string())
}

/// The `<entry><key>…</key><value>…</value></entry>` attributes of a GetTopicAttributes answer.
fn topic_attributes(xml: &str) -> BTreeMap<String, String> {
    tags(xml, "entry").iter().map(|e| (unescape(&tags(e, "key")[0]), unescape(&tags(e, "value")[0]))).collect()
}

fn assume(sim: &Simulator, account: &str) -> String {
    let body = format!("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A{account}%3Arole%2FAudit&RoleSessionName=perimeter");
    let (status, xml, _) = answer(sim, query("sts", BASE_KEY, &body));
    assert_eq!(status, 200, "{xml}");
    assert!(xml.starts_with("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>"), "{xml}");
    let expiration = &tags(&xml, "Expiration")[0];
    assert!(expiration.len() == 20 && expiration.ends_with('Z'), "{expiration}");
    tags(&xml, "AccessKeyId").remove(0)
}

#[test]
fn sts_identity_and_assume_role() {
    let sim = Simulator::new(SimConfig { refuse_assume_role: BTreeSet::from(["100000000002".to_string()]), ..small() });
    let (status, xml, _) = answer(&sim, query("sts", BASE_KEY, "Action=GetCallerIdentity&Version=2011-06-15"));
    assert_eq!(status, 200);
    assert_eq!(tags(&xml, "Account"), ["100000000000"]);
    assert!(xml.contains("<GetCallerIdentityResult>") && xml.contains("<RequestId>"));

    let key = assume(&sim, "100000000003");
    assert_eq!(key, "ASIASIM100000000003");
    let (_, xml, _) = answer(&sim, query("sts", &key, "Action=GetCallerIdentity&Version=2011-06-15"));
    assert_eq!(tags(&xml, "Account"), ["100000000003"]);

    let body = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A100000000002%3Arole%2FAudit&RoleSessionName=p";
    let (status, xml, _) = answer(&sim, query("sts", BASE_KEY, body));
    assert_eq!(status, 403);
    assert!(xml.starts_with("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"), "{xml}");
}

#[test]
fn organizations_pages_and_tree() {
    let sim = Simulator::new(SimConfig { accounts: 245, resources_per_account_region: 0, ..small() });
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let body = token.as_ref().map_or_else(|| "{}".to_string(), |t| json!({"NextToken": t}).to_string());
        let page = ok_json(&sim, json("organizations", "AWSOrganizationsV20161128.ListAccounts", "us-east-1", BASE_KEY, &body));
        let accounts = page["Accounts"].as_array().expect("Accounts");
        assert!(accounts.len() <= 20);
        assert!(accounts[0]["JoinedTimestamp"].is_number(), "awsJson timestamps are epoch seconds");
        ids.extend(accounts.iter().map(|a| a["Id"].as_str().expect("Id").to_string()));
        pages += 1;
        match page.get("NextToken").and_then(Value::as_str) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 13);
    assert_eq!(ids.len(), 245);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 245);

    let org = ok_json(&sim, json("organizations", "AWSOrganizationsV20161128.DescribeOrganization", "us-east-1", BASE_KEY, ""));
    assert_eq!(org["Organization"]["Id"], "o-sim0000001");
    assert_eq!(org["Organization"]["MasterAccountId"], "100000000000");
    let roots = ok_json(&sim, json("organizations", "AWSOrganizationsV20161128.ListRoots", "us-east-1", BASE_KEY, "{}"));
    assert_eq!(roots["Roots"][0]["Id"], "r-sim0");
    let under_root = ok_json(&sim, json("organizations", "AWSOrganizationsV20161128.ListAccountsForParent", "us-east-1", BASE_KEY, r#"{"ParentId":"r-sim0"}"#));
    assert_eq!(under_root["Accounts"].as_array().map(Vec::len), Some(1));
    let ous = ok_json(&sim, json("organizations", "AWSOrganizationsV20161128.ListOrganizationalUnitsForParent", "us-east-1", BASE_KEY, r#"{"ParentId":"r-sim0"}"#));
    let ous: Vec<String> = ous["OrganizationalUnits"].as_array().expect("OUs").iter().map(|o| o["Id"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(ous.len(), 3);
    let last = ok_json(&sim, json("organizations", "AWSOrganizationsV20161128.ListAccountsForParent", "us-east-1", BASE_KEY, &json!({"ParentId": ous[2]}).to_string()));
    assert_eq!(last["Accounts"].as_array().map(Vec::len), Some(20));
    assert_eq!(last["NextToken"], "sim-20");

    let member = assume(&sim, "100000000001");
    let (status, body, _) = answer(&sim, json("organizations", "AWSOrganizationsV20161128.ListAccounts", "us-east-1", &member, "{}"));
    assert_eq!(status, 400);
    assert!(body.contains("\"__type\":\"AccessDeniedException\""), "{body}");
}

#[test]
fn regions_enabled_and_disabled() {
    let sim = Simulator::new(SimConfig { disabled_regions: BTreeSet::from(["ap-east-1".to_string()]), ..small() });
    let list = |body: &str| ok_json(&sim, request("POST", "/listRegions", "account", "us-east-1", BASE_KEY, &[("content-type", "application/json")], body));
    let enabled = list(r#"{"RegionOptStatusContains":["ENABLED","ENABLED_BY_DEFAULT"]}"#);
    let names: Vec<&str> = enabled["Regions"].as_array().expect("Regions").iter().filter_map(|r| r["RegionName"].as_str()).collect();
    assert_eq!(names, ["us-east-1", "eu-west-1"]);
    let all = list("{}");
    assert_eq!(all["Regions"][2], json!({"RegionName": "ap-east-1", "RegionOptStatus": "DISABLED"}));
    let (status, body, _) = answer(&sim, json("kms", "TrentService.ListKeys", "ap-east-1", BASE_KEY, "{}"));
    assert_eq!(status, 403);
    assert!(body.contains("UnrecognizedClientException"));
    let (status, body, _) = answer(&sim, sns("ap-east-1", BASE_KEY, "Action=ListTopics&Version=2010-03-31"));
    assert_eq!((status, body.contains("<Code>InvalidClientTokenId</Code>")), (403, true), "{body}");
    let (status, _, headers) = answer(&sim, request("GET", "/2015-02-01/file-systems", "elasticfilesystem", "ap-east-1", BASE_KEY, &[], ""));
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (403, Some("UnrecognizedClientException")));
}

#[test]
fn iam_roles_are_paginated_and_url_encoded() {
    // 3,000 slots over the first region's 15 kinds: 200 roles.
    let sim = Simulator::new(SimConfig { accounts: 2, regions: vec!["us-east-1".into()], resources_per_account_region: 3000, ..small() });
    let (_, first, _) = answer(&sim, query("iam", BASE_KEY, "Action=ListRoles&Version=2010-05-08"));
    assert!(first.starts_with("<ListRolesResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListRolesResult><Roles><member>"), "{}", &first[..200]);
    assert_eq!(tags(&first, "RoleName").len(), 100);
    assert_eq!(tags(&first, "IsTruncated"), ["true"]);
    let marker = tags(&first, "Marker").remove(0);
    let doc = tags(&first, "AssumeRolePolicyDocument").remove(0);
    assert!(doc.starts_with("%7B%22Version%22"), "{doc}");
    let decoded = percent_encoding::percent_decode_str(&doc).decode_utf8().expect("utf8").into_owned();
    let decoded: Value = serde_json::from_str(&decoded).expect("trust policy JSON");
    assert_eq!(decoded["Statement"][0]["Action"], "sts:AssumeRole");
    let (_, second, _) = answer(&sim, query("iam", BASE_KEY, &format!("Action=ListRoles&Version=2010-05-08&Marker={marker}")));
    assert_eq!(tags(&second, "RoleName").len(), 100);
    assert_eq!(tags(&second, "IsTruncated"), ["false"]);
    let (_, users, _) = answer(&sim, query("iam", BASE_KEY, "Action=ListUsers&Version=2010-05-08"));
    assert_eq!(tags(&users, "UserId").len(), 2);
}

#[test]
fn unsupported_operations_are_named_and_counted() {
    let sim = Simulator::new(small());
    let (status, body, _) = answer(&sim, json("kms", "TrentService.CreateKey", "us-east-1", BASE_KEY, "{}"));
    assert_eq!(status, 400);
    assert!(body.contains("UnknownOperationException") && body.contains("KMS:CreateKey"), "{body}");
    let (status, body, _) = answer(&sim, request("PUT", "/some-bucket?policy", "s3", "us-east-1", BASE_KEY, &[], "{}"));
    assert_eq!(status, 400);
    assert!(body.contains("<Code>NotImplemented</Code>"), "{body}");
    assert_eq!(sim.unsupported(), ["KMS:CreateKey", "S3:PUT /some-bucket?policy"]);
    assert_eq!(sim.counts().get("KMS:CreateKey"), Some(&1));
}

#[test]
fn faults_are_bounded_and_counted() {
    let sim = Simulator::new(SimConfig { throttle_rate: 1.0, ..small() });
    let get = || json("kms", "TrentService.ListKeys", "us-east-1", BASE_KEY, "{}");
    for _ in 0..2 {
        let (status, body, _) = answer(&sim, get());
        assert_eq!(status, 400);
        assert!(body.contains("\"__type\":\"ThrottlingException\""), "{body}");
    }
    let (status, _, _) = answer(&sim, get());
    assert_eq!(status, 200, "the third attempt gets through");
    assert_eq!(sim.faults(), 2);
    assert_eq!(sim.counts().get("KMS:ListKeys"), Some(&3));
    assert!(sim.repeated().is_empty(), "faulted attempts are not repeats");

    // Other protocols' throttling errors.
    let (status, body, _) = answer(&sim, request("GET", "/", "s3", "us-east-1", BASE_KEY, &[], ""));
    assert_eq!((status, body.contains("<Code>SlowDown</Code>")), (503, true));
    let (status, _, headers) = answer(&sim, request("GET", "/2015-03-31/functions/", "lambda", "us-east-1", BASE_KEY, &[], ""));
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (429, Some("TooManyRequestsException")));
    let (status, body, _) = answer(&sim, json("sqs", "AmazonSQS.ListQueues", "us-east-1", BASE_KEY, "{}"));
    assert_eq!((status, body.contains("com.amazonaws.sqs#RequestThrottled")), (400, true));
    let (status, body, _) = answer(&sim, query("iam", BASE_KEY, "Action=ListUsers&Version=2010-05-08"));
    assert_eq!((status, body.contains("<Code>Throttling</Code>")), (400, true));
    let (status, body, _) = answer(&sim, json("secretsmanager", "secretsmanager.ListSecrets", "us-east-1", BASE_KEY, "{}"));
    assert_eq!((status, body.contains("\"__type\":\"ThrottlingException\"")), (400, true), "{body}");
    let (status, body, _) = answer(&sim, sns("us-east-1", BASE_KEY, "Action=ListTopics&Version=2010-03-31"));
    assert_eq!((status, body.contains("<Code>Throttling</Code>")), (400, true), "{body}");
    let (status, body, _) = answer(&sim, json("ecr", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories", "us-east-1", BASE_KEY, "{}"));
    assert_eq!((status, body.contains("\"__type\":\"ThrottlingException\"")), (400, true), "{body}");
    let (status, body, headers) = answer(&sim, request("GET", "/2015-02-01/file-systems", "elasticfilesystem", "us-east-1", BASE_KEY, &[], ""));
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (429, Some("ThrottlingException")));
    assert!(body.contains("\"ErrorCode\":\"ThrottlingException\""), "{body}");
    for req in [dynamodb("ListTables", "us-east-1", BASE_KEY, &json!({})), streams("ListStreams", "us-east-1", BASE_KEY, &json!({}))] {
        let (status, body, _) = answer(&sim, req);
        assert_eq!((status, body.contains("\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\"")), (400, true), "{body}");
    }

    let drops = Simulator::new(SimConfig { drop_rate: 1.0, max_consecutive_faults: 1, ..small() });
    assert!(matches!(drops.handle(get()), Outcome::Drop));
    assert!(matches!(drops.handle(get()), Outcome::Respond { .. }));
    assert!(matches!(drops.handle(get()), Outcome::Drop));
    assert!(matches!(drops.handle(get()), Outcome::Respond { .. }));
    assert_eq!(drops.repeated(), [("100000000000|us-east-1|KMS:ListKeys|{}".to_string(), 2)]);
}

#[test]
fn internal_errors_of_the_policy_services() {
    let sim = Simulator::new(SimConfig { error_rate: 1.0, ..small() });
    let (status, body, _) = answer(&sim, json("secretsmanager", "secretsmanager.ListSecrets", "us-east-1", BASE_KEY, "{}"));
    assert_eq!((status, body.contains("\"__type\":\"InternalServiceError\"")), (500, true), "{body}");
    let (status, body, _) = answer(&sim, sns("us-east-1", BASE_KEY, "Action=ListTopics&Version=2010-03-31"));
    assert!(status == 500 && body.contains("<Type>Receiver</Type><Code>InternalError</Code>"), "{body}");
    let (status, body, _) = answer(&sim, json("ecr", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories", "us-east-1", BASE_KEY, "{}"));
    assert_eq!((status, body.contains("\"__type\":\"ServerException\"")), (500, true), "{body}");
    let (status, _, headers) = answer(&sim, request("GET", "/2015-02-01/file-systems", "elasticfilesystem", "us-east-1", BASE_KEY, &[], ""));
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (500, Some("InternalServerError")));
    for req in [dynamodb("ListTables", "us-east-1", BASE_KEY, &json!({})), streams("ListStreams", "us-east-1", BASE_KEY, &json!({}))] {
        let (status, body, _) = answer(&sim, req);
        assert_eq!((status, body.contains("\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\"")), (500, true), "{body}");
    }
    assert_eq!(sim.faults(), 6);
}

#[test]
fn hang_regions_hang_except_global_calls() {
    let sim = Simulator::new(SimConfig { hang_regions: BTreeSet::from(["eu-west-1".to_string()]), ..small() });
    assert!(matches!(sim.handle(json("kms", "TrentService.ListKeys", "eu-west-1", BASE_KEY, "{}")), Outcome::Hang));
    assert!(matches!(sim.handle(request("GET", "/", "s3", "eu-west-1", BASE_KEY, &[], "")), Outcome::Respond { .. }));
    let iam = request("POST", "/", "iam", "eu-west-1", BASE_KEY, &[], "Action=ListUsers&Version=2010-05-08");
    assert!(matches!(sim.handle(iam), Outcome::Respond { .. }));
    assert!(matches!(sim.handle(json("kms", "TrentService.ListKeys", "us-east-1", BASE_KEY, "{}")), Outcome::Respond { .. }));
    assert_eq!(sim.hung(), 1);
}

/// What one account's walk found: resources and those with an outsider's grant.
#[derive(Default)]
struct Found {
    resources: usize,
    external: usize,
    /// Bucket policy statements that name the account's origin access identity.
    oai_statements: usize,
    /// Bucket policy statements pinned to one of the account's VPC endpoints.
    pinned_to_endpoints: usize,
}

impl Found {
    fn policy(&mut self, doc: &str) {
        self.resource(doc, false);
    }

    /// A resource with that policy, and an outsider elsewhere too (a directory bucket's access
    /// point) when `outsider_elsewhere`: counted once.
    fn resource(&mut self, doc: &str, outsider_elsewhere: bool) {
        self.resources += 1;
        if outsider_elsewhere || has_outsider(doc) {
            self.external += 1;
        }
    }
}

/// Whether a policy has the outsider's statement.
fn has_outsider(doc: &str) -> bool {
    let doc: Value = serde_json::from_str(doc).expect("policy JSON");
    doc["Statement"].as_array().expect("statements").iter().any(|s| s["Sid"] == "External")
}

impl Found {

    /// A snapshot, from who may restore it (EC2 `userId`s and `group`s, RDS `restore` values):
    /// another member of the organization always, and the outsider or `all` for an external one.
    fn snapshot(&mut self, sim: &Simulator, account: &str, shared_with: &[String]) {
        let internal = shared_with.first().expect("shared with the organization");
        assert!(internal != account && internal != "100000000000" && sim.org().account(internal).is_some(), "{shared_with:?}");
        self.resources += 1;
        if shared_with.iter().any(|w| w == "all" || w == "999999999999") {
            self.external += 1;
        }
    }
}

/// Walks one account as the collector does, with that account's key.
fn walk(sim: &Simulator, key: &str, account: &str, regions: &[String], found: &mut Found) {
    // IAM roles.
    let mut marker = String::new();
    loop {
        let body = if marker.is_empty() { "Action=ListRoles&Version=2010-05-08".to_string() } else { format!("Action=ListRoles&Version=2010-05-08&Marker={marker}") };
        let (_, xml, _) = answer(sim, query("iam", key, &body));
        for doc in tags(&xml, "AssumeRolePolicyDocument") {
            found.policy(&percent_encoding::percent_decode_str(&doc).decode_utf8().expect("utf8"));
        }
        match tags(&xml, "Marker").pop() {
            Some(m) => marker = m,
            None => break,
        }
    }
    // S3 buckets, in their own region.
    let (_, xml, _) = answer(sim, request("GET", "/?x-id=ListBuckets", "s3", "us-east-1", key, &[], ""));
    let owner = tags(&xml, "ID").remove(0);
    assert_eq!(owner.len(), 64);
    let mut bucket_policies = Vec::new();
    for (name, region) in tags(&xml, "Name").into_iter().zip(tags(&xml, "BucketRegion")) {
        assert!(!name.ends_with("--x-s3"), "ListBuckets lists no directory bucket: {name}");
        let (status, policy, _) = answer(sim, request("GET", &format!("/{name}?policy"), "s3", &region, key, &[], ""));
        assert_eq!(status, 200, "{policy}");
        found.policy(&policy);
        bucket_policies.push((region.clone(), policy));
        let (status, acl, _) = answer(sim, request("GET", &format!("/{name}?acl"), "s3", &region, key, &[], ""));
        assert_eq!(status, 200);
        assert!(acl.starts_with("<?xml") && acl.contains(&format!("<Owner><ID>{owner}</ID>")), "{acl}");
        for sub in ["publicAccessBlock", "ownershipControls"] {
            let (status, body, _) = answer(sim, request("GET", &format!("/{name}?{sub}"), "s3", &region, key, &[], ""));
            assert!(status == 200 || (status == 404 && body.contains("<Error><Code>No") || body.contains("<Code>OwnershipControlsNotFoundError")), "{status} {body}");
        }
        let (status, _, _) = answer(sim, request("GET", &format!("/{name}?policy"), "s3", "ap-south-1", key, &[], ""));
        assert_eq!(status, 301, "a bucket asked in another region is redirected");
    }
    let header = [("x-amz-account-id", account)];
    let (status, _, _) = answer(sim, request("GET", "/v20180820/configuration/publicAccessBlock", "s3", "us-east-1", key, &header, ""));
    assert!(status == 200 || status == 404);
    // CloudFront's origin access identities (global: asked once, in us-east-1).
    let (status, xml, _) = answer(sim, request("GET", "/2020-05-31/origin-access-identity/cloudfront", "cloudfront", "us-east-1", key, &[], ""));
    assert_eq!(status, 200, "{xml}");
    assert_eq!(tags(&xml, "IsTruncated"), ["false"]);
    let oais: Vec<String> = tags(&xml, "Id").iter().map(|id| format!("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity {id}")).collect();
    assert_eq!(oais.len(), 1);
    let mut endpoints: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for region in regions {
        // VPCs and VPC endpoints (context, not resources).
        let (status, xml, _) = answer(sim, ec2(region, key, "Action=DescribeVpcs&Version=2016-11-15"));
        assert_eq!(status, 200, "{xml}");
        assert!(tags(&xml, "nextToken").is_empty() && tags(&xml, "ownerId").iter().all(|o| o == account), "{xml}");
        let vpcs = tags(&xml, "vpcId");
        let (status, xml, _) = answer(sim, ec2(region, key, "Action=DescribeVpcEndpoints&Version=2016-11-15"));
        assert_eq!(status, 200, "{xml}");
        assert!(tags(&xml, "vpcId").iter().all(|v| vpcs.contains(v)), "{xml}");
        endpoints.insert(region.clone(), tags(&xml, "vpcEndpointId"));
        // Directory buckets, where S3 Express is offered.
        if S3_EXPRESS_ZONES.iter().any(|(r, _)| r == region) {
            let (status, xml, _) = answer(sim, request("GET", "/?x-id=ListDirectoryBuckets", "s3express", region, key, &[], ""));
            assert_eq!(status, 200, "{xml}");
            assert!(tags(&xml, "ContinuationToken").is_empty());
            assert!(tags(&xml, "BucketRegion").iter().all(|r| r == region));
            let names = tags(&xml, "Name");
            // Their access points (S3 Control, signed as `s3express`), each with its policy:
            // buckets an outsider reaches through one.
            let (status, aps, _) = answer(sim, request("GET", "/v20180820/accesspointfordirectory", "s3express", region, key, &header, ""));
            assert_eq!(status, 200, "{aps}");
            assert!(tags(&aps, "NextToken").is_empty() && tags(&aps, "BucketAccountId").iter().all(|a| a == account), "{aps}");
            let mut through_access_point = BTreeSet::new();
            for ap in tags(&aps, "AccessPoint") {
                let (name, bucket) = (tags(&ap, "Name").remove(0), tags(&ap, "Bucket").remove(0));
                assert!(names.contains(&bucket) && name.ends_with("--xa-s3"), "{ap}");
                let (status, policy, _) = answer(sim, request("GET", &format!("/v20180820/accesspoint/{name}/policy"), "s3express", region, key, &header, ""));
                assert_eq!(status, 200, "{policy}");
                if has_outsider(&unescape(&tags(&policy, "Policy")[0])) {
                    through_access_point.insert(bucket);
                }
            }
            for name in names {
                let (status, policy, _) = answer(sim, request("GET", &format!("/{name}?policy"), "s3express", region, key, &[], ""));
                assert_eq!(status, 200, "{policy}");
                found.resource(&policy, through_access_point.contains(&name));
            }
        }
        // Access points.
        let (_, xml, _) = answer(sim, request("GET", "/v20180820/accesspoint", "s3", region, key, &header, ""));
        assert!(xml.contains("<ListAccessPointsResult"), "{xml}");
        for name in tags(&xml, "Name") {
            let (status, ap, _) = answer(sim, request("GET", &format!("/v20180820/accesspoint/{name}"), "s3", region, key, &header, ""));
            assert_eq!(status, 200);
            assert!(ap.contains("<GetAccessPointResult") && ap.contains("<PublicAccessBlockConfiguration><BlockPublicAcls>true"), "{ap}");
            let (status, policy, _) = answer(sim, request("GET", &format!("/v20180820/accesspoint/{name}/policy"), "s3", region, key, &header, ""));
            assert_eq!(status, 200);
            let doc = unescape(&tags(&policy, "Policy")[0]);
            assert!(serde_json::from_str::<Value>(&doc).is_ok(), "{doc}");
        }
        // KMS.
        let keys = ok_json(sim, json("kms", "TrentService.ListKeys", region, key, "{}"));
        assert_eq!(keys["Truncated"], false);
        let mut managed = 0;
        for k in keys["Keys"].as_array().expect("Keys") {
            let id = k["KeyId"].as_str().expect("KeyId");
            let meta = ok_json(sim, json("kms", "TrentService.DescribeKey", region, key, &json!({"KeyId": id}).to_string()));
            if meta["KeyMetadata"]["KeyManager"] == "AWS" {
                managed += 1;
                continue;
            }
            assert_eq!(meta["KeyMetadata"]["Arn"], k["KeyArn"]);
            let policy = ok_json(sim, json("kms", "TrentService.GetKeyPolicy", region, key, &json!({"KeyId": id, "PolicyName": "default"}).to_string()));
            found.policy(policy["Policy"].as_str().expect("Policy"));
            let grants = ok_json(sim, json("kms", "TrentService.ListGrants", region, key, &json!({"KeyId": id}).to_string()));
            assert_eq!(grants["Grants"].as_array().map(Vec::len), Some(1));
        }
        assert_eq!(managed, 1);
        // Lambda functions, with every qualifier the collector asks.
        let functions = ok_json(sim, request("GET", "/2015-03-31/functions", "lambda", region, key, &[], ""));
        for f in functions["Functions"].as_array().expect("Functions") {
            let name = f["FunctionName"].as_str().expect("name");
            let get = |path: String| answer(sim, request("GET", &path, "lambda", region, key, &[], ""));
            let (status, body, _) = get(format!("/2015-03-31/functions/{name}/policy"));
            assert_eq!(status, 200);
            let policy: Value = serde_json::from_str(&body).expect("JSON");
            found.policy(policy["Policy"].as_str().expect("Policy"));
            let (_, aliases, _) = get(format!("/2015-03-31/functions/{name}/aliases"));
            let aliases: Value = serde_json::from_str(&aliases).expect("JSON");
            let (_, versions, _) = get(format!("/2015-03-31/functions/{name}/versions"));
            let versions: Value = serde_json::from_str(&versions).expect("JSON");
            let (status, _, headers) = get(format!("/2021-10-31/functions/{name}/url"));
            assert_eq!(status, 404);
            assert_eq!(headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok()), Some("ResourceNotFoundException"));
            for a in aliases["Aliases"].as_array().expect("Aliases") {
                let alias = a["Name"].as_str().expect("alias");
                let (status, _, _) = get(format!("/2015-03-31/functions/{name}/policy?Qualifier={alias}"));
                assert_eq!(status, 200);
                let (status, url, _) = get(format!("/2021-10-31/functions/{name}/url?Qualifier={alias}"));
                assert_eq!(status, 200);
                assert!(url.contains("\"AuthType\":\"AWS_IAM\""), "{url}");
                assert_eq!(versions["Versions"].as_array().map(Vec::len), Some(2));
                let (status, _, _) = get(format!("/2015-03-31/functions/{name}/policy?Qualifier=1"));
                assert_eq!(status, 404, "a version without its own policy");
            }
        }
        // Lambda layers.
        let layers = ok_json(sim, request("GET", "/2018-10-31/layers", "lambda", region, key, &[], ""));
        for l in layers["Layers"].as_array().expect("Layers") {
            let name = l["LayerName"].as_str().expect("name");
            let versions = ok_json(sim, request("GET", &format!("/2018-10-31/layers/{name}/versions"), "lambda", region, key, &[], ""));
            for v in versions["LayerVersions"].as_array().expect("LayerVersions") {
                let n = v["Version"].as_i64().expect("Version");
                let policy = ok_json(sim, request("GET", &format!("/2018-10-31/layers/{name}/versions/{n}/policy"), "lambda", region, key, &[], ""));
                found.policy(policy["Policy"].as_str().expect("Policy"));
            }
        }
        // SQS.
        let queues = ok_json(sim, json("sqs", "AmazonSQS.ListQueues", region, key, "{}"));
        for url in queues["QueueUrls"].as_array().expect("QueueUrls") {
            let body = json!({"QueueUrl": url, "AttributeNames": ["Policy", "QueueArn"]}).to_string();
            let attrs = ok_json(sim, json("sqs", "AmazonSQS.GetQueueAttributes", region, key, &body));
            assert!(attrs["Attributes"]["QueueArn"].as_str().is_some_and(|a| a.starts_with("arn:aws:sqs:")));
            found.policy(attrs["Attributes"]["Policy"].as_str().expect("Policy"));
        }
        // Secrets Manager.
        let secrets = ok_json(sim, json("secretsmanager", "secretsmanager.ListSecrets", region, key, "{}"));
        assert!(secrets.get("NextToken").is_none());
        for s in secrets["SecretList"].as_array().expect("SecretList") {
            let body = json!({"SecretId": s["ARN"]}).to_string();
            let policy = ok_json(sim, json("secretsmanager", "secretsmanager.GetResourcePolicy", region, key, &body));
            assert_eq!(policy["Name"], s["Name"]);
            found.policy(policy["ResourcePolicy"].as_str().expect("ResourcePolicy"));
        }
        // SNS.
        let (status, xml, _) = answer(sim, sns(region, key, "Action=ListTopics&Version=2010-03-31"));
        assert_eq!(status, 200, "{xml}");
        assert!(tags(&xml, "NextToken").is_empty());
        for arn in tags(&xml, "TopicArn") {
            let body = format!("Action=GetTopicAttributes&Version=2010-03-31&TopicArn={}", url_encode(&arn));
            let (status, attrs, _) = answer(sim, sns(region, key, &body));
            assert_eq!(status, 200, "{attrs}");
            found.policy(&topic_attributes(&attrs)["Policy"]);
        }
        // ECR.
        let repos = ok_json(sim, json("ecr", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories", region, key, "{}"));
        for r in repos["repositories"].as_array().expect("repositories") {
            assert_eq!(r["registryId"], account);
            let body = json!({"repositoryName": r["repositoryName"]}).to_string();
            let policy = ok_json(sim, json("ecr", "AmazonEC2ContainerRegistry_V20150921.GetRepositoryPolicy", region, key, &body));
            found.policy(policy["policyText"].as_str().expect("policyText"));
        }
        // EFS.
        let file_systems = ok_json(sim, request("GET", "/2015-02-01/file-systems", "elasticfilesystem", region, key, &[], ""));
        for f in file_systems["FileSystems"].as_array().expect("FileSystems") {
            assert_eq!(f["OwnerId"], account);
            let id = f["FileSystemId"].as_str().expect("FileSystemId");
            let policy = ok_json(sim, request("GET", &format!("/2015-02-01/file-systems/{id}/policy"), "elasticfilesystem", region, key, &[], ""));
            found.policy(policy["Policy"].as_str().expect("Policy"));
        }
        // EC2 snapshots, and the account's snapshot Block Public Access.
        let (status, xml, _) = answer(sim, ec2(region, key, "Action=GetSnapshotBlockPublicAccessState&Version=2016-11-15"));
        assert_eq!(status, 200, "{xml}");
        assert_eq!(tags(&xml, "state"), [sim.org().account(account).expect("account").snapshot_bpa]);
        let (status, xml, _) = answer(sim, ec2(region, key, "Action=DescribeSnapshots&Version=2016-11-15&Owner.1=self&MaxResults=1000"));
        assert_eq!(status, 200, "{xml}");
        assert!(tags(&xml, "nextToken").is_empty());
        assert!(tags(&xml, "ownerId").iter().all(|o| o == account));
        for id in tags(&xml, "snapshotId") {
            let body = format!("Action=DescribeSnapshotAttribute&Version=2016-11-15&Attribute=createVolumePermission&SnapshotId={id}");
            let (status, attr, _) = answer(sim, ec2(region, key, &body));
            assert_eq!(status, 200, "{attr}");
            let shared: Vec<String> = tags(&attr, "userId").into_iter().chain(tags(&attr, "group")).collect();
            found.snapshot(sim, account, &shared);
        }
        // RDS DB snapshots and DB cluster snapshots.
        for (list, attributes, id) in [
            ("DescribeDBSnapshots", "DescribeDBSnapshotAttributes", "DBSnapshotIdentifier"),
            ("DescribeDBClusterSnapshots", "DescribeDBClusterSnapshotAttributes", "DBClusterSnapshotIdentifier"),
        ] {
            let (status, xml, _) = answer(sim, rds(region, key, &format!("Action={list}&Version=2014-10-31&SnapshotType=manual&MaxRecords=100")));
            assert_eq!(status, 200, "{xml}");
            assert!(tags(&xml, "Marker").is_empty());
            for name in tags(&xml, id) {
                let (status, attr, _) = answer(sim, rds(region, key, &format!("Action={attributes}&Version=2014-10-31&{id}={name}")));
                assert_eq!(status, 200, "{attr}");
                assert_eq!(tags(&attr, "AttributeName"), ["restore"]);
                found.snapshot(sim, account, &tags(&attr, "AttributeValue"));
            }
        }
        // DynamoDB tables (ListTables gives names: the ARN is built) and streams, each with its
        // resource policy.
        let tables = ok_json(sim, dynamodb("ListTables", region, key, &json!({})));
        assert!(tables.get("LastEvaluatedTableName").is_none());
        for name in tables["TableNames"].as_array().expect("TableNames") {
            let arn = format!("arn:aws:dynamodb:{region}:{account}:table/{}", name.as_str().expect("name"));
            let policy = ok_json(sim, dynamodb("GetResourcePolicy", region, key, &json!({"ResourceArn": arn})));
            found.policy(policy["Policy"].as_str().expect("Policy"));
        }
        let list = ok_json(sim, streams("ListStreams", region, key, &json!({})));
        assert!(list.get("LastEvaluatedStreamArn").is_none());
        for s in list["Streams"].as_array().expect("Streams") {
            let arn = s["StreamArn"].as_str().expect("StreamArn");
            assert!(arn.starts_with(&format!("arn:aws:dynamodb:{region}:{account}:table/{}/stream/", s["TableName"].as_str().expect("TableName"))), "{s}");
            let policy = ok_json(sim, dynamodb("GetResourcePolicy", region, key, &json!({"ResourceArn": arn})));
            found.policy(policy["Policy"].as_str().expect("Policy"));
        }
    }
    // Bucket policies name only the account's own origin access identity and VPC endpoints.
    for (region, policy) in &bucket_policies {
        let doc: Value = serde_json::from_str(policy).expect("JSON");
        for st in doc["Statement"].as_array().expect("statements") {
            if st["Sid"] == "CloudFrontRead" {
                found.oai_statements += 1;
                assert!(oais.iter().any(|o| st["Principal"]["AWS"] == o.as_str()), "{st}");
            }
            if let Some(vpce) = st["Condition"]["StringEquals"]["aws:SourceVpce"].as_str() {
                found.pinned_to_endpoints += 1;
                assert!(endpoints.get(region).is_some_and(|e| e.iter().any(|id| id == vpce)), "{st}");
            }
        }
    }
}

#[test]
fn a_full_walk_finds_every_resource_and_grant_once() {
    let sim = Simulator::new(small());
    let regions = sim.config().regions.clone();
    let mut found = Found::default();
    for account in sim.org().accounts.iter().map(|a| a.id.clone()).collect::<Vec<_>>() {
        let key = if account == "100000000000" { BASE_KEY.to_string() } else { assume(&sim, &account) };
        walk(&sim, &key, &account, &regions, &mut found);
    }
    assert_eq!(found.resources, sim.resource_count());
    assert_eq!(found.external, sim.external_grants());
    assert!(sim.external_grants() > 0);
    assert!(found.oai_statements > 0 && found.pinned_to_endpoints > 0, "{} {}", found.oai_statements, found.pinned_to_endpoints);
    // 15 slots reach every kind of the first region's rotation, and one in 20 bucket slots (both
    // regions offer S3 Express) is a directory bucket: every type was walked.
    let tally = sim.org().tally();
    let types: BTreeSet<&str> = tally.iter().map(|t| t.resource_type).collect();
    assert_eq!(types.len(), 16, "{types:?}");
    assert!(types.contains("AWS::DynamoDB::Table") && types.contains("AWS::DynamoDB::Stream"), "{types:?}");
    assert_eq!(sim.faults(), 0);
    assert!(sim.unsupported().is_empty(), "{:?}", sim.unsupported());
    assert_eq!(sim.counts().get("STS:AssumeRole"), Some(&44));
    // The calls of the context and of the directory buckets: 2 EC2 listings per (account,
    // region), 1 CloudFront listing per account, 1 ListDirectoryBuckets and 1
    // ListAccessPointsForDirectoryBuckets per (account, region), 1 GetBucketPolicy per directory
    // bucket and 1 GetAccessPointPolicy per access point, of every 2nd (the walk asks each
    // general purpose bucket's policy twice: in its region and in another).
    let of_type = |kind: &str| tally.iter().filter(|t| t.resource_type == kind).map(|t| t.resources as u64).sum::<u64>();
    let (directory, general) = (of_type("AWS::S3Express::DirectoryBucket"), of_type("AWS::S3::Bucket"));
    assert_eq!(directory, 135u64.div_ceil(20), "45 accounts x 3 bucket slots");
    let counts = sim.counts();
    for (call, n) in [
        ("EC2:DescribeVpcs", 90),
        ("EC2:DescribeVpcEndpoints", 90),
        ("CloudFront:ListCloudFrontOriginAccessIdentities", 45),
        ("S3Express:ListDirectoryBuckets", 90),
        ("S3Express:GetBucketPolicy", directory),
        ("S3ExpressControl:ListAccessPointsForDirectoryBuckets", 90),
        ("S3ExpressControl:GetAccessPointPolicy", directory.div_ceil(2)),
        ("S3:GetBucketPolicy", 2 * general),
        ("S3:ListBuckets", 45),
    ] {
        assert_eq!(counts.get(call), Some(&n), "{call}");
    }
    // The walk asks some things twice on purpose (the 301 probe re-asks the policy in another
    // region, which is another logical request); nothing else is repeated.
    assert!(sim.repeated().is_empty(), "{:?}", sim.repeated());
}

/// One region of few accounts: `slots` resources over the first region's 15 kinds.
fn one_region(slots: usize) -> SimConfig {
    SimConfig { accounts: 3, regions: vec!["us-east-1".into()], resources_per_account_region: slots, ..small() }
}

#[test]
fn secrets_manager_pages_and_resource_policies() {
    let mut sim = Simulator::new(one_region(75));
    let list = |sim: &Simulator, body: Value| ok_json(sim, json("secretsmanager", "secretsmanager.ListSecrets", "us-east-1", BASE_KEY, &body.to_string()));
    let mut secrets = Vec::new();
    let mut body = json!({"MaxResults": 2});
    let mut pages = 0;
    loop {
        let page = list(&sim, body.clone());
        let entries = page["SecretList"].as_array().expect("SecretList");
        assert!(entries.len() <= 2);
        secrets.extend(entries.iter().cloned());
        pages += 1;
        match page.get("NextToken").and_then(Value::as_str) {
            Some(t) => body["NextToken"] = json!(t),
            None => break,
        }
    }
    assert_eq!((pages, secrets.len()), (3, 5), "75 slots over 15 kinds: 5 secrets");
    let own = &sim.org().management().region("us-east-1").expect("region").secrets;
    assert_eq!(secrets.iter().map(|s| s["ARN"].as_str().unwrap_or_default()).collect::<Vec<_>>(), own.iter().map(|s| s.arn.as_str()).collect::<Vec<_>>());
    let (status, body, _) = answer(&sim, json("secretsmanager", "secretsmanager.ListSecrets", "us-east-1", BASE_KEY, r#"{"NextToken":"nope"}"#));
    assert_eq!((status, body.contains("InvalidNextTokenException")), (400, true), "{body}");

    let get = |sim: &Simulator, key: &str, id: &str| answer(sim, json("secretsmanager", "secretsmanager.GetResourcePolicy", "us-east-1", key, &json!({"SecretId": id}).to_string()));
    let (arn, name) = (secrets[0]["ARN"].as_str().expect("ARN").to_string(), secrets[0]["Name"].as_str().expect("Name").to_string());
    assert_eq!(name, "sim-secret-0");
    for id in [&arn, &name] {
        let (status, body, _) = get(&sim, BASE_KEY, id);
        assert_eq!(status, 200, "{body}");
        let out: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!((out["ARN"].as_str(), out["Name"].as_str()), (Some(arn.as_str()), Some(name.as_str())));
        let doc: Value = serde_json::from_str(out["ResourcePolicy"].as_str().expect("ResourcePolicy")).expect("policy JSON");
        assert_eq!(doc["Statement"][0]["Resource"], arn.as_str());
        assert_eq!(doc["Statement"][0]["Action"], "secretsmanager:GetSecretValue");
    }
    // Only the caller's own secrets, in the request's region.
    for (key, id) in [(BASE_KEY, "sim-secret-99"), ("ASIASIM100000000001", arn.as_str())] {
        let (status, body, _) = get(&sim, key, id);
        assert_eq!((status, body.contains("\"__type\":\"ResourceNotFoundException\"")), (400, true), "{body}");
    }
    let (status, _, _) = answer(&sim, json("secretsmanager", "secretsmanager.GetResourcePolicy", "eu-west-1", BASE_KEY, &json!({"SecretId": name}).to_string()));
    assert_eq!(status, 400);
    assert_eq!(sim.counts().get("Secrets Manager:ListSecrets"), Some(&4));
    assert_eq!(sim.counts().get("Secrets Manager:GetResourcePolicy"), Some(&5));

    // A secret without a policy answers without ResourcePolicy.
    assert!(sim.set_resource_policy(&arn, None));
    assert!(!sim.set_resource_policy("arn:aws:secretsmanager:us-east-1:100000000000:secret:nope", None));
    let (status, body, _) = get(&sim, BASE_KEY, &arn);
    assert_eq!(status, 200);
    let out: Value = serde_json::from_str(&body).expect("JSON");
    assert!(out.get("ResourcePolicy").is_none() && out["Name"] == "sim-secret-0", "{out}");
}

#[test]
fn sns_topics_page_by_100_and_attributes_carry_the_policy() {
    // 1,650 slots over 15 kinds: 110 topics.
    let mut sim = Simulator::new(one_region(1650));
    let (status, first, _) = answer(&sim, sns("us-east-1", BASE_KEY, "Action=ListTopics&Version=2010-03-31"));
    assert_eq!(status, 200, "{first}");
    assert!(first.starts_with("<ListTopicsResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><ListTopicsResult><Topics><member><TopicArn>"), "{}", &first[..200]);
    let arns = tags(&first, "TopicArn");
    assert_eq!(arns.len(), 100);
    let next = tags(&first, "NextToken").remove(0);
    let (_, second, _) = answer(&sim, sns("us-east-1", BASE_KEY, &format!("Action=ListTopics&Version=2010-03-31&NextToken={next}")));
    assert_eq!(tags(&second, "TopicArn").len(), 10);
    assert!(tags(&second, "NextToken").is_empty());
    assert_eq!(arns[0], "arn:aws:sns:us-east-1:100000000000:sim-topic-0");

    let attributes = |sim: &Simulator, key: &str, arn: &str| answer(sim, sns("us-east-1", key, &format!("Action=GetTopicAttributes&Version=2010-03-31&TopicArn={}", url_encode(arn))));
    let (status, xml, _) = attributes(&sim, BASE_KEY, &arns[0]);
    assert_eq!(status, 200, "{xml}");
    assert!(xml.starts_with("<GetTopicAttributesResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><GetTopicAttributesResult><Attributes><entry><key>Policy</key>"), "{xml}");
    let attrs = topic_attributes(&xml);
    assert_eq!(attrs.keys().map(String::as_str).collect::<Vec<_>>(), ["Owner", "Policy", "TopicArn"]);
    assert_eq!((attrs["TopicArn"].as_str(), attrs["Owner"].as_str()), (arns[0].as_str(), "100000000000"));
    let doc: Value = serde_json::from_str(&attrs["Policy"]).expect("policy JSON");
    assert_eq!((doc["Statement"][0]["Resource"].as_str(), doc["Statement"][0]["Action"].as_str()), (Some(arns[0].as_str()), Some("sns:Publish")));

    for (key, arn) in [(BASE_KEY, "arn:aws:sns:us-east-1:100000000000:nope"), ("ASIASIM100000000002", arns[0].as_str())] {
        let (status, body, _) = attributes(&sim, key, arn);
        assert!(status == 404 && body.contains("<Type>Sender</Type><Code>NotFound</Code>"), "{status} {body}");
    }
    assert_eq!(sim.counts().get("SNS:ListTopics"), Some(&2));
    assert!(sim.set_resource_policy(&arns[0], None));
    let (_, xml, _) = attributes(&sim, BASE_KEY, &arns[0]);
    assert!(!topic_attributes(&xml).contains_key("Policy"), "{xml}");
}

#[test]
fn ecr_repositories_page_and_missing_policies() {
    let mut sim = Simulator::new(one_region(75));
    let call = |sim: &Simulator, op: &str, body: Value| answer(sim, json("ecr", &format!("AmazonEC2ContainerRegistry_V20150921.{op}"), "us-east-1", BASE_KEY, &body.to_string()));
    let mut repos = Vec::new();
    let mut body = json!({"maxResults": 2});
    loop {
        let (status, text, _) = call(&sim, "DescribeRepositories", body.clone());
        assert_eq!(status, 200, "{text}");
        let page: Value = serde_json::from_str(&text).expect("JSON");
        repos.extend(page["repositories"].as_array().expect("repositories").iter().cloned());
        match page.get("nextToken").and_then(Value::as_str) {
            Some(t) => body["nextToken"] = json!(t),
            None => break,
        }
    }
    assert_eq!(repos.len(), 5);
    let r = &repos[0];
    assert_eq!(r["repositoryArn"], "arn:aws:ecr:us-east-1:100000000000:repository/sim-repo-0");
    assert_eq!(r["repositoryUri"], "100000000000.dkr.ecr.us-east-1.amazonaws.com/sim-repo-0");
    assert!(r["createdAt"].is_number() && r["imageTagMutability"] == "MUTABLE" && r["registryId"] == "100000000000", "{r}");
    let (_, text, _) = call(&sim, "DescribeRepositories", json!({"repositoryNames": ["sim-repo-3"]}));
    assert!(text.contains("\"repositoryName\":\"sim-repo-3\"") && !text.contains("sim-repo-0"), "{text}");

    let (status, text, _) = call(&sim, "GetRepositoryPolicy", json!({"repositoryName": "sim-repo-0"}));
    assert_eq!(status, 200, "{text}");
    let out: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!((out["registryId"].as_str(), out["repositoryName"].as_str()), (Some("100000000000"), Some("sim-repo-0")));
    let doc: Value = serde_json::from_str(out["policyText"].as_str().expect("policyText")).expect("policy JSON");
    assert!(doc["Statement"][0].get("Resource").is_none(), "ECR statements name no resource: {doc}");
    assert_eq!(doc["Statement"][0]["Action"], json!(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]));

    for body in [json!({"repositoryName": "nope"}), json!({"repositoryName": "sim-repo-0", "registryId": "100000000001"})] {
        let (status, text, _) = call(&sim, "GetRepositoryPolicy", body);
        assert_eq!((status, text.contains("\"__type\":\"RepositoryNotFoundException\"")), (400, true), "{text}");
    }
    let (status, text, _) = call(&sim, "DescribeRepositories", json!({"repositoryNames": ["nope"]}));
    assert_eq!((status, text.contains("RepositoryNotFoundException")), (400, true), "{text}");

    let arn = r["repositoryArn"].as_str().expect("ARN").to_string();
    assert!(sim.set_resource_policy(&arn, None));
    let (status, text, _) = call(&sim, "GetRepositoryPolicy", json!({"repositoryName": "sim-repo-0"}));
    assert_eq!((status, text.contains("\"__type\":\"RepositoryPolicyNotFoundException\"")), (400, true), "{text}");
    assert_eq!(sim.counts().get("ECR:GetRepositoryPolicy"), Some(&4));
}

#[test]
fn efs_file_systems_page_and_policies() {
    let mut sim = Simulator::new(one_region(75));
    let get = |sim: &Simulator, path: &str| answer(sim, request("GET", path, "elasticfilesystem", "us-east-1", BASE_KEY, &[], ""));
    let mut file_systems = Vec::new();
    let mut path = "/2015-02-01/file-systems?MaxItems=2".to_string();
    loop {
        let (status, text, headers) = get(&sim, &path);
        assert_eq!(status, 200, "{text}");
        assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/json"));
        let page: Value = serde_json::from_str(&text).expect("JSON");
        file_systems.extend(page["FileSystems"].as_array().expect("FileSystems").iter().cloned());
        match page.get("NextMarker").and_then(Value::as_str) {
            Some(m) => path = format!("/2015-02-01/file-systems?MaxItems=2&Marker={m}"),
            None => break,
        }
    }
    assert_eq!(file_systems.len(), 5);
    let required = ["OwnerId", "CreationToken", "FileSystemId", "FileSystemArn", "CreationTime", "LifeCycleState",
        "NumberOfMountTargets", "SizeInBytes", "PerformanceMode", "ThroughputMode", "Encrypted", "Tags"];
    for f in &file_systems {
        assert!(required.iter().all(|k| f.get(*k).is_some()), "{f}");
        assert!(f["CreationTime"].is_number() && f["SizeInBytes"]["Value"] == 6144 && f["LifeCycleState"] == "available", "{f}");
    }
    let (id, arn) = (file_systems[0]["FileSystemId"].as_str().expect("id").to_string(), file_systems[0]["FileSystemArn"].as_str().expect("arn").to_string());
    assert_eq!(arn, format!("arn:aws:elasticfilesystem:us-east-1:100000000000:file-system/{id}"));
    let (_, one, _) = get(&sim, &format!("/2015-02-01/file-systems?FileSystemId={id}"));
    assert_eq!(serde_json::from_str::<Value>(&one).expect("JSON")["FileSystems"].as_array().map(Vec::len), Some(1));

    for target in [&id, &url_encode(&arn)] {
        let (status, text, _) = get(&sim, &format!("/2015-02-01/file-systems/{target}/policy"));
        assert_eq!(status, 200, "{text}");
        let out: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(out["FileSystemId"], id.as_str());
        let doc: Value = serde_json::from_str(out["Policy"].as_str().expect("Policy")).expect("policy JSON");
        assert_eq!((doc["Statement"][0]["Resource"].as_str(), doc["Statement"][0]["Action"].as_str()), (Some(arn.as_str()), Some("elasticfilesystem:ClientMount")));
    }
    let (status, text, headers) = get(&sim, "/2015-02-01/file-systems/fs-00000000000000000/policy");
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (404, Some("FileSystemNotFound")));
    assert!(text.contains("\"ErrorCode\":\"FileSystemNotFound\""), "{text}");
    let (status, _, _) = answer(&sim, request("GET", &format!("/2015-02-01/file-systems/{id}/policy"), "elasticfilesystem", "us-east-1", "ASIASIM100000000001", &[], ""));
    assert_eq!(status, 404, "another account's file system is not found");

    assert!(sim.set_resource_policy(&arn, None));
    let (status, text, headers) = get(&sim, &format!("/2015-02-01/file-systems/{id}/policy"));
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (404, Some("PolicyNotFound")));
    assert!(text.contains("\"ErrorCode\":\"PolicyNotFound\"") && text.contains("\"Message\""), "{text}");
    assert_eq!(sim.counts().get("EFS:DescribeFileSystems"), Some(&4));
    let (status, _, _) = get(&sim, "/2015-02-01/file-systems/x/lifecycle-configuration");
    assert_eq!(status, 400);
    assert_eq!(sim.unsupported(), ["EFS:GET /2015-02-01/file-systems/x/lifecycle-configuration"]);
}

#[test]
fn policy_services_are_detected_without_a_signature() {
    let sim = Simulator::new(one_region(10));
    let unsigned = |method: &str, uri: &str, headers: &[(&str, &str)], body: &str| {
        let mut b = http::Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let (status, text, _) = answer(&sim, b.body(bytes::Bytes::from(body.to_string())).expect("request"));
        assert_eq!(status, 200, "{uri} {headers:?}: {text}");
    };
    unsigned("POST", "/", &[("x-amz-target", "secretsmanager.ListSecrets")], "{}");
    unsigned("POST", "/", &[("x-amz-target", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories")], "{}");
    unsigned("POST", "/", &[("content-type", "application/x-www-form-urlencoded")], "Action=ListTopics&Version=2010-03-31");
    unsigned("GET", "/2015-02-01/file-systems", &[], "");
    unsigned("POST", "/", &[("content-type", "application/x-www-form-urlencoded")], "Action=DescribeSnapshots&Version=2016-11-15&Owner.1=self");
    unsigned("POST", "/", &[("content-type", "application/x-www-form-urlencoded")], "Action=DescribeDBSnapshots&Version=2014-10-31");
    unsigned("POST", "/", &[("x-amz-target", "DynamoDB_20120810.ListTables")], "{}");
    unsigned("POST", "/", &[("x-amz-target", "DynamoDBStreams_20120810.ListStreams")], "{}");
    let counts: Vec<String> = sim.counts().into_keys().collect();
    assert_eq!(
        counts,
        ["DynamoDB Streams:ListStreams", "DynamoDB:ListTables", "EC2:DescribeSnapshots", "ECR:DescribeRepositories", "EFS:DescribeFileSystems", "RDS:DescribeDBSnapshots", "SNS:ListTopics", "Secrets Manager:ListSecrets"]
    );
}

#[test]
fn ec2_snapshots_page_and_share_attributes() {
    // 75 slots over 15 kinds: 5 EBS snapshots, every 3rd of the organization's encrypted.
    let sim = Simulator::new(SimConfig { external_grant_rate: 0.5, ..one_region(75) });
    let own = sim.org().management().region("us-east-1").expect("region").ebs_snapshots.clone();
    assert_eq!(own.len(), 5);
    let mut items = Vec::new();
    let mut body = "Action=DescribeSnapshots&Version=2016-11-15&Owner.1=self&MaxResults=2".to_string();
    let mut pages = 0;
    loop {
        let (status, xml, headers) = answer(&sim, ec2("us-east-1", BASE_KEY, &body));
        assert_eq!(status, 200, "{xml}");
        assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/xml;charset=UTF-8"));
        let root = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeSnapshotsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>";
        assert!(xml.starts_with(root) && xml.contains("</requestId><snapshotSet><item><snapshotId>snap-"), "{xml}");
        assert!(!xml.contains("Result>"), "ec2Query has no result wrapper: {xml}");
        let page = tags(&xml, "item");
        assert!(page.len() <= 2);
        items.extend(page);
        pages += 1;
        match tags(&xml, "nextToken").pop() {
            Some(t) => body = format!("Action=DescribeSnapshots&Version=2016-11-15&Owner.1=self&MaxResults=2&NextToken={t}"),
            None => break,
        }
    }
    assert_eq!((pages, items.len()), (3, 5));
    for (item, s) in items.iter().zip(&own) {
        assert_eq!(tags(item, "snapshotId"), [s.id.as_str()]);
        assert_eq!(tags(item, "volumeId"), [s.source.as_str()]);
        assert_eq!((tags(item, "status"), tags(item, "progress"), tags(item, "ownerId")), (vec!["completed".to_string()], vec!["100%".to_string()], vec!["100000000000".to_string()]));
        assert_eq!(tags(item, "startTime"), ["2024-01-01T00:00:00Z"]);
        assert_eq!(tags(item, "encrypted"), [if s.kms_key.is_some() { "true" } else { "false" }]);
        assert_eq!(tags(item, "kmsKeyId"), s.kms_key.iter().cloned().collect::<Vec<_>>());
    }
    assert!(own.iter().any(|s| s.kms_key.is_some()) && own.iter().any(|s| s.kms_key.is_none()));
    // The owner's own snapshots only; by ID too.
    let (_, xml, _) = answer(&sim, ec2("us-east-1", BASE_KEY, "Action=DescribeSnapshots&Version=2016-11-15&Owner.1=999999999999"));
    assert!(tags(&xml, "snapshotId").is_empty() && xml.contains("<snapshotSet></snapshotSet>"), "{xml}");
    let (_, xml, _) = answer(&sim, ec2("us-east-1", BASE_KEY, &format!("Action=DescribeSnapshots&Version=2016-11-15&Owner.1=100000000000&SnapshotId.1={}", own[3].id)));
    assert_eq!(tags(&xml, "snapshotId"), [own[3].id.as_str()]);

    let attribute = |key: &str, region: &str, id: &str| {
        answer(&sim, ec2(region, key, &format!("Action=DescribeSnapshotAttribute&Version=2016-11-15&Attribute=createVolumePermission&SnapshotId={id}")))
    };
    for s in &own {
        let (status, xml, _) = attribute(BASE_KEY, "us-east-1", &s.id);
        assert_eq!(status, 200, "{xml}");
        assert!(xml.contains(&format!("<DescribeSnapshotAttributeResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>")), "{xml}");
        assert_eq!(tags(&xml, "snapshotId"), [s.id.as_str()]);
        let permissions = tags(&xml, "createVolumePermission").remove(0);
        let shared: Vec<String> = tags(&permissions, "item")
            .iter()
            .map(|i| tags(i, "userId").pop().or_else(|| tags(i, "group").pop()).expect("userId or group"))
            .collect();
        assert_eq!(shared, s.shared_with);
        assert_eq!(permissions.contains("<item><group>all</group></item>"), s.shared_with.iter().any(|w| w == "all"));
    }
    assert!(own.iter().any(|s| s.external.is_some()), "some outsider's shares at rate 0.5");
    // Unknown, another account's and another region's snapshots are not found.
    for (key, region, id) in [(BASE_KEY, "us-east-1", "snap-00000000000000000"), ("ASIASIM100000000001", "us-east-1", own[0].id.as_str()), (BASE_KEY, "eu-west-1", own[0].id.as_str())] {
        let (status, xml, _) = attribute(key, region, id);
        assert_eq!(status, 400, "{xml}");
        assert!(xml.contains(&format!("<Response><Errors><Error><Code>InvalidSnapshot.NotFound</Code><Message>The snapshot &apos;{id}&apos; does not exist.</Message></Error></Errors><RequestID>")), "{xml}");
    }
    let (status, xml, _) = answer(&sim, ec2("us-east-1", BASE_KEY, &format!("Action=DescribeSnapshotAttribute&Version=2016-11-15&Attribute=volumeSize&SnapshotId={}", own[0].id)));
    assert_eq!((status, tags(&xml, "Code")), (400, vec!["InvalidParameterValue".to_string()]));
    let (status, xml, _) = answer(&sim, ec2("us-east-1", BASE_KEY, "Action=DescribeSnapshots&Version=2016-11-15&NextToken=nope"));
    assert_eq!((status, tags(&xml, "Code")), (400, vec!["InvalidPaginationToken".to_string()]));
    assert_eq!(sim.counts().get("EC2:DescribeSnapshots"), Some(&6));
    assert_eq!(sim.counts().get("EC2:DescribeSnapshotAttribute"), Some(&9));
}

#[test]
fn snapshot_block_public_access_by_account() {
    let sim = Simulator::new(SimConfig { accounts: 10, ..small() });
    let mut states = Vec::new();
    for account in sim.org().accounts.iter().map(|a| a.id.clone()).collect::<Vec<_>>() {
        let key = if account == "100000000000" { BASE_KEY.to_string() } else { assume(&sim, &account) };
        for region in ["us-east-1", "eu-west-1"] {
            let (status, xml, _) = answer(&sim, ec2(region, &key, "Action=GetSnapshotBlockPublicAccessState&Version=2016-11-15"));
            assert_eq!(status, 200, "{xml}");
            assert!(xml.contains("<GetSnapshotBlockPublicAccessStateResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>"), "{xml}");
            assert_eq!(tags(&xml, "managedBy"), ["account"]);
            if region == "us-east-1" {
                states.push(tags(&xml, "state").remove(0));
            } else {
                assert_eq!(&tags(&xml, "state")[0], states.last().expect("state"), "the same in every region");
            }
        }
    }
    assert_eq!(
        states,
        ["unblocked", "block-new-sharing", "unblocked", "unblocked", "block-all-sharing", "block-new-sharing", "unblocked", "unblocked", "block-all-sharing", "block-new-sharing"]
    );
}

#[test]
fn rds_snapshots_page_and_restore_attributes() {
    // 75 slots over 15 kinds: 5 DB snapshots and 5 DB cluster snapshots.
    let sim = Simulator::new(SimConfig { external_grant_rate: 1.0, ..one_region(75) });
    let here = sim.org().management().region("us-east-1").expect("region").clone();
    let flavors = [
        ("DescribeDBSnapshots", "DBSnapshot", "DBInstanceIdentifier", "Encrypted", "postgres", "DBSnapshotNotFound", &here.db_snapshots),
        ("DescribeDBClusterSnapshots", "DBClusterSnapshot", "DBClusterIdentifier", "StorageEncrypted", "aurora-postgresql", "DBClusterSnapshotNotFoundFault", &here.db_cluster_snapshots),
    ];
    for (list, member, source, encrypted, engine, not_found, own) in flavors {
        assert_eq!(own.len(), 5);
        let mut found = Vec::new();
        let mut body = format!("Action={list}&Version=2014-10-31&SnapshotType=manual&MaxRecords=2");
        let mut pages = 0;
        loop {
            let (status, xml, _) = answer(&sim, rds("us-east-1", BASE_KEY, &body));
            assert_eq!(status, 200, "{xml}");
            let root = format!("<{list}Response xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><{list}Result><{member}s><{member}><{member}Identifier>");
            assert!(xml.starts_with(&root) && xml.contains("<ResponseMetadata><RequestId>"), "{xml}");
            found.extend(tags(&xml, member));
            pages += 1;
            match tags(&xml, "Marker").pop() {
                Some(m) => body = format!("Action={list}&Version=2014-10-31&SnapshotType=manual&MaxRecords=2&Marker={m}"),
                None => break,
            }
        }
        assert_eq!((pages, found.len()), (3, 5));
        for (n, (xml, s)) in found.iter().zip(own).enumerate() {
            assert_eq!(tags(xml, &format!("{member}Identifier")), [s.id.as_str()]);
            assert!(s.id.ends_with(&format!("snap-{n}")), "{}", s.id);
            assert_eq!(tags(xml, &format!("{member}Arn")), [s.arn.as_str()]);
            assert_eq!(tags(xml, source), [s.source.as_str()]);
            assert_eq!((tags(xml, "SnapshotType"), tags(xml, "Status"), tags(xml, "Engine")), (vec!["manual".to_string()], vec!["available".to_string()], vec![engine.to_string()]));
            assert_eq!(tags(xml, encrypted), [if s.kms_key.is_some() { "true" } else { "false" }]);
            assert_eq!(tags(xml, "KmsKeyId"), s.kms_key.iter().cloned().collect::<Vec<_>>());
        }
        assert!(own.iter().any(|s| s.kms_key.is_some()) && own.iter().any(|s| s.kms_key.is_none()));
        // Other snapshot types: none of the simulator's.
        let (_, xml, _) = answer(&sim, rds("us-east-1", BASE_KEY, &format!("Action={list}&Version=2014-10-31&SnapshotType=automated")));
        assert!(tags(&xml, member).is_empty() && xml.contains(&format!("<{member}s></{member}s>")), "{xml}");

        let attributes = format!("{list}Attributes").replace("Snapshots", "Snapshot");
        for s in own {
            let (status, xml, _) = answer(&sim, rds("us-east-1", BASE_KEY, &format!("Action={attributes}&Version=2014-10-31&{member}Identifier={}", s.id)));
            assert_eq!(status, 200, "{xml}");
            let root = format!(
                "<{attributes}Response xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><{attributes}Result><{member}AttributesResult><{member}Identifier>{}</{member}Identifier><{member}Attributes><{member}Attribute><AttributeName>restore</AttributeName><AttributeValues><AttributeValue>",
                s.id
            );
            assert!(xml.starts_with(&root), "{xml}");
            assert_eq!(tags(&xml, "AttributeValue"), s.shared_with);
            // Rate 1.0: every snapshot has an outsider, never `all` when encrypted.
            let outsider = &s.shared_with[1];
            assert!(if s.kms_key.is_some() { outsider == "999999999999" } else { outsider == "all" || outsider == "999999999999" }, "{s:?}");
        }
        // Identifiers repeat across accounts (`sim-dbsnap-0` in each): another account's by ARN.
        for (key, id) in [(BASE_KEY, "sim-nope"), ("ASIASIM100000000001", own[4].arn.as_str())] {
            let (status, xml, _) = answer(&sim, rds("us-east-1", key, &format!("Action={attributes}&Version=2014-10-31&{member}Identifier={id}")));
            assert_eq!(status, 404, "{xml}");
            assert!(xml.starts_with(&format!("<ErrorResponse><Error><Type>Sender</Type><Code>{not_found}</Code>")), "{xml}");
        }
        let (status, xml, _) = answer(&sim, rds("us-east-1", BASE_KEY, &format!("Action={list}&Version=2014-10-31&{member}Identifier=sim-nope")));
        assert_eq!((status, tags(&xml, "Code")), (404, vec![not_found.to_string()]));
    }
    assert_eq!(sim.counts().get("RDS:DescribeDBSnapshots"), Some(&5));
    assert_eq!(sim.counts().get("RDS:DescribeDBClusterSnapshotAttributes"), Some(&7));
}

#[test]
fn ec2_and_rds_faults_regions_and_unsupported_operations() {
    let throttled = Simulator::new(SimConfig { throttle_rate: 1.0, ..small() });
    let (status, xml, _) = answer(&throttled, ec2("us-east-1", BASE_KEY, "Action=DescribeSnapshots&Version=2016-11-15&Owner.1=self"));
    assert_eq!(status, 503);
    assert!(xml.contains("<Response><Errors><Error><Code>RequestLimitExceeded</Code>"), "{xml}");
    let (status, xml, _) = answer(&throttled, rds("us-east-1", BASE_KEY, "Action=DescribeDBSnapshots&Version=2014-10-31"));
    assert!(status == 400 && xml.contains("<Type>Sender</Type><Code>Throttling</Code>"), "{status} {xml}");

    let failing = Simulator::new(SimConfig { error_rate: 1.0, ..small() });
    let (status, xml, _) = answer(&failing, ec2("us-east-1", BASE_KEY, "Action=GetSnapshotBlockPublicAccessState&Version=2016-11-15"));
    assert_eq!((status, tags(&xml, "Code")), (500, vec!["InternalError".to_string()]));
    let (status, xml, _) = answer(&failing, rds("us-east-1", BASE_KEY, "Action=DescribeDBClusterSnapshots&Version=2014-10-31"));
    assert!(status == 500 && xml.contains("<Type>Receiver</Type><Code>InternalFailure</Code>"), "{status} {xml}");
    assert_eq!(failing.faults(), 2);

    let sim = Simulator::new(SimConfig { disabled_regions: BTreeSet::from(["ap-east-1".to_string()]), ..small() });
    let (status, xml, _) = answer(&sim, ec2("ap-east-1", BASE_KEY, "Action=DescribeSnapshots&Version=2016-11-15&Owner.1=self"));
    assert_eq!((status, tags(&xml, "Code")), (401, vec!["AuthFailure".to_string()]));
    let (status, xml, _) = answer(&sim, rds("ap-east-1", BASE_KEY, "Action=DescribeDBSnapshots&Version=2014-10-31"));
    assert_eq!((status, tags(&xml, "Code")), (403, vec!["InvalidClientTokenId".to_string()]));
    let (status, xml, _) = answer(&sim, ec2("us-east-1", BASE_KEY, "Action=DescribeInstances&Version=2016-11-15"));
    assert!(status == 400 && xml.contains("<Response><Errors><Error><Code>InvalidAction</Code>") && xml.contains("EC2:DescribeInstances"), "{xml}");
    let (status, xml, _) = answer(&sim, rds("us-east-1", BASE_KEY, "Action=DescribeDBInstances&Version=2014-10-31"));
    assert_eq!((status, tags(&xml, "Code")), (400, vec!["InvalidAction".to_string()]));
    assert_eq!(sim.unsupported(), ["EC2:DescribeInstances", "RDS:DescribeDBInstances"]);

    let hanging = Simulator::new(SimConfig { hang_regions: BTreeSet::from(["eu-west-1".to_string()]), ..small() });
    assert!(matches!(hanging.handle(ec2("eu-west-1", BASE_KEY, "Action=DescribeSnapshots&Version=2016-11-15")), Outcome::Hang));
    assert!(matches!(hanging.handle(rds("eu-west-1", BASE_KEY, "Action=DescribeDBSnapshots&Version=2014-10-31")), Outcome::Hang));
}

#[test]
fn dynamodb_tables_and_streams_page() {
    // 1,500 slots over 15 kinds: 100 Table and 100 Stream slots, so 200 tables and 100 streams.
    let sim = Simulator::new(one_region(1500));
    let here = sim.org().management().region("us-east-1").expect("region").clone();
    assert_eq!((here.tables.len(), here.streams.len()), (200, 100));
    let mut want: Vec<&str> = here.tables.iter().map(|t| t.name.as_str()).collect();
    want.sort_unstable();
    // ListTables: names in lexicographic order, 100 per page by default and at most.
    for (limit, pages) in [(None, 2), (Some(500), 2), (Some(7), 29)] {
        let mut names = Vec::new();
        let mut body = limit.map_or_else(|| json!({}), |l| json!({"Limit": l}));
        let mut n = 0;
        loop {
            let (status, text, headers) = answer(&sim, dynamodb("ListTables", "us-east-1", BASE_KEY, &body));
            assert_eq!(status, 200, "{text}");
            assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/x-amz-json-1.0"));
            let page: Value = serde_json::from_str(&text).expect("JSON");
            let list: Vec<String> = page["TableNames"].as_array().expect("TableNames").iter().map(|n| n.as_str().expect("name").to_string()).collect();
            assert!(list.len() <= limit.unwrap_or(100).min(100));
            names.extend(list.iter().cloned());
            n += 1;
            match page.get("LastEvaluatedTableName").and_then(Value::as_str) {
                Some(last) => {
                    assert_eq!(Some(last), list.last().map(String::as_str), "the last name of the page");
                    body["ExclusiveStartTableName"] = json!(last);
                }
                None => break,
            }
        }
        assert_eq!((n, names.iter().map(String::as_str).collect::<Vec<_>>()), (pages, want.clone()), "{limit:?}");
    }
    assert_eq!((want[0], want[100]), ("sim-streamtable-0", "sim-table-0"));
    // The start need not be a table: the page begins after it.
    let page = ok_json(&sim, dynamodb("ListTables", "us-east-1", BASE_KEY, &json!({"ExclusiveStartTableName": "sim-t", "Limit": 1})));
    assert_eq!((page["TableNames"].clone(), page["LastEvaluatedTableName"].clone()), (json!(["sim-table-0"]), json!("sim-table-0")));

    // ListStreams: 100 streams, all in one page by default (no LastEvaluatedStreamArn).
    let all = ok_json(&sim, streams("ListStreams", "us-east-1", BASE_KEY, &json!({})));
    assert!(all.get("LastEvaluatedStreamArn").is_none(), "{all}");
    let arns: Vec<&str> = all["Streams"].as_array().expect("Streams").iter().map(|s| s["StreamArn"].as_str().expect("StreamArn")).collect();
    let mut want: Vec<&str> = here.streams.iter().map(|s| s.arn.as_str()).collect();
    want.sort_unstable();
    assert_eq!(arns, want);
    let first = &all["Streams"][0];
    assert_eq!(
        first,
        &json!({"StreamArn": "arn:aws:dynamodb:us-east-1:100000000000:table/sim-streamtable-0/stream/2024-01-01T00:00:00.000", "TableName": "sim-streamtable-0", "StreamLabel": "2024-01-01T00:00:00.000"})
    );
    let mut found = Vec::new();
    let mut body = json!({"Limit": 30});
    let mut pages = 0;
    loop {
        let page = ok_json(&sim, streams("ListStreams", "us-east-1", BASE_KEY, &body));
        let list = page["Streams"].as_array().expect("Streams");
        assert!(list.len() <= 30);
        found.extend(list.iter().map(|s| s["StreamArn"].as_str().expect("StreamArn").to_string()));
        pages += 1;
        match page.get("LastEvaluatedStreamArn").and_then(Value::as_str) {
            Some(last) => {
                assert_eq!(list.last().and_then(|s| s["StreamArn"].as_str()), Some(last));
                body["ExclusiveStartStreamArn"] = json!(last);
            }
            None => break,
        }
    }
    assert_eq!((pages, found.iter().map(String::as_str).collect::<Vec<_>>()), (4, want));
    // One table's streams: its one stream, none for a table without, an error for no table.
    let one = ok_json(&sim, streams("ListStreams", "us-east-1", BASE_KEY, &json!({"TableName": "sim-streamtable-7"})));
    assert_eq!(one["Streams"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["Streams"][0]["TableName"], "sim-streamtable-7");
    let none = ok_json(&sim, streams("ListStreams", "us-east-1", BASE_KEY, &json!({"TableName": "sim-table-7"})));
    assert_eq!(none, json!({"Streams": []}));
    let (status, text, _) = answer(&sim, streams("ListStreams", "us-east-1", BASE_KEY, &json!({"TableName": "nope"})));
    assert_eq!((status, text.contains("\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\"")), (400, true), "{text}");
    assert_eq!(sim.counts().get("DynamoDB:ListTables"), Some(&(2 + 2 + 29 + 1)));
    assert_eq!(sim.counts().get("DynamoDB Streams:ListStreams"), Some(&(1 + 4 + 3)));
    assert!(sim.repeated().is_empty(), "{:?}", sim.repeated());
}

#[test]
fn dynamodb_resource_policies_of_tables_and_streams() {
    let mut sim = Simulator::new(SimConfig { external_grant_rate: 0.5, ..one_region(75) });
    let here = sim.org().management().region("us-east-1").expect("region").clone();
    assert_eq!((here.tables.len(), here.streams.len()), (10, 5), "75 slots over 15 kinds: 5 Table and 5 Stream slots");
    let get = |sim: &Simulator, key: &str, region: &str, arn: &str| answer(sim, dynamodb("GetResourcePolicy", region, key, &json!({"ResourceArn": arn})));
    let table = "arn:aws:dynamodb:us-east-1:100000000000:table/sim-table-0";
    let stream = "arn:aws:dynamodb:us-east-1:100000000000:table/sim-streamtable-0/stream/2024-01-01T00:00:00.000";
    for (arn, action) in [(table, json!(["dynamodb:GetItem", "dynamodb:Query"])), (stream, json!(["dynamodb:GetRecords", "dynamodb:GetShardIterator"]))] {
        let (status, text, headers) = get(&sim, BASE_KEY, "us-east-1", arn);
        assert_eq!(status, 200, "{text}");
        assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/x-amz-json-1.0"));
        let out: Value = serde_json::from_str(&text).expect("JSON");
        let revision = out["RevisionId"].as_str().expect("RevisionId");
        assert!(!revision.is_empty() && revision.bytes().all(|b| b.is_ascii_digit()), "{revision}");
        let doc: Value = serde_json::from_str(out["Policy"].as_str().expect("Policy")).expect("policy JSON");
        assert_eq!(doc["Version"], "2012-10-17");
        let statements = doc["Statement"].as_array().expect("statements");
        assert!(statements.iter().all(|st| st["Resource"] == arn && st["Action"] == action), "{doc}");
    }
    let externals = here.tables.iter().chain(&here.streams).filter(|p| p.external.is_some()).count();
    assert!(externals > 0 && externals < 15, "some outsiders at rate 0.5: {externals}");
    // Unknown, another account's and another region's resources, and a stream of a table without
    // one, are not found.
    let unknown = [
        (BASE_KEY, "us-east-1", "arn:aws:dynamodb:us-east-1:100000000000:table/nope"),
        (BASE_KEY, "us-east-1", "arn:aws:dynamodb:us-east-1:100000000000:table/sim-table-0/stream/2024-01-01T00:00:00.000"),
        (BASE_KEY, "us-east-1", "arn:aws:dynamodb:us-east-1:100000000000:table/sim-streamtable-0/stream/2023-01-01T00:00:00.000"),
        ("ASIASIM100000000001", "us-east-1", table),
        (BASE_KEY, "eu-west-1", table),
    ];
    for (key, region, arn) in unknown {
        let (status, text, _) = get(&sim, key, region, arn);
        assert_eq!((status, text.contains("\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\"")), (400, true), "{arn}: {text}");
    }
    // A table or stream without a policy: PolicyNotFoundException.
    for arn in [table, stream] {
        assert!(sim.set_resource_policy(arn, None));
        let (status, text, _) = get(&sim, BASE_KEY, "us-east-1", arn);
        assert_eq!(status, 400, "{text}");
        let out: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(out["__type"], "com.amazonaws.dynamodb.v20120810#PolicyNotFoundException");
        assert!(out["message"].as_str().is_some_and(|m| m.contains(arn)), "{out}");
    }
    assert!(sim.set_resource_policy(table, Some("{\"Version\":\"2012-10-17\",\"Statement\":[]}")));
    let (status, text, _) = get(&sim, BASE_KEY, "us-east-1", table);
    assert!(status == 200 && text.contains("\\\"Statement\\\":[]"), "{text}");
    assert_eq!(sim.counts().get("DynamoDB:GetResourcePolicy"), Some(&(2 + 5 + 2 + 1)));
}

#[test]
fn dynamodb_and_streams_are_told_apart_by_the_target_prefix() {
    let sim = Simulator::new(SimConfig { disabled_regions: BTreeSet::from(["ap-east-1".to_string()]), ..one_region(15) });
    // Both sign as `dynamodb`: the prefix decides the service, and so the ledger's key.
    let tables = ok_json(&sim, dynamodb("ListTables", "us-east-1", BASE_KEY, &json!({})));
    assert_eq!(tables, json!({"TableNames": ["sim-streamtable-0", "sim-table-0"]}));
    let list = ok_json(&sim, streams("ListStreams", "us-east-1", BASE_KEY, &json!({})));
    assert_eq!(list["Streams"].as_array().map(Vec::len), Some(1));
    // An operation of the other service is unsupported in this one.
    let (status, text, _) = answer(&sim, streams("GetResourcePolicy", "us-east-1", BASE_KEY, &json!({"ResourceArn": list["Streams"][0]["StreamArn"]})));
    assert_eq!(status, 400);
    assert!(text.contains("#UnknownOperationException") && text.contains("DynamoDB Streams:GetResourcePolicy"), "{text}");
    let (status, text, _) = answer(&sim, dynamodb("ListStreams", "us-east-1", BASE_KEY, &json!({})));
    assert!(status == 400 && text.contains("DynamoDB:ListStreams"), "{text}");
    assert_eq!(sim.unsupported(), ["DynamoDB Streams:GetResourcePolicy", "DynamoDB:ListStreams"]);
    // A disabled region refuses the token, as for the other JSON services.
    for req in [dynamodb("ListTables", "ap-east-1", BASE_KEY, &json!({})), streams("ListStreams", "ap-east-1", BASE_KEY, &json!({}))] {
        let (status, text, _) = answer(&sim, req);
        assert_eq!((status, text.contains("#UnrecognizedClientException")), (403, true), "{text}");
    }
    let counts: Vec<(String, u64)> = sim.counts().into_iter().collect();
    assert_eq!(
        counts,
        [("DynamoDB Streams:GetResourcePolicy".to_string(), 1), ("DynamoDB Streams:ListStreams".to_string(), 2), ("DynamoDB:ListStreams".to_string(), 1), ("DynamoDB:ListTables".to_string(), 2)]
    );
    let hanging = Simulator::new(SimConfig { hang_regions: BTreeSet::from(["us-east-1".to_string()]), ..one_region(15) });
    assert!(matches!(hanging.handle(dynamodb("ListTables", "us-east-1", BASE_KEY, &json!({}))), Outcome::Hang));
    assert!(matches!(hanging.handle(streams("ListStreams", "us-east-1", BASE_KEY, &json!({}))), Outcome::Hang));
}

#[test]
fn ec2_vpcs_and_vpc_endpoints_page_and_refuse_unknown_ids() {
    let sim = Simulator::new(small());
    let member = "100000000003";
    let key = assume(&sim, member);
    for (action, set, id_param, id_tag, not_found) in [
        ("DescribeVpcs", "vpcSet", "VpcId", "vpcId", "InvalidVpcID.NotFound"),
        ("DescribeVpcEndpoints", "vpcEndpointSet", "VpcEndpointId", "vpcEndpointId", "InvalidVpcEndpointId.NotFound"),
    ] {
        let call = |region: &str, params: &str| answer(&sim, ec2(region, &key, &format!("Action={action}&Version=2016-11-15{params}")));
        let (status, xml, headers) = call("eu-west-1", "&MaxResults=1");
        assert_eq!(status, 200, "{xml}");
        assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/xml;charset=UTF-8"));
        let root = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{action}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>");
        assert!(xml.starts_with(&root) && xml.contains(&format!("</requestId><{set}><item><{id_tag}>")), "{xml}");
        assert!(tags(&xml, "nextToken").is_empty(), "one per (account, region): {xml}");
        let item = tags(&xml, "item").remove(0);
        let id = tags(&item, id_tag).remove(0);
        assert_eq!((tags(&item, "ownerId"), tags(&item, "state")), (vec![member.to_string()], vec!["available".to_string()]));
        let region = sim.org().account(member).expect("account").region("eu-west-1").expect("region");
        if action == "DescribeVpcs" {
            let vpc = &region.vpcs[0];
            assert_eq!(id, vpc.id);
            assert_eq!(tags(&item, "cidrBlock"), [vpc.cidr.as_str()]);
            assert_eq!(tags(&item, "isDefault"), [if vpc.is_default { "true" } else { "false" }]);
        } else {
            let e = &region.vpc_endpoints[0];
            assert_eq!(id, e.id);
            assert_eq!((tags(&item, "vpcId"), tags(&item, "serviceName")), (vec![e.vpc.clone()], vec!["com.amazonaws.eu-west-1.s3".to_string()]));
            assert_eq!(tags(&item, "vpcEndpointType"), ["Gateway"]);
        }
        // By ID; another region's ID is unknown here; past the end is empty; a foreign token fails.
        let (_, xml, _) = call("eu-west-1", &format!("&{id_param}.1={id}"));
        assert_eq!(tags(&xml, id_tag), [id.as_str()]);
        let (status, xml, _) = call("us-east-1", &format!("&{id_param}.1={id}"));
        assert_eq!((status, tags(&xml, "Code")), (400, vec![not_found.to_string()]), "{xml}");
        assert!(xml.contains(&id), "the error names the ID: {xml}");
        let (status, xml, _) = call("eu-west-1", "&NextToken=sim-1");
        assert!(status == 200 && xml.contains(&format!("<{set}></{set}>")) && tags(&xml, "nextToken").is_empty(), "{xml}");
        let (status, xml, _) = call("eu-west-1", "&NextToken=nope");
        assert_eq!((status, tags(&xml, "Code")), (400, vec!["InvalidPaginationToken".to_string()]));
        // A region the organization does not use: an empty set.
        let (status, xml, _) = call("ap-south-1", "");
        assert!(status == 200 && xml.contains(&format!("<{set}></{set}>")), "{xml}");
        assert_eq!(sim.counts().get(&format!("EC2:{action}")), Some(&6));
    }
    // The management account's are its own.
    let (_, xml, _) = answer(&sim, ec2("us-east-1", BASE_KEY, "Action=DescribeVpcEndpoints&Version=2016-11-15"));
    assert_eq!(tags(&xml, "vpcEndpointId"), [sim.org().management().region("us-east-1").expect("region").vpc_endpoints[0].id.as_str()]);
    assert_eq!(tags(&xml, "ownerId"), ["100000000000"]);
}

#[test]
fn vpc_and_origin_access_identity_calls_are_faulted_hung_and_refused_like_the_others() {
    let sim = Simulator::new(SimConfig { throttle_rate: 1.0, ..small() });
    let (status, xml, _) = answer(&sim, ec2("us-east-1", BASE_KEY, "Action=DescribeVpcs&Version=2016-11-15"));
    assert_eq!((status, tags(&xml, "Code")), (503, vec!["RequestLimitExceeded".to_string()]));
    let oai = || request("GET", "/2020-05-31/origin-access-identity/cloudfront", "cloudfront", "us-east-1", BASE_KEY, &[], "");
    let (status, xml, _) = answer(&sim, oai());
    assert_eq!(status, 400);
    assert!(xml.contains("<ErrorResponse><Error><Code>Throttling</Code>"), "{xml}");
    let (status, xml, _) = answer(&sim, request("GET", "/?x-id=ListDirectoryBuckets", "s3express", "us-east-1", BASE_KEY, &[], ""));
    assert_eq!(status, 503);
    assert!(xml.contains("<Error><Code>SlowDown</Code>"), "{xml}");
    assert_eq!(sim.faults(), 3);

    let sim = Simulator::new(SimConfig { error_rate: 1.0, ..small() });
    let (status, xml, _) = answer(&sim, oai());
    assert!(status == 500 && xml.contains("<ErrorResponse><Error><Code>InternalError</Code>"), "{xml}");
    let (status, xml, _) = answer(&sim, request("GET", "/?x-id=ListDirectoryBuckets", "s3express", "us-east-1", BASE_KEY, &[], ""));
    assert!(status == 500 && xml.contains("<Error><Code>InternalError</Code>"), "{xml}");

    // CloudFront is global: it never hangs and answers for a disabled region; the EC2 and
    // directory bucket calls are regional.
    let regions = BTreeSet::from(["eu-west-1".to_string()]);
    let hang = Simulator::new(SimConfig { hang_regions: regions.clone(), ..small() });
    let signed = |region: &str| request("GET", "/2020-05-31/origin-access-identity/cloudfront", "cloudfront", region, BASE_KEY, &[], "");
    assert!(matches!(hang.handle(signed("eu-west-1")), Outcome::Respond { .. }));
    assert!(matches!(hang.handle(ec2("eu-west-1", BASE_KEY, "Action=DescribeVpcEndpoints&Version=2016-11-15")), Outcome::Hang));
    assert!(matches!(hang.handle(request("GET", "/?x-id=ListDirectoryBuckets", "s3express", "eu-west-1", BASE_KEY, &[], "")), Outcome::Hang));
    assert_eq!(hang.hung(), 2);
    let disabled = Simulator::new(SimConfig { disabled_regions: regions, ..small() });
    let (status, _, _) = answer(&disabled, signed("eu-west-1"));
    assert_eq!(status, 200);
    let (status, xml, _) = answer(&disabled, ec2("eu-west-1", BASE_KEY, "Action=DescribeVpcs&Version=2016-11-15"));
    assert_eq!((status, tags(&xml, "Code")), (401, vec!["AuthFailure".to_string()]));
    let (status, xml, _) = answer(&disabled, request("GET", "/?x-id=ListDirectoryBuckets", "s3express", "eu-west-1", BASE_KEY, &[], ""));
    assert!(status == 403 && xml.contains("<Code>InvalidAccessKeyId</Code>"), "{xml}");
}

#[test]
fn cloudfront_lists_each_accounts_origin_access_identity() {
    let sim = Simulator::new(small());
    let list = |key: &str, query: &str| {
        answer(&sim, request("GET", &format!("/2020-05-31/origin-access-identity/cloudfront{query}"), "cloudfront", "us-east-1", key, &[], ""))
    };
    for account in ["100000000000", "100000000007"] {
        let key = if account == "100000000000" { BASE_KEY.to_string() } else { assume(&sim, account) };
        let (status, xml, _) = list(&key, "?MaxItems=100");
        assert_eq!(status, 200, "{xml}");
        let root = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CloudFrontOriginAccessIdentityList xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Marker></Marker>";
        assert!(xml.starts_with(root), "{xml}");
        let oai = &sim.org().account(account).expect("account").origin_access_identities[0];
        let want = format!(
            "<MaxItems>100</MaxItems><IsTruncated>false</IsTruncated><Quantity>1</Quantity><Items><CloudFrontOriginAccessIdentitySummary>\
             <Id>{}</Id><S3CanonicalUserId>{}</S3CanonicalUserId><Comment>{}</Comment></CloudFrontOriginAccessIdentitySummary></Items>\
             </CloudFrontOriginAccessIdentityList>",
            oai.id, oai.canonical_id, oai.comment
        );
        assert!(xml.ends_with(&want), "{xml}");
        assert!(tags(&xml, "NextMarker").is_empty());
    }
    // The default page size; past the end; a foreign marker and a bad MaxItems.
    let (_, xml, _) = list(BASE_KEY, "");
    assert_eq!(tags(&xml, "MaxItems"), ["100"]);
    let (status, xml, _) = list(BASE_KEY, "?Marker=sim-1&MaxItems=1");
    assert!(status == 200 && xml.contains("<Marker>sim-1</Marker>") && xml.contains("<Quantity>0</Quantity>") && !xml.contains("<Items>"), "{xml}");
    for query in ["?Marker=E2QWRUHAPOMQZL", "?MaxItems=many"] {
        let (status, xml, _) = list(BASE_KEY, query);
        assert_eq!(status, 400, "{query}");
        assert!(xml.contains("<ErrorResponse><Error><Code>InvalidArgument</Code>"), "{xml}");
    }
    assert_eq!(sim.counts().get("CloudFront:ListCloudFrontOriginAccessIdentities"), Some(&6));
    // Another CloudFront call is named and counted as unsupported.
    let (status, xml, _) = answer(&sim, request("GET", "/2020-05-31/distribution", "cloudfront", "us-east-1", BASE_KEY, &[], ""));
    assert!(status == 400 && xml.contains("<ErrorResponse><Error><Code>NotImplemented</Code>"), "{xml}");
    assert_eq!(sim.unsupported(), ["CloudFront:GET /2020-05-31/distribution"]);
}

/// Two accounts in us-east-1 (S3 Express) and ap-southeast-2 (not): 900 slots over 15 or 14
/// kinds make 60 or 65 bucket slots per region, so each account has 3 directory buckets in
/// us-east-1.
fn directory_org() -> SimConfig {
    SimConfig {
        accounts: 2,
        regions: vec!["us-east-1".into(), "ap-southeast-2".into()],
        resources_per_account_region: 900,
        external_grant_rate: 0.5,
        ..small()
    }
}

#[test]
fn directory_buckets_page_by_continuation_token() {
    let sim = Simulator::new(directory_org());
    let own = sim.org().management().region("us-east-1").expect("region").directory_buckets.clone();
    assert_eq!(own.len(), 3);
    let list = |region: &str, query: &str| answer(&sim, request("GET", &format!("/?x-id=ListDirectoryBuckets{query}"), "s3express", region, BASE_KEY, &[], ""));
    let (mut names, mut pages, mut query) = (Vec::new(), 0, "&max-directory-buckets=2".to_string());
    loop {
        let (status, xml, headers) = list("us-east-1", &query);
        assert_eq!(status, 200, "{xml}");
        assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/xml"));
        let root = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyDirectoryBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Buckets><Bucket><Name>";
        assert!(xml.starts_with(root), "{xml}");
        let buckets = tags(&xml, "Bucket");
        assert!(buckets.len() <= 2);
        for b in &buckets {
            let name = tags(b, "Name").remove(0);
            assert_eq!(tags(b, "CreationDate"), ["2024-01-01T00:00:00Z"]);
            assert_eq!(tags(b, "BucketRegion"), ["us-east-1"]);
            assert_eq!(tags(b, "BucketArn"), [format!("arn:aws:s3express:us-east-1:100000000000:bucket/{name}")]);
            names.push(name);
        }
        pages += 1;
        match tags(&xml, "ContinuationToken").pop() {
            Some(t) => query = format!("&max-directory-buckets=2&continuation-token={t}"),
            None => break,
        }
    }
    assert_eq!(pages, 2);
    assert_eq!(names, own.iter().map(|b| b.name.clone()).collect::<Vec<_>>());
    assert!(names.iter().all(|n| n.starts_with("sim-100000000000-") && n.ends_with("--use1-az4--x-s3")), "{names:?}");
    // Without x-id too; a member's are its own; none where S3 Express is not offered.
    let (_, xml, _) = answer(&sim, request("GET", "/", "s3express", "us-east-1", BASE_KEY, &[], ""));
    assert_eq!(tags(&xml, "Name"), names);
    let key = assume(&sim, "100000000001");
    let (_, xml, _) = answer(&sim, request("GET", "/?x-id=ListDirectoryBuckets", "s3express", "us-east-1", &key, &[], ""));
    let theirs = tags(&xml, "Name");
    assert_eq!(theirs.len(), 3);
    assert!(theirs.iter().all(|n| n.starts_with("sim-100000000001-")), "{theirs:?}");
    let (status, xml, _) = list("ap-southeast-2", "");
    assert!(status == 200 && xml.contains("<Buckets></Buckets></ListAllMyDirectoryBucketsResult>"), "{xml}");
    // Past the end; a foreign token.
    let (status, xml, _) = list("us-east-1", "&continuation-token=sim-3");
    assert!(status == 200 && xml.contains("<Buckets></Buckets>") && tags(&xml, "ContinuationToken").is_empty(), "{xml}");
    let (status, xml, _) = list("us-east-1", "&continuation-token=abc");
    assert!(status == 400 && xml.contains("<Error><Code>InvalidArgument</Code>"), "{xml}");
}

#[test]
fn directory_bucket_policies_are_served_signed_as_s3express_only() {
    let mut sim = Simulator::new(directory_org());
    let own = sim.org().management().region("us-east-1").expect("region").directory_buckets.clone();
    let theirs = sim.org().account("100000000001").expect("member").region("us-east-1").expect("region").directory_buckets[0].name.clone();
    let policy = |sim: &Simulator, service: &str, region: &str, uri: &str, headers: &[(&str, &str)]| {
        answer(sim, request("GET", uri, service, region, BASE_KEY, headers, ""))
    };
    for b in &own {
        // Path-style (an IP endpoint) and virtual-hosted (a named endpoint).
        let (status, body, headers) = policy(&sim, "s3express", "us-east-1", &format!("/{}?policy", b.name), &[]);
        assert_eq!((status, Some(body.as_str())), (200, b.policy.as_deref()));
        assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/json"));
        let host = format!("{}.localhost:4566", b.name);
        let (status, body, _) = policy(&sim, "s3express", "us-east-1", "/?policy", &[("host", &host)]);
        assert_eq!((status, Some(body.as_str())), (200, b.policy.as_deref()));
        // Signed as `s3`, a directory bucket is not a bucket.
        let (status, body, _) = policy(&sim, "s3", "us-east-1", &format!("/{}?policy", b.name), &[]);
        assert!(status == 404 && body.contains("<Code>NoSuchBucket</Code>"), "{body}");
    }
    assert!(own.iter().any(|b| b.external.is_some()) || own.iter().any(|b| b.external.is_none()));
    // A general purpose bucket's ListBuckets lists none, and an s3-signed ListDirectoryBuckets is
    // not ListBuckets.
    let (status, xml, _) = policy(&sim, "s3", "us-east-1", "/?x-id=ListBuckets", &[]);
    assert_eq!(status, 200);
    let general = tags(&xml, "Name");
    assert_eq!(general.len(), sim.org().management().buckets.len());
    assert!(general.iter().all(|n| !n.ends_with("--x-s3")), "{general:?}");
    let (status, xml, _) = policy(&sim, "s3", "us-east-1", "/?x-id=ListDirectoryBuckets", &[]);
    assert!(status == 400 && xml.contains("<Code>NotImplemented</Code>"), "{xml}");
    // Another region's, another account's, an unknown one.
    let name = &own[0].name;
    let (status, body, _) = policy(&sim, "s3express", "ap-southeast-2", &format!("/{name}?policy"), &[]);
    assert!(status == 301 && body.contains("<Code>PermanentRedirect</Code>"), "{body}");
    let (status, body, _) = policy(&sim, "s3express", "us-east-1", &format!("/{theirs}?policy"), &[]);
    assert!(status == 403 && body.contains("<Code>AccessDenied</Code>"), "{body}");
    let (status, body, _) = policy(&sim, "s3express", "us-east-1", "/sim-100000000000-9--use1-az4--x-s3?policy", &[]);
    assert!(status == 404 && body.contains("<Code>NoSuchBucket</Code>"), "{body}");
    // Without a policy: NoSuchBucketPolicy.
    assert!(sim.set_resource_policy(&own[1].arn, None));
    let (status, body, _) = policy(&sim, "s3express", "us-east-1", &format!("/{}?policy", own[1].name), &[]);
    assert!(status == 404 && body.contains("<Error><Code>NoSuchBucketPolicy</Code>"), "{body}");
    // The session call and other subresources are not served, and named.
    let (status, _, _) = policy(&sim, "s3express", "us-east-1", &format!("/{name}?session"), &[]);
    assert_eq!(status, 400);
    let unsupported = sim.unsupported();
    assert!(unsupported.contains(&format!("S3Express:GET /{name}?session")), "{unsupported:?}");
    assert!(unsupported.contains(&"S3:GET /?x-id=ListDirectoryBuckets".to_string()), "{unsupported:?}");
    // Counted apart from the general purpose buckets' calls (a virtual-hosted request names its
    // bucket): only the policy asked again after its removal is a repeat.
    let counts = sim.counts();
    assert_eq!((counts.get("S3Express:GetBucketPolicy"), counts.get("S3:GetBucketPolicy")), (Some(&(3 * 2 + 4)), Some(&3)));
    let again = format!("100000000000|us-east-1|S3Express:GetBucketPolicy|GET /{}?policy", own[1].name);
    assert_eq!(sim.repeated(), [(again, 2)]);
    // Detected without a signature too.
    let unsigned = |uri: &str| {
        let req = http::Request::builder().method("GET").uri(uri).body(bytes::Bytes::new()).expect("request");
        answer(&sim, req)
    };
    let (status, xml, _) = unsigned("/?x-id=ListDirectoryBuckets");
    assert!(status == 200 && xml.contains("<ListAllMyDirectoryBucketsResult"), "{xml}");
    let (status, _, _) = unsigned(&format!("/{}?policy", own[2].name));
    assert_eq!(status, 200);
    let (status, xml, _) = unsigned("/2020-05-31/origin-access-identity/cloudfront");
    assert!(status == 200 && xml.contains("<CloudFrontOriginAccessIdentityList"), "{xml}");
}

/// An S3 Control request (path-style, `x-amz-account-id`) signed as `service`.
fn control(sim: &Simulator, service: &str, region: &str, key: &str, account: &str, uri: &str) -> (u16, String, http::HeaderMap) {
    answer(sim, request("GET", uri, service, region, key, &[("x-amz-account-id", account)], ""))
}

#[test]
fn directory_access_points_are_listed_by_bucket_and_page_by_next_token() {
    let sim = Simulator::new(directory_org());
    // 6 directory buckets in us-east-1, 3 per account: every 2nd from the first has an access
    // point, the management account's 1st and 3rd (Internet, then VPC) and the member's 2nd.
    let here = sim.org().management().region("us-east-1").expect("region");
    let (buckets, own) = (&here.directory_buckets, &here.directory_access_points);
    assert_eq!(own.iter().map(|p| p.bucket.as_str()).collect::<Vec<_>>(), [buckets[0].name.as_str(), buckets[2].name.as_str()]);
    assert_eq!(own.iter().map(|p| p.network_origin()).collect::<Vec<_>>(), ["Internet", "VPC"]);
    let list = |service: &str, region: &str, query: &str| control(&sim, service, region, BASE_KEY, MANAGEMENT, &format!("/v20180820/accesspointfordirectory{query}"));
    for service in ["s3express", "s3"] {
        let (status, xml, headers) = list(service, "us-east-1", "");
        assert_eq!(status, 200, "{xml}");
        assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/xml"));
        let want: String = own
            .iter()
            .map(|p| {
                let vpc = p.vpc.as_ref().map(|v| format!("<VpcConfiguration><VpcId>{v}</VpcId></VpcConfiguration>")).unwrap_or_default();
                format!(
                    "<AccessPoint><Name>{}</Name><NetworkOrigin>{}</NetworkOrigin>{vpc}<Bucket>{}</Bucket><AccessPointArn>{}</AccessPointArn>\
                     <BucketAccountId>{MANAGEMENT}</BucketAccountId></AccessPoint>",
                    p.name,
                    p.network_origin(),
                    p.bucket,
                    p.arn
                )
            })
            .collect();
        let root = "<ListAccessPointsForDirectoryBucketsResult xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\">";
        let want = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{root}<AccessPointList>{want}</AccessPointList></ListAccessPointsForDirectoryBucketsResult>");
        assert_eq!(xml, want);
    }
    let vpc = &here.vpcs[0].id;
    assert_eq!(own[1].vpc.as_ref(), Some(vpc));
    assert_eq!(own[0].arn, format!("arn:aws:s3express:us-east-1:{MANAGEMENT}:accesspoint/sim-dap-0--use1-az4--xa-s3"));
    assert_eq!(own[1].name, "sim-dap-2--use1-az4--xa-s3");
    // One per page, then by bucket.
    let (mut names, mut query, mut pages) = (Vec::new(), "?maxResults=1".to_string(), 0);
    loop {
        let (status, xml, _) = list("s3express", "us-east-1", &query);
        assert_eq!(status, 200, "{xml}");
        assert_eq!(tags(&xml, "AccessPoint").len(), 1);
        names.extend(tags(&xml, "Name"));
        pages += 1;
        match tags(&xml, "NextToken").pop() {
            Some(t) => query = format!("?maxResults=1&nextToken={t}"),
            None => break,
        }
    }
    assert_eq!((pages, names), (2, own.iter().map(|p| p.name.clone()).collect::<Vec<_>>()));
    let (status, xml, _) = list("s3express", "us-east-1", &format!("?directoryBucket={}", buckets[2].name));
    assert_eq!((status, tags(&xml, "Name")), (200, vec![own[1].name.clone()]));
    assert_eq!(tags(&xml, "VpcId"), [vpc.clone()]);
    let (status, xml, _) = list("s3", "us-east-1", &format!("?directoryBucket={}&maxResults=5", buckets[1].name));
    assert!(status == 200 && xml.contains("<AccessPointList></AccessPointList></ListAccessPointsForDirectoryBucketsResult>"), "{xml}");
    // None where S3 Express is not offered; a member's are its own; past the end; a foreign token.
    let (status, xml, _) = list("s3express", "ap-southeast-2", "");
    assert!(status == 200 && tags(&xml, "AccessPoint").is_empty(), "{xml}");
    let key = assume(&sim, "100000000001");
    let (status, xml, _) = control(&sim, "s3express", "us-east-1", &key, "100000000001", "/v20180820/accesspointfordirectory");
    assert_eq!(status, 200, "{xml}");
    let theirs = &sim.org().account("100000000001").expect("member").region("us-east-1").expect("region").directory_access_points;
    assert_eq!(tags(&xml, "Name"), theirs.iter().map(|p| p.name.clone()).collect::<Vec<_>>());
    assert_eq!((theirs.len(), tags(&xml, "BucketAccountId")), (1, vec!["100000000001".to_string()]));
    let (status, xml, _) = list("s3express", "us-east-1", "?nextToken=sim-2");
    assert!(status == 200 && tags(&xml, "AccessPoint").is_empty() && tags(&xml, "NextToken").is_empty(), "{xml}");
    let (status, xml, _) = list("s3express", "us-east-1", "?nextToken=abc");
    assert!(status == 400 && xml.contains("<ErrorResponse><Error><Code>InvalidNextToken</Code>"), "{xml}");
    // Another account's, asked with the management account's credentials.
    let (status, xml, _) = control(&sim, "s3express", "us-east-1", BASE_KEY, "100000000001", "/v20180820/accesspointfordirectory");
    assert!(status == 403 && xml.contains("<ErrorResponse><Error><Code>AccessDenied</Code>"), "{xml}");
    // Detected without a signature too (as the management account, in us-east-1).
    let req = http::Request::builder().method("GET").uri("/v20180820/accesspointfordirectory").body(bytes::Bytes::new()).expect("request");
    let (status, xml, _) = answer(&sim, req);
    assert_eq!((status, tags(&xml, "AccessPoint").len()), (200, 2), "{xml}");
    // Counted as S3ExpressControl's, whichever the signing name; the general purpose listing
    // is S3 Control's still.
    let (status, xml, _) = control(&sim, "s3", "us-east-1", BASE_KEY, MANAGEMENT, "/v20180820/accesspoint");
    assert!(status == 200 && xml.contains("<ListAccessPointsResult") && !xml.contains("--xa-s3"), "{xml}");
    let counts = sim.counts();
    assert_eq!(counts.get("S3ExpressControl:ListAccessPointsForDirectoryBuckets"), Some(&12));
    assert_eq!(counts.get("S3Control:ListAccessPoints"), Some(&1));
    assert!(counts.keys().all(|k| !k.starts_with("S3Control:ListAccessPointsFor")), "{counts:?}");
    assert!(sim.unsupported().is_empty(), "{:?}", sim.unsupported());
}

const MANAGEMENT: &str = "100000000000";

#[test]
fn directory_access_point_policies_and_errors() {
    let mut sim = Simulator::new(directory_org());
    let own = sim.org().management().region("us-east-1").expect("region").directory_access_points.clone();
    let theirs = sim.org().account("100000000001").expect("member").region("us-east-1").expect("region").directory_access_points[0].clone();
    let policy = |sim: &Simulator, service: &str, region: &str, name: &str| {
        control(sim, service, region, BASE_KEY, MANAGEMENT, &format!("/v20180820/accesspoint/{name}/policy"))
    };
    for ap in &own {
        for service in ["s3express", "s3"] {
            let (status, xml, _) = policy(&sim, service, "us-east-1", &ap.name);
            assert_eq!(status, 200, "{xml}");
            let root = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<GetAccessPointPolicyResult xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\"><Policy>";
            assert!(xml.starts_with(root) && xml.ends_with("</Policy></GetAccessPointPolicyResult>"), "{xml}");
            assert_eq!(Some(unescape(&tags(&xml, "Policy")[0])), ap.policy);
        }
        let doc: Value = serde_json::from_str(ap.policy.as_deref().expect("policy")).expect("JSON");
        assert_eq!((&doc["Statement"][0]["Action"], &doc["Statement"][0]["Resource"]), (&json!("s3express:CreateSession"), &json!(ap.arn)));
    }
    // Both of the management account's are the outsider's (the 1st and 2nd of the organization),
    // the member's (the 3rd) the organization's.
    assert!(own.iter().all(|p| p.external.is_some()) && theirs.external.is_none());
    // The general purpose access points are S3 Control's still.
    let (status, xml, _) = policy(&sim, "s3", "us-east-1", "sim-ap-0");
    assert!(status == 200 && xml.contains("<GetAccessPointPolicyResult"), "{xml}");
    // Unknown, another account's, in another Region: NoSuchAccessPoint.
    for (region, name) in [("us-east-1", "sim-dap-9--use1-az4--xa-s3"), ("us-east-1", theirs.name.as_str()), ("ap-southeast-2", own[0].name.as_str())] {
        let (status, xml, _) = policy(&sim, "s3express", region, name);
        assert!(status == 404 && xml.contains("<ErrorResponse><Error><Code>NoSuchAccessPoint</Code>"), "{name} in {region}: {xml}");
    }
    // Another account's header: AccessDenied.
    let (status, xml, _) = control(&sim, "s3express", "us-east-1", BASE_KEY, "100000000001", &format!("/v20180820/accesspoint/{}/policy", theirs.name));
    assert!(status == 403 && xml.contains("<Code>AccessDenied</Code>"), "{xml}");
    // Without a policy: NoSuchAccessPointPolicy.
    assert!(sim.set_resource_policy(&own[1].arn, None));
    let (status, xml, _) = policy(&sim, "s3express", "us-east-1", &own[1].name);
    assert!(status == 404 && xml.contains("<ErrorResponse><Error><Code>NoSuchAccessPointPolicy</Code>"), "{xml}");
    assert!(sim.set_resource_policy(&own[1].arn, Some("{}")));
    let (status, xml, _) = policy(&sim, "s3express", "us-east-1", &own[1].name);
    assert_eq!((status, tags(&xml, "Policy")), (200, vec!["{}".to_string()]));
    // Other calls on a directory-bucket access point are not served, and named.
    let (status, xml, _) = control(&sim, "s3express", "us-east-1", BASE_KEY, MANAGEMENT, &format!("/v20180820/accesspoint/{}", own[0].name));
    assert!(status == 400 && xml.contains("<ErrorResponse><Error><Code>NotImplemented</Code>"), "{xml}");
    let (status, _, _) = control(&sim, "s3", "us-east-1", BASE_KEY, MANAGEMENT, "/v20180820/accesspointfordirectory/extra");
    assert_eq!(status, 400);
    assert_eq!(
        sim.unsupported(),
        [format!("S3ExpressControl:GET /v20180820/accesspoint/{}", own[0].name), "S3ExpressControl:GET /v20180820/accesspointfordirectory/extra".to_string()]
    );
    let counts = sim.counts();
    assert_eq!(counts.get("S3ExpressControl:GetAccessPointPolicy"), Some(&(2 * 2 + 3 + 1 + 2)));
    assert_eq!(counts.get("S3Control:GetAccessPointPolicy"), Some(&1));
}

#[test]
fn directory_access_point_calls_are_faulted_hung_refused_and_denied_like_the_others() {
    let list = |sim: &Simulator, service: &str, region: &str| control(sim, service, region, BASE_KEY, MANAGEMENT, "/v20180820/accesspointfordirectory");
    let name = Simulator::new(directory_org()).org().management().region("us-east-1").expect("region").directory_access_points[0].name.clone();
    let get = |sim: &Simulator, region: &str| control(sim, "s3express", region, BASE_KEY, MANAGEMENT, &format!("/v20180820/accesspoint/{name}/policy"));
    let sim = Simulator::new(SimConfig { throttle_rate: 1.0, ..directory_org() });
    for (status, xml, _) in [list(&sim, "s3express", "us-east-1"), list(&sim, "s3", "us-east-1"), get(&sim, "us-east-1")] {
        assert!(status == 503 && xml.contains("<ErrorResponse><Error><Code>SlowDown</Code>"), "{xml}");
    }
    // Bounded: the third attempt of a logical request (whichever the signing name: the same
    // request) gets through.
    let (status, xml, _) = list(&sim, "s3express", "us-east-1");
    assert_eq!(status, 200, "{xml}");
    assert_eq!(sim.faults(), 3);
    assert_eq!(sim.counts().get("S3ExpressControl:ListAccessPointsForDirectoryBuckets"), Some(&3));
    assert!(sim.repeated().is_empty(), "{:?}", sim.repeated());
    let sim = Simulator::new(SimConfig { error_rate: 1.0, ..directory_org() });
    for (status, xml, _) in [list(&sim, "s3express", "us-east-1"), get(&sim, "us-east-1")] {
        assert!(status == 500 && xml.contains("<ErrorResponse><Error><Code>InternalError</Code>"), "{xml}");
    }
    let sim = Simulator::new(SimConfig { drop_rate: 1.0, ..directory_org() });
    let req = || request("GET", "/v20180820/accesspointfordirectory", "s3express", "us-east-1", BASE_KEY, &[("x-amz-account-id", MANAGEMENT)], "");
    assert!(matches!(sim.handle(req()), Outcome::Drop));
    // Regional: hung and refused in their Regions.
    let regions = BTreeSet::from(["ap-southeast-2".to_string()]);
    let hang = Simulator::new(SimConfig { hang_regions: regions.clone(), ..directory_org() });
    let signed = |region: &str| request("GET", "/v20180820/accesspointfordirectory", "s3express", region, BASE_KEY, &[("x-amz-account-id", MANAGEMENT)], "");
    assert!(matches!(hang.handle(signed("ap-southeast-2")), Outcome::Hang));
    assert!(matches!(hang.handle(signed("us-east-1")), Outcome::Respond { .. }));
    assert_eq!(hang.hung(), 1);
    let disabled = Simulator::new(SimConfig { disabled_regions: regions, ..directory_org() });
    let (status, xml, _) = list(&disabled, "s3express", "ap-southeast-2");
    assert!(status == 403 && xml.contains("<Code>InvalidAccessKeyId</Code>"), "{xml}");
    // Denied by parameter (the access point's name).
    let denied = Simulator::new(SimConfig { deny_params: BTreeSet::from([name.clone()]), ..directory_org() });
    let (status, xml, _) = get(&denied, "us-east-1");
    assert!(status == 403 && xml.contains("<Code>AccessDenied</Code>"), "{xml}");
    assert_eq!(list(&denied, "s3express", "us-east-1").0, 200);
}
