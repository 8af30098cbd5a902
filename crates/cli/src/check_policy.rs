//! `perimeter check-policy`: one policy document, one resource, no AWS access. Exit 0 when
//! nothing outside the zone gets in, 1 when something does, 2 on error.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use perimeter_model::{ResourceRecord, ResourceType, Zone};
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy document (JSON); `-` reads standard input.
    file: PathBuf,
    /// Resource type, as Access Analyzer names it.
    #[arg(long, value_parser = crate::plan::resource_type, long_help = crate::plan::resource_types_help())]
    resource_type: ResourceType,
    /// ARN of the resource the policy is attached to.
    #[arg(long)]
    resource_arn: String,
    /// Account that owns the resource (always inside the zone).
    #[arg(long)]
    owner_account: String,
    /// Another account inside the zone of trust (repeatable).
    #[arg(long = "zone-account")]
    zone_accounts: Vec<String>,
    /// Organization ID of the zone (`o-…`): its accounts and OU paths are inside.
    #[arg(long)]
    zone_org: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Json,
    Text,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let policy = if args.file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).context("reading the policy from standard input")?;
        text
    } else {
        std::fs::read_to_string(&args.file).with_context(|| format!("reading {}", args.file.display()))?
    };
    for account in std::iter::once(&args.owner_account).chain(&args.zone_accounts) {
        if !crate::plan::is_account_id(account) {
            bail!("`{account}` is not a 12-digit account ID");
        }
    }
    let record = ResourceRecord::from_policy(args.resource_type, &args.resource_arn, &args.owner_account, policy);
    let accounts = std::iter::once(args.owner_account.clone()).chain(args.zone_accounts.iter().cloned());
    let zone = Zone::of_accounts(args.zone_org.as_deref(), accounts);
    let analysis = perimeter_evaluator::analyze(&record, &zone);

    if let Some(error) = analysis.errors.first() {
        match args.format {
            Format::Json => print_json(&json!({"error": {
                "code": error.code, "pointer": error.pointer, "message": error.message,
            }}))?,
            Format::Text => print_line(&format!("error: {}: {}", error.document, error.message)),
        }
        return Ok(ExitCode::from(2));
    }
    match args.format {
        Format::Json => {
            let findings: Vec<_> = analysis
                .findings
                .iter()
                .map(|f| {
                    let mut v = json!({
                        "principal": f.principal, "actions": f.actions, "condition": f.condition,
                        "is_public": f.is_public, "shared_via": f.shared_via, "witness": f.witness,
                    });
                    if let Some(reason) = &f.conservative {
                        v["conservative"] = json!(reason);
                    }
                    if !f.notes.is_empty() {
                        v["notes"] = json!(f.notes);
                    }
                    v
                })
                .collect();
            print_json(&json!({ "findings": findings }))?;
        }
        Format::Text => {
            if analysis.findings.is_empty() {
                print_line("no external access");
            }
            for f in &analysis.findings {
                let kind = if f.is_public { "PUBLIC" } else { "CROSS-ACCOUNT" };
                let condition: Vec<String> =
                    f.condition.iter().map(|(k, v)| format!("{k} = {}", v.join(" | "))).collect();
                print_line(&format!("{kind} {} via {}: {}", f.principal, f.shared_via.as_str(), f.actions.join(", ")));
                if !condition.is_empty() {
                    print_line(&format!("    when {}", condition.join("; ")));
                }
                if let Some(reason) = &f.conservative {
                    print_line(&format!("    conservative: {reason}"));
                }
            }
        }
    }
    Ok(ExitCode::from(if analysis.findings.is_empty() { 0 } else { 1 }))
}

fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    print_line(&serde_json::to_string_pretty(value)?);
    Ok(())
}

#[expect(clippy::print_stdout, reason = "check-policy writes its report on stdout")]
fn print_line(line: &str) {
    println!("{line}");
}
