//! `perimeter check-policy` end to end: exit codes, JSON shape, errors with their place.

use std::io::Write;
use std::process::{Command, Stdio};

fn check(policy: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["check-policy", "-", "--resource-type", "AWS::SQS::Queue"])
        .args(["--resource-arn", "arn:aws:sqs:us-east-1:111111111111:orders"])
        .args(["--owner-account", "111111111111", "--zone-account", "222222222222", "--zone-org", "o-a1b2c3d4e5"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run perimeter");
    child.stdin.take().expect("stdin").write_all(policy.as_bytes()).expect("write policy");
    let out = child.wait_with_output().expect("wait");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), json)
}

#[test]
fn public_send_message_exits_1_with_a_witness() {
    let (code, out) = check(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}"#,
        &[],
    );
    assert_eq!(code, 1);
    let f = &out["findings"][0];
    assert_eq!(f["principal"], serde_json::json!({"AWS": "*"}));
    assert_eq!(f["actions"], serde_json::json!(["sqs:SendMessage"]));
    assert_eq!(f["is_public"], true);
    assert_eq!(f["witness"]["action"], "sqs:SendMessage");
}

#[test]
fn access_fenced_to_the_organization_exits_0() {
    let (code, out) = check(
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"},
            {"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}"#,
        &[],
    );
    assert_eq!(code, 0);
    assert_eq!(out["findings"], serde_json::json!([]));
}

#[test]
fn unknown_operator_exits_2_naming_the_place() {
    let (code, out) = check(
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Condition":{"StringEqualz":{"aws:SourceAccount":"1"}}}]}"#,
        &[],
    );
    assert_eq!(code, 2);
    assert_eq!(out["error"]["code"], "PARSE_ERROR");
    assert_eq!(out["error"]["pointer"], "/Statement/0/Condition/StringEqualz");
}
