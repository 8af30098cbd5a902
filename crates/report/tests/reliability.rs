//! Regression tests of the store for the reliability probe's defects (named after them, see
//! docs/running.md): a report that cannot be written leaves the store as it was (D2); a
//! repeated finding is one row (D7); the store is private (D9); a foreign SQLite file is never
//! adopted (D12); a corrupt store is refused when opened (D13); two names of one store share its
//! lock, and reading does not need it (D14).

mod support;

use std::collections::BTreeSet;

use perimeter_model::{Finding, ResourceType};
use perimeter_report::{Error, FindingFilter, ScanInput, Status, Store};

fn finding(id: &str) -> Finding {
    support::finding(id, "111111111111", "arn:aws:sqs:us-east-1:111111111111:q")
}

fn scan(findings: Vec<Finding>) -> ScanInput {
    let scopes = [("111111111111", "us-east-1", ResourceType::SqsQueue)].into_iter().collect();
    ScanInput { findings, complete_scopes: scopes, errored_resources: BTreeSet::new(), complete: true, labeler: Default::default() }
}

fn statuses(store: &Store) -> Vec<(String, Status)> {
    store.findings(&FindingFilter::default()).expect("read").into_iter().map(|f| (f.finding.id, f.status)).collect()
}

#[test]
fn d2_a_report_that_cannot_be_written_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("p.db")).expect("open");
    let failed = store.apply_scan(&scan(vec![finding("a")]), &[], "t1", &mut |_| Err(Error::Output("disk full".into())));
    assert!(failed.is_err());
    assert!(statuses(&store).is_empty(), "nothing committed");
    assert_eq!(store.scan_count().expect("count"), 0);
    // The next scan still sees the finding as NEW.
    let o = store.apply_scan(&scan(vec![finding("a")]), &[], "t2", &mut |_| Ok(())).expect("scan");
    assert_eq!(o.new, 1);
}

#[test]
fn d7_a_repeated_finding_is_one_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("p.db")).expect("open");
    let o = store.apply_scan(&scan(vec![finding("a"), finding("a"), finding("b")]), &[], "t1", &mut |_| Ok(())).expect("scan");
    assert_eq!((o.new, o.findings.len()), (2, 2), "{:?}", o.findings);
}

#[cfg(unix)]
#[test]
fn d9_the_store_and_its_lock_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.db");
    let mut store = Store::open(&path).expect("open");
    store.apply_scan(&scan(vec![finding("a")]), &[], "t1", &mut |_| Ok(())).expect("scan");
    for p in [path.clone(), perimeter_report::store::lock_path(&path)] {
        let mode = std::fs::metadata(&p).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", p.display());
    }
}

#[test]
fn d12_a_foreign_sqlite_file_is_not_adopted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let foreign = dir.path().join("crm.db");
    rusqlite::Connection::open(&foreign).expect("db").execute_batch("CREATE TABLE customers (id INTEGER);").expect("table");
    let err = Store::open(&foreign).expect_err("refused");
    assert!(err.to_string().contains("not a perimeter findings store"), "{err}");
    let tables: i64 = rusqlite::Connection::open(&foreign)
        .expect("db")
        .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
        .expect("count");
    assert_eq!(tables, 1, "nothing was added to it");

    let odd = dir.path().join("odd.db");
    rusqlite::Connection::open(&odd)
        .expect("db")
        .execute_batch("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('schema_version', 'abc');")
        .expect("meta");
    let err = Store::open(&odd).expect_err("an unreadable version is refused");
    assert!(err.to_string().contains("`abc`"), "{err}");
}

#[test]
fn d13_a_corrupt_store_is_refused_when_it_is_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.db");
    let mut store = Store::open(&path).expect("open");
    store.apply_scan(&scan(vec![finding("a")]), &[], "t1", &mut |_| Ok(())).expect("scan");
    drop(store);
    rusqlite::Connection::open(&path).expect("db").execute_batch("UPDATE findings SET finding = '{broken';").expect("corrupt");
    let err = Store::open(&path).expect_err("refused at open");
    assert!(format!("{err}").contains("corrupt"), "{err}");
}

#[cfg(unix)]
#[test]
fn d14_two_names_of_one_store_share_its_lock_and_readers_need_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.db");
    let alias = dir.path().join("alias.db");
    let mut scan_store = Store::open(&path).expect("open");
    scan_store.apply_scan(&scan(vec![finding("a")]), &[], "t1", &mut |_| Ok(())).expect("scan");
    std::os::unix::fs::symlink(&path, &alias).expect("symlink");
    assert!(matches!(Store::open(&alias), Err(Error::Locked { .. })), "the alias takes the same lock");
    let reader = Store::open_read_only(&path).expect("a reader does not wait for the scan's lock");
    assert_eq!(statuses(&reader), vec![("a".to_string(), Status::New)]);
}
