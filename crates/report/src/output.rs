//! The report files: `findings.csv` (RFC 4180, the required columns first, one row per finding
//! and one per error, every cell a spreadsheet would run as a formula neutralised, optional
//! UTF-8 BOM) and `findings.json` (the same fields, lists and maps as JSON).

use std::io::Write;

use perimeter_model::ErrorRecord;
use serde::Serialize;

use crate::store::StoredFinding;
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
        f.archive_rule.clone().unwrap_or_default(),
        f.archive_reason.clone().unwrap_or_default(),
        x.conservative.clone().unwrap_or_default(),
        x.witness.as_ref().map(|w| serde_json::to_string(w).unwrap_or_default()).unwrap_or_default(),
    ]
}

/// The cells of one error row: what could not be read, with the status `ERROR`.
pub fn error_cells(e: &ErrorRecord, now: &str) -> Vec<String> {
    let mut cells = vec![String::new(); COLUMNS.len()];
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
pub fn write_csv(out: impl Write, findings: &[StoredFinding], errors: &[ErrorRecord], now: &str, bom: bool) -> Result<(), Error> {
    let mut out = out;
    if bom {
        out.write_all("\u{feff}".as_bytes()).map_err(|e| Error::Output(e.to_string()))?;
    }
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    let csv_err = |e: csv::Error| Error::Output(e.to_string());
    w.write_record(COLUMNS).map_err(csv_err)?;
    for f in findings {
        w.write_record(finding_cells(f).iter().map(|c| neutralise(c))).map_err(csv_err)?;
    }
    for e in errors {
        w.write_record(error_cells(e, now).iter().map(|c| neutralise(c))).map_err(csv_err)?;
    }
    w.flush().map_err(|e| Error::Output(e.to_string()))?;
    Ok(())
}

/// The JSON report.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a, S: Serialize> {
    pub summary: &'a S,
    pub findings: &'a [StoredFinding],
    pub errors: &'a [ErrorRecord],
}

/// Writes `findings.json`.
pub fn write_json<S: Serialize>(out: impl Write, report: &JsonReport<'_, S>) -> Result<(), Error> {
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
        write_csv(&mut with, &[], &[], "t", true).expect("csv");
        assert!(with.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM first");
        let mut without = Vec::new();
        write_csv(&mut without, &[], &[], "t", false).expect("csv");
        assert!(without.starts_with(b"id,status,"), "{:?}", String::from_utf8_lossy(&without));
        assert_eq!(&with[3..], &without[..]);
    }
}
