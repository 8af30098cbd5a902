//! `perimeter findings`: reads the findings store, filtered, as CSV or JSON on stdout.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use perimeter_model::ResourceType;
use perimeter_report::output::{write_csv, write_json, JsonReport};
use perimeter_report::{FindingFilter, Labeler, Status, Store};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The findings store (SQLite).
    #[arg(long, value_name = "FILE", default_value = "perimeter.db")]
    db: PathBuf,
    /// Only these statuses (NEW, ACTIVE, ARCHIVED, RESOLVED; repeatable or comma separated).
    #[arg(long, value_delimiter = ',')]
    status: Vec<String>,
    /// Only these resource types (Access Analyzer names).
    #[arg(long = "resource-type", value_delimiter = ',', value_parser = crate::plan::resource_type)]
    resource_types: Vec<ResourceType>,
    /// Only resources of these accounts.
    #[arg(long = "account", value_delimiter = ',')]
    accounts: Vec<String>,
    /// Only what changed since: `last` (the changes of the latest scan) or a time (`YYYY-MM-DD`
    /// or RFC 3339, UTC): findings first seen, reopened or resolved since then.
    #[arg(long, value_name = "last|DATE")]
    since: Option<String>,
    #[arg(long, default_value = "csv", value_parser = ["csv", "json"])]
    format: String,
}

/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`.
fn is_time(s: &str) -> bool {
    let shape = |pattern: &str| s.len() == pattern.len() && s.bytes().zip(pattern.bytes()).all(|(c, p)| if p == b'9' { c.is_ascii_digit() } else { c == p });
    shape("9999-99-99") || shape("9999-99-99T99:99:99Z")
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let statuses = args
        .status
        .iter()
        .map(|s| Status::parse(s).ok_or_else(|| anyhow::anyhow!("unknown status `{s}` (NEW, ACTIVE, ARCHIVED, RESOLVED)")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let resource_types = args.resource_types.clone();
    anyhow::ensure!(args.db.exists(), "no findings store at {} (run `perimeter scan` first)", args.db.display());
    let store = Store::open_read_only(&args.db)?;
    let since = match args.since.as_deref() {
        None => None,
        Some("last") => Some(store.last_scan_time()?.ok_or_else(|| anyhow::anyhow!("--since last: the store has recorded no scan yet"))?),
        Some(t) if is_time(t) => Some(t.to_string()),
        Some(t) => anyhow::bail!("--since `{t}` is neither `last` nor a time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"),
    };
    let findings = store.findings(&FindingFilter { statuses, resource_types, accounts: args.accounts.clone(), since })?;
    let mut text = Vec::new();
    if args.format == "json" {
        let summary = serde_json::json!({"findings": findings.len()});
        write_json(&mut text, &JsonReport::new(&summary, &findings, &[], &Labeler::default()))?;
        writeln!(text)?;
    } else {
        write_csv(&mut text, &findings, &[], &Labeler::default(), "", false)?;
    }
    // A reader that stops early (`| head`) is not an error: the store was read in full.
    let mut out = std::io::stdout().lock();
    match out.write_all(&text).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(anyhow::Error::new(e).context("writing to standard output")),
        _ => Ok(ExitCode::SUCCESS),
    }
}
