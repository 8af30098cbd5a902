//! The findings store: one SQLite file that keeps every finding from run to run with its status
//! (NEW, ACTIVE, ARCHIVED, RESOLVED), first and last seen times, and the scans made. A scan is
//! applied in one transaction, so a scan that dies midway leaves the previous state whole, and a
//! lock file next to the store stops two runs from overlapping.
//!
//! Lifecycle (semantics.md section 7): a finding seen for the first time, or seen again after it
//! was resolved (same ID: it reopens), is NEW; seen again, ACTIVE; matching an archive rule,
//! ARCHIVED (with the rule and its reason; recomputed every scan, so removing a rule brings its
//! findings back); RESOLVED only when a scan read its (account, region, type) scope to the end,
//! had no error on its resource, and did not see it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use perimeter_model::{Finding, ResourceType, ScopeSet};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::archive::ArchiveRule;
use crate::labels::{Labeler, Labels};
use crate::Error;

const SCHEMA_VERSION: i64 = 2;

/// A finding's lifecycle status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    New,
    Active,
    Archived,
    Resolved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "NEW",
            Status::Active => "ACTIVE",
            Status::Archived => "ARCHIVED",
            Status::Resolved => "RESOLVED",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [Status::New, Status::Active, Status::Archived, Status::Resolved].into_iter().find(|x| x.as_str().eq_ignore_ascii_case(s))
    }
}

/// A finding as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub status: Status,
    pub first_seen: String,
    pub last_seen: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_reason: Option<String>,
    /// The names of its row, as of the scan that last reported it.
    #[serde(default)]
    pub labels: Labels,
}

/// What one scan saw, for the store.
#[derive(Debug, Clone, Default)]
pub struct ScanInput {
    pub findings: Vec<Finding>,
    /// (account, region, type) scopes read to the end.
    pub complete_scopes: ScopeSet,
    /// Resources with a read or analysis error in this scan.
    pub errored_resources: BTreeSet<String>,
    /// Whether the scan as a whole had no error.
    pub complete: bool,
    /// Names the rows of this scan (its accounts, the zone, the known vendors).
    pub labeler: Labeler,
}

/// One stored scan, for the report's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanRecord {
    pub finished: String,
    pub complete: bool,
    /// Findings open (NEW or ACTIVE) after it.
    pub open: usize,
}

/// What applying a scan changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScanOutcome {
    pub new: usize,
    /// NEW findings that had been resolved before (reopened under their old ID).
    pub reopened: usize,
    pub active: usize,
    pub archived: usize,
    pub resolved: usize,
    /// Archive rules that matched no finding.
    pub unmatched_rules: Vec<String>,
    /// Archive rules past their `expires` date: they match nothing any more.
    pub lapsed_rules: Vec<String>,
    /// Open findings (NEW or ACTIVE) that the organization's RCPs stop entirely.
    pub blocked_open: usize,
    /// Open findings that no RCP stops entirely: what needs a fix.
    pub open_unblocked: usize,
    /// Of those, the NEW ones.
    pub new_unblocked: usize,
    /// Of those, the public ones.
    pub public_open: usize,
    /// The findings of this report (everything not resolved before this scan), when collected
    /// ([`Store::apply_scan`]; a streaming scan reads them with [`ScanMerge::with_report`]).
    pub findings: Vec<StoredFinding>,
}

/// The open store; a scan's holds the lock for as long as it lives.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// Whether the findings table has the `labels` column (schema 2; a store opened read-only
    /// may be older).
    labels_column: bool,
    _lock: Option<File>,
    path: PathBuf,
}

/// Filters for reading the store.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    pub statuses: Vec<Status>,
    pub resource_types: Vec<ResourceType>,
    pub accounts: Vec<String>,
    /// Only what changed at or after this time (RFC 3339 or `YYYY-MM-DD`, UTC): findings first
    /// seen since, reopened since (NEW again, first seen before), or resolved since.
    pub since: Option<String>,
}

impl FindingFilter {
    fn changed_since(&self, f: &StoredFinding) -> bool {
        let Some(t) = self.since.as_deref() else { return true };
        f.first_seen.as_str() >= t
            || (f.status == Status::New && f.last_seen.as_str() >= t)
            || f.resolved_at.as_deref().is_some_and(|r| r >= t)
    }
}

impl Store {
    /// Opens (creating if needed) the store at `path` for a scan: takes its lock (exclusive),
    /// refuses a database that is not a perimeter store, migrates the schema, and checks every
    /// stored finding, so that a corrupt store stops the run before anything is collected.
    pub fn open(path: &Path) -> Result<Store, Error> {
        let lock = take_lock(path)?;
        create_private(path)?;
        let conn = Connection::open(path).map_err(|e| Error::Sql { path: path.to_path_buf(), source: e })?;
        let mut store = Store { conn, labels_column: true, _lock: Some(lock), path: path.to_path_buf() };
        store.adopt()?;
        store.migrate()?;
        store.check()?;
        Ok(store)
    }

    /// Opens an existing store to read it (`perimeter findings`), read-only and without the
    /// scan's lock: a reader neither waits for a running scan nor stops one; SQLite's own locking
    /// keeps what it reads consistent (it sees the store before or after a scan's commit).
    pub fn open_read_only(path: &Path) -> Result<Store, Error> {
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| Error::Sql { path: path.to_path_buf(), source: e })?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| Error::Sql { path: path.to_path_buf(), source: e })?;
        let mut store = Store { conn, labels_column: true, _lock: None, path: path.to_path_buf() };
        match store.schema_version()? {
            // An older store is read as it is (a scan migrates it).
            Some(1..=SCHEMA_VERSION) => {}
            Some(found) if found > SCHEMA_VERSION => {
                return Err(Error::Schema { path: path.to_path_buf(), found, supported: SCHEMA_VERSION });
            }
            _ => return Err(Error::NotAStore { path: path.to_path_buf(), why: "it has no perimeter schema".into() }),
        }
        store.labels_column = store.schema_version()? >= Some(2);
        store.check()?;
        Ok(store)
    }

    /// Refuses a database that another application made: one with tables but no perimeter
    /// `meta` table, or a `meta` table without a readable schema version.
    fn adopt(&self) -> Result<(), Error> {
        let tables: Vec<String> = {
            let mut stmt = self.sql(self.conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))?;
            let rows = self.sql(stmt.query_map([], |r| r.get::<_, String>(0)))?;
            rows.collect::<rusqlite::Result<_>>().map_err(|e| Error::Sql { path: self.path.clone(), source: e })?
        };
        if tables.is_empty() {
            return Ok(());
        }
        if !tables.iter().any(|t| t == "meta") {
            return Err(Error::NotAStore {
                path: self.path.clone(),
                why: format!("it holds other tables ({}) and no perimeter schema", tables.join(", ")),
            });
        }
        self.schema_version().map(|_| ())
    }

    /// The schema version in `meta`; `None` when there is no row; an unreadable value is an error.
    fn schema_version(&self) -> Result<Option<i64>, Error> {
        let has_meta: i64 =
            self.sql(self.conn.query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", [], |r| r.get(0)))?;
        if has_meta == 0 {
            return Ok(None);
        }
        let raw: Option<String> =
            self.sql(self.conn.query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0)).optional())?;
        match raw {
            None => Ok(None),
            Some(v) => v.parse::<i64>().map(Some).map_err(|_| Error::NotAStore {
                path: self.path.clone(),
                why: format!("its schema version `{v}` is not a number"),
            }),
        }
    }

    /// Reads every stored finding and the scan log once: a store that does not read back is
    /// corrupt, and is refused now rather than after an hour of collection.
    fn check(&self) -> Result<(), Error> {
        // Every row must parse; none is kept (a store may hold hundreds of thousands).
        self.each_finding(&FindingFilter::default(), &mut |_| Ok(()))?;
        self.scan_count()?;
        Ok(())
    }

    fn sql<T>(&self, r: rusqlite::Result<T>) -> Result<T, Error> {
        r.map_err(|e| Error::Sql { path: self.path.clone(), source: e })
    }

    fn migrate(&mut self) -> Result<(), Error> {
        let r = self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             PRAGMA journal_mode = DELETE;",
        );
        self.sql(r)?;
        let version = self.schema_version()?.unwrap_or(0);
        if version > SCHEMA_VERSION {
            return Err(Error::Schema { path: self.path.clone(), found: version, supported: SCHEMA_VERSION });
        }
        if version < 1 {
            let r = self.conn.execute_batch(
                "BEGIN;
                 CREATE TABLE findings (
                   id TEXT PRIMARY KEY,
                   status TEXT NOT NULL,
                   resource_type TEXT NOT NULL,
                   resource_arn TEXT NOT NULL,
                   account TEXT NOT NULL,
                   region TEXT NOT NULL,
                   first_seen TEXT NOT NULL,
                   last_seen TEXT NOT NULL,
                   resolved_at TEXT,
                   archive_rule TEXT,
                   archive_reason TEXT,
                   finding TEXT NOT NULL
                 );
                 CREATE INDEX findings_scope ON findings (account, region, resource_type);
                 CREATE TABLE scans (
                   id INTEGER PRIMARY KEY AUTOINCREMENT,
                   finished TEXT NOT NULL,
                   complete INTEGER NOT NULL,
                   outcome TEXT NOT NULL
                 );
                 INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', '1');
                 COMMIT;",
            );
            self.sql(r)?;
        }
        if version < 2 {
            // Version 2: the names of each row (account name, OU path, principal label and kind).
            let r = self.conn.execute_batch(
                "BEGIN;
                 ALTER TABLE findings ADD COLUMN labels TEXT;
                 INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', '2');
                 COMMIT;",
            );
            self.sql(r)?;
        }
        Ok(())
    }

    /// Applies one scan in one transaction: [`Store::begin_scan`], all of `scan`'s findings at
    /// once, [`ScanMerge::close`], and the report's findings collected into the outcome (tests
    /// and small scans; `perimeter scan` streams them). `before_commit` runs inside the
    /// transaction with the outcome, just before it commits: the scan writes its reports there,
    /// so that a report that cannot be written leaves the store as it was (its NEW findings are
    /// NEW again next time), and tests use it to die midway.
    pub fn apply_scan(
        &mut self,
        scan: &ScanInput,
        rules: &[ArchiveRule],
        now: &str,
        before_commit: &mut dyn FnMut(&ScanOutcome) -> Result<(), Error>,
    ) -> Result<ScanOutcome, Error> {
        let mut merge = self.begin_scan(rules, now)?;
        merge.add(&scan.findings, &scan.labeler)?;
        let mut outcome = merge.close(&scan.complete_scopes, &scan.errored_resources, scan.complete, &scan.labeler)?;
        outcome.findings = merge.with_report(|rows| rows.collect::<Result<Vec<_>, Error>>())??;
        before_commit(&outcome)?;
        merge.commit()?;
        Ok(outcome)
    }

    /// Starts merging one scan, in one transaction that only [`ScanMerge::commit`] commits (a
    /// scan killed midway leaves the store as it was). `now` is the scan's time (RFC 3339).
    pub fn begin_scan(&mut self, rules: &[ArchiveRule], now: &str) -> Result<ScanMerge<'_>, Error> {
        let path = self.path.clone();
        let sql = |e: rusqlite::Error| Error::Sql { path: path.clone(), source: e };
        let tx = self.conn.transaction().map_err(sql)?;
        // The findings of this scan's report: seen by it (1), or open before it (0). A
        // temporary table lives on disk beside the store, not in memory.
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS scan_report (id TEXT PRIMARY KEY, seen INTEGER NOT NULL);
             DELETE FROM scan_report;",
        )
        .map_err(sql)?;
        // A rule past its expiry date matches nothing: its findings come back ACTIVE.
        let (lapsed, rules): (Vec<&ArchiveRule>, Vec<&ArchiveRule>) = rules.iter().partition(|r| r.lapsed(now));
        let outcome = ScanOutcome { lapsed_rules: lapsed.iter().map(|r| r.name.clone()).collect(), ..ScanOutcome::default() };
        Ok(ScanMerge {
            rule_hits: rules.iter().map(|r| (r.name.clone(), 0)).collect(),
            rules: rules.into_iter().cloned().collect(),
            tx,
            path,
            now: now.to_string(),
            outcome,
        })
    }

    /// Findings in the store, filtered, ordered by resource and ID.
    pub fn findings(&self, filter: &FindingFilter) -> Result<Vec<StoredFinding>, Error> {
        let mut out = Vec::new();
        self.each_finding(filter, &mut |f| {
            out.push(f);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `each` with every finding in the store that `filter` keeps, ordered by resource
    /// and ID, read one at a time.
    pub fn each_finding(&self, filter: &FindingFilter, each: &mut dyn FnMut(StoredFinding) -> Result<(), Error>) -> Result<(), Error> {
        let labels = if self.labels_column { "labels" } else { "NULL" };
        let mut stmt = self.sql(self.conn.prepare(&format!(
            "SELECT finding, status, first_seen, last_seen, resolved_at, archive_rule, archive_reason, {labels} FROM findings ORDER BY resource_arn, id",
        )))?;
        let rows = self.sql(stmt.query_map([], row_to_stored))?;
        for row in rows {
            let f = self.sql(row)??;
            let keep = (filter.statuses.is_empty() || filter.statuses.contains(&f.status))
                && (filter.resource_types.is_empty() || filter.resource_types.contains(&f.finding.resource_type))
                && (filter.accounts.is_empty() || filter.accounts.contains(&f.finding.resource_owner_account))
                && filter.changed_since(&f);
            if keep {
                each(f)?;
            }
        }
        Ok(())
    }

    /// Every stored scan, oldest first.
    pub fn history(&self) -> Result<Vec<ScanRecord>, Error> {
        let mut stmt = self.sql(self.conn.prepare("SELECT finished, complete, outcome FROM scans ORDER BY id"))?;
        let rows = self.sql(stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, String>(2)?))))?;
        let mut out = Vec::new();
        for row in rows {
            let (finished, complete, outcome) = self.sql(row)?;
            let v: serde_json::Value = serde_json::from_str(&outcome).unwrap_or_default();
            let count = |k: &str| v.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0) as usize;
            out.push(ScanRecord { finished, complete, open: count("new") + count("active") });
        }
        Ok(out)
    }

    /// When the latest recorded scan finished (RFC 3339), if any.
    pub fn last_scan_time(&self) -> Result<Option<String>, Error> {
        self.sql(self.conn.query_row("SELECT MAX(finished) FROM scans", [], |r| r.get(0)))
    }

    /// How many scans the store has recorded.
    pub fn scan_count(&self) -> Result<i64, Error> {
        self.sql(self.conn.query_row("SELECT COUNT(*) FROM scans", [], |r| r.get(0)))
    }
}

/// One scan being merged into the store: its findings are added part by part (an account at
/// a time), then [`ScanMerge::close`] carries over or resolves what it did not see, the report
/// is read back in order ([`ScanMerge::with_report`]), and [`ScanMerge::commit`] commits.
/// Nothing is held in memory but the counts.
#[derive(Debug)]
pub struct ScanMerge<'s> {
    tx: rusqlite::Transaction<'s>,
    path: PathBuf,
    now: String,
    rules: Vec<ArchiveRule>,
    rule_hits: BTreeMap<String, usize>,
    outcome: ScanOutcome,
}

impl ScanMerge<'_> {
    fn sql(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        |e| Error::Sql { path: self.path.clone(), source: e }
    }

    /// Merges findings of this scan: NEW, ACTIVE (seen before), NEW and reopened (resolved
    /// before), or ARCHIVED by the first rule that matches. A finding seen twice in one scan
    /// (a repeated record) is one finding.
    pub fn add(&mut self, findings: &[Finding], labeler: &Labeler) -> Result<(), Error> {
        let sql = |e: rusqlite::Error| Error::Sql { path: self.path.clone(), source: e };
        for f in findings {
            let fresh = self.tx.prepare_cached("INSERT OR IGNORE INTO scan_report (id, seen) VALUES (?1, 1)").and_then(|mut st| st.execute([&f.id])).map_err(sql)?;
            if fresh == 0 {
                continue;
            }
            let old: Option<(String, String)> = self
                .tx
                .prepare_cached("SELECT status, first_seen FROM findings WHERE id = ?1")
                .and_then(|mut st| st.query_row([&f.id], |r| Ok((r.get(0)?, r.get(1)?))).optional())
                .map_err(sql)?;
            let old_status = old.as_ref().and_then(|(s, _)| Status::parse(s));
            let labels = labeler.label(f);
            let rule = self.rules.iter().find(|r| r.matches(f, &labels));
            let (status, reopened) = match (rule, old_status) {
                (Some(_), _) => (Status::Archived, false),
                (None, None) => (Status::New, false),
                (None, Some(Status::Resolved)) => (Status::New, true),
                (None, Some(_)) => (Status::Active, false),
            };
            if let Some(r) = rule {
                *self.rule_hits.entry(r.name.clone()).or_insert(0) += 1;
            }
            let stored = StoredFinding {
                finding: f.clone(),
                status,
                first_seen: old.map_or_else(|| self.now.clone(), |(_, first)| first),
                last_seen: self.now.clone(),
                resolved_at: None,
                archive_rule: rule.map(|r| r.name.clone()),
                archive_reason: rule.map(|r| r.reason.clone()),
                labels,
            };
            self.outcome.reopened += usize::from(reopened);
            self.outcome.count(&stored);
            upsert(&self.tx, &stored).map_err(sql)?;
        }
        Ok(())
    }

    /// Ends the scan's findings: each finding open before it that it did not see is RESOLVED
    /// when its scope was read to the end without an error on its resource, and otherwise
    /// carried over (ACTIVE, or ARCHIVED by a rule); every row gets the names of this scan.
    /// Records the scan and returns its counts.
    pub fn close(
        &mut self,
        complete_scopes: &ScopeSet,
        errored_resources: &BTreeSet<String>,
        complete: bool,
        labeler: &Labeler,
    ) -> Result<ScanOutcome, Error> {
        let sql = |e: rusqlite::Error| Error::Sql { path: self.path.clone(), source: e };
        self.tx
            .execute(
                "INSERT INTO scan_report (id, seen) SELECT id, 0 FROM findings
                 WHERE status != 'RESOLVED' AND id NOT IN (SELECT id FROM scan_report)",
                [],
            )
            .map_err(sql)?;
        // In slices, so that the findings table is never changed under an open query.
        let mut after: i64 = 0;
        loop {
            let slice: Vec<(i64, StoredFinding)> = {
                let mut st = self
                    .tx
                    .prepare_cached(
                        "SELECT f.finding, f.status, f.first_seen, f.last_seen, f.resolved_at, f.archive_rule, f.archive_reason, f.labels, r.rowid
                         FROM scan_report r JOIN findings f ON f.id = r.id WHERE r.seen = 0 AND r.rowid > ?1 ORDER BY r.rowid LIMIT 512",
                    )
                    .map_err(sql)?;
                let rows = st.query_map([after], |row| Ok((row.get::<_, i64>(8)?, row_to_stored(row)?))).map_err(sql)?;
                let mut out = Vec::new();
                for row in rows {
                    let (rowid, stored) = row.map_err(sql)?;
                    out.push((rowid, stored?));
                }
                out
            };
            let Some((last, _)) = slice.last() else { break };
            after = *last;
            for (_, mut kept) in slice {
                // Names as of this scan (an account renamed, a vendor listed since).
                kept.labels = labeler.label(&kept.finding);
                let f = &kept.finding;
                if complete_scopes.contains(&f.resource_owner_account, &f.region, f.resource_type) && !errored_resources.contains(&f.resource_arn) {
                    kept.status = Status::Resolved;
                    kept.resolved_at = Some(self.now.clone());
                    self.outcome.resolved += 1;
                } else {
                    // Not read this time: unchanged, but the archive rules still apply to it.
                    let rule = self.rules.iter().find(|r| r.matches(f, &kept.labels));
                    if let Some(r) = rule {
                        *self.rule_hits.entry(r.name.clone()).or_insert(0) += 1;
                    }
                    // NEW means "new in this scan", which a finding carried over is not.
                    kept.status = if rule.is_some() { Status::Archived } else { Status::Active };
                    kept.archive_rule = rule.map(|r| r.name.clone());
                    kept.archive_reason = rule.map(|r| r.reason.clone());
                    self.outcome.count(&kept);
                }
                upsert(&self.tx, &kept).map_err(sql)?;
            }
        }
        self.outcome.unmatched_rules = self.rule_hits.iter().filter(|(_, n)| **n == 0).map(|(r, _)| r.clone()).collect();
        let o = &self.outcome;
        let summary = serde_json::json!({
            "new": o.new, "reopened": o.reopened, "active": o.active,
            "archived": o.archived, "resolved": o.resolved,
        });
        self.tx
            .execute("INSERT INTO scans (finished, complete, outcome) VALUES (?1, ?2, ?3)", params![self.now, complete, summary.to_string()])
            .map_err(sql)?;
        Ok(self.outcome.clone())
    }

    /// Calls `f` with the findings of this scan's report (everything not resolved before it),
    /// ordered by resource and ID, read from the store one at a time.
    pub fn with_report<T>(&self, f: impl FnOnce(&mut dyn Iterator<Item = Result<StoredFinding, Error>>) -> T) -> Result<T, Error> {
        let sql = self.sql();
        let mut st = self
            .tx
            .prepare(
                "SELECT f.finding, f.status, f.first_seen, f.last_seen, f.resolved_at, f.archive_rule, f.archive_reason, f.labels
                 FROM scan_report r JOIN findings f ON f.id = r.id ORDER BY f.resource_arn, f.id",
            )
            .map_err(&sql)?;
        let rows = st.query_map([], row_to_stored).map_err(&sql)?;
        let mut rows = rows.map(|row| match row {
            Ok(stored) => stored,
            Err(e) => Err(Error::Sql { path: self.path.clone(), source: e }),
        });
        Ok(f(&mut rows))
    }

    /// Commits the scan.
    pub fn commit(self) -> Result<(), Error> {
        let path = self.path.clone();
        self.tx.commit().map_err(|e| Error::Sql { path, source: e })
    }
}

impl ScanOutcome {
    /// Counts one finding of the report that is not resolved.
    fn count(&mut self, f: &StoredFinding) {
        match f.status {
            Status::New => self.new += 1,
            Status::Active => self.active += 1,
            Status::Archived => self.archived += 1,
            Status::Resolved => return,
        }
        let open = matches!(f.status, Status::New | Status::Active);
        if open && f.finding.is_blocked() {
            self.blocked_open += 1;
        }
        if open && !f.finding.is_blocked() {
            self.open_unblocked += 1;
            self.new_unblocked += usize::from(f.status == Status::New);
            self.public_open += usize::from(f.finding.is_public);
        }
    }
}

/// The lock file of a store: `<store>.lock`, next to the store's real path (symlinks resolved),
/// so that two names of one store share one lock.
pub fn lock_path(store: &Path) -> PathBuf {
    let real = real_path(store);
    let mut name = real.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".lock");
    real.with_file_name(name)
}

/// The path with every symlink resolved (of its directory, when the file does not exist yet).
fn real_path(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match (std::fs::canonicalize(dir), path.file_name()) {
        (Ok(d), Some(name)) => d.join(name),
        _ => path.to_path_buf(),
    }
}

/// Takes the store's lock without waiting (a scan's: exclusive).
fn take_lock(store: &Path) -> Result<File, Error> {
    let lock_path = lock_path(store);
    let lock = private_options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::Io { path: lock_path.clone(), source: e })?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Locked { lock: lock_path }),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::Io { path: lock_path, source: e }),
    }
}

/// Options that create a file readable by its owner only (0600), whatever the umask.
fn private_options() -> std::fs::OpenOptions {
    let mut options = File::options();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Creates the store file, private (0600), when it does not exist; SQLite then keeps its mode.
fn create_private(path: &Path) -> Result<(), Error> {
    match private_options().write(true).create_new(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::Io { path: path.to_path_buf(), source: e }),
    }
}

fn upsert(tx: &rusqlite::Transaction<'_>, f: &StoredFinding) -> rusqlite::Result<usize> {
    let json = serde_json::to_string(&f.finding).unwrap_or_default();
    let labels = serde_json::to_string(&f.labels).unwrap_or_default();
    tx.execute(
        "INSERT INTO findings (id, status, resource_type, resource_arn, account, region, first_seen, last_seen, resolved_at, archive_rule, archive_reason, finding, labels)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT(id) DO UPDATE SET status = ?2, first_seen = ?7, last_seen = ?8, resolved_at = ?9,
           archive_rule = ?10, archive_reason = ?11, finding = ?12, labels = ?13",
        params![
            f.finding.id,
            f.status.as_str(),
            f.finding.resource_type.as_str(),
            f.finding.resource_arn,
            f.finding.resource_owner_account,
            f.finding.region,
            f.first_seen,
            f.last_seen,
            f.resolved_at,
            f.archive_rule,
            f.archive_reason,
            json,
            labels
        ],
    )
}

type Row = Result<StoredFinding, Error>;

fn row_to_stored(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let json: String = row.get(0)?;
    let status: String = row.get(1)?;
    let finding: Finding = match serde_json::from_str(&json) {
        Ok(f) => f,
        Err(e) => return Ok(Err(Error::Corrupt(format!("a stored finding does not parse: {e}")))),
    };
    let Some(status) = Status::parse(&status) else {
        return Ok(Err(Error::Corrupt(format!("unknown status `{status}` for finding {}", finding.id))));
    };
    Ok(Ok(StoredFinding {
        finding,
        status,
        first_seen: row.get(2)?,
        last_seen: row.get(3)?,
        resolved_at: row.get(4)?,
        archive_rule: row.get(5)?,
        archive_reason: row.get(6)?,
        labels: row.get::<_, Option<String>>(7)?.and_then(|l| serde_json::from_str(&l).ok()).unwrap_or_default(),
    }))
}
