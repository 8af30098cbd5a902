//! A quiet report must mean a complete scan: a scope (account, region, type) that the scan set
//! out to read and that nobody reported read to the end, or that an inventory has no record
//! of, makes the scan incomplete (exit 2, an ERROR row) and resolves nothing of it. These
//! scans run offline (`--from-inventory`), so each inventory below is exactly what a collector
//! whose reader returned early, or was never dispatched, would have written.

use std::path::Path;
use std::process::Output;

use serde_json::{json, Value};

const ACCOUNT: &str = "111111111111";
const QUEUE: &str = "arn:aws:sqs:us-east-1:111111111111:orders";

/// The inventory's lines, with the end record that counts them.
fn lines(records: &[Value]) -> String {
    let count = |kind: &str| records.iter().filter(|r| r["record"] == kind).count();
    let end = json!({"record": "end", "accounts": count("account"), "resources": count("resource"),
                     "scopes": count("scope"), "errors": count("error"), "resource_controls": count("resource_controls")});
    records.iter().chain(std::iter::once(&end)).map(|r| format!("{r}\n")).collect()
}

fn zone() -> Value {
    json!({"record": "zone", "org_id": "o-a1b2c3d4e5", "accounts": {ACCOUNT: {"name": "prod", "kind": "management"}}})
}

fn account() -> Value {
    json!({"record": "account", "id": ACCOUNT, "status": "ACTIVE", "regions": ["us-east-1"]})
}

fn public_queue() -> Value {
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": QUEUE}]});
    json!({"record": "resource", "arn": QUEUE, "account": ACCOUNT, "region": "us-east-1",
           "inputs": {"type": "AWS::SQS::Queue", "name": "orders", "policy": policy.to_string()}})
}

fn sqs_scope() -> Value {
    json!({"record": "scope", "account": ACCOUNT, "region": "us-east-1", "resource_type": "AWS::SQS::Queue"})
}

fn plan(types: &[&str]) -> Value {
    json!({"record": "plan", "resource_types": types})
}

fn scan(dir: &Path, inventory: &str) -> Output {
    scan_with(dir, inventory, &[])
}

/// `perimeter scan --from-inventory` of `inventory` (written to `dir`), with the store and the
/// output directory in `dir`, and `extra` arguments.
fn scan_with(dir: &Path, inventory: &str, extra: &[&std::ffi::OsStr]) -> Output {
    let path = dir.join("inventory.jsonl");
    std::fs::write(&path, inventory).expect("inventory");
    std::process::Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["scan", "--from-inventory"])
        .arg(&path)
        .arg("--db")
        .arg(dir.join("perimeter.db"))
        .arg("--out")
        .arg(dir.join("out"))
        .args(extra)
        .output()
        .expect("run perimeter")
}

fn statuses(dir: &Path) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_path(dir.join("out/findings.csv")).expect("findings.csv");
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            (r[1].to_string(), if r[1] == *"ERROR" { r[13].to_string() } else { r[3].to_string() })
        })
        .collect()
}

#[test]
fn a_scope_whose_reader_reported_nothing_resolves_nothing_and_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = scan(dir.path(), &lines(&[zone(), plan(&["AWS::SQS::Queue"]), account(), public_queue(), sqs_scope()]));
    assert_eq!(first.status.code(), Some(1), "{}", String::from_utf8_lossy(&first.stderr));
    assert_eq!(statuses(dir.path()), vec![("NEW".to_string(), QUEUE.to_string())]);

    // The same account next month, but the SQS reader returned before reporting its scope: no
    // queue, no scope record, no error record.
    let second = scan(dir.path(), &lines(&[zone(), plan(&["AWS::SQS::Queue"]), account()]));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "an unreported scope must make the scan incomplete: {stderr}");
    let rows = statuses(dir.path());
    assert!(rows.contains(&("ACTIVE".to_string(), QUEUE.to_string())), "the finding is not resolved: {rows:?}");
    assert!(
        rows.iter().any(|(s, e)| s == "ERROR" && e.contains("AWS::SQS::Queue in us-east-1 was not read to the end")),
        "an ERROR row names the scope: {rows:?}"
    );
}

#[test]
fn an_inventory_without_a_plan_is_held_to_every_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = scan(dir.path(), &lines(&[zone(), account(), public_queue(), sqs_scope()]));
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let errors: Vec<String> = statuses(dir.path()).into_iter().filter(|(s, _)| s == "ERROR").map(|(_, e)| e).collect();
    for t in perimeter_model::ResourceType::ALL.iter().filter(|t| **t != perimeter_model::ResourceType::SqsQueue) {
        assert!(errors.iter().any(|e| e.contains(t.as_str())), "no error for {t}: {errors:?}");
    }
}

#[test]
fn a_complete_inventory_is_a_complete_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = scan(dir.path(), &lines(&[zone(), plan(&["AWS::SQS::Queue"]), account(), sqs_scope()]));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(statuses(dir.path()).is_empty());
}

#[test]
fn d6_an_inventory_cut_at_a_line_boundary_is_an_error_not_a_smaller_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let whole = lines(&[zone(), plan(&["AWS::SQS::Queue"]), account(), public_queue(), sqs_scope()]);
    let cut: String = whole.lines().take(3).map(|l| format!("{l}\n")).collect();
    for (name, text) in [("cut after the account", cut), ("only the zone", whole.lines().take(1).map(|l| format!("{l}\n")).collect())] {
        let out = scan(dir.path(), &text);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains("no end record"), "{name}: {stderr}");
    }
    // A record repeated (or dropped) behind the end record's back is named too.
    let mut doubled = lines(&[zone(), plan(&["AWS::SQS::Queue"]), account(), public_queue(), sqs_scope()]);
    doubled.push_str(&format!("{}\n", public_queue()));
    let out = scan(dir.path(), &doubled);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("after the end record"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn d7_a_repeated_resource_record_is_one_finding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = scan(dir.path(), &lines(&[zone(), plan(&["AWS::SQS::Queue"]), account(), public_queue(), public_queue(), sqs_scope()]));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(statuses(dir.path()), vec![("NEW".to_string(), QUEUE.to_string())], "one row, not two");
}

#[test]
fn d2_an_output_place_that_cannot_be_written_stops_the_scan_before_the_store_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inventory = dir.path().join("inventory.jsonl");
    std::fs::write(&inventory, lines(&[zone(), plan(&["AWS::SQS::Queue"]), account(), public_queue(), sqs_scope()])).expect("inventory");
    let afile = dir.path().join("afile");
    std::fs::write(&afile, "x").expect("file");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["scan", "--from-inventory"])
        .arg(&inventory)
        .arg("--db")
        .arg(dir.path().join("perimeter.db"))
        .arg("--out")
        .arg(&afile)
        .output()
        .expect("run perimeter");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not a directory"), "{stderr}");
    assert!(!dir.path().join("perimeter.db").exists(), "the store was not even opened");
}

#[cfg(unix)]
#[test]
fn d9_the_store_the_reports_and_the_inventory_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("copy.jsonl");
    let inventory = lines(&[zone(), plan(&["AWS::SQS::Queue"]), account(), public_queue(), sqs_scope()]);
    let out = scan_with(dir.path(), &inventory, &["--inventory-out".as_ref(), copy.as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let mode = |p: &std::path::Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    for file in ["perimeter.db", "perimeter.db.lock", "out/findings.csv", "out/findings.json", "out/report.html", "out/findings.ocsf.json", "out/findings.asff.json", "copy.jsonl"] {
        assert_eq!(mode(&dir.path().join(file)), 0o600, "{file}");
    }
    assert_eq!(mode(&dir.path().join("out")), 0o700);
}

#[test]
fn d15_a_reader_that_stops_early_is_not_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = scan(dir.path(), &lines(&[zone(), plan(&["AWS::SQS::Queue"]), account(), public_queue(), sqs_scope()]));
    assert_eq!(first.status.code(), Some(1));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["findings", "--db"])
        .arg(dir.path().join("perimeter.db"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Issue 16 (names): every row carries the owner account's name and OU path, and the external
/// principal's label and kind from the known-accounts list; an archive rule can match them.
#[test]
fn rows_carry_account_names_ou_paths_and_known_vendor_labels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let named = json!({"record": "account", "id": ACCOUNT, "name": "payments-prod", "status": "ACTIVE",
                       "org_path": "o-a1b2c3d4e5/r-ab12/ou-ab12-prod/", "regions": ["us-east-1"]});
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::464622532012:root"}, "Action": "sqs:SendMessage", "Resource": QUEUE}]});
    let vendor_queue = json!({"record": "resource", "arn": QUEUE, "account": ACCOUNT, "region": "us-east-1",
                              "inputs": {"type": "AWS::SQS::Queue", "name": "orders", "policy": policy.to_string()}});
    let out = scan(dir.path(), &lines(&[zone(), plan(&["AWS::SQS::Queue"]), named.clone(), vendor_queue.clone(), sqs_scope()]));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let mut reader = csv::Reader::from_path(dir.path().join("out/findings.csv")).expect("csv");
    let headers = reader.headers().expect("headers").clone();
    let row = reader.records().next().expect("a row").expect("row");
    let cell = |name: &str| row.get(headers.iter().position(|h| h == name).unwrap_or(usize::MAX)).unwrap_or_default().to_string();
    assert_eq!(cell("account_name"), "payments-prod");
    assert_eq!(cell("ou_path"), "o-a1b2c3d4e5/r-ab12/ou-ab12-prod/");
    assert_eq!(cell("principal_label"), "Datadog");
    assert_eq!(cell("principal_kind"), "known-vendor");
    let report: Value = serde_json::from_slice(&std::fs::read(dir.path().join("out/findings.json")).expect("json")).expect("json");
    assert_eq!(report["known_accounts_version"].as_str().map(str::len), Some(40), "the report says which list labelled it");

    // An archive rule on the kind archives it, with its reason.
    let config = dir.path().join("perimeter.toml");
    std::fs::write(&config, "[[archive_rules]]\nname = \"vendors\"\nreason = \"reviewed vendor integrations\"\n[archive_rules.filter]\nprincipal_kind = { eq = [\"known-vendor\"] }\nprincipal_label = { eq = [\"Datadog\"] }\n").expect("config");
    let inventory = lines(&[zone(), plan(&["AWS::SQS::Queue"]), named, vendor_queue, sqs_scope()]);
    let out = scan_with(dir.path(), &inventory, &["--config".as_ref(), config.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "archived findings are not to report: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(statuses(dir.path()), vec![("ARCHIVED".to_string(), QUEUE.to_string())]);
}

/// Issue 16 (what changed): `perimeter findings --since last` lists what the latest scan made
/// NEW or RESOLVED, not what stayed as it was.
#[test]
fn findings_since_the_last_scan_are_what_it_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let second_queue = "arn:aws:sqs:us-east-1:111111111111:billing";
    let mut billing = public_queue();
    billing["arn"] = json!(second_queue);
    billing["inputs"]["policy"] = json!(billing["inputs"]["policy"].as_str().unwrap_or_default().replace(QUEUE, second_queue));
    let first = scan(dir.path(), &lines(&[zone(), plan(&["AWS::SQS::Queue"]), account(), public_queue(), sqs_scope()]));
    assert_eq!(first.status.code(), Some(1));
    std::thread::sleep(std::time::Duration::from_millis(1100)); // scan times have whole seconds
    let second = scan(dir.path(), &lines(&[zone(), plan(&["AWS::SQS::Queue"]), account(), billing, sqs_scope()]));
    assert_eq!(second.status.code(), Some(1));
    let since = |value: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_perimeter"))
            .args(["findings", "--format", "json", "--since", value, "--db"])
            .arg(dir.path().join("perimeter.db"))
            .output()
            .expect("run")
    };
    let out = since("last");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut got: Vec<(String, String)> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| (f["resource_arn"].as_str().unwrap_or_default().to_string(), f["status"].as_str().unwrap_or_default().to_string()))
        .collect();
    got.sort();
    assert_eq!(got, vec![(second_queue.to_string(), "NEW".to_string()), (QUEUE.to_string(), "RESOLVED".to_string())]);
    let later: Value = serde_json::from_slice(&since("2999-01-01").stdout).expect("json");
    assert_eq!(later["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(since("yesterday").status.code(), Some(2));
}

/// Issue 16: trusted accounts that no policy names are reported (likely stale), and the report
/// page lists what was skipped.
#[test]
fn trusted_accounts_named_by_no_policy_and_skipped_accounts_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "464622532012"}, "Action": "sqs:SendMessage", "Resource": QUEUE}]});
    let vendor_queue = json!({"record": "resource", "arn": QUEUE, "account": ACCOUNT, "region": "us-east-1",
                              "inputs": {"type": "AWS::SQS::Queue", "name": "orders", "policy": policy.to_string()}});
    let left_out = json!({"record": "account", "id": "333333333333", "name": "sandbox", "status": "ACTIVE", "skipped": "excluded from this scan"});
    let config = dir.path().join("perimeter.toml");
    std::fs::write(&config, "[[trusted_accounts]]\nid = \"464622532012\"\nlabel = \"Datadog\"\n[[trusted_accounts]]\nid = \"999988887777\"\nlabel = \"Former vendor\"\n").expect("config");
    let inventory = lines(&[zone(), plan(&["AWS::SQS::Queue"]), account(), left_out, vendor_queue, sqs_scope()]);
    let out = scan_with(dir.path(), &inventory, &["--config".as_ref(), config.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "the trusted vendor's access is not reported: {stderr}");
    assert!(stderr.contains("trusted account 999988887777 (Former vendor) is named by no policy"), "{stderr}");
    assert!(!stderr.contains("trusted account 464622532012"), "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("out/report.html")).expect("report.html");
    assert!(page.contains("999988887777 (Former vendor)"));
    assert!(page.contains("account sandbox (333333333333): excluded from this scan"), "the skipped account is listed");
}

/// An organization whose management account is not the queue's owner (RCPs never apply to the
/// management account's resources), with `ACCOUNT` in OU `ou-ab12-prod`.
fn member_zone() -> Vec<Value> {
    vec![
        json!({"record": "zone", "org_id": "o-a1b2c3d4e5", "accounts": {
            "999999999990": {"kind": "management"}, ACCOUNT: {"name": "prod", "kind": "member"}}}),
        json!({"record": "account", "id": "999999999990", "status": "ACTIVE", "org_path": "o-a1b2c3d4e5/r-ab12/",
               "skipped": "not among the accounts selected for this scan"}),
        json!({"record": "account", "id": ACCOUNT, "status": "ACTIVE", "org_path": "o-a1b2c3d4e5/r-ab12/ou-ab12-prod/",
               "regions": ["us-east-1"]}),
    ]
}

fn rcps(policies: &[Value]) -> Value {
    json!({"record": "resource_controls", "enabled": true, "policies": policies})
}

fn identity_perimeter(targets: &[&str]) -> Value {
    let document = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*",
        "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]});
    json!({"id": "p-identity", "name": "identity-perimeter", "document": document.to_string(), "targets": targets})
}

#[test]
fn an_access_the_rcps_stop_is_reported_blocked_and_does_not_count_for_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let records = |rcp: Value| {
        let mut r = member_zone();
        r.insert(1, plan(&["AWS::SQS::Queue"]));
        r.insert(2, rcp);
        r.extend([public_queue(), sqs_scope()]);
        lines(&r)
    };
    let out = scan(dir.path(), &records(rcps(&[identity_perimeter(&["ou-ab12-prod"])])));
    assert_eq!(out.status.code(), Some(0), "a blocked access only: {}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&std::fs::read(dir.path().join("out/findings.json")).expect("json")).expect("parse");
    let f = &report["findings"][0];
    assert_eq!(f["blocked_by"], json!([{"id": "p-identity", "name": "identity-perimeter"}]), "{report}");
    assert_eq!(report["summary"]["blocked"], 1);
    // Attached to another OU, the RCP does not govern the queue: exit 1, not blocked.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = scan(dir.path(), &records(rcps(&[identity_perimeter(&["ou-ab12-dev"])])));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_rcp_that_does_not_parse_makes_the_scopes_it_governs_incomplete_and_resolves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let with = |rcp: Value, resources: Vec<Value>| {
        let mut r = member_zone();
        r.insert(1, plan(&["AWS::SQS::Queue", "AWS::Lambda::Function"]));
        r.insert(2, rcp);
        r.extend(resources);
        r.push(sqs_scope());
        r.push(json!({"record": "scope", "account": ACCOUNT, "region": "us-east-1", "resource_type": "AWS::Lambda::Function"}));
        lines(&r)
    };
    let first = scan(dir.path(), &with(rcps(&[]), vec![public_queue()]));
    assert_eq!(first.status.code(), Some(1), "{}", String::from_utf8_lossy(&first.stderr));
    // Now an RCP on the account's OU does not parse, and the queue's grant is gone: the SQS
    // scope is incomplete, so the finding is not resolved; Lambda (which RCPs do not govern) is
    // complete.
    let bad = json!({"id": "p-broken", "name": "broken", "document": "{\"Version\": ", "targets": ["ou-ab12-prod"]});
    let second = scan(dir.path(), &with(rcps(&[bad]), vec![]));
    assert_eq!(second.status.code(), Some(2), "{}", String::from_utf8_lossy(&second.stderr));
    let rows = statuses(dir.path());
    let errors: Vec<&(String, String)> = rows.iter().filter(|(s, _)| s == "ERROR").collect();
    assert_eq!(errors.len(), 1, "one error row, for the SQS scope: {rows:?}");
    assert!(errors[0].1.contains("p-broken") && errors[0].1.starts_with("PARSE_ERROR"), "{rows:?}");
    assert!(rows.iter().any(|(s, arn)| s == "ACTIVE" && arn == QUEUE), "not resolved: {rows:?}");
}
