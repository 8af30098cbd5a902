//! `perimeter scan` end to end against the emulator with the demo organization: the findings are
//! exactly the hand-written fixture; the CSV read back equals the store; removing a grant
//! resolves exactly its finding and putting it back reopens the same ID; archive rules archive
//! what they match and only that; a scan killed inside the store transaction changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use perimeter_testkit::{repo_root, Emulator};
use serde_json::Value;

struct Demo {
    emulator: Emulator,
    manifest: Value,
    dir: tempfile::TempDir,
}

impl Demo {
    fn start() -> Demo {
        let emulator = Emulator::start();
        let manifest = emulator.seed_demo_org();
        Demo { emulator, manifest, dir: tempfile::tempdir().expect("tempdir") }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes the scan config, with extra TOML appended.
    fn config(&self, extra: &str) -> PathBuf {
        let regions: Vec<String> =
            self.manifest["regions"].as_array().expect("regions").iter().map(|r| r.to_string()).collect();
        let text = format!(
            "[scan]\nregions = [{}]\nrole_name = \"OrganizationAccountAccessRole\"\n[output]\ndir = {:?}\n[store]\npath = {:?}\n{extra}",
            regions.join(", "),
            self.path("out"),
            self.path("perimeter.db"),
        );
        let path = self.path("perimeter.toml");
        std::fs::write(&path, text).expect("config");
        path
    }

    fn perimeter(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_perimeter"));
        cmd.args(args).env_remove("AWS_PROFILE").env_remove("AWS_DEFAULT_PROFILE");
        for (k, v) in self.emulator.aws_env() {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("run perimeter")
    }

    fn scan(&self, extra_config: &str) -> Output {
        let config = self.config(extra_config);
        self.perimeter(&["scan", "--config", config.to_str().expect("path")], &[])
    }

    /// The store's findings as `perimeter findings --format json` prints them.
    fn stored(&self) -> Vec<Value> {
        let db = self.path("perimeter.db");
        let out = self.perimeter(&["findings", "--db", db.to_str().expect("path"), "--format", "json"], &[]);
        assert!(out.status.success(), "perimeter findings failed: {}", String::from_utf8_lossy(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).expect("findings JSON");
        v["findings"].as_array().cloned().unwrap_or_default()
    }

    fn resource(&self, key: &str) -> &Value {
        self.manifest["resources"].as_array().expect("resources").iter().find(|r| r["key"] == key).expect("seeded resource")
    }

    /// Runs boto3 against the emulator as the management account.
    fn boto3(&self, script: &str) {
        let mut cmd = Command::new("python3");
        cmd.arg("-c").arg(format!("import boto3, json\nsqs = boto3.client('sqs', region_name='us-east-1')\n{script}"));
        for (k, v) in self.emulator.aws_env() {
            cmd.env(k, v);
        }
        let out = cmd.env_remove("AWS_PROFILE").output().expect("python3");
        assert!(out.status.success(), "boto3 failed: {}", String::from_utf8_lossy(&out.stderr));
    }
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A finding reduced to what the fixture states: resource, principal, path, public, condition,
/// actions, the names of the resource control policies that block it, and whose networks it is
/// pinned to (`network`, `network_owner`; empty when the fixture and the report say nothing).
type Key = (String, String, String, bool, String, Vec<String>, Vec<String>, String, String);

fn key_of(f: &Value, resource_key: &str) -> Key {
    let mut actions: Vec<String> =
        f["actions"].as_array().into_iter().flatten().filter_map(|a| a.as_str().map(str::to_string)).collect();
    actions.sort();
    // The fixture names the RCPs (their IDs are made by the emulator); reports give both.
    let mut blocked_by: Vec<String> = f["blocked_by"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b.as_str().or_else(|| b["name"].as_str()).map(str::to_string))
        .collect();
    blocked_by.sort();
    (
        resource_key.to_string(),
        f["principal"].to_string(),
        f["shared_via"].as_str().unwrap_or_default().to_string(),
        f["is_public"].as_bool().unwrap_or_default(),
        f["condition"].to_string(),
        actions,
        blocked_by,
        f["network"].as_str().unwrap_or_default().to_string(),
        f["network_owner"].as_str().unwrap_or_default().to_string(),
    )
}

fn expected_findings(manifest: &Value) -> BTreeSet<Key> {
    let text = std::fs::read_to_string(repo_root().join("tests/fixtures/demo-org/expected-findings.json")).expect("fixture");
    let mut text = text.replace("${org_id}", manifest["org_id"].as_str().expect("org id"));
    for (alias, account) in manifest["accounts"].as_object().expect("accounts") {
        text = text.replace(&format!("${{account:{alias}}}"), account["id"].as_str().expect("id"));
    }
    // VPCs and VPC endpoints get their IDs from the emulator.
    for network in manifest["networks"].as_array().into_iter().flatten() {
        let (key, id) = (network["key"].as_str().expect("network key"), network["id"].as_str().expect("network id"));
        text = text.replace(&format!("${{network:{key}}}"), id);
    }
    let fixture: Value = serde_json::from_str(&text).expect("fixture JSON");
    fixture["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| key_of(f, f["resource"].as_str().expect("resource key")))
        .collect()
}

fn reported_findings(manifest: &Value, findings: &[Value]) -> BTreeSet<Key> {
    let by_arn: BTreeMap<&str, &str> = manifest["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| Some((r["arn"].as_str()?, r["key"].as_str()?)))
        .collect();
    findings
        .iter()
        .map(|f| {
            let arn = f["resource_arn"].as_str().unwrap_or_default();
            key_of(f, by_arn.get(arn).copied().unwrap_or(arn))
        })
        .collect()
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("findings.csv");
    let headers: Vec<String> = reader.headers().expect("header").iter().map(str::to_string).collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("CSV record");
            headers.iter().cloned().zip(r.iter().map(|c| restore(c).to_string())).collect()
        })
        .collect()
}

/// What a reader of the CSV does with a neutralised cell: drop the quote before a formula sign.
fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

fn principal_cell(p: &Value) -> String {
    let Some((kind, value)) = p.as_object().and_then(|o| o.iter().next()) else { return String::new() };
    let value = value.as_str().unwrap_or_default();
    if kind == "AWS" && value == "*" { "*".to_string() } else { format!("{kind}:{value}") }
}

#[test]
fn demo_scan_reports_exactly_the_fixture_and_the_csv_equals_the_store() {
    let demo = Demo::start();
    let out = demo.scan("");
    assert_eq!(code(&out), Some(1), "findings to report give exit code 1: {}", stderr(&out));
    assert!(stderr(&out).contains("complete scan"), "{}", stderr(&out));

    let stored = demo.stored();
    let got = reported_findings(&demo.manifest, &stored);
    let want = expected_findings(&demo.manifest);
    let missing: Vec<&Key> = want.difference(&got).collect();
    let extra: Vec<&Key> = got.difference(&want).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing: {missing:#?}\nextra: {extra:#?}");
    assert_eq!(stored.len(), want.len(), "no finding is reported twice");

    // The CSV, read back by a CSV parser, is the store's content, cell by cell.
    let rows = read_csv(&demo.path("out/findings.csv"));
    let header = csv::Reader::from_path(demo.path("out/findings.csv")).expect("csv").headers().expect("header").clone();
    let required = [
        "id", "status", "resource_type", "resource_arn", "resource_owner_account", "region", "principal", "is_public",
        "actions", "condition", "shared_via", "first_seen", "last_seen", "error",
    ];
    assert_eq!(header.iter().take(required.len()).collect::<Vec<_>>(), required);
    assert_eq!(rows.len(), stored.len(), "one row per finding, no error rows");
    for f in &stored {
        let id = f["id"].as_str().expect("id");
        let row = rows.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no CSV row for {id}"));
        let condition = if f["condition"].as_object().is_some_and(|m| m.is_empty()) { String::new() } else { f["condition"].to_string() };
        let actions: Vec<&str> = f["actions"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let expect = [
            ("status", f["status"].as_str().unwrap_or_default().to_string()),
            ("resource_type", f["resource_type"].as_str().unwrap_or_default().to_string()),
            ("resource_arn", f["resource_arn"].as_str().unwrap_or_default().to_string()),
            ("resource_owner_account", f["resource_owner_account"].as_str().unwrap_or_default().to_string()),
            ("region", f["region"].as_str().unwrap_or_default().to_string()),
            ("principal", principal_cell(&f["principal"])),
            ("is_public", f["is_public"].to_string()),
            ("actions", actions.join("; ")),
            ("condition", condition),
            ("shared_via", f["shared_via"].as_str().unwrap_or_default().to_string()),
            ("first_seen", f["first_seen"].as_str().unwrap_or_default().to_string()),
            ("last_seen", f["last_seen"].as_str().unwrap_or_default().to_string()),
            ("error", String::new()),
            (
                "blocked_by",
                f["blocked_by"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|b| format!("{} ({})", b["name"].as_str().unwrap_or_default(), b["id"].as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ];
        for (column, value) in expect {
            assert_eq!(row[column], value, "{id}: column {column}");
        }
    }

    // Names people recognise: the owner account's name and OU path on every row, and the
    // vendor's name on the Datadog trust (the demo's listed vendor).
    let prod = &demo.manifest["accounts"]["prod"];
    let datadog = rows.iter().find(|r| r["resource_arn"].ends_with(":role/trust-datadog-integration")).expect("the Datadog trust's row");
    assert_eq!((datadog["principal_label"].as_str(), datadog["principal_kind"].as_str()), ("Datadog", "known-vendor"));
    assert_eq!(datadog["account_name"], prod["name"].as_str().unwrap_or_default(), "{prod}");
    assert_eq!(datadog["ou_path"], prod["ou_path"].as_str().unwrap_or_default());
    let foreign = rows.iter().find(|r| r["resource_arn"].ends_with(":role/trust-foreign-account-externalid")).expect("row");
    assert_eq!(foreign["principal_kind"], "unknown");

    // The same inventory evaluated offline gives the same findings.
    let inventory = demo.path("inventory.jsonl");
    let config = demo.config("");
    let live = demo.perimeter(
        &["scan", "--config", config.to_str().expect("path"), "--inventory-out", inventory.to_str().expect("path")],
        &[],
    );
    assert_eq!(code(&live), Some(1), "{}", stderr(&live));
    let offline_db = demo.path("offline.db");
    let offline = demo.perimeter(
        &[
            "scan",
            "--from-inventory",
            inventory.to_str().expect("path"),
            "--db",
            offline_db.to_str().expect("path"),
            "--out",
            demo.path("offline-out").to_str().expect("path"),
        ],
        &[],
    );
    assert_eq!(code(&offline), Some(1), "{}", stderr(&offline));
    let offline_report: Value =
        serde_json::from_str(&std::fs::read_to_string(demo.path("offline-out/findings.json")).expect("json")).expect("json");
    let offline_findings = offline_report["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(reported_findings(&demo.manifest, &offline_findings), want);
}

#[test]
fn removing_a_grant_resolves_exactly_it_and_restoring_it_reopens_the_same_id() {
    let demo = Demo::start();
    let queue = demo.resource("management/us-east-1/queue-public-send").clone();
    let arn = queue["arn"].as_str().expect("arn").to_string();
    let name = queue["name"].as_str().expect("name").to_string();
    let policy = queue["written"]["policy"].to_string();

    assert_eq!(code(&demo.scan("")), Some(1));
    let before = demo.stored();
    let old: Vec<&Value> = before.iter().filter(|f| f["resource_arn"] == arn.as_str()).collect();
    assert_eq!(old.len(), 1, "the public queue has one finding");
    let old_id = old[0]["id"].as_str().expect("id").to_string();
    let first_seen = old[0]["first_seen"].as_str().expect("first seen").to_string();

    demo.boto3(&format!(
        "q = sqs.get_queue_url(QueueName={name:?})['QueueUrl']\nsqs.set_queue_attributes(QueueUrl=q, Attributes={{'Policy': ''}})"
    ));
    let out = demo.scan("");
    assert!(stderr(&out).contains("1 resolved"), "{}", stderr(&out));
    // The report page of the second scan shows the fix as resolved.
    let page = std::fs::read_to_string(demo.path("out/report.html")).expect("report.html");
    assert!(page.contains("id=\"count-resolved\">1<"), "the headline counts the fix");
    assert!(page.contains(&format!("data-id=\"{old_id}\"><td>RESOLVED</td>")), "the row shows it RESOLVED");
    let after = demo.stored();
    for f in &after {
        let status = f["status"].as_str().unwrap_or_default();
        if f["id"] == old_id.as_str() {
            assert_eq!(status, "RESOLVED");
        } else {
            assert_eq!(status, "ACTIVE", "{f}");
        }
    }

    demo.boto3(&format!(
        "q = sqs.get_queue_url(QueueName={name:?})['QueueUrl']\nsqs.set_queue_attributes(QueueUrl=q, Attributes={{'Policy': json.dumps({policy})}})"
    ));
    let out = demo.scan("");
    assert!(stderr(&out).contains("1 new (1 reopened)"), "{}", stderr(&out));
    let back = demo.stored();
    let reopened: Vec<&Value> = back.iter().filter(|f| f["resource_arn"] == arn.as_str()).collect();
    assert_eq!(reopened.len(), 1);
    assert_eq!(reopened[0]["id"], old_id.as_str(), "the finding reopens under its old ID");
    assert_eq!(reopened[0]["status"], "NEW");
    assert_eq!(reopened[0]["first_seen"], first_seen.as_str());
    assert_eq!(back.len(), before.len());
}

#[test]
fn archive_rules_archive_what_they_match_and_only_that() {
    let demo = Demo::start();
    let arn = demo.resource("management/us-east-1/queue-public-send")["arn"].as_str().expect("arn").to_string();
    let rules = format!(
        "[[archive_rules]]\nname = \"public-queue\"\nreason = \"=reviewed by the security team\"\n[archive_rules.filter]\nresource_arn = {{ eq = [{arn:?}] }}\n\
         [[archive_rules]]\nname = \"nothing\"\nreason = \"matches nothing\"\n[archive_rules.filter]\nregion = {{ eq = [\"ap-south-2\"] }}\n"
    );
    let out = demo.scan(&rules);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("archive rule `nothing` matched no finding"), "{}", stderr(&out));
    let stored = demo.stored();
    for f in &stored {
        let archived = f["status"] == "ARCHIVED";
        assert_eq!(archived, f["resource_arn"] == arn.as_str(), "{f}");
    }
    assert_eq!(stored.iter().filter(|f| f["status"] == "ARCHIVED").count(), 1);
    // `perimeter findings` filters by status.
    let db = demo.path("perimeter.db");
    let out = demo.perimeter(&["findings", "--db", db.to_str().expect("path"), "--status", "ARCHIVED", "--format", "json"], &[]);
    let archived: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let archived = archived["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(archived.len(), 1);
    assert_eq!(archived[0]["resource_arn"], arn.as_str());
    assert_eq!(archived[0]["archive_reason"], "=reviewed by the security team");
    // A reason that starts like a formula comes out neutralised in the CSV.
    let text = std::fs::read_to_string(demo.path("out/findings.csv")).expect("csv");
    assert!(text.contains(",'=reviewed by the security team,"), "the reason cell is neutralised");
    assert!(!text.contains(",=reviewed"), "no cell starts with a formula sign");
}

#[test]
fn a_scan_killed_inside_the_store_transaction_leaves_the_store_as_it_was() {
    let demo = Demo::start();
    assert_eq!(code(&demo.scan("")), Some(1));
    let before = demo.stored();
    let name = demo.resource("management/us-east-1/queue-public-send")["name"].as_str().expect("name").to_string();
    demo.boto3(&format!(
        "q = sqs.get_queue_url(QueueName={name:?})['QueueUrl']\nsqs.set_queue_attributes(QueueUrl=q, Attributes={{'Policy': ''}})"
    ));
    let config = demo.config("");
    let out = demo.perimeter(&["scan", "--config", config.to_str().expect("path")], &[("PERIMETER_TEST_DIE_BEFORE_COMMIT", "1")]);
    assert_eq!(code(&out), None, "the scan was killed by a signal: {}", stderr(&out));
    assert_eq!(demo.stored(), before, "the store is exactly as before the killed scan");
    // And the next scan, not killed, sees the change.
    let out = demo.scan("");
    assert!(stderr(&out).contains("1 resolved"), "{}", stderr(&out));
}
