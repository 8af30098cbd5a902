//! Snapshots of the report files: findings.csv and findings.json for a fixed set of findings
//! and errors (a public finding with a witness, a cross-account archived one with a condition
//! and a formula-like reason, a conservative one, an ERROR row). A change to a column, its
//! order or its format shows up here first.

use std::collections::BTreeMap;

use perimeter_model::{ErrorCode, ErrorRecord, Finding, Principal, Request, RequestPrincipal, ResourceType, SharedVia};
use perimeter_report::output::{write_csv, write_json, JsonReport};
use perimeter_report::{Status, StoredFinding};

fn stored(finding: Finding, status: Status) -> StoredFinding {
    StoredFinding {
        finding,
        status,
        first_seen: "2026-11-01T06:00:00Z".into(),
        last_seen: "2026-11-29T06:00:00Z".into(),
        resolved_at: None,
        archive_rule: None,
        archive_reason: None,
        labels: perimeter_report::Labels {
            account_name: "prod".into(),
            ou_path: "o-a1b2c3d4e5/r-ab12/ou-ab12-prod/".into(),
            principal_label: String::new(),
            principal_kind: perimeter_report::PrincipalKind::Unknown,
            ..perimeter_report::Labels::default()
        },
    }
}

fn findings() -> Vec<StoredFinding> {
    let queue = "arn:aws:sqs:us-east-1:111111111111:orders";
    let public = Finding {
        id: "0123456789abcdef0123456789abcdef".into(),
        resource_arn: queue.into(),
        resource_type: ResourceType::SqsQueue,
        resource_owner_account: "111111111111".into(),
        region: "us-east-1".into(),
        principal: Principal::anyone(),
        actions: vec!["sqs:GetQueueAttributes".into(), "sqs:SendMessage".into()],
        condition: BTreeMap::new(),
        is_public: true,
        shared_via: SharedVia::Policy,
        witness: Some(Request {
            principal: RequestPrincipal::Anonymous,
            action: "sqs:SendMessage".into(),
            resource: queue.into(),
            context: BTreeMap::new(),
        }),
        conservative: None,
        notes: Vec::new(),
        blocked_by: Vec::new(),
    };
    let mut partner = public.clone();
    partner.id = "fedcba9876543210fedcba9876543210".into();
    partner.principal = serde_json::from_value(serde_json::json!({"AWS": "444455556666"})).expect("principal");
    partner.is_public = false;
    partner.condition = BTreeMap::from([("StringEquals aws:SourceVpce".to_string(), vec!["vpce-1a2b3c".to_string()])]);
    partner.witness = None;
    partner.conservative = Some("the search stopped at its bound".into());
    let mut archived = stored(partner.clone(), Status::Archived);
    archived.archive_rule = Some("partner-queue".into());
    archived.archive_reason = Some("=approved in ticket SEC-42".into());
    let mut resolved = stored(public.clone(), Status::Resolved);
    resolved.finding.id = "00000000000000000000000000000001".into();
    resolved.resolved_at = Some("2026-11-29T06:00:00Z".into());
    // Granted by the queue policy, stopped by the organization's resource control policy.
    let mut blocked = public.clone();
    blocked.id = "00000000000000000000000000000002".into();
    blocked.blocked_by = vec![perimeter_model::BlockedBy { id: "p-a1b2c3d4".into(), name: "identity-perimeter".into() }];
    vec![stored(public, Status::New), archived, resolved, stored(blocked, Status::Active)]
}

fn errors() -> Vec<ErrorRecord> {
    vec![ErrorRecord {
        account: "222222222222".into(),
        region: None,
        resource_type: None,
        resource_arn: None,
        code: ErrorCode::AssumeRoleFailed,
        message: "AssumeRole arn:aws:iam::222222222222:role/PerimeterAudit: AccessDenied".into(),
    }]
}

#[test]
fn findings_csv() {
    let mut out = Vec::new();
    write_csv(&mut out, &findings(), &errors(), &labeler(), "2026-11-29T06:00:00Z", false).expect("csv");
    insta::assert_snapshot!(String::from_utf8(out).expect("UTF-8"));
}

#[test]
fn findings_json() {
    let mut out = Vec::new();
    let summary = serde_json::json!({"complete": false, "new": 1, "archived": 1, "resolved": 1, "errors": 1});
    let (findings, errors) = (findings(), errors());
    write_json(&mut out, &JsonReport::new(&summary, &findings, &errors, &labeler())).expect("json");
    insta::assert_snapshot!(String::from_utf8(out).expect("UTF-8"));
}

fn labeler() -> perimeter_report::Labeler {
    let zone = perimeter_model::Zone::of_accounts(Some("o-a1b2c3d4e5"), ["111111111111"]);
    perimeter_report::Labeler::new(
        [("111111111111".to_string(), Some("prod".to_string()), Some("o-a1b2c3d4e5/r-ab12/ou-ab12-prod/".to_string()))],
        &zone,
    )
}

#[test]
fn findings_ocsf() {
    let v = perimeter_report::exports::ocsf(&findings());
    for event in v.as_array().expect("events") {
        for pointer in perimeter_report::exports::OCSF_REQUIRED {
            assert!(event.pointer(pointer).is_some_and(|x| !x.is_null()), "OCSF event lacks {pointer}: {event}");
        }
        assert_eq!(event["class_uid"], 2008);
        assert_eq!(event["type_uid"].as_u64(), event["activity_id"].as_u64().map(|a| 200_800 + a));
        assert!(!event["access_analysis_result"]["accessors"].as_array().is_none_or(Vec::is_empty));
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&v).expect("json"));
}

#[test]
fn findings_asff() {
    let v = perimeter_report::exports::asff(&findings());
    for finding in v["Findings"].as_array().expect("findings") {
        for pointer in perimeter_report::exports::ASFF_REQUIRED {
            assert!(finding.pointer(pointer).is_some_and(|x| !x.is_null()), "ASFF finding lacks {pointer}: {finding}");
        }
        assert_eq!(finding["SchemaVersion"], "2018-10-08");
        assert!(["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"].contains(&finding["Severity"]["Label"].as_str().unwrap_or_default()));
        assert!(finding["ProductArn"].as_str().is_some_and(|a| a.starts_with("arn:aws:securityhub:")));
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&v).expect("json"));
}

/// The streamed writers (findings read one at a time from the store) write byte for byte what
/// the in-memory ones write, so the snapshots above pin both.
#[test]
fn streamed_reports_are_the_same_bytes() {
    let (findings, errors) = (findings(), errors());
    let rows = || findings.clone().into_iter().map(Ok);
    let summary = serde_json::json!({"complete": false});
    let (mut a, mut b) = (Vec::new(), Vec::new());
    write_csv(&mut a, &findings, &errors, &labeler(), "2026-11-29T06:00:00Z", true).expect("csv");
    perimeter_report::output::write_csv_rows(&mut b, &mut rows(), &errors, &labeler(), "2026-11-29T06:00:00Z", true).expect("csv");
    assert_eq!(a, b);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    write_json(&mut a, &JsonReport::new(&summary, &findings, &errors, &labeler())).expect("json");
    write_json(&mut b, &JsonReport::streamed(&summary, &mut rows(), &errors, &labeler())).expect("json");
    assert_eq!(String::from_utf8(a).expect("UTF-8"), String::from_utf8(b).expect("UTF-8"));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    serde_json::to_writer_pretty(&mut a, &perimeter_report::exports::ocsf(&findings)).expect("ocsf");
    perimeter_report::exports::write_ocsf(&mut b, &mut rows()).expect("ocsf");
    assert_eq!(String::from_utf8(a).expect("UTF-8"), String::from_utf8(b).expect("UTF-8"));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    serde_json::to_writer_pretty(&mut a, &perimeter_report::exports::asff(&findings)).expect("asff");
    perimeter_report::exports::write_asff(&mut b, &mut rows()).expect("asff");
    assert_eq!(String::from_utf8(a).expect("UTF-8"), String::from_utf8(b).expect("UTF-8"));
    // No finding at all is an empty array, as before.
    let mut empty = Vec::new();
    perimeter_report::exports::write_ocsf(&mut empty, &mut std::iter::empty()).expect("ocsf");
    assert_eq!(empty, b"[]");
}

/// The page lists its first rows in page order (open, not stopped by RCPs, public first) and
/// counts every finding, however few it lists.
#[test]
fn the_page_keeps_its_first_rows_and_counts_them_all() {
    let all = findings();
    let whole = perimeter_report::html::PageFindings::of(&all);
    let page = perimeter_report::html::PageFindings::collect(&mut all.clone().into_iter().map(Ok), 1).expect("page");
    assert_eq!(page.total, all.len());
    assert_eq!((page.open, page.public_open, page.archived), (whole.open, whole.public_open, whole.archived));
    assert_eq!(page.by_account, whole.by_account);
    assert_eq!(page.rows.len(), 1);
    assert_eq!(page.rows[0], whole.rows[0], "the first row of the whole page");
    assert!(whole.rows.len() == all.len() && whole.rows[0].finding.is_public, "{:?}", whole.rows[0]);
}
