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

/// A Kinesis request (`Kinesis_20131202.<op>`) signed for `region`.
fn kinesis(op: &str, region: &str, key: &str, body: &Value) -> Request {
    json("kinesis", &format!("Kinesis_20131202.{op}"), region, key, &body.to_string())
}

/// An EventBridge request (`AWSEvents.<op>`) signed for `region`.
fn events(op: &str, region: &str, key: &str, body: &Value) -> Request {
    json("events", &format!("AWSEvents.{op}"), region, key, &body.to_string())
}

/// A CloudWatch Logs request (`Logs_20140328.<op>`) signed for `region`.
fn logs(op: &str, region: &str, key: &str, body: &Value) -> Request {
    json("logs", &format!("Logs_20140328.{op}"), region, key, &body.to_string())
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
    // 5,600 slots over the first region's 28 kinds: 200 roles.
    let sim = Simulator::new(SimConfig { accounts: 2, regions: vec!["us-east-1".into()], resources_per_account_region: 5600, ..small() });
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
        walk_added(sim, key, account, region, found);
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

/// The kinds added at the end of the rotation, in one (account, region), as the collector
/// reads them.
fn walk_added(sim: &Simulator, key: &str, account: &str, region: &str, found: &mut Found) {
    // Kinesis data streams, by ARN.
    let streams = ok_json(sim, kinesis("ListStreams", region, key, &json!({})));
    assert_eq!((streams["HasMoreStreams"].clone(), streams.get("NextToken")), (json!(false), None), "{streams}");
    for s in streams["StreamSummaries"].as_array().expect("StreamSummaries") {
        let policy = ok_json(sim, kinesis("GetResourcePolicy", region, key, &json!({"ResourceARN": s["StreamARN"]})));
        found.policy(policy["Policy"].as_str().expect("Policy"));
    }
    // EventBridge buses: the policy is in the listing; the default bus has none and is no resource.
    let buses = ok_json(sim, events("ListEventBuses", region, key, &json!({})));
    assert!(buses.get("NextToken").is_none());
    let buses = buses["EventBuses"].as_array().expect("EventBuses");
    assert_eq!((&buses[0]["Name"], buses[0].get("Policy")), (&json!("default"), None), "{buses:?}");
    for b in &buses[1..] {
        found.policy(b["Policy"].as_str().expect("Policy"));
    }
    // Backup vaults, by name.
    let vaults = ok_json(sim, request("GET", "/backup-vaults/", "backup", region, key, &[], ""));
    assert!(vaults.get("NextToken").is_none());
    for v in vaults["BackupVaultList"].as_array().expect("BackupVaultList") {
        let name = v["BackupVaultName"].as_str().expect("name");
        let policy = ok_json(sim, request("GET", &format!("/backup-vaults/{name}/access-policy"), "backup", region, key, &[], ""));
        assert_eq!(policy["BackupVaultArn"], v["BackupVaultArn"]);
        found.policy(policy["Policy"].as_str().expect("Policy"));
    }
    // CodeArtifact domains and repositories, by name and owner.
    let domains = ok_json(sim, request("POST", "/v1/domains", "codeartifact", region, key, &[("content-type", "application/json")], "{}"));
    assert!(domains.get("nextToken").is_none());
    for d in domains["domains"].as_array().expect("domains") {
        let (name, owner) = (d["name"].as_str().expect("name"), d["owner"].as_str().expect("owner"));
        assert_eq!(owner, account);
        let uri = format!("/v1/domain/permissions/policy?domain={name}&domain-owner={owner}");
        let policy = ok_json(sim, request("GET", &uri, "codeartifact", region, key, &[], ""));
        assert_eq!(policy["policy"]["resourceArn"], d["arn"]);
        found.policy(policy["policy"]["document"].as_str().expect("document"));
    }
    let repositories = ok_json(sim, request("POST", "/v1/repositories", "codeartifact", region, key, &[], ""));
    assert!(repositories.get("nextToken").is_none());
    for r in repositories["repositories"].as_array().expect("repositories") {
        let (name, domain, owner) = (r["name"].as_str().expect("name"), r["domainName"].as_str().expect("domain"), r["domainOwner"].as_str().expect("owner"));
        let uri = format!("/v1/repository/permissions/policy?domain={domain}&domain-owner={owner}&repository={name}");
        let policy = ok_json(sim, request("GET", &uri, "codeartifact", region, key, &[], ""));
        assert_eq!(policy["policy"]["resourceArn"], r["arn"]);
        found.policy(policy["policy"]["document"].as_str().expect("document"));
    }
    // CloudWatch Logs: account-level resource policies and destinations, in their listings.
    let policies = ok_json(sim, logs("DescribeResourcePolicies", region, key, &json!({})));
    assert!(policies.get("nextToken").is_none());
    for p in policies["resourcePolicies"].as_array().expect("resourcePolicies") {
        assert_eq!(p["policyScope"], "ACCOUNT");
        found.policy(p["policyDocument"].as_str().expect("policyDocument"));
    }
    let destinations = ok_json(sim, logs("DescribeDestinations", region, key, &json!({})));
    assert!(destinations.get("nextToken").is_none());
    for d in destinations["destinations"].as_array().expect("destinations") {
        found.policy(d["accessPolicy"].as_str().expect("accessPolicy"));
    }
    // SES identities (the SDK's POST listing), each with its named policies.
    let identities = ok_json(sim, request("POST", "/v2/email/list-identities", "ses", region, key, &[("content-type", "application/json")], "{}"));
    assert!(identities.get("NextToken").is_none());
    for i in identities["EmailIdentities"].as_array().expect("EmailIdentities") {
        let name = i["IdentityName"].as_str().expect("IdentityName");
        let policies = ok_json(sim, request("GET", &format!("/v2/email/identities/{name}/policies"), "ses", region, key, &[], ""));
        let policies = policies["Policies"].as_object().expect("Policies");
        assert_eq!(policies.len(), 1, "{policies:?}");
        found.policy(policies.values().next().and_then(Value::as_str).expect("policy"));
    }
    // Glacier vaults (10 a page by default): the access policy, and the lock when there is one
    // (Deny only: no outsider).
    // An account without any vault is refused (Glacier's vault API since 2025-12).
    let holds_vaults = sim.org().account(account).is_some_and(|a| a.regions.values().any(|r| !r.glacier_vaults.is_empty()));
    if !holds_vaults {
        let (status, text, headers) = answer(sim, request("GET", "/-/vaults", "glacier", region, key, &[], ""));
        let code = headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert_eq!((status, code.starts_with("NoLongerSupportedException")), (400, true), "{code} {text}");
    }
    let mut path = "/-/vaults".to_string();
    while holds_vaults {
        let vaults = ok_json(sim, request("GET", &path, "glacier", region, key, &[], ""));
        for v in vaults["VaultList"].as_array().expect("VaultList") {
            let name = v["VaultName"].as_str().expect("VaultName");
            let policy = ok_json(sim, request("GET", &format!("/-/vaults/{name}/access-policy"), "glacier", region, key, &[], ""));
            let (status, lock, _) = answer(sim, request("GET", &format!("/-/vaults/{name}/lock-policy"), "glacier", region, key, &[], ""));
            assert!(status == 200 || (status == 404 && lock.contains("No vault lock policy")), "{status} {lock}");
            found.policy(policy["Policy"].as_str().expect("Policy"));
        }
        match vaults["Marker"].as_str() {
            Some(m) => path = format!("/-/vaults?marker={m}"),
            None => break,
        }
    }
    // OpenSearch domains: names, then their status five at a time.
    let names = ok_json(sim, request("GET", "/2021-01-01/domain", "es", region, key, &[], ""));
    let names: Vec<Value> = names["DomainNames"].as_array().expect("DomainNames").iter().map(|d| d["DomainName"].clone()).collect();
    for chunk in names.chunks(5) {
        let body = json!({"DomainNames": chunk}).to_string();
        let status = ok_json(sim, request("POST", "/2021-01-01/opensearch/domain-info", "es", region, key, &[("content-type", "application/json")], &body));
        for d in status["DomainStatusList"].as_array().expect("DomainStatusList") {
            assert_eq!(d["DomainId"], format!("{account}/{}", d["DomainName"].as_str().expect("DomainName")));
            found.policy(d["AccessPolicies"].as_str().expect("AccessPolicies"));
        }
    }
    // API Gateway REST APIs: the policy comes escaped (`\"` and `\/`).
    let mut path = "/restapis".to_string();
    loop {
        let apis = ok_json(sim, request("GET", &path, "apigateway", region, key, &[], ""));
        for api in apis["item"].as_array().expect("item") {
            found.policy(&api["policy"].as_str().expect("policy").replace("\\\"", "\"").replace("\\/", "/"));
        }
        match apis["position"].as_str() {
            Some(p) => path = format!("/restapis?position={p}"),
            None => break,
        }
    }
    // The Glue Data Catalog's policy, where there is one.
    let (status, text, _) = answer(sim, json("glue", "AWSGlue.GetResourcePolicy", region, key, "{}"));
    match status {
        200 => found.policy(serde_json::from_str::<Value>(&text).expect("JSON")["PolicyInJson"].as_str().expect("PolicyInJson")),
        _ => assert!(status == 400 && text.contains("\"__type\":\"EntityNotFoundException\""), "{text}"),
    }
    // AMIs, by their launch permissions, and the region's image Block Public Access.
    let (status, xml, _) = answer(sim, ec2(region, key, "Action=GetImageBlockPublicAccessState&Version=2016-11-15"));
    assert_eq!(status, 200, "{xml}");
    assert_eq!(tags(&xml, "imageBlockPublicAccessState"), [sim.org().account(account).expect("account").image_bpa]);
    let (status, xml, _) = answer(sim, ec2(region, key, "Action=DescribeImages&Version=2016-11-15&Owner.1=self"));
    assert_eq!(status, 200, "{xml}");
    for id in tags(&xml, "imageId") {
        let body = format!("Action=DescribeImageAttribute&Version=2016-11-15&Attribute=launchPermission&ImageId={id}");
        let (status, attr, _) = answer(sim, ec2(region, key, &body));
        assert_eq!(status, 200, "{attr}");
        let (users, organizations) = (tags(&attr, "userId"), tags(&attr, "organizationArn"));
        assert!(organizations.iter().all(|o| o == "arn:aws:organizations::100000000000:organization/o-sim0000001"), "{attr}");
        assert_eq!(users.len() + organizations.len(), 1, "{attr}");
        found.resources += 1;
        found.external += usize::from(users.iter().any(|u| sim.org().account(u).is_none()) || !tags(&attr, "group").is_empty());
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
    // 15 slots reach the first region's first 15 kinds (the added ones come after), and one in 20
    // bucket slots (both regions offer S3 Express) is a directory bucket: 16 types were walked.
    let tally = sim.org().tally();
    let types: BTreeSet<&str> = tally.iter().map(|t| t.resource_type).collect();
    // The second region's 15 slots reach one of the added kinds in each account, moving on with
    // the account (org.rs `slot_kind`): over 45 accounts, all 13 of them, so every type.
    assert_eq!(types.len(), 29, "{types:?}");
    assert!(types.contains("AWS::Kinesis::Stream") && types.contains("AWS::EC2::Image"), "{types:?}");
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
    assert_eq!(directory, 90u64.div_ceil(20), "45 accounts x 2 bucket slots");
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

#[test]
fn a_full_walk_of_every_kind_finds_every_resource_and_grant_once() {
    // 60 slots: every kind of both rotations, twice (the Data Catalog once), and buckets enough
    // for directory buckets.
    let sim = Simulator::new(SimConfig { accounts: 6, resources_per_account_region: 60, external_grant_rate: 0.4, ..small() });
    let regions = sim.config().regions.clone();
    let mut found = Found::default();
    for account in sim.org().accounts.iter().map(|a| a.id.clone()).collect::<Vec<_>>() {
        let key = if account == "100000000000" { BASE_KEY.to_string() } else { assume(&sim, &account) };
        walk(&sim, &key, &account, &regions, &mut found);
    }
    assert_eq!((found.resources, found.external), (sim.resource_count(), sim.external_grants()));
    let tally = sim.org().tally();
    let types: BTreeSet<&str> = tally.iter().map(|t| t.resource_type).collect();
    assert_eq!(types.len(), 29, "{types:?}");
    assert!(sim.unsupported().is_empty(), "{:?}", sim.unsupported());
    assert!(sim.repeated().is_empty(), "{:?}", sim.repeated());
    let counts = sim.counts();
    for call in ["Kinesis:GetResourcePolicy", "EventBridge:ListEventBuses", "Backup:GetBackupVaultAccessPolicy", "codeartifact:GetRepositoryPermissionsPolicy",
        "CloudWatch Logs:DescribeDestinations", "SESv2:GetEmailIdentityPolicies", "Glacier:GetVaultLock", "OpenSearch:DescribeDomains",
        "API Gateway:GetRestApis", "Glue:GetResourcePolicy", "EC2:DescribeImageAttribute", "EC2:GetImageBlockPublicAccessState"] {
        assert!(counts.get(call).is_some_and(|n| *n > 0), "{call}: {counts:?}");
    }
}

/// One region of few accounts: `slots` resources over the first region's 28 kinds.
fn one_region(slots: usize) -> SimConfig {
    SimConfig { accounts: 3, regions: vec!["us-east-1".into()], resources_per_account_region: slots, ..small() }
}

#[test]
fn secrets_manager_pages_and_resource_policies() {
    let mut sim = Simulator::new(one_region(140));
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
    assert_eq!((pages, secrets.len()), (3, 5), "140 slots over 28 kinds: 5 secrets");
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
    // 3,080 slots over 28 kinds: 110 topics.
    let mut sim = Simulator::new(one_region(3080));
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
    let mut sim = Simulator::new(one_region(140));
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
    let mut sim = Simulator::new(one_region(140));
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
    // 140 slots over 28 kinds: 5 EBS snapshots, every 3rd of the organization's encrypted.
    let sim = Simulator::new(SimConfig { external_grant_rate: 0.5, ..one_region(140) });
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
    // 140 slots over 28 kinds: 5 DB snapshots and 5 DB cluster snapshots.
    let sim = Simulator::new(SimConfig { external_grant_rate: 1.0, ..one_region(140) });
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
    // 2,800 slots over 28 kinds: 100 Table and 100 Stream slots, so 200 tables and 100 streams.
    let sim = Simulator::new(one_region(2800));
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
    let mut sim = Simulator::new(SimConfig { external_grant_rate: 0.5, ..one_region(140) });
    let here = sim.org().management().region("us-east-1").expect("region").clone();
    assert_eq!((here.tables.len(), here.streams.len()), (10, 5), "140 slots over 28 kinds: 5 Table and 5 Stream slots");
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

/// Two accounts in us-east-1 (S3 Express) and ap-southeast-2 (not): 1,680 slots over 28 or 27
/// kinds make 60 or 63 bucket slots per region, so each account has 3 directory buckets in
/// us-east-1.
fn directory_org() -> SimConfig {
    SimConfig {
        accounts: 2,
        regions: vec!["us-east-1".into(), "ap-southeast-2".into()],
        resources_per_account_region: 1680,
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

/// Three accounts in us-east-1 with `turns` of the first region's 28 kinds: `turns` resources of
/// each added kind (one Data Catalog) per account.
fn added(turns: usize) -> SimConfig {
    SimConfig { external_grant_rate: 0.5, ..one_region(28 * turns) }
}

/// The statements of a policy document that grant `action`, each on `resource`.
fn grants(doc: &str, action: &Value, resource: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(doc).expect("policy JSON");
    let statements = doc["Statement"].as_array().expect("statements").clone();
    assert!(statements.iter().all(|st| st["Action"] == *action && st["Resource"] == resource), "{doc}");
    statements
}

#[test]
fn kinesis_streams_page_by_name_and_answer_an_empty_policy() {
    let mut sim = Simulator::new(added(5));
    let own = sim.org().management().region("us-east-1").expect("region").kinesis_streams.clone();
    let mut want: Vec<&str> = own.iter().map(|s| s.name.as_str()).collect();
    want.sort_unstable();
    // Two per page, by token.
    let (mut names, mut body, mut pages) = (Vec::new(), json!({"Limit": 2}), 0);
    loop {
        let (status, text, headers) = answer(&sim, kinesis("ListStreams", "us-east-1", BASE_KEY, &body));
        assert_eq!(status, 200, "{text}");
        assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/x-amz-json-1.1"));
        let page: Value = serde_json::from_str(&text).expect("JSON");
        let list: Vec<String> = page["StreamNames"].as_array().expect("StreamNames").iter().map(|n| n.as_str().expect("name").to_string()).collect();
        let summaries = page["StreamSummaries"].as_array().expect("StreamSummaries");
        assert_eq!(summaries.iter().map(|s| s["StreamName"].as_str().expect("name")).collect::<Vec<_>>(), list);
        for s in summaries {
            let name = s["StreamName"].as_str().expect("name");
            assert_eq!(s["StreamARN"], format!("arn:aws:kinesis:us-east-1:100000000000:stream/{name}"));
            assert!(s["StreamStatus"] == "ACTIVE" && s["StreamCreationTimestamp"].is_number() && s["StreamModeDetails"]["StreamMode"] == "ON_DEMAND", "{s}");
        }
        names.extend(list);
        pages += 1;
        assert_eq!(page["HasMoreStreams"], json!(page.get("NextToken").is_some()));
        match page.get("NextToken").and_then(Value::as_str) {
            Some(t) => body = json!({"Limit": 2, "NextToken": t}),
            None => break,
        }
    }
    assert_eq!((pages, names.iter().map(String::as_str).collect::<Vec<_>>()), (3, want.clone()));
    // After a name (which need not be a stream's), as Kinesis pages by name.
    let page = ok_json(&sim, kinesis("ListStreams", "us-east-1", BASE_KEY, &json!({"ExclusiveStartStreamName": "sim-stream-2", "Limit": 1})));
    assert_eq!((page["StreamNames"].clone(), page["HasMoreStreams"].clone()), (json!(["sim-stream-3"]), json!(true)));
    let page = ok_json(&sim, kinesis("ListStreams", "us-east-1", BASE_KEY, &json!({"ExclusiveStartStreamName": "sim-stream-35"})));
    assert_eq!(page["StreamNames"], json!(["sim-stream-4"]));
    for body in [json!({"NextToken": "nope"}), json!({"NextToken": "sim-1", "ExclusiveStartStreamName": "a"})] {
        let (status, text, _) = answer(&sim, kinesis("ListStreams", "us-east-1", BASE_KEY, &body));
        assert_eq!((status, text.contains("\"__type\":\"InvalidArgumentException\"")), (400, true), "{text}");
    }
    // The policy, by ARN.
    let get = |sim: &Simulator, key: &str, region: &str, arn: &str| answer(sim, kinesis("GetResourcePolicy", region, key, &json!({"ResourceARN": arn})));
    for s in &own {
        let (status, text, _) = get(&sim, BASE_KEY, "us-east-1", &s.arn);
        assert_eq!(status, 200, "{text}");
        let out: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(out.as_object().map(|o| o.len()), Some(1), "only Policy: {out}");
        let doc = out["Policy"].as_str().expect("Policy");
        assert_eq!(Some(doc), s.policy.as_deref());
        assert_eq!(grants(doc, &json!("kinesis:GetRecords"), &s.arn).len(), 1 + usize::from(s.external.is_some()));
    }
    // Unknown, another account's, another region's: not found.
    for (key, region, arn) in [(BASE_KEY, "us-east-1", "arn:aws:kinesis:us-east-1:100000000000:stream/nope"), ("ASIASIM100000000001", "us-east-1", own[0].arn.as_str()), (BASE_KEY, "eu-west-1", own[0].arn.as_str())] {
        let (status, text, _) = get(&sim, key, region, arn);
        assert_eq!((status, text.contains("\"__type\":\"ResourceNotFoundException\"")), (400, true), "{text}");
    }
    // Without a policy: an empty document, as Kinesis answers.
    assert!(sim.set_resource_policy(&own[0].arn, None));
    let (status, text, _) = get(&sim, BASE_KEY, "us-east-1", &own[0].arn);
    assert_eq!((status, text.as_str()), (200, r#"{"Policy":"{}"}"#));
    assert_eq!(sim.counts().get("Kinesis:ListStreams"), Some(&7));
    assert_eq!(sim.counts().get("Kinesis:GetResourcePolicy"), Some(&(5 + 3 + 1)));
    // Only the policy asked again after its removal is a repeat.
    let again = format!("100000000000|us-east-1|Kinesis:GetResourcePolicy|{}", json!({"ResourceARN": own[0].arn}));
    assert_eq!(sim.repeated(), [(again, 2)]);
}

#[test]
fn eventbridge_lists_the_default_bus_then_the_custom_ones_with_their_policies() {
    let mut sim = Simulator::new(added(4));
    let own = sim.org().management().region("us-east-1").expect("region").event_buses.clone();
    assert_eq!(own.len(), 4);
    let list = |sim: &Simulator, key: &str, region: &str, body: &Value| answer(sim, events("ListEventBuses", region, key, body));
    let (mut buses, mut body, mut pages) = (Vec::new(), json!({"Limit": 2}), 0);
    loop {
        let (status, text, _) = list(&sim, BASE_KEY, "us-east-1", &body);
        assert_eq!(status, 200, "{text}");
        let page: Value = serde_json::from_str(&text).expect("JSON");
        buses.extend(page["EventBuses"].as_array().expect("EventBuses").iter().cloned());
        pages += 1;
        match page.get("NextToken").and_then(Value::as_str) {
            Some(t) => body = json!({"Limit": 2, "NextToken": t}),
            None => break,
        }
    }
    assert_eq!((pages, buses.len()), (3, 5), "the default bus and 4 custom ones");
    assert_eq!(buses[0], json!({"Name": "default", "Arn": "arn:aws:events:us-east-1:100000000000:event-bus/default", "CreationTime": 1_704_067_200, "LastModifiedTime": 1_704_067_200}));
    for (bus, b) in buses[1..].iter().zip(&own) {
        assert_eq!((bus["Name"].as_str(), bus["Arn"].as_str()), (Some(b.name.as_str()), Some(b.arn.as_str())));
        let doc = bus["Policy"].as_str().expect("Policy");
        assert_eq!(grants(doc, &json!("events:PutEvents"), &b.arn).len(), 1 + usize::from(b.external.is_some()));
    }
    assert_eq!(own[3].arn, "arn:aws:events:us-east-1:100000000000:event-bus/sim-bus-3");
    // By prefix; a region the organization does not use has the default bus only.
    let page = ok_json(&sim, events("ListEventBuses", "us-east-1", BASE_KEY, &json!({"NamePrefix": "sim-bus-2"})));
    assert_eq!(page["EventBuses"].as_array().map(Vec::len), Some(1));
    let page = ok_json(&sim, events("ListEventBuses", "ap-south-1", BASE_KEY, &json!({})));
    assert_eq!(page["EventBuses"].as_array().map(|b| b.iter().map(|b| b["Name"].clone()).collect::<Vec<_>>()), Some(vec![json!("default")]));
    let key = assume(&sim, "100000000002");
    let page = ok_json(&sim, events("ListEventBuses", "us-east-1", &key, &json!({})));
    assert!(page["EventBuses"][1]["Arn"].as_str().is_some_and(|a| a.starts_with("arn:aws:events:us-east-1:100000000002:event-bus/sim-bus-")), "{page}");
    let (status, text, _) = list(&sim, BASE_KEY, "us-east-1", &json!({"NextToken": "nope"}));
    assert_eq!((status, text.contains("\"__type\":\"ValidationException\"")), (400, true), "{text}");
    // A bus without a policy is listed without one.
    assert!(sim.set_resource_policy(&own[1].arn, None));
    let page = ok_json(&sim, events("ListEventBuses", "us-east-1", BASE_KEY, &json!({"NamePrefix": "sim-bus-1"})));
    assert!(page["EventBuses"][0].get("Policy").is_none() && page["EventBuses"][0]["Name"] == "sim-bus-1", "{page}");
    assert_eq!(sim.counts().get("EventBridge:ListEventBuses"), Some(&(3 + 5)));
}

#[test]
fn backup_vaults_page_and_access_policies_are_refused_as_backup_refuses_them() {
    let mut sim = Simulator::new(added(5));
    let own = sim.org().management().region("us-east-1").expect("region").backup_vaults.clone();
    let get = |sim: &Simulator, path: &str| answer(sim, request("GET", path, "backup", "us-east-1", BASE_KEY, &[], ""));
    let (mut vaults, mut path, mut pages) = (Vec::new(), "/backup-vaults/?maxResults=2".to_string(), 0);
    loop {
        let (status, text, headers) = get(&sim, &path);
        assert_eq!(status, 200, "{text}");
        assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/json"));
        let page: Value = serde_json::from_str(&text).expect("JSON");
        vaults.extend(page["BackupVaultList"].as_array().expect("BackupVaultList").iter().cloned());
        pages += 1;
        match page.get("NextToken").and_then(Value::as_str) {
            Some(t) => path = format!("/backup-vaults/?maxResults=2&nextToken={t}"),
            None => break,
        }
    }
    assert_eq!((pages, vaults.len()), (3, 5));
    for (v, want) in vaults.iter().zip(&own) {
        assert_eq!((v["BackupVaultName"].as_str(), v["BackupVaultArn"].as_str()), (Some(want.name.as_str()), Some(want.arn.as_str())));
        assert!(v["CreationDate"].is_number() && v["VaultType"] == "BACKUP_VAULT", "{v}");
    }
    assert_eq!(own[0].arn, "arn:aws:backup:us-east-1:100000000000:backup-vault:sim-backupvault-0");
    let (_, text, _) = get(&sim, "/backup-vaults/?vaultType=LOGICALLY_AIR_GAPPED_BACKUP_VAULT");
    assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON")["BackupVaultList"], json!([]));
    let (status, _, headers) = get(&sim, "/backup-vaults/?nextToken=nope");
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (400, Some("InvalidParameterValueException")));
    for v in &own {
        let (status, text, _) = get(&sim, &format!("/backup-vaults/{}/access-policy", v.name));
        assert_eq!(status, 200, "{text}");
        let out: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!((out["BackupVaultName"].as_str(), out["BackupVaultArn"].as_str()), (Some(v.name.as_str()), Some(v.arn.as_str())));
        let doc = out["Policy"].as_str().expect("Policy");
        assert_eq!(grants(doc, &json!("backup:CopyIntoBackupVault"), &v.arn).len(), 1 + usize::from(v.external.is_some()));
    }
    // An unknown vault (or another account's): AccessDenied, as Backup answers.
    let (status, text, headers) = get(&sim, "/backup-vaults/nope/access-policy");
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (403, Some("AccessDeniedException")), "{text}");
    let key = assume(&sim, "100000000001");
    let (status, _, _) = answer(&sim, request("GET", &format!("/backup-vaults/{}/access-policy", own[0].name), "backup", "eu-west-1", &key, &[], ""));
    assert_eq!(status, 403);
    // Without a policy: 400 ResourceNotFoundException naming the vault.
    assert!(sim.set_resource_policy(&own[2].arn, None));
    let (status, text, headers) = get(&sim, &format!("/backup-vaults/{}/access-policy", own[2].name));
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (400, Some("ResourceNotFoundException")));
    assert!(text.contains(&format!("Backup Vault {} has no associated POLICY", own[2].arn)), "{text}");
    assert_eq!(sim.counts().get("Backup:ListBackupVaults"), Some(&5));
    assert_eq!(sim.counts().get("Backup:GetBackupVaultAccessPolicy"), Some(&(5 + 2 + 1)));
    let (status, _, _) = get(&sim, "/backup-vaults/x/notifications");
    assert_eq!(status, 400);
    assert_eq!(sim.unsupported(), ["Backup:GET /backup-vaults/x/notifications"]);
}

#[test]
fn codeartifact_domains_and_repositories_page_and_answer_their_policies() {
    let mut sim = Simulator::new(added(3));
    let here = sim.org().management().region("us-east-1").expect("region").clone();
    let (domains, repositories) = (&here.codeartifact_domains, &here.codeartifact_repositories);
    let call = |sim: &Simulator, method: &str, uri: &str, body: &str| answer(sim, request(method, uri, "codeartifact", "us-east-1", BASE_KEY, &[("content-type", "application/json")], body));
    // ListDomains pages by its body, ListRepositories by its query.
    let (mut listed, mut body) = (Vec::new(), json!({"maxResults": 2}));
    loop {
        let (status, text, _) = call(&sim, "POST", "/v1/domains", &body.to_string());
        assert_eq!(status, 200, "{text}");
        let page: Value = serde_json::from_str(&text).expect("JSON");
        listed.extend(page["domains"].as_array().expect("domains").iter().cloned());
        match page.get("nextToken").and_then(Value::as_str) {
            Some(t) => body = json!({"maxResults": 2, "nextToken": t}),
            None => break,
        }
    }
    assert_eq!(listed.len(), 3);
    for (d, want) in listed.iter().zip(domains) {
        assert_eq!((d["name"].as_str(), d["arn"].as_str(), d["owner"].as_str()), (Some(want.name.as_str()), Some(want.arn.as_str()), Some("100000000000")));
        assert!(d["status"] == "Active" && d["createdTime"].is_number(), "{d}");
    }
    let (mut listed, mut uri) = (Vec::new(), "/v1/repositories?max-results=2".to_string());
    loop {
        let (status, text, _) = call(&sim, "POST", &uri, "");
        assert_eq!(status, 200, "{text}");
        let page: Value = serde_json::from_str(&text).expect("JSON");
        listed.extend(page["repositories"].as_array().expect("repositories").iter().cloned());
        match page.get("nextToken").and_then(Value::as_str) {
            Some(t) => uri = format!("/v1/repositories?max-results=2&next-token={t}"),
            None => break,
        }
    }
    assert_eq!(listed.len(), 3);
    for (n, (r, want)) in listed.iter().zip(repositories).enumerate() {
        assert_eq!((r["name"].as_str(), r["arn"].as_str()), (Some(want.name.as_str()), Some(want.arn.as_str())));
        assert_eq!((r["domainName"].clone(), r["domainOwner"].clone()), (json!(format!("sim-domain-{n}")), json!("100000000000")));
        assert_eq!(want.arn, format!("arn:aws:codeartifact:us-east-1:100000000000:repository/sim-domain-{n}/sim-repository-{n}"));
    }
    let (_, text, _) = call(&sim, "POST", "/v1/repositories?repository-prefix=sim-repository-1", "");
    assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON")["repositories"].as_array().map(Vec::len), Some(1));
    for (method, uri, body) in [("POST", "/v1/domains", r#"{"nextToken":"nope"}"#), ("POST", "/v1/repositories?next-token=nope", "")] {
        let (status, _, headers) = call(&sim, method, uri, body);
        assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (400, Some("ValidationException")));
    }
    // The policies, with the owner or without it (the caller's by default).
    for (n, d) in domains.iter().enumerate() {
        let query = if n == 0 { format!("domain={}", d.name) } else { format!("domain={}&domain-owner=100000000000", d.name) };
        let (status, text, _) = call(&sim, "GET", &format!("/v1/domain/permissions/policy?{query}"), "");
        assert_eq!(status, 200, "{text}");
        let out: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(out["policy"]["resourceArn"], d.arn.as_str());
        assert!(out["policy"]["revision"].as_str().is_some_and(|r| !r.is_empty()), "{out}");
        let doc = out["policy"]["document"].as_str().expect("document");
        assert_eq!(grants(doc, &json!("codeartifact:GetAuthorizationToken"), &d.arn).len(), 1 + usize::from(d.external.is_some()));
    }
    for (n, r) in repositories.iter().enumerate() {
        let uri = format!("/v1/repository/permissions/policy?domain=sim-domain-{n}&domain-owner=100000000000&repository={}", r.name);
        let (status, text, _) = call(&sim, "GET", &uri, "");
        assert_eq!(status, 200, "{text}");
        let out: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(out["policy"]["resourceArn"], r.arn.as_str());
        let doc = out["policy"]["document"].as_str().expect("document");
        assert_eq!(grants(doc, &json!("codeartifact:ReadFromRepository"), &r.arn).len(), 1 + usize::from(r.external.is_some()));
    }
    // Unknown domain, another owner, a repository of another domain, no policy: 404.
    let missing = [
        "/v1/domain/permissions/policy?domain=nope",
        "/v1/domain/permissions/policy?domain=sim-domain-0&domain-owner=100000000001",
        "/v1/repository/permissions/policy?domain=sim-domain-1&repository=sim-repository-0",
    ];
    for uri in missing {
        let (status, _, headers) = call(&sim, "GET", uri, "");
        assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (404, Some("ResourceNotFoundException")), "{uri}");
    }
    assert!(sim.set_resource_policy(&domains[1].arn, None) && sim.set_resource_policy(&repositories[2].arn, None));
    for uri in ["/v1/domain/permissions/policy?domain=sim-domain-1", "/v1/repository/permissions/policy?domain=sim-domain-2&repository=sim-repository-2"] {
        let (status, text, headers) = call(&sim, "GET", uri, "");
        assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (404, Some("ResourceNotFoundException")), "{uri}");
        assert!(text.contains("No resource policy found"), "{text}");
    }
    let counts = sim.counts();
    assert_eq!((counts.get("codeartifact:ListDomains"), counts.get("codeartifact:ListRepositories")), (Some(&3), Some(&(2 + 1 + 1))));
    assert!(sim.repeated().is_empty(), "{:?}", sim.repeated());
}

#[test]
fn logs_resource_policies_and_destinations_page_with_their_documents() {
    let mut sim = Simulator::new(added(3));
    let here = sim.org().management().region("us-east-1").expect("region").clone();
    for (op, key, list, limit) in [("DescribeResourcePolicies", "resourcePolicies", &here.logs_resource_policies, 2), ("DescribeDestinations", "destinations", &here.logs_destinations, 1)] {
        let (mut items, mut body) = (Vec::new(), json!({"limit": limit}));
        loop {
            let (status, text, _) = answer(&sim, logs(op, "us-east-1", BASE_KEY, &body));
            assert_eq!(status, 200, "{text}");
            let page: Value = serde_json::from_str(&text).expect("JSON");
            let got = page[key].as_array().expect(key);
            assert!(got.len() <= limit);
            items.extend(got.iter().cloned());
            match page.get("nextToken").and_then(Value::as_str) {
                Some(t) => body = json!({"limit": limit, "nextToken": t}),
                None => break,
            }
        }
        assert_eq!(items.len(), list.len(), "{op}");
        assert_eq!(list.len(), 3);
        for (item, p) in items.iter().zip(list) {
            if op == "DescribeResourcePolicies" {
                assert_eq!((item["policyName"].as_str(), item["policyScope"].as_str()), (Some(p.name.as_str()), Some("ACCOUNT")));
                assert_eq!(item["lastUpdatedTime"], 1_704_067_200_000u64, "epoch milliseconds");
                let groups = "arn:aws:logs:us-east-1:100000000000:log-group:*";
                let doc = item["policyDocument"].as_str().expect("policyDocument");
                assert_eq!(grants(doc, &json!("logs:PutLogEvents"), groups).len(), 1 + usize::from(p.external.is_some()));
                assert_eq!(p.arn, format!("arn:aws:logs:us-east-1:100000000000:resource-policy:{}", p.name));
            } else {
                assert_eq!((item["destinationName"].as_str(), item["arn"].as_str()), (Some(p.name.as_str()), Some(p.arn.as_str())));
                assert!(item["targetArn"].as_str().is_some_and(|t| t.starts_with("arn:aws:firehose:us-east-1:100000000000:deliverystream/")), "{item}");
                assert!(item["roleArn"].is_string() && item["creationTime"] == 1_704_067_200_000u64, "{item}");
                let doc = item["accessPolicy"].as_str().expect("accessPolicy");
                assert_eq!(grants(doc, &json!("logs:PutSubscriptionFilter"), &p.arn).len(), 1 + usize::from(p.external.is_some()));
            }
        }
    }
    // No policy is scoped to a log group; a prefix; a foreign token.
    for body in [json!({"policyScope": "RESOURCE"}), json!({"resourceArn": "arn:aws:logs:us-east-1:100000000000:log-group:x"})] {
        let page = ok_json(&sim, logs("DescribeResourcePolicies", "us-east-1", BASE_KEY, &body));
        assert_eq!(page, json!({"resourcePolicies": []}));
    }
    let page = ok_json(&sim, logs("DescribeResourcePolicies", "us-east-1", BASE_KEY, &json!({"policyScope": "ACCOUNT"})));
    assert_eq!(page["resourcePolicies"].as_array().map(Vec::len), Some(3));
    let page = ok_json(&sim, logs("DescribeDestinations", "us-east-1", BASE_KEY, &json!({"DestinationNamePrefix": "sim-destination-2"})));
    assert_eq!(page["destinations"][0]["destinationName"], "sim-destination-2");
    let (status, text, _) = answer(&sim, logs("DescribeDestinations", "us-east-1", BASE_KEY, &json!({"nextToken": "nope"})));
    assert_eq!((status, text.contains("\"__type\":\"InvalidParameterException\"")), (400, true), "{text}");
    // Without a document: a policy is gone, a destination is listed without its access policy.
    assert!(sim.set_resource_policy(&here.logs_resource_policies[0].arn, None) && sim.set_resource_policy(&here.logs_destinations[0].arn, None));
    let page = ok_json(&sim, logs("DescribeResourcePolicies", "us-east-1", BASE_KEY, &json!({})));
    assert_eq!(page["resourcePolicies"].as_array().map(Vec::len), Some(2));
    let page = ok_json(&sim, logs("DescribeDestinations", "us-east-1", BASE_KEY, &json!({"DestinationNamePrefix": "sim-destination-0"})));
    assert!(page["destinations"][0].get("accessPolicy").is_none(), "{page}");
    assert_eq!(sim.counts().get("CloudWatch Logs:DescribeResourcePolicies"), Some(&(2 + 3 + 1)));
}

#[test]
fn added_json_services_are_detected_faulted_hung_and_refused_like_the_others() {
    // Unsigned: by the X-Amz-Target prefix or the path.
    let sim = Simulator::new(added(1));
    let unsigned = |method: &str, uri: &str, headers: &[(&str, &str)], body: &str| {
        let mut b = http::Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let (status, text, _) = answer(&sim, b.body(bytes::Bytes::from(body.to_string())).expect("request"));
        assert_eq!(status, 200, "{uri} {headers:?}: {text}");
    };
    unsigned("POST", "/", &[("x-amz-target", "Kinesis_20131202.ListStreams")], "{}");
    unsigned("POST", "/", &[("x-amz-target", "AWSEvents.ListEventBuses")], "{}");
    unsigned("POST", "/", &[("x-amz-target", "Logs_20140328.DescribeDestinations")], "{}");
    unsigned("GET", "/backup-vaults/", &[], "");
    unsigned("POST", "/v1/domains", &[], "{}");
    unsigned("POST", "/v1/repositories", &[], "");
    let counts: Vec<String> = sim.counts().into_keys().collect();
    assert_eq!(counts, ["Backup:ListBackupVaults", "CloudWatch Logs:DescribeDestinations", "EventBridge:ListEventBuses", "Kinesis:ListStreams", "codeartifact:ListDomains", "codeartifact:ListRepositories"]);
    let calls = |region: &str| {
        vec![
            kinesis("ListStreams", region, BASE_KEY, &json!({})),
            events("ListEventBuses", region, BASE_KEY, &json!({})),
            request("GET", "/backup-vaults/", "backup", region, BASE_KEY, &[], ""),
            request("POST", "/v1/domains", "codeartifact", region, BASE_KEY, &[], "{}"),
            logs("DescribeResourcePolicies", region, BASE_KEY, &json!({})),
        ]
    };
    // Each service's own throttling and internal errors (codes the SDK's classifier retries).
    let code = |status: u16, text: &str, headers: &http::HeaderMap| -> (u16, String) {
        let header = headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok()).map(str::to_string);
        let body = serde_json::from_str::<Value>(text).ok().and_then(|v| v["__type"].as_str().map(str::to_string));
        (status, header.or(body).unwrap_or_default())
    };
    let throttled = Simulator::new(SimConfig { throttle_rate: 1.0, ..added(1) });
    let want = [(400, "LimitExceededException"), (400, "ThrottlingException"), (400, "ThrottlingException"), (429, "ThrottlingException"), (400, "ThrottlingException")];
    for (req, (status, name)) in calls("us-east-1").into_iter().zip(want) {
        let (s, text, headers) = answer(&throttled, req);
        assert_eq!(code(s, &text, &headers), (status, name.to_string()), "{text}");
    }
    let failing = Simulator::new(SimConfig { error_rate: 1.0, ..added(1) });
    let want = ["InternalFailureException", "InternalException", "ServiceUnavailableException", "InternalServerException", "ServiceUnavailableException"];
    for (req, name) in calls("us-east-1").into_iter().zip(want) {
        let (s, text, headers) = answer(&failing, req);
        assert_eq!(code(s, &text, &headers), (500, name.to_string()), "{text}");
    }
    // Regional: hung and refused in their regions.
    let regions = BTreeSet::from(["eu-west-1".to_string()]);
    let hang = Simulator::new(SimConfig { hang_regions: regions.clone(), ..added(1) });
    assert!(calls("eu-west-1").into_iter().all(|req| matches!(hang.handle(req), Outcome::Hang)));
    let disabled = Simulator::new(SimConfig { disabled_regions: regions, ..added(1) });
    for req in calls("eu-west-1") {
        let (s, text, headers) = answer(&disabled, req);
        assert_eq!(code(s, &text, &headers), (403, "UnrecognizedClientException".to_string()), "{text}");
    }
    // Another operation of each is named and counted as unsupported.
    let sim = Simulator::new(added(1));
    for req in [kinesis("DescribeStream", "us-east-1", BASE_KEY, &json!({})), events("ListRules", "us-east-1", BASE_KEY, &json!({})), logs("DescribeLogGroups", "us-east-1", BASE_KEY, &json!({}))] {
        let (status, text, _) = answer(&sim, req);
        assert_eq!((status, text.contains("UnknownOperationException")), (400, true), "{text}");
    }
    assert_eq!(sim.unsupported(), ["CloudWatch Logs:DescribeLogGroups", "EventBridge:ListRules", "Kinesis:DescribeStream"]);
}

#[test]
fn ses_identities_page_by_either_listing_and_answer_their_named_policies() {
    let mut sim = Simulator::new(added(5));
    let own = sim.org().management().region("us-east-1").expect("region").email_identities.clone();
    let call = |sim: &Simulator, method: &str, uri: &str, body: &str| answer(sim, request(method, uri, "ses", "us-east-1", BASE_KEY, &[("content-type", "application/json")], body));
    // The SDK lists with a POST (parameters in the body), the model with a GET (in the query).
    for sdk in [true, false] {
        let (mut names, mut token, mut pages) = (Vec::new(), None::<String>, 0);
        loop {
            let (status, text, _) = if sdk {
                let body = match &token { Some(t) => json!({"PageSize": 2, "NextToken": t}), None => json!({"PageSize": 2}) };
                call(&sim, "POST", "/v2/email/list-identities", &body.to_string())
            } else {
                let query = token.as_ref().map(|t| format!("&NextToken={t}")).unwrap_or_default();
                call(&sim, "GET", &format!("/v2/email/identities?PageSize=2{query}"), "")
            };
            assert_eq!(status, 200, "{text}");
            let page: Value = serde_json::from_str(&text).expect("JSON");
            for i in page["EmailIdentities"].as_array().expect("EmailIdentities") {
                assert_eq!((i["IdentityType"].clone(), i["SendingEnabled"].clone()), (json!("DOMAIN"), json!(true)), "{i}");
                names.push(i["IdentityName"].as_str().expect("IdentityName").to_string());
            }
            pages += 1;
            match page.get("NextToken").and_then(Value::as_str) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!((pages, names), (3, own.iter().map(|i| i.name.clone()).collect::<Vec<_>>()), "sdk: {sdk}");
    }
    assert_eq!(own[4].name, "sim-identity-4.example.com");
    assert_eq!(own[4].arn, "arn:aws:ses:us-east-1:100000000000:identity/sim-identity-4.example.com");
    for i in &own {
        let (status, text, _) = call(&sim, "GET", &format!("/v2/email/identities/{}/policies", i.name), "");
        assert_eq!(status, 200, "{text}");
        let out: Value = serde_json::from_str(&text).expect("JSON");
        let policies = out["Policies"].as_object().expect("Policies");
        assert_eq!(policies.keys().collect::<Vec<_>>(), ["sim-sending-authorization"]);
        let doc = policies["sim-sending-authorization"].as_str().expect("document");
        assert_eq!(grants(doc, &json!("ses:SendEmail"), &i.arn).len(), 1 + usize::from(i.external.is_some()));
    }
    let (status, _, headers) = call(&sim, "GET", "/v2/email/identities/nope.example.com/policies", "");
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (404, Some("NotFoundException")));
    let (status, _, headers) = call(&sim, "POST", "/v2/email/list-identities", r#"{"NextToken":"nope"}"#);
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (400, Some("BadRequestException")));
    // Without a policy: an empty map.
    assert!(sim.set_resource_policy(&own[0].arn, None));
    let (_, text, _) = call(&sim, "GET", &format!("/v2/email/identities/{}/policies", own[0].name), "");
    assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON"), json!({"Policies": {}}));
    assert_eq!(sim.counts().get("SESv2:ListEmailIdentities"), Some(&(3 + 3 + 1)));
    assert!(sim.repeated().iter().all(|(k, _)| k.contains("GetEmailIdentityPolicies")), "{:?}", sim.repeated());
}

#[test]
fn glacier_vaults_page_by_marker_with_access_policies_and_locks() {
    let mut sim = Simulator::new(added(12));
    let own = sim.org().management().region("us-east-1").expect("region").glacier_vaults.clone();
    assert_eq!(own.len(), 12);
    let get = |sim: &Simulator, path: &str| answer(sim, request("GET", path, "glacier", "us-east-1", BASE_KEY, &[], ""));
    // 10 a page by default; the marker is null on the last page.
    let (mut names, mut path, mut pages) = (Vec::new(), "/-/vaults".to_string(), 0);
    loop {
        let (status, text, _) = get(&sim, &path);
        assert_eq!(status, 200, "{text}");
        let page: Value = serde_json::from_str(&text).expect("JSON");
        for v in page["VaultList"].as_array().expect("VaultList") {
            assert_eq!(v["CreationDate"], "2024-01-01T00:00:00.000Z", "ISO 8601 strings: {v}");
            names.push(v["VaultName"].as_str().expect("VaultName").to_string());
        }
        pages += 1;
        match &page["Marker"] {
            Value::String(m) => path = format!("/-/vaults?marker={m}"),
            Value::Null => break,
            other => panic!("{other}"),
        }
    }
    assert_eq!((pages, names), (2, own.iter().map(|v| v.name.clone()).collect::<Vec<_>>()));
    let (_, text, _) = get(&sim, "/100000000000/vaults?limit=3");
    assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON")["VaultList"].as_array().map(Vec::len), Some(3), "the account's own ID too");
    for (path, status, code) in [("/100000000001/vaults", 403, "AccessDeniedException"), ("/-/vaults?limit=0", 400, "InvalidParameterValueException"), ("/-/vaults?marker=nope", 400, "InvalidParameterValueException")] {
        let (s, _, headers) = get(&sim, path);
        assert_eq!((s, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (status, Some(code)), "{path}");
    }
    // The access policy is the body's `Policy` string (the VaultAccessPolicy structure itself).
    for v in &own {
        let (status, text, _) = get(&sim, &format!("/-/vaults/{}/access-policy", v.name));
        assert_eq!(status, 200, "{text}");
        let out: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(out.as_object().map(|o| o.len()), Some(1), "{out}");
        let doc = out["Policy"].as_str().expect("Policy is a string");
        assert_eq!(grants(doc, &json!(["glacier:InitiateJob", "glacier:GetJobOutput"]), &v.arn).len(), 1 + usize::from(v.external.is_some()));
        let (status, text, _) = get(&sim, &format!("/-/vaults/{}/lock-policy", v.name));
        match &v.lock {
            Some(lock) => {
                assert_eq!(status, 200, "{text}");
                let out: Value = serde_json::from_str(&text).expect("JSON");
                assert_eq!((out["Policy"].as_str(), out["State"].as_str()), (Some(lock.policy.as_str()), Some(lock.state)));
                assert_eq!(out["CreationDate"], "2024-01-01T00:00:00.000Z");
                assert_eq!(out.get("ExpirationDate").is_some(), lock.state == "InProgress", "{out}");
            }
            None => assert!(status == 404 && text.contains("No vault lock policy is set"), "{status} {text}"),
        }
    }
    // Every 2nd vault of the organization from the first is locked: the management account's
    // come first.
    let states: Vec<Option<&str>> = own.iter().map(|v| v.lock.as_ref().map(|l| l.state)).collect();
    assert_eq!(states[..4], [Some("Locked"), None, Some("InProgress"), None]);
    let (status, text, headers) = get(&sim, "/-/vaults/nope/access-policy");
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (404, Some("ResourceNotFoundException")));
    assert!(text.contains("Vault not found for ARN: arn:aws:glacier:us-east-1:100000000000:vaults/nope"), "{text}");
    assert!(sim.set_resource_policy(&own[1].arn, None));
    let (status, text, _) = get(&sim, &format!("/-/vaults/{}/access-policy", own[1].name));
    assert!(status == 404 && text.contains("No vault access policy is set"), "{text}");
    assert_eq!(sim.counts().get("Glacier:ListVaults"), Some(&(2 + 1 + 3)));
    assert_eq!(sim.counts().get("Glacier:GetVaultLock"), Some(&12));
}

#[test]
fn opensearch_domains_are_described_five_at_a_time_with_every_required_member() {
    let mut sim = Simulator::new(added(6));
    let own = sim.org().management().region("us-east-1").expect("region").opensearch_domains.clone();
    let call = |sim: &Simulator, method: &str, uri: &str, body: &str| answer(sim, request(method, uri, "es", "us-east-1", BASE_KEY, &[("content-type", "application/json")], body));
    let (status, text, _) = call(&sim, "GET", "/2021-01-01/domain", "");
    assert_eq!(status, 200, "{text}");
    let names: Vec<Value> = own.iter().map(|d| json!({"DomainName": d.name, "EngineType": "OpenSearch"})).collect();
    assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON"), json!({"DomainNames": names}));
    let (_, text, _) = call(&sim, "GET", "/2021-01-01/domain?engineType=Elasticsearch", "");
    assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON"), json!({"DomainNames": []}));
    let body = json!({"DomainNames": own[..5].iter().map(|d| d.name.clone()).chain(["nope".to_string()]).collect::<Vec<_>>()});
    let (status, _, headers) = call(&sim, "POST", "/2021-01-01/opensearch/domain-info", &body.to_string());
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (400, Some("ValidationException")), "six names");
    let mut described = Vec::new();
    for chunk in own.chunks(5) {
        let body = json!({"DomainNames": chunk.iter().map(|d| d.name.clone()).chain(["nope".to_string()].into_iter().take(5 - chunk.len().min(5))).collect::<Vec<_>>()});
        let (status, text, _) = call(&sim, "POST", "/2021-01-01/opensearch/domain-info", &body.to_string());
        assert_eq!(status, 200, "{text}");
        described.extend(serde_json::from_str::<Value>(&text).expect("JSON")["DomainStatusList"].as_array().expect("DomainStatusList").clone());
    }
    assert_eq!(described.len(), 6, "an unknown name is left out");
    let vpc = sim.org().management().region("us-east-1").expect("region").vpcs[0].id.clone();
    for (d, want) in described.iter().zip(&own) {
        for member in ["DomainId", "DomainName", "ARN", "ClusterConfig"] {
            assert!(d.get(member).is_some(), "{member} is required: {d}");
        }
        assert_eq!((d["DomainId"].clone(), d["ARN"].as_str()), (json!(format!("100000000000/{}", want.name)), Some(want.arn.as_str())));
        let doc = d["AccessPolicies"].as_str().expect("AccessPolicies");
        assert_eq!(grants(doc, &json!("es:ESHttpGet"), &format!("{}/*", want.arn)).len(), 1 + usize::from(want.external.is_some()));
        match &want.vpc {
            Some(v) => {
                assert_eq!((v, &d["VPCOptions"]["VPCId"]), (&vpc, &json!(vpc)), "{d}");
                assert!(d["Endpoints"]["vpc"].as_str().is_some_and(|e| e.starts_with("vpc-")) && d.get("Endpoint").is_none(), "{d}");
            }
            None => assert!(d.get("VPCOptions").is_none() && d["Endpoint"].as_str().is_some_and(|e| e.starts_with("search-")), "{d}"),
        }
    }
    assert_eq!(own.iter().map(|d| d.vpc.is_some()).collect::<Vec<_>>(), [false, true, false, true, false, true], "every other one in a VPC");
    assert_eq!(own[0].arn, "arn:aws:es:us-east-1:100000000000:domain/sim-search-0");
    // Without a policy: an empty AccessPolicies.
    assert!(sim.set_resource_policy(&own[0].arn, None));
    let (_, text, _) = call(&sim, "POST", "/2021-01-01/opensearch/domain-info", &json!({"DomainNames": [own[0].name]}).to_string());
    assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON")["DomainStatusList"][0]["AccessPolicies"], "");
    let (status, _, _) = call(&sim, "POST", "/2021-01-01/opensearch/domain-info", r#"{"DomainNames":[]}"#);
    assert_eq!(status, 400);
    assert_eq!(sim.counts().get("OpenSearch:DescribeDomains"), Some(&(1 + 2 + 2)));
}

#[test]
fn api_gateway_escapes_the_policy_as_api_gateway_does() {
    let mut sim = Simulator::new(added(5));
    let own = sim.org().management().region("us-east-1").expect("region").rest_apis.clone();
    let get = |sim: &Simulator, path: &str| answer(sim, request("GET", path, "apigateway", "us-east-1", BASE_KEY, &[], ""));
    let (mut items, mut path, mut pages) = (Vec::new(), "/restapis?limit=2".to_string(), 0);
    loop {
        let (status, text, _) = get(&sim, &path);
        assert_eq!(status, 200, "{text}");
        let page: Value = serde_json::from_str(&text).expect("JSON");
        items.extend(page["item"].as_array().expect("item").iter().cloned());
        pages += 1;
        match page.get("position").and_then(Value::as_str) {
            Some(p) => path = format!("/restapis?limit=2&position={p}"),
            None => break,
        }
    }
    assert_eq!((pages, items.len()), (3, 5));
    for (item, api) in items.iter().zip(&own) {
        assert_eq!((item["id"].as_str(), item["name"].as_str()), (Some(api.id.as_str()), Some(api.name.as_str())));
        assert_eq!(item["endpointConfiguration"]["types"], json!([api.endpoint_type]));
        assert_eq!(item["endpointConfiguration"].get("vpcEndpointIds").is_some(), api.endpoint_type == "PRIVATE");
        assert!(item["createdDate"].is_number(), "{item}");
        // The string is the document with `"` and `/` escaped: not JSON itself.
        let written = item["policy"].as_str().expect("policy");
        assert!(written.starts_with(r#"{\"Version\":\"2012-10-17\""#), "{written}");
        assert!(serde_json::from_str::<Value>(written).is_err(), "{written}");
        assert!(written.contains(&format!(r#"\"Resource\":\"arn:aws:execute-api:us-east-1:100000000000:{}\/*\""#, api.id)), "{written}");
        let doc = written.replace("\\\"", "\"").replace("\\/", "/");
        assert_eq!(Some(doc.as_str()), api.policy.as_deref());
        let invoke = format!("arn:aws:execute-api:us-east-1:100000000000:{}/*", api.id);
        assert_eq!(grants(&doc, &json!("execute-api:Invoke"), &invoke).len(), 1 + usize::from(api.external.is_some()));
        assert_eq!(api.arn, format!("arn:aws:apigateway:us-east-1::/restapis/{}", api.id));
    }
    let types: Vec<&str> = own.iter().map(|a| a.endpoint_type).collect();
    assert_eq!(types, ["REGIONAL", "PRIVATE", "EDGE", "PRIVATE", "REGIONAL"], "every other one PRIVATE");
    let vpce = &sim.org().management().region("us-east-1").expect("region").vpc_endpoints[0].id;
    assert_eq!(items[1]["endpointConfiguration"]["vpcEndpointIds"], json!([vpce]));
    let (_, text, _) = get(&sim, "/restapis");
    assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON")["item"].as_array().map(Vec::len), Some(5), "25 a page by default");
    let (status, _, headers) = get(&sim, "/restapis?position=nope");
    assert_eq!((status, headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok())), (400, Some("BadRequestException")));
    // Without a policy: no `policy`.
    assert!(sim.set_resource_policy(&own[0].arn, None));
    let (_, text, _) = get(&sim, "/restapis?limit=1");
    assert!(serde_json::from_str::<Value>(&text).expect("JSON")["item"][0].get("policy").is_none(), "{text}");
    let (status, _, _) = get(&sim, &format!("/restapis/{}", own[0].id));
    assert_eq!(status, 400);
    assert_eq!(sim.unsupported(), [format!("API Gateway:GET /restapis/{}", own[0].id)]);
}

#[test]
fn glue_answers_the_catalog_policy_or_entity_not_found() {
    let mut sim = Simulator::new(SimConfig { regions: vec!["us-east-1".into(), "eu-west-1".into()], ..added(2) });
    let get = |sim: &Simulator, key: &str, region: &str, body: &Value| answer(sim, json("glue", "AWSGlue.GetResourcePolicy", region, key, &body.to_string()));
    let catalog = sim.org().management().region("us-east-1").expect("region").data_catalogs.clone();
    let [catalog] = catalog.as_slice() else { panic!("one catalog in two turns") };
    assert_eq!((catalog.name.as_str(), catalog.arn.as_str()), ("100000000000", "arn:aws:glue:us-east-1:100000000000:catalog"));
    for body in [json!({}), json!({"ResourceArn": catalog.arn})] {
        let (status, text, _) = get(&sim, BASE_KEY, "us-east-1", &body);
        assert_eq!(status, 200, "{text}");
        let out: Value = serde_json::from_str(&text).expect("JSON");
        assert!(out["CreateTime"].is_number() && out["UpdateTime"].is_number() && out["PolicyHash"].as_str().is_some_and(|h| !h.is_empty()), "{out}");
        let doc = out["PolicyInJson"].as_str().expect("PolicyInJson");
        let tables = "arn:aws:glue:us-east-1:100000000000:table/*/*";
        assert_eq!(grants(doc, &json!("glue:GetTable"), tables).len(), 1 + usize::from(catalog.external.is_some()));
    }
    // 56 slots over the second region's 27 kinds reach its DataCatalog slot too; a region the
    // organization does not use, another ARN, a removed policy: EntityNotFoundException.
    let (status, _, _) = get(&sim, BASE_KEY, "eu-west-1", &json!({}));
    assert_eq!(status, 200);
    let not_found = [(BASE_KEY, "ap-south-1", json!({})), (BASE_KEY, "us-east-1", json!({"ResourceArn": "arn:aws:glue:us-east-1:100000000000:database/x"}))];
    for (key, region, body) in not_found {
        let (status, text, _) = get(&sim, key, region, &body);
        assert_eq!((status, text.contains("\"__type\":\"EntityNotFoundException\"")), (400, true), "{text}");
    }
    assert!(sim.set_resource_policy(&catalog.arn, None));
    let (status, text, _) = get(&sim, BASE_KEY, "us-east-1", &json!({}));
    assert_eq!((status, text.contains("EntityNotFoundException")), (400, true), "{text}");
    // A region of the first account with fewer slots than the DataCatalog's has none (the other
    // accounts' added kinds start further on).
    let short = Simulator::new(one_region(26));
    let (status, _, _) = get(&short, BASE_KEY, "us-east-1", &json!({}));
    assert_eq!(status, 400);
    assert!(short.org().management().region("us-east-1").expect("region").data_catalogs.is_empty());
}

#[test]
fn ec2_images_are_shared_by_launch_permissions_with_the_image_block_public_access_state() {
    let sim = Simulator::new(added(3));
    let own = sim.org().management().region("us-east-1").expect("region").images.clone();
    assert_eq!(own.len(), 3);
    let (mut ids, mut body, mut pages) = (Vec::new(), "Action=DescribeImages&Version=2016-11-15&Owner.1=self&MaxResults=2".to_string(), 0);
    loop {
        let (status, xml, _) = answer(&sim, ec2("us-east-1", BASE_KEY, &body));
        assert_eq!(status, 200, "{xml}");
        assert!(xml.contains("<DescribeImagesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>") && xml.contains("<imagesSet><item><imageId>ami-"), "{xml}");
        for item in tags(&xml, "item") {
            assert_eq!((tags(&item, "imageState"), tags(&item, "isPublic"), tags(&item, "imageOwnerId")), (vec!["available".to_string()], vec!["false".to_string()], vec!["100000000000".to_string()]));
            let name = tags(&item, "name").remove(0);
            assert_eq!(tags(&item, "imageLocation"), [format!("100000000000/{name}")]);
            ids.push(tags(&item, "imageId").remove(0));
        }
        pages += 1;
        match tags(&xml, "nextToken").pop() {
            Some(t) => body = format!("Action=DescribeImages&Version=2016-11-15&Owner.1=self&MaxResults=2&NextToken={t}"),
            None => break,
        }
    }
    assert_eq!((pages, ids), (2, own.iter().map(|i| i.id.clone()).collect::<Vec<_>>()));
    let (_, xml, _) = answer(&sim, ec2("us-east-1", BASE_KEY, "Action=DescribeImages&Version=2016-11-15&Owner.1=amazon"));
    assert!(xml.contains("<imagesSet></imagesSet>"), "another owner's: none of the simulator's: {xml}");
    let (_, xml, _) = answer(&sim, ec2("us-east-1", BASE_KEY, &format!("Action=DescribeImages&Version=2016-11-15&ImageId.1={}", own[2].id)));
    assert_eq!(tags(&xml, "imageId"), [own[2].id.as_str()]);
    // The management account's are the organization's first: the outsider's, the
    // organization's, the outsider's.
    let attribute = |key: &str, id: &str| answer(&sim, ec2("us-east-1", key, &format!("Action=DescribeImageAttribute&Version=2016-11-15&Attribute=launchPermission&ImageId={id}")));
    let mut shares = Vec::new();
    for i in &own {
        let (status, xml, _) = attribute(BASE_KEY, &i.id);
        assert_eq!(status, 200, "{xml}");
        assert!(xml.contains(&format!("<DescribeImageAttributeResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>")), "{xml}");
        assert_eq!(tags(&xml, "imageId"), [i.id.as_str()]);
        let permissions = tags(&xml, "launchPermission").remove(0);
        shares.push(tags(&permissions, "item"));
    }
    assert_eq!(shares, [
        vec!["<userId>999999999999</userId>".to_string()],
        vec!["<organizationArn>arn:aws:organizations::100000000000:organization/o-sim0000001</organizationArn>".to_string()],
        vec!["<userId>999999999999</userId>".to_string()],
    ]);
    assert_eq!(own.iter().map(|i| i.external.is_some()).collect::<Vec<_>>(), [true, false, true]);
    for (key, id) in [(BASE_KEY, "ami-00000000000000000"), ("ASIASIM100000000001", own[0].id.as_str())] {
        let (status, xml, _) = attribute(key, id);
        assert_eq!((status, tags(&xml, "Code")), (400, vec!["InvalidAMIID.NotFound".to_string()]), "{xml}");
    }
    let (status, xml, _) = answer(&sim, ec2("us-east-1", BASE_KEY, &format!("Action=DescribeImageAttribute&Version=2016-11-15&Attribute=kernel&ImageId={}", own[0].id)));
    assert_eq!((status, tags(&xml, "Code")), (400, vec!["InvalidParameterValue".to_string()]));
    // Image Block Public Access by account: block-new-sharing for odd members.
    for (account, state) in [("100000000000", "unblocked"), ("100000000001", "block-new-sharing"), ("100000000002", "unblocked")] {
        let key = if account == "100000000000" { BASE_KEY.to_string() } else { assume(&sim, account) };
        let (status, xml, _) = answer(&sim, ec2("us-east-1", &key, "Action=GetImageBlockPublicAccessState&Version=2016-11-15"));
        assert_eq!(status, 200, "{xml}");
        assert_eq!((tags(&xml, "imageBlockPublicAccessState"), tags(&xml, "managedBy")), (vec![state.to_string()], vec!["account".to_string()]));
    }
    assert_eq!(own[0].arn, format!("arn:aws:ec2:us-east-1::image/{}", own[0].id));
    assert_eq!(sim.counts().get("EC2:DescribeImages"), Some(&4));
}

#[test]
fn added_rest_services_are_detected_faulted_hung_and_refused_like_the_others() {
    // Unsigned: by the path or the X-Amz-Target prefix.
    let sim = Simulator::new(added(1));
    let unsigned = |method: &str, uri: &str, headers: &[(&str, &str)], body: &str| {
        let mut b = http::Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let (status, text, _) = answer(&sim, b.body(bytes::Bytes::from(body.to_string())).expect("request"));
        assert_eq!(status, 200, "{uri} {headers:?}: {text}");
    };
    unsigned("POST", "/v2/email/list-identities", &[], "{}");
    unsigned("GET", "/-/vaults", &[], "");
    unsigned("GET", "/2021-01-01/domain", &[], "");
    unsigned("GET", "/restapis", &[], "");
    unsigned("POST", "/", &[("x-amz-target", "AWSGlue.GetResourcePolicy")], "{}");
    unsigned("POST", "/", &[("content-type", "application/x-www-form-urlencoded")], "Action=DescribeImages&Version=2016-11-15&Owner.1=self");
    let counts: Vec<String> = sim.counts().into_keys().collect();
    assert_eq!(counts, ["API Gateway:GetRestApis", "EC2:DescribeImages", "Glacier:ListVaults", "Glue:GetResourcePolicy", "OpenSearch:ListDomainNames", "SESv2:ListEmailIdentities"]);
    let calls = |region: &str| {
        vec![
            request("POST", "/v2/email/list-identities", "ses", region, BASE_KEY, &[], "{}"),
            request("GET", "/-/vaults", "glacier", region, BASE_KEY, &[], ""),
            request("GET", "/2021-01-01/domain", "es", region, BASE_KEY, &[], ""),
            request("GET", "/restapis", "apigateway", region, BASE_KEY, &[], ""),
            json("glue", "AWSGlue.GetResourcePolicy", region, BASE_KEY, "{}"),
        ]
    };
    let code = |status: u16, text: &str, headers: &http::HeaderMap| -> (u16, String) {
        let header = headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok()).map(str::to_string);
        let body = serde_json::from_str::<Value>(text).ok().and_then(|v| v["__type"].as_str().map(str::to_string));
        (status, header.or(body).unwrap_or_default())
    };
    let throttled = Simulator::new(SimConfig { throttle_rate: 1.0, ..added(1) });
    let want = [(429, "TooManyRequestsException"), (400, "ThrottlingException"), (429, "ThrottlingException"), (429, "TooManyRequestsException"), (400, "ThrottlingException")];
    for (req, (status, name)) in calls("us-east-1").into_iter().zip(want) {
        let (s, text, headers) = answer(&throttled, req);
        assert_eq!(code(s, &text, &headers), (status, name.to_string()), "{text}");
    }
    let (status, xml, _) = answer(&throttled, ec2("us-east-1", BASE_KEY, "Action=DescribeImages&Version=2016-11-15"));
    assert_eq!((status, tags(&xml, "Code")), (503, vec!["RequestLimitExceeded".to_string()]));
    let failing = Simulator::new(SimConfig { error_rate: 1.0, ..added(1) });
    let want = [(500, "InternalServiceErrorException"), (500, "ServiceUnavailableException"), (500, "InternalException"), (503, "ServiceUnavailableException"), (500, "InternalServiceException")];
    for (req, (status, name)) in calls("us-east-1").into_iter().zip(want) {
        let (s, text, headers) = answer(&failing, req);
        assert_eq!(code(s, &text, &headers), (status, name.to_string()), "{text}");
    }
    let regions = BTreeSet::from(["eu-west-1".to_string()]);
    let hang = Simulator::new(SimConfig { hang_regions: regions.clone(), ..added(1) });
    assert!(calls("eu-west-1").into_iter().all(|req| matches!(hang.handle(req), Outcome::Hang)));
    let disabled = Simulator::new(SimConfig { disabled_regions: regions, ..added(1) });
    for req in calls("eu-west-1") {
        let (s, text, headers) = answer(&disabled, req);
        assert_eq!(code(s, &text, &headers), (403, "UnrecognizedClientException".to_string()), "{text}");
    }
    let (status, xml, _) = answer(&disabled, ec2("eu-west-1", BASE_KEY, "Action=GetImageBlockPublicAccessState&Version=2016-11-15"));
    assert_eq!((status, tags(&xml, "Code")), (401, vec!["AuthFailure".to_string()]));
    // Denied by parameter, as an SCP's Deny would.
    let denied = Simulator::new(SimConfig { deny_params: BTreeSet::from(["sim-vault-0".to_string()]), ..added(1) });
    let (status, _, _) = answer(&denied, request("GET", "/-/vaults/sim-vault-0/access-policy", "glacier", "us-east-1", BASE_KEY, &[], ""));
    assert_eq!(status, 403);
}
