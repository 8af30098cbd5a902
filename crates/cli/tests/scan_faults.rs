//! `perimeter scan` against the simulated AWS endpoint, for what the emulator cannot do: an
//! account that cannot be entered makes the scan incomplete (exit 2), is named in the CSV, and
//! nothing in it is resolved; a malformed policy is an error row naming the resource and the
//! place in the document, and the scan goes on.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use perimeter_simulator::{serve, SimConfig, Simulator};

fn small() -> SimConfig {
    SimConfig { accounts: 4, resources_per_account_region: 6, external_grant_rate: 0.5, ..SimConfig::default() }
}

/// Serves `sim` on a free port for as long as the returned runtime lives.
fn start(sim: Simulator) -> (tokio::runtime::Runtime, String) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("address"));
    runtime.spawn(serve(Arc::new(sim), listener));
    (runtime, endpoint)
}

fn scan(endpoint: &str, dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["scan", "--regions", "us-east-1,eu-west-1", "--db"])
        .arg(dir.join("perimeter.db"))
        .arg("--out")
        .arg(dir.join("out"))
        .env_remove("AWS_PROFILE")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run perimeter")
}

fn rows(dir: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(dir.join("out/findings.csv")).expect("csv");
    reader.records().map(|r| r.expect("record")).collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_unreachable_account_makes_the_scan_incomplete_and_resolves_nothing_in_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_rt, endpoint) = start(Simulator::new(small()));
    let first = scan(&endpoint, dir.path());
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    // The simulated accounts hold no Glacier vault, and Glacier refuses them: the report lists
    // those scopes as skipped (not enabled in the account), and the scan is still complete.
    let report = std::fs::read_to_string(dir.path().join("out/report.html")).expect("report");
    assert!(report.contains("AWS::Glacier::Vault not enabled in the account"), "the skipped list names Glacier");
    let before = rows(dir.path());
    let refused = "100000000002";
    let in_refused = before.iter().filter(|r| &r[4] == refused).count();
    assert!(in_refused > 0, "the account has findings to keep");

    let config = SimConfig { refuse_assume_role: [refused.to_string()].into(), ..small() };
    let (_rt2, endpoint) = start(Simulator::new(config));
    let second = scan(&endpoint, dir.path());
    assert_eq!(second.status.code(), Some(2), "an incomplete scan exits 2: {}", stderr(&second));
    assert!(stderr(&second).contains("INCOMPLETE"), "{}", stderr(&second));
    let after = rows(dir.path());
    let errors: Vec<&csv::StringRecord> = after.iter().filter(|r| &r[1] == "ERROR").collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(&errors[0][4], refused, "the error row names the account");
    assert!(errors[0][13].starts_with("ASSUME_ROLE_FAILED"), "{:?}", &errors[0][13]);
    let findings = |rows: &[csv::StringRecord]| -> Vec<(String, String)> {
        rows.iter().filter(|r| &r[1] != "ERROR").map(|r| (r[0].to_string(), r[4].to_string())).collect()
    };
    assert_eq!(findings(&after), findings(&before), "the same findings, none resolved");
    assert!(after.iter().all(|r| &r[1] != "RESOLVED"), "nothing is resolved");
}

#[test]
fn a_malformed_policy_is_an_error_row_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sim = Simulator::new(small());
    let bucket = sim.org().accounts.iter().flat_map(|a| &a.buckets).next().expect("a bucket").name.clone();
    let malformed = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"aws:SourceIp":"10.0.0.1"}}}]}"#;
    assert!(sim.set_bucket_policy(&bucket, malformed));
    let (_rt, endpoint) = start(sim);
    let out = scan(&endpoint, dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let rows = rows(dir.path());
    let errors: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[1] == "ERROR").collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(&errors[0][3], format!("arn:aws:s3:::{bucket}").as_str(), "the row names the resource");
    let message = &errors[0][13];
    assert!(message.starts_with("PARSE_ERROR") && message.contains("/Statement/0/Condition/StringEqualz"), "{message}");
    assert!(rows.iter().filter(|r| &r[1] == "NEW").count() > 3, "the other findings are reported");
}

/// The findings of a scan's report, without the times (which differ from run to run).
fn findings(dir: &Path) -> Vec<(String, String, String, String)> {
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/findings.json")).expect("findings.json")).expect("JSON");
    let mut out: Vec<(String, String, String, String)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| (f["id"].to_string(), f["principal"].to_string(), f["actions"].to_string(), f["condition"].to_string()))
        .collect();
    out.sort();
    out
}

#[test]
fn throttling_5xx_and_dropped_connections_change_no_finding() {
    // Small: under random throttling the SDK's adaptive retry slows every request (its job).
    let org = SimConfig { accounts: 2, resources_per_account_region: 3, external_grant_rate: 0.7, ..SimConfig::default() };
    let clean_dir = tempfile::tempdir().expect("tempdir");
    let (_rt, endpoint) = start(Simulator::new(org.clone()));
    let clean = scan(&endpoint, clean_dir.path());
    assert_eq!(clean.status.code(), Some(1), "{}", stderr(&clean));

    let faulty = SimConfig { throttle_rate: 0.2, error_rate: 0.02, drop_rate: 0.02, ..org };
    let faulty_dir = tempfile::tempdir().expect("tempdir");
    let (_rt2, endpoint) = start(Simulator::new(faulty));
    let out = scan(&endpoint, faulty_dir.path());
    assert_eq!(out.status.code(), Some(1), "a complete scan despite the faults: {}", stderr(&out));
    let expected = findings(clean_dir.path());
    assert!(!expected.is_empty());
    assert_eq!(findings(faulty_dir.path()), expected, "the same findings as the clean run");
}
