//! perimeter-report: the findings store (SQLite) with the finding lifecycle, archive rules, and
//! the report files (CSV and JSON). No AWS, no printing. Errors carry their cause as a source
//! (not in their own text), so that a printed chain names each cause once.

pub mod archive;
pub mod exports;
pub mod html;
pub mod labels;
pub mod output;
pub mod store;

use std::path::PathBuf;

pub use archive::{ArchiveRule, Criterion};
pub use labels::{Labeler, Labels, NetworkKind, PrincipalKind};
pub use store::{FindingFilter, ScanInput, ScanMerge, ScanOutcome, ScanRecord, Status, Store, StoredFinding};

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("another perimeter run holds the store's lock ({}); wait for it to finish", lock.display())]
    Locked { lock: PathBuf },
    #[error("{}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("findings store {}", path.display())]
    Sql { path: PathBuf, source: rusqlite::Error },
    #[error("{} is not a perimeter findings store: {why}; give --db a new file or an existing store", path.display())]
    NotAStore { path: PathBuf, why: String },
    #[error("findings store {}: schema version {found} is newer than this perimeter supports ({supported})", path.display())]
    Schema { path: PathBuf, found: i64, supported: i64 },
    #[error("findings store is corrupt: {0}")]
    Corrupt(String),
    #[error("archive rule `{rule}`: {message}")]
    Rule { rule: String, message: String },
    #[error("writing the report: {0}")]
    Output(String),
}
