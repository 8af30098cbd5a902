//! `report.html` as a person sees it: a scan's page rendered by headless Chromium (Debian's
//! package, which .ci/run installs): the DOM after its scripts ran has the headline counts and
//! one row per finding, hostile names stay text, and a screenshot is taken. Where Chromium is
//! absent the test says so and fails in CI (CI=true), so a quiet CI never means "not looked at".

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

const ACCOUNT: &str = "111111111111";

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].iter().map(PathBuf::from).find(|p| p.exists())
}

fn queue(name: &str, principal: Value) -> Value {
    queue_in(ACCOUNT, name, principal)
}

fn queue_in(account: &str, name: &str, principal: Value) -> Value {
    let arn = format!("arn:aws:sqs:us-east-1:{account}:{name}");
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sqs:SendMessage", "Resource": arn}]});
    json!({"record": "resource", "arn": arn, "account": account, "region": "us-east-1",
           "inputs": {"type": "AWS::SQS::Queue", "name": name, "policy": policy.to_string()}})
}

/// The organization's identity perimeter, on the OU of account 333333333333: it blocks the
/// public queue there.
fn identity_perimeter() -> Value {
    let document = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]});
    json!({"record": "resource_controls", "enabled": true, "policies": [
        {"id": "p-a1b2c3d4", "name": "identity-perimeter", "document": document.to_string(), "targets": ["ou-ab12-data"]}]})
}

fn inventory(dir: &Path) -> PathBuf {
    let records = [
        json!({"record": "zone", "org_id": "o-a1b2c3d4e5", "accounts": {ACCOUNT: {"name": "prod", "kind": "management"},
               "222222222222": {"kind": "member"}, "333333333333": {"kind": "member"}}}),
        json!({"record": "plan", "resource_types": ["AWS::SQS::Queue"]}),
        identity_perimeter(),
        json!({"record": "account", "id": ACCOUNT, "name": "payments-prod", "status": "ACTIVE", "org_path": "o-a1b2c3d4e5/r-ab12/", "regions": ["us-east-1"]}),
        json!({"record": "account", "id": "222222222222", "name": "<img src=x onerror=alert(1)>", "status": "ACTIVE", "regions": ["us-east-1"]}),
        json!({"record": "account", "id": "333333333333", "name": "data-lake", "status": "ACTIVE", "org_path": "o-a1b2c3d4e5/r-ab12/ou-ab12-data/", "regions": ["us-east-1"]}),
        queue("orders", json!("*")),
        queue("vendor-feed", json!({"AWS": "464622532012"})),
        queue_in("333333333333", "exports", json!("*")),
        json!({"record": "scope", "account": ACCOUNT, "region": "us-east-1", "resource_type": "AWS::SQS::Queue"}),
        json!({"record": "scope", "account": "333333333333", "region": "us-east-1", "resource_type": "AWS::SQS::Queue"}),
        json!({"record": "error", "account": "222222222222", "region": "us-east-1", "resource_type": "AWS::SQS::Queue",
               "code": "ACCESS_DENIED", "message": "ListQueues: <b>denied</b>"}),
        json!({"record": "end", "accounts": 3, "resources": 3, "scopes": 2, "errors": 1, "resource_controls": 1}),
    ];
    let path = dir.join("inventory.jsonl");
    std::fs::write(&path, records.iter().map(|r| format!("{r}\n")).collect::<String>()).expect("inventory");
    path
}

#[test]
fn the_report_page_shows_the_counts_the_rows_and_the_errors_in_a_browser() {
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI must install Chromium (apt-get install chromium) for the report page test");
        #[expect(clippy::print_stderr, reason = "the test says why it did not look at the page")]
        {
            eprintln!("SKIPPED: Chromium is not installed (apt-get install chromium); the report page was not looked at");
        }
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["scan", "--from-inventory"])
        .arg(inventory(dir.path()))
        .arg("--db")
        .arg(dir.path().join("perimeter.db"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .expect("run perimeter");
    assert_eq!(out.status.code(), Some(2), "one error row makes it incomplete: {}", String::from_utf8_lossy(&out.stderr));
    let page = dir.path().join("out/report.html");
    let url = format!("file://{}", page.display());
    let profile = dir.path().join("chromium-profile");
    let flags = |extra: &[&str]| {
        let mut cmd = Command::new(&browser);
        cmd.args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(&url);
        cmd
    };
    let dom = flags(&["--dump-dom"]).output().expect("chromium --dump-dom");
    let dom = String::from_utf8_lossy(&dom.stdout).to_string();
    let count = |id: &str| {
        let marker = format!("id=\"count-{id}\">");
        dom.split(&marker).nth(1).and_then(|rest| rest.split('<').next()).and_then(|n| n.parse::<usize>().ok())
    };
    assert_eq!(count("new"), Some(3), "{dom}");
    assert_eq!(count("public"), Some(1), "the public queue the RCP blocks is not counted as public and open");
    assert_eq!(count("open"), Some(3));
    assert_eq!(count("blocked"), Some(1));
    assert_eq!(count("errors"), Some(1));
    assert_eq!(dom.matches("<tr class=\"finding").count(), 3, "one row per finding");
    let blocked_row = dom.split("<tr class=\"finding new public blocked\"").nth(1).and_then(|r| r.split("</tr>").next()).expect("a blocked row");
    assert!(blocked_row.contains("public, blocked") && blocked_row.contains("identity-perimeter (p-a1b2c3d4)"), "{blocked_row}");
    assert!(dom.contains("(Datadog, known-vendor)"), "the vendor's name is shown");
    assert!(dom.contains("INCOMPLETE scan"));
    assert!(dom.contains("&lt;b&gt;denied&lt;/b&gt;"), "an error message stays text");
    assert!(!dom.contains("<img src=x"), "a hostile name is never markup");
    assert!(dom.contains("id=\"chart-history\""));

    let shot = dir.path().join("report.png");
    let taken = flags(&[&format!("--screenshot={}", shot.display()), "--window-size=1280,1400", "--hide-scrollbars"]).output().expect("screenshot");
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot ({e}): {}", String::from_utf8_lossy(&taken.stderr)));
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "a real picture ({} bytes)", png.len());
    if let Some(keep) = std::env::var_os("PERIMETER_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).expect("keep the screenshot");
    }
}
