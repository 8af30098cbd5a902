//! The report files: `findings.csv` (RFC 4180, the required columns first, one row per finding
//! and one per error, every cell a spreadsheet would run as a formula neutralised, optional
//! UTF-8 BOM) and `findings.json` (the same fields, lists and maps as JSON, in a frozen type with
//! a `schema_version`).

use std::cell::RefCell;
use std::io::Write;

use std::collections::BTreeMap;

use perimeter_model::{BlockedBy, ErrorCode, ErrorRecord, Principal, Request, ResourceType, SharedVia};
use serde::Serialize;

use crate::labels::{known_accounts_version, Labeler, PrincipalKind};
use crate::store::{Status, StoredFinding};
use crate::Error;

/// The columns, in order: the required ones (architecture.md), then ours.
pub const COLUMNS: &[&str] = &[
    "id",
    "status",
    "resource_type",
    "resource_arn",
    "resource_owner_account",
    "region",
    "principal",
    "is_public",
    "actions",
    "condition",
    "shared_via",
    "first_seen",
    "last_seen",
    "error",
    "account_name",
    "ou_path",
    "principal_label",
    "principal_kind",
    "blocked_by",
    "network",
    "network_owner",
    "archive_rule",
    "archive_reason",
    "conservative",
    "witness",
];

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`,
/// which spreadsheets show as text and readers strip (see [`restore`]).
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// The inverse of [`neutralise`], for tools that read the CSV back.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// The cells of one finding row, before neutralising.
pub fn finding_cells(f: &StoredFinding) -> Vec<String> {
    let x = &f.finding;
    let condition = if x.condition.is_empty() { String::new() } else { serde_json::to_string(&x.condition).unwrap_or_default() };
    vec![
        x.id.clone(),
        f.status.as_str().to_string(),
        x.resource_type.as_str().to_string(),
        x.resource_arn.clone(),
        x.resource_owner_account.clone(),
        x.region.clone(),
        x.principal.to_string(),
        x.is_public.to_string(),
        x.actions.join("; "),
        condition,
        x.shared_via.as_str().to_string(),
        f.first_seen.clone(),
        f.last_seen.clone(),
        String::new(),
        f.labels.account_name.clone(),
        f.labels.ou_path.clone(),
        f.labels.principal_label.clone(),
        f.labels.principal_kind.as_str().to_string(),
        x.blocked_by.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
        f.labels.network.as_str().to_string(),
        f.labels.network_owner.clone(),
        f.archive_rule.clone().unwrap_or_default(),
        f.archive_reason.clone().unwrap_or_default(),
        x.conservative.clone().unwrap_or_default(),
        x.witness.as_ref().map(|w| serde_json::to_string(w).unwrap_or_default()).unwrap_or_default(),
    ]
}

/// The cells of one error row: what could not be read, with the status `ERROR`, and the name
/// and OU path of its account.
pub fn error_cells(e: &ErrorRecord, now: &str, labeler: &Labeler) -> Vec<String> {
    let mut cells = vec![String::new(); COLUMNS.len()];
    let (name, path) = labeler.account(&e.account);
    cells[14] = name;
    cells[15] = path;
    cells[1] = "ERROR".into();
    cells[2] = e.resource_type.map(|t| t.as_str().to_string()).unwrap_or_default();
    cells[3] = e.resource_arn.clone().unwrap_or_default();
    cells[4] = e.account.clone();
    cells[5] = e.region.clone().unwrap_or_default();
    cells[11] = now.to_string();
    cells[12] = now.to_string();
    cells[13] = format!("{}: {}", e.code.as_str(), e.message);
    cells
}

/// Writes `findings.csv`.
pub fn write_csv(
    out: impl Write,
    findings: &[StoredFinding],
    errors: &[ErrorRecord],
    labeler: &Labeler,
    now: &str,
    bom: bool,
) -> Result<(), Error> {
    write_csv_rows(out, &mut findings.iter().cloned().map(Ok), errors, labeler, now, bom)
}

/// [`write_csv`] of findings read one at a time (from the store).
pub fn write_csv_rows(
    out: impl Write,
    findings: &mut dyn Iterator<Item = Result<StoredFinding, Error>>,
    errors: &[ErrorRecord],
    labeler: &Labeler,
    now: &str,
    bom: bool,
) -> Result<(), Error> {
    let mut out = out;
    if bom {
        out.write_all("\u{feff}".as_bytes()).map_err(|e| Error::Output(e.to_string()))?;
    }
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    let csv_err = |e: csv::Error| Error::Output(e.to_string());
    w.write_record(COLUMNS).map_err(csv_err)?;
    for f in findings {
        w.write_record(finding_cells(&f?).iter().map(|c| neutralise(c))).map_err(csv_err)?;
    }
    for e in errors {
        w.write_record(error_cells(e, now, labeler).iter().map(|c| neutralise(c))).map_err(csv_err)?;
    }
    w.flush().map_err(|e| Error::Output(e.to_string()))?;
    Ok(())
}

/// A JSON array serialized as its findings are read (from the store), each turned into JSON by
/// `each`: a report's findings are never all in memory at once.
pub struct Seq<'r, F> {
    rows: RefCell<&'r mut dyn Iterator<Item = Result<StoredFinding, Error>>>,
    each: F,
}

impl<'r, F: Fn(&StoredFinding) -> serde_json::Value> Seq<'r, F> {
    pub fn new(rows: &'r mut dyn Iterator<Item = Result<StoredFinding, Error>>, each: F) -> Seq<'r, F> {
        Seq { rows: RefCell::new(rows), each }
    }
}

impl<F: Fn(&StoredFinding) -> serde_json::Value> Serialize for Seq<'_, F> {
    fn serialize<Z: serde::Serializer>(&self, z: Z) -> Result<Z::Ok, Z::Error> {
        use serde::ser::{Error as _, SerializeSeq};
        let mut seq = z.serialize_seq(None)?;
        let mut rows = self.rows.borrow_mut();
        for row in &mut **rows {
            let f = row.map_err(Z::Error::custom)?;
            seq.serialize_element(&(self.each)(&f))?;
        }
        seq.end()
    }
}

impl std::fmt::Debug for Seq<'_, fn(&StoredFinding) -> serde_json::Value> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seq")
    }
}

/// The version of `findings.json`'s shape. Raise it when a field is renamed, removed or changes
/// meaning; a new field is added on purpose (the snapshot test pins every field).
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// `findings.json`, version [`JSON_SCHEMA_VERSION`]: a frozen type of its own, so that a field
/// added to the model's findings reaches the report only when it is added here.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a, S: Serialize, F: Serialize = Vec<JsonFinding<'a>>> {
    pub schema_version: u32,
    /// The source commit of the known-accounts list that labelled the principals.
    pub known_accounts_version: &'static str,
    pub summary: &'a S,
    pub findings: F,
    pub errors: Vec<JsonError<'a>>,
}

impl<'a, 'r, S: Serialize> JsonReport<'a, S, Seq<'r, fn(&StoredFinding) -> serde_json::Value>> {
    /// The report of findings read one at a time (from the store).
    pub fn streamed(
        summary: &'a S,
        findings: &'r mut dyn Iterator<Item = Result<StoredFinding, Error>>,
        errors: &'a [ErrorRecord],
        labeler: &Labeler,
    ) -> Self {
        let each: fn(&StoredFinding) -> serde_json::Value = |f| serde_json::to_value(JsonFinding::from(f)).unwrap_or_default();
        JsonReport {
            schema_version: JSON_SCHEMA_VERSION,
            known_accounts_version: known_accounts_version(),
            summary,
            findings: Seq::new(findings, each),
            errors: errors.iter().map(|e| JsonError::new(e, labeler)).collect(),
        }
    }
}

impl<'a, S: Serialize> JsonReport<'a, S> {
    pub fn new(summary: &'a S, findings: &'a [StoredFinding], errors: &'a [ErrorRecord], labeler: &Labeler) -> JsonReport<'a, S> {
        JsonReport {
            schema_version: JSON_SCHEMA_VERSION,
            known_accounts_version: known_accounts_version(),
            summary,
            findings: findings.iter().map(JsonFinding::from).collect(),
            errors: errors.iter().map(|e| JsonError::new(e, labeler)).collect(),
        }
    }
}

/// One finding of `findings.json`: the CSV's columns, in its order, with lists and maps as JSON.
#[derive(Debug, Serialize)]
pub struct JsonFinding<'a> {
    pub id: &'a str,
    pub status: Status,
    pub resource_type: ResourceType,
    pub resource_arn: &'a str,
    pub resource_owner_account: &'a str,
    pub region: &'a str,
    pub principal: &'a Principal,
    pub is_public: bool,
    pub actions: &'a [String],
    pub condition: &'a BTreeMap<String, Vec<String>>,
    pub shared_via: SharedVia,
    pub first_seen: &'a str,
    pub last_seen: &'a str,
    pub account_name: &'a str,
    pub ou_path: &'a str,
    pub principal_label: &'a str,
    pub principal_kind: PrincipalKind,
    /// The resource control policies that stop this access entirely (empty: none does).
    pub blocked_by: &'a [BlockedBy],
    /// Whose networks the access is pinned to (`own`, `foreign`; absent: not pinned to networks).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub network: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub network_owner: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_rule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conservative: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<&'a Request>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub notes: &'a [String],
}

impl<'a> From<&'a StoredFinding> for JsonFinding<'a> {
    fn from(s: &'a StoredFinding) -> JsonFinding<'a> {
        let f = &s.finding;
        JsonFinding {
            id: &f.id,
            status: s.status,
            resource_type: f.resource_type,
            resource_arn: &f.resource_arn,
            resource_owner_account: &f.resource_owner_account,
            region: &f.region,
            principal: &f.principal,
            is_public: f.is_public,
            actions: &f.actions,
            condition: &f.condition,
            shared_via: f.shared_via,
            first_seen: &s.first_seen,
            last_seen: &s.last_seen,
            account_name: &s.labels.account_name,
            ou_path: &s.labels.ou_path,
            principal_label: &s.labels.principal_label,
            principal_kind: s.labels.principal_kind,
            blocked_by: &f.blocked_by,
            network: s.labels.network.as_str(),
            network_owner: &s.labels.network_owner,
            resolved_at: s.resolved_at.as_deref(),
            archive_rule: s.archive_rule.as_deref(),
            archive_reason: s.archive_reason.as_deref(),
            conservative: f.conservative.as_deref(),
            witness: f.witness.as_ref(),
            notes: &f.notes,
        }
    }
}

/// One error of `findings.json`: what could not be read or analysed.
#[derive(Debug, Serialize)]
pub struct JsonError<'a> {
    pub account: &'a str,
    pub account_name: String,
    pub ou_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<ResourceType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_arn: Option<&'a str>,
    pub code: ErrorCode,
    pub message: &'a str,
}

impl<'a> JsonError<'a> {
    fn new(e: &'a ErrorRecord, labeler: &Labeler) -> JsonError<'a> {
        let (account_name, ou_path) = labeler.account(&e.account);
        JsonError {
            account: &e.account,
            account_name,
            ou_path,
            region: e.region.as_deref(),
            resource_type: e.resource_type,
            resource_arn: e.resource_arn.as_deref(),
            code: e.code,
            message: &e.message,
        }
    }
}

/// Writes `findings.json`.
pub fn write_json<S: Serialize, F: Serialize>(out: impl Write, report: &JsonReport<'_, S, F>) -> Result<(), Error> {
    serde_json::to_writer_pretty(out, report).map_err(|e| Error::Output(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_restored() {
        for cell in ["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            let n = neutralise(cell);
            assert!(n.starts_with('\''), "{cell}");
            assert_eq!(restore(&n), cell);
        }
        assert_eq!(neutralise("arn:aws:s3:::b"), "arn:aws:s3:::b");
        assert_eq!(restore("'plain"), "'plain");
    }

    #[test]
    fn the_bom_is_written_only_when_asked() {
        let mut with = Vec::new();
        write_csv(&mut with, &[], &[], &Labeler::default(), "t", true).expect("csv");
        assert!(with.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM first");
        let mut without = Vec::new();
        write_csv(&mut without, &[], &[], &Labeler::default(), "t", false).expect("csv");
        assert!(without.starts_with(b"id,status,"), "{:?}", String::from_utf8_lossy(&without));
        assert_eq!(&with[3..], &without[..]);
    }
}
