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
    #[arg(long, default_value = "csv", value_parser = ["csv", "json"])]
    format: String,
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
    let findings = store.findings(&FindingFilter { statuses, resource_types, accounts: args.accounts.clone() })?;
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
