//! The findings store's lifecycle: new, active, archived, resolved only after a complete scope,
//! reopened under the old ID; transactions that die leave the store whole; one run at a time.

use std::collections::{BTreeMap, BTreeSet};

mod support;

use perimeter_model::{Finding, ResourceType};
use perimeter_report::{ArchiveRule, Criterion, FindingFilter, ScanInput, Status, Store};

use support::finding;

fn complete(accounts: &[&str]) -> perimeter_model::ScopeSet {
    accounts.iter().map(|a| (a.to_string(), "us-east-1".to_string(), ResourceType::SqsQueue)).collect()
}

fn scan(findings: Vec<Finding>, scopes: &[&str]) -> ScanInput {
    ScanInput { findings, complete_scopes: complete(scopes), errored_resources: BTreeSet::new(), complete: true, labeler: Default::default() }
}

fn status_of(store: &Store, id: &str) -> Option<Status> {
    store.findings(&FindingFilter::default()).expect("read").into_iter().find(|f| f.finding.id == id).map(|f| f.status)
}

#[test]
fn findings_live_from_scan_to_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("perimeter.db")).expect("open");
    let a = finding("a", "111111111111", "arn:aws:sqs:us-east-1:111111111111:q1");
    let b = finding("b", "222222222222", "arn:aws:sqs:us-east-1:222222222222:q2");

    let o = store.apply_scan(&scan(vec![a.clone(), b.clone()], &["111111111111", "222222222222"]), &[], "t1", &mut |_| Ok(())).expect("scan 1");
    assert_eq!((o.new, o.active, o.resolved), (2, 0, 0));

    let o = store.apply_scan(&scan(vec![a.clone(), b.clone()], &["111111111111", "222222222222"]), &[], "t2", &mut |_| Ok(())).expect("scan 2");
    assert_eq!((o.new, o.active, o.resolved), (0, 2, 0));

    // b is gone, but its account was not read to the end: it stays active.
    let o = store.apply_scan(&scan(vec![a.clone()], &["111111111111"]), &[], "t3", &mut |_| Ok(())).expect("scan 3");
    assert_eq!((o.active, o.resolved), (2, 0));
    assert_eq!(status_of(&store, "b"), Some(Status::Active));

    // Now its scope is complete and it is not seen: resolved.
    let o = store.apply_scan(&scan(vec![a.clone()], &["111111111111", "222222222222"]), &[], "t4", &mut |_| Ok(())).expect("scan 4");
    assert_eq!((o.active, o.resolved), (1, 1));
    assert_eq!(status_of(&store, "b"), Some(Status::Resolved));

    // It comes back: reopened under its old ID, first seen unchanged.
    let o = store.apply_scan(&scan(vec![a.clone(), b.clone()], &["111111111111", "222222222222"]), &[], "t5", &mut |_| Ok(())).expect("scan 5");
    assert_eq!((o.new, o.reopened), (1, 1));
    let back = store.findings(&FindingFilter::default()).expect("read").into_iter().find(|f| f.finding.id == "b").expect("b");
    assert_eq!((back.status, back.first_seen.as_str(), back.last_seen.as_str()), (Status::New, "t1", "t5"));

    // An error on the resource also keeps it from resolving.
    let mut s = scan(vec![a.clone()], &["111111111111", "222222222222"]);
    s.errored_resources.insert(b.resource_arn.clone());
    store.apply_scan(&s, &[], "t6", &mut |_| Ok(())).expect("scan 6");
    assert_eq!(status_of(&store, "b"), Some(Status::Active));
}

#[test]
fn archive_rules_archive_what_they_match_and_report_unused_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("perimeter.db")).expect("open");
    let a = finding("a", "111111111111", "arn:aws:sqs:us-east-1:111111111111:q1");
    let b = finding("b", "222222222222", "arn:aws:sqs:us-east-1:222222222222:q2");
    store.apply_scan(&scan(vec![a.clone(), b.clone()], &["111111111111"]), &[], "t1", &mut |_| Ok(())).expect("scan 1");
    let rule = |name: &str, field: &str, value: &str| ArchiveRule {
        name: name.into(),
        reason: "accepted".into(),
        filter: BTreeMap::from([(field.to_string(), Criterion { eq: Some(vec![value.into()]), ..Criterion::default() })]),
        expires: None,
    };
    let rules = vec![rule("queue-1", "resource_arn", &a.resource_arn), rule("nothing", "region", "eu-west-3")];
    for r in &rules {
        r.validate().expect("valid rule");
    }
    let o = store.apply_scan(&scan(vec![a.clone(), b.clone()], &["111111111111"]), &rules, "t2", &mut |_| Ok(())).expect("scan 2");
    assert_eq!((o.archived, o.active), (1, 1));
    assert_eq!(o.unmatched_rules, vec!["nothing".to_string()]);
    assert_eq!(status_of(&store, "a"), Some(Status::Archived));
    assert_eq!(status_of(&store, "b"), Some(Status::Active));
    // Without the rule the finding comes back.
    store.apply_scan(&scan(vec![a.clone(), b.clone()], &["111111111111"]), &[], "t3", &mut |_| Ok(())).expect("scan 3");
    assert_eq!(status_of(&store, "a"), Some(Status::Active));
    // A rule without reason or with an unknown field is refused.
    let mut bad = rule("x", "colour", "red");
    assert!(bad.validate().is_err());
    bad = rule("x", "region", "us-east-1");
    bad.reason.clear();
    assert!(bad.validate().is_err());
}

#[test]
fn a_scan_that_dies_midway_leaves_the_store_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("perimeter.db");
    let a = finding("a", "111111111111", "arn:aws:sqs:us-east-1:111111111111:q1");
    {
        let mut store = Store::open(&path).expect("open");
        store.apply_scan(&scan(vec![a.clone()], &["111111111111"]), &[], "t1", &mut |_| Ok(())).expect("scan 1");
        let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let b = finding("b", "111111111111", "arn:aws:sqs:us-east-1:111111111111:q2");
            let _ = store.apply_scan(&scan(vec![b], &["111111111111"]), &[], "t2", &mut |_| panic!("killed midway"));
        }));
        assert!(died.is_err());
    }
    let store = Store::open(&path).expect("reopen");
    let all = store.findings(&FindingFilter::default()).expect("read");
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].finding.id.as_str(), all[0].status, all[0].last_seen.as_str()), ("a", Status::New, "t1"));
    assert_eq!(store.scan_count().expect("count"), 1);
}

#[test]
fn only_one_run_holds_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("perimeter.db");
    let first = Store::open(&path).expect("open");
    let second = Store::open(&path);
    assert!(matches!(second, Err(perimeter_report::Error::Locked { .. })), "{second:?}");
    drop(first);
    Store::open(&path).expect("free again");
}

#[test]
fn an_archive_rule_past_its_expiry_date_lapses_and_its_findings_come_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("perimeter.db")).expect("open");
    let a = finding("a", "111111111111", "arn:aws:sqs:us-east-1:111111111111:q1");
    let rule = ArchiveRule {
        name: "until-january".into(),
        reason: "vendor contract ends in January".into(),
        filter: BTreeMap::from([("resource_arn".to_string(), Criterion { eq: Some(vec![a.resource_arn.clone()]), ..Criterion::default() })]),
        expires: Some("2027-01-31".into()),
    };
    rule.validate().expect("valid");
    let scan_at = |store: &mut Store, now: &str| {
        store.apply_scan(&scan(vec![a.clone()], &["111111111111"]), std::slice::from_ref(&rule), now, &mut |_| Ok(())).expect("scan")
    };
    let o = scan_at(&mut store, "2027-01-31T23:00:00Z");
    assert_eq!((o.archived, o.lapsed_rules.len()), (1, 0), "it applies through its last day");
    let o = scan_at(&mut store, "2027-02-01T06:00:00Z");
    assert_eq!(o.lapsed_rules, vec!["until-january".to_string()]);
    assert_eq!((o.archived, o.active), (0, 1), "its finding is active again");
    assert!(o.unmatched_rules.is_empty(), "a lapsed rule is reported as lapsed, not as unmatched");
    let bad = ArchiveRule { expires: Some("31/01/2027".into()), ..rule.clone() };
    assert!(bad.validate().is_err());
}
