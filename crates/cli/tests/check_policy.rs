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

/// Runs check-policy on `input` (bytes on stdin) with the given arguments after the document.
fn run_raw(input: &[u8], args: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["check-policy", "-"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run perimeter");
    // The child may stop reading early (an input over the limit): a broken pipe here is fine.
    let _ = child.stdin.take().expect("stdin").write_all(input);
    child.wait_with_output().expect("wait")
}

const SQS: [&str; 6] = ["--resource-type", "AWS::SQS::Queue", "--resource-arn", "arn:aws:sqs:us-east-1:111111111111:orders", "--owner-account", "111111111111"];
const PUBLIC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}"#;

#[test]
fn d15_a_closed_stdout_is_no_panic_and_keeps_the_verdict() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["check-policy", "-", "--format", "text"])
        .args(SQS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run perimeter");
    drop(child.stdout.take()); // the reader is gone before anything is written
    child.stdin.take().expect("stdin").write_all(PUBLIC.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "the verdict, not a panic (101): {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn d16_input_is_read_only_up_to_the_limit_and_read_errors_follow_the_format() {
    // An endless input would grow without bound; 2 MiB of spaces stands for it.
    let out = run_raw(&vec![b' '; 2 << 20], &SQS);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON error on stdout");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(v["error"]["code"], "LIMIT_EXCEEDED", "{v}");

    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(PUBLIC.as_bytes());
    let out = run_raw(&bom, &SQS);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(v["error"]["message"].as_str().unwrap_or_default().contains("byte order mark"), "{v}");

    let out = run_raw(b"{\"Sid\":\"\xff\xfe\"}", &SQS);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON even for invalid UTF-8");
    assert!(v["error"]["message"].as_str().unwrap_or_default().contains("offset 8"), "{v}");

    let out = Command::new(env!("CARGO_BIN_EXE_perimeter")).args(["check-policy", "/no/such/policy.json"]).args(SQS).output().expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON for a missing file");
    assert_eq!((out.status.code(), v["error"]["code"].as_str()), (Some(2), Some("READ_ERROR")), "{v}");
}

#[test]
fn d17_the_zone_organization_and_the_resource_arn_are_checked() {
    for (args, needle) in [
        (&["--zone-org", "abcdefghij"][..], "--zone-org"),
        (&["--zone-org", "*"][..], "--zone-org"),
        (&["--zone-org", ""][..], "--zone-org"),
    ] {
        let out = run_raw(PUBLIC.as_bytes(), &[&SQS[..], args].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains(needle), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
    }
    for arn in ["notanarn", "", "arn:aws:s3:::b", "arn:aws:sqs:us-east-1:999999999999:orders"] {
        let out = run_raw(PUBLIC.as_bytes(), &["--resource-type", "AWS::SQS::Queue", "--resource-arn", arn, "--owner-account", "111111111111"]);
        assert_eq!(out.status.code(), Some(2), "{arn}: {}", String::from_utf8_lossy(&out.stdout));
        assert!(String::from_utf8_lossy(&out.stdout).contains("--resource-arn"), "{arn}");
    }
    // A bucket ARN has no account field.
    let bucket = run_raw(
        br#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#,
        &["--resource-type", "AWS::S3::Bucket", "--resource-arn", "arn:aws:s3:::b", "--owner-account", "111111111111"],
    );
    assert_eq!(bucket.status.code(), Some(1), "{}", String::from_utf8_lossy(&bucket.stdout));
}

#[test]
fn d11_text_output_escapes_control_characters_from_the_policy() {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1\u001b[2K\rno external access\n"}}}]}"#;
    let out = run_raw(policy.as_bytes(), &[&SQS[..], &["--format", "text"]].concat());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    assert_eq!(text.lines().filter(|l| l.trim() == "no external access").count(), 0, "{text}");
}

/// An identity perimeter RCP (Deny to callers outside the organization), in a file.
fn identity_perimeter_rcp(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("identity-perimeter.json");
    std::fs::write(
        &path,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["sqs:*","s3:*"],"Resource":"*",
            "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#,
    )
    .expect("write RCP");
    path
}

#[test]
fn an_access_the_rcp_stops_is_reported_blocked_and_exits_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rcp = identity_perimeter_rcp(dir.path());
    let public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}"#;
    let (code, out) = check(public, &["--rcp", rcp.to_str().expect("path")]);
    assert_eq!(code, 0, "blocked access is nothing to fix: {out}");
    let f = &out["findings"][0];
    assert_eq!(f["blocked_by"], serde_json::json!([{"id": rcp.to_str().expect("path"), "name": "identity-perimeter"}]), "{out}");
    assert_eq!(f["witness"]["action"], "sqs:SendMessage", "the witness the queue policy allows and the RCP refuses");
    // Without the RCP the same policy exits 1.
    assert_eq!(check(public, &[]).0, 1);
}

#[test]
fn an_access_the_rcp_only_narrows_exits_1_with_its_condition() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rcp = dir.path().join("tls.json");
    std::fs::write(
        &rcp,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}"#,
    )
    .expect("write RCP");
    let (code, out) = check(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}"#,
        &["--rcp", rcp.to_str().expect("path")],
    );
    assert_eq!(code, 1, "{out}");
    let f = &out["findings"][0];
    assert!(f.get("blocked_by").is_none(), "{out}");
    assert_eq!(f["condition"], serde_json::json!({"RCP BoolIfExists aws:SecureTransport": ["false"]}));
}

#[test]
fn an_rcp_that_is_not_one_exits_2_naming_the_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rcp = dir.path().join("bad.json");
    std::fs::write(&rcp, r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"sqs:*","Resource":"*"}]}"#)
        .expect("write");
    let (code, out) = check(r#"{"Statement":[]}"#, &["--rcp", rcp.to_str().expect("path")]);
    assert_eq!(code, 2);
    assert_eq!(out["error"]["pointer"], "/Statement/0", "{out}");
    assert!(out["error"]["message"].as_str().unwrap_or_default().contains("resource control policy"), "{out}");
}
